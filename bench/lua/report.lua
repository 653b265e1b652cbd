-- Shared by the bench scripts (loaded with dofile): counts non-2xx responses per thread and, in done(),
-- prints one machine-readable line for bench/run.sh:
--   BENCH_JSON {"requests":..,"rps":..,"p50_ms":..,"p90_ms":..,"p99_ms":..,"non2xx":..,"errors":{..},..}
-- plus BENCH_FIRST_ERROR <status> <body...> when a response was not 2xx.
-- A script may define extra_json(threads) (main state) returning more ',"key":value' text, and call
-- once(n) from init() to send exactly n requests (over all connections of its one thread) and stop wrk as
-- soon as all n are answered (SIGINT to itself; wrk's main thread otherwise sleeps out -d): run.sh primes the
-- event cache this way.

threads = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

non2xx = 0
first_error = nil

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if first_error == nil then
         first_error = tostring(status) .. " " .. string.sub(body or "", 1, 400):gsub("[\r\n]", " ")
      end
   end
end

function done(summary, latency, requests)
   local bad, first = 0, nil
   for _, t in ipairs(threads) do
      bad = bad + (t:get("non2xx") or 0)
      first = first or t:get("first_error")
   end
   local e = summary.errors
   local seconds = summary.duration / 1e6
   local extra = ""
   if extra_json then extra = extra_json(threads) end
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_s":%.3f,"rps":%.2f,"mean_ms":%.3f,"p50_ms":%.3f,"p90_ms":%.3f,' ..
      '"p99_ms":%.3f,"max_ms":%.3f,"non2xx":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,' ..
      '"timeout":%d}%s}\n',
      summary.requests, seconds, summary.requests / seconds, latency.mean / 1000,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, bad, e.connect, e.read, e.write, e.status, e.timeout, extra))
   if first then io.write("BENCH_FIRST_ERROR " .. first .. "\n") end
end

function once(total)
   local ffi = require("ffi")
   ffi.cdef [[
   int kill(int pid, int sig);
   int getpid(void);
   ]]
   local reserved, answered = 0, 0
   function delay() -- one request per slot, then every connection waits out the run
      if reserved >= total then return 3600000 end
      reserved = reserved + 1
      return 0
   end
   local count = response
   function response(status, headers, body)
      count(status, headers, body)
      answered = answered + 1
      if answered == total then ffi.C.kill(ffi.C.getpid(), 2) end
   end
end
