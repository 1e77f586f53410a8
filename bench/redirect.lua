-- wrk script for bench/redirect: GET /r/<code> over the seeded codes, or the bare redirect.
-- Usage: wrk ... -s bench/redirect.lua <url> -- <codes file> [bare|tracked|head] [close]
-- "close" sends Connection: close, a new connection per request (as each visitor's click is).
local codes = {}
local bare = false
local method = "GET"
local threads = {}
sent = 0 -- requests written by this thread, including any still in flight when wrk stops

wrk.headers["User-Agent"] =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then codes[#codes + 1] = line end
  end
  bare = args[2] == "bare"
  -- "head": HEAD over the codes (redirected, never counted), to warm the workers' memory.
  if args[2] == "head" then method = "HEAD" end
  if args[3] == "close" then wrk.headers["Connection"] = "close" end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function setup(thread)
  table.insert(threads, thread)
end

function request()
  sent = sent + 1
  if bare then
    return wrk.format("GET", "/bench-bare/")
  end
  return wrk.format(method, "/r/" .. codes[math.random(#codes)])
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
  end
  io.write(string.format("Requests sent: %d\n", total))
end
