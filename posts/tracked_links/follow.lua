-- One round trip on the redirect's hot path (posts/tracked_links/__init__.py builds every
-- argument): look the code up and, when the visit counts and the visitor is not the
-- sharer, append the click event to the stream. Returns the cached link, or nil.
--
-- KEYS[1]  the cached link: "<share id><sep><sharer id><sep><destination>"
-- KEYS[2]  the click stream
-- ARGV[1]  <sep>, the separator of the cached link's fields
-- ARGV[2]  the visitor's user id, or "" for an anonymous visitor
-- ARGV[3]  the click event's field name, or "" when the visit does not count
-- ARGV[4]  the click event's value before the share id
-- ARGV[5]  the click event's value after the share id
local link = redis.call('GET', KEYS[1])
if not link then return false end
if ARGV[3] ~= '' then
  local first = string.find(link, ARGV[1], 1, true)
  local second = string.find(link, ARGV[1], first + 1, true)
  if ARGV[2] ~= string.sub(link, first + 1, second - 1) then
    redis.call('XADD', KEYS[2], '*', ARGV[3], ARGV[4] .. string.sub(link, 1, first - 1) .. ARGV[5])
  end
end
return link
