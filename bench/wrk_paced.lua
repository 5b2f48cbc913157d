-- wrk script for bench/service_bench.py: POSTs pre-signed webhooks at a constant total rate,
-- in file order, and logs when each one was sent.
--
--   wrk -t2 -c64 -d60s --latency -s bench/wrk_paced.lua URL -- BODIES THREADS RATE SENDLOG
--
-- BODIES has one request a line: "<key>\t<x-hub-signature-256>\t<json body>" in the order they
-- are to be sent (line n at n / RATE seconds after the start). Thread k of THREADS sends lines
-- k, k+THREADS, ...; its connections take turns: delay() gives each request the next slot of the
-- thread's timeline (so a slow answer on one connection does not slow the rate). Each request is logged when wrk builds it,
-- right before writing it, as "<key>\t<wall clock µs>" into SENDLOG.<thread> (line-buffered).
-- Once the file is used up a thread stops sending new bodies (it repeats the last one, counted
-- as "repeats"). done() prints one JSON line (prefix "WRK_JSON ") with the figures.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } bench_timeval;
  int gettimeofday(bench_timeval *tv, void *tz);
]]
local tv = ffi.new("bench_timeval")

local function now_us()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000000 + tonumber(tv.tv_usec)
end

local counter = 0
local threads = {}
local start_at = now_us() + 300000 -- every thread's timeline starts here

function setup(thread)
  thread:set("index", counter)
  thread:set("start_at", start_at)
  counter = counter + 1
  table.insert(threads, thread)
end

local requests, keys = {}, {}
local next_request, next_slot = 1, 0
local index, total, rate, log, t0

function init(args)
  local path = args[1]
  total, rate = tonumber(args[2]), tonumber(args[3])
  index = wrk.thread:get("index")
  t0 = wrk.thread:get("start_at")
  log = io.open(args[4] .. "." .. index, "w")
  log:setvbuf("line")
  local line_no = 0
  for line in io.lines(path) do
    if line_no % total == index then
      local a = line:find("\t", 1, true)
      local b = line:find("\t", a + 1, true)
      keys[#keys + 1] = line:sub(1, a - 1)
      requests[#requests + 1] = wrk.format("POST", nil, {
        ["Content-Type"] = "application/json",
        ["X-Hub-Signature-256"] = line:sub(a + 1, b - 1),
      }, line:sub(b + 1))
    end
    line_no = line_no + 1
  end
end

function delay()
  -- Slot n of this thread is line n * THREADS + index of the file: due at that line / RATE.
  local due = t0 + (next_slot * total + index) * 1000000 / rate
  next_slot = next_slot + 1
  local wait = (due - now_us()) / 1000
  if wait < 0 then
    return 0
  end
  return math.floor(wait)
end

function request()
  local i = next_request
  if i > #requests then
    i = #requests
    wrk.thread:set("repeats", (wrk.thread:get("repeats") or 0) + 1)
  else
    next_request = next_request + 1
    log:write(keys[i], "\t", string.format("%.0f", now_us()), "\n")
  end
  return requests[i]
end

function done(summary, latency, _)
  local repeats = 0
  for _, thread in ipairs(threads) do
    repeats = repeats + (thread:get("repeats") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, "repeats": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, repeats))
end
