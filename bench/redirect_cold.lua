-- wrk script for bench/redirect's cold run: every code of a file exactly once, none of them
-- cached yet, so the first (and only) hit of each reads the database.
-- Usage: wrk -t<T> ... -s bench/redirect_cold.lua <url> -- <codes file> <T>
-- Thread i takes codes i, i+T, i+2T, ... and stops once each of its codes was answered.
local all = {}
local threads = {}
local counter = 0
sent = 0 -- cold requests written by this thread
answered = 0

wrk.headers["User-Agent"] =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local mine = {}

function init(args)
  local step = tonumber(args[2])
  local n = 0
  for line in io.lines(args[1]) do
    if #line > 0 then
      if n % step == id then mine[#mine + 1] = line end
      n = n + 1
    end
  end
end

function request()
  if sent < #mine then
    sent = sent + 1
    return wrk.format("GET", "/r/" .. mine[sent])
  end
  -- Every code is out: keep the connection busy with a HEAD of the first one (not counted)
  -- until the last answers arrive.
  return wrk.format("HEAD", "/r/" .. mine[1])
end

function response(status, headers, body)
  answered = answered + 1
  if answered >= #mine then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
  end
  io.write(string.format("Requests sent: %d\n", total))
end
