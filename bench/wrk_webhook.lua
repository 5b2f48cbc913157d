-- wrk script for bench/wrk_bench.py: POSTs pre-signed webhook bodies, each once.
--
--   wrk -t2 -c32 -d10s --latency -s bench/wrk_webhook.lua URL -- BODIES_FILE THREADS
--
-- BODIES_FILE has one request a line: "<x-hub-signature-256>\t<json body>". Thread k of THREADS
-- sends lines k, k+THREADS, k+2*THREADS, ... so no body is sent twice while the file lasts; a
-- thread that runs out starts its slice again and counts the repeats ("wrapped"), which the
-- bench reports (a repeated body is a duplicate delivery, stored once).
-- done() prints one JSON line (prefix "WRK_JSON ") with the figures the bench reads.

local counter = 0
local threads = {}

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local requests = {}
local next_request = 1
local wrapped = 0

function init(args)
  local path, total = args[1], tonumber(args[2])
  local index = wrk.thread:get("index")
  local line_no = 0
  for line in io.lines(path) do
    if line_no % total == index then
      local tab = line:find("\t", 1, true)
      local signature, body = line:sub(1, tab - 1), line:sub(tab + 1)
      requests[#requests + 1] = wrk.format("POST", nil, {
        ["Content-Type"] = "application/json",
        ["X-Hub-Signature-256"] = signature,
      }, body)
    end
    line_no = line_no + 1
  end
end

function request()
  if next_request > #requests then
    next_request = 1
    wrapped = wrapped + 1
  end
  local r = requests[next_request]
  next_request = next_request + 1
  if wrapped > 0 then
    wrk.thread:set("wrapped", (wrk.thread:get("wrapped") or 0) + 1)
  end
  return r
end

function done(summary, latency, _)
  local repeats = 0
  for _, thread in ipairs(threads) do
    repeats = repeats + (thread:get("wrapped") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, "repeats": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, repeats))
end
