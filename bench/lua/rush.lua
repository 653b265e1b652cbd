-- The rush: every guest confirms once, as fast as the connections allow (run with one thread; with as many
-- connections as guests, all at once). POST /api/events/{id}/confirm-attendance {"seats": n}.
-- Args: <rush file> <event id> [mode [price]]; bench/seed_events.py writes one "token seats" line per guest (an
-- accepted request or invitation each). Modes:
--   confirm (default)  the free rush above;
--   order              the paid rush: POST /api/payments/orders {"event_id", "amount": price, "seats_count"};
--   callback           PayU's redirect of each paid order: the file holds one form-encoded success notice per
--                      line (bench/pay_notices.py), POSTed to /api/payments/payu/success (answered 303).
--
-- A one-shot burst, not a steady state: delay() lets exactly one request per line through (once every line is
-- taken, a connection's next request waits out the run), response() stops wrk as soon as the last answer is in
-- (SIGINT to itself: wrk's main thread otherwise sleeps out -d). The burst is timed with CLOCK_MONOTONIC through
-- LuaJIT's FFI, from the first request sent to the last answer received. Socket errors after a connection's
-- answer (the server closing it when idle past its keep-alive) do not matter: report.py checks that every
-- guest was answered.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
int kill(int pid, int sig);
int getpid(void);
]]
local clock = ffi.new("bench_timespec")
local function now_ms()
   ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
   return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local confirmations, path
local reserved, sent, answered = 0, 0, 0
statuses = {}
bodies = {}
first_ms, last_ms = nil, nil

function init(args)
   local mode, price = args[3] or "confirm", args[4] or "0"
   confirmations = {}
   for line in assert(io.open(args[1], "r")):lines() do
      if mode == "callback" then
         if #line > 0 then
            table.insert(confirmations, {
               headers = { ["Content-Type"] = "application/x-www-form-urlencoded" },
               body = line,
            })
         end
      else
         local token, seats = line:match("^(%S+) (%d+)$")
         if token then
            local body = '{"seats":' .. seats .. "}"
            if mode == "order" then
               body = '{"event_id":' .. args[2] .. ',"amount":' .. price .. ',"seats_count":' .. seats .. "}"
            end
            table.insert(confirmations, {
               headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" },
               body = body,
            })
         end
      end
   end
   assert(#confirmations > 0, "no lines in " .. args[1])
   expected = #confirmations
   path = "/api/events/" .. args[2] .. "/confirm-attendance"
   if mode == "order" then path = "/api/payments/orders" end
   if mode == "callback" then path = "/api/payments/payu/success" end
end

function delay()
   if reserved >= #confirmations then
      return 3600000 -- this connection has sent its confirmation: nothing more until wrk stops
   end
   reserved = reserved + 1
   return 0
end

function request()
   if reserved == 0 then -- wrk calls request() once at setup to inspect it: not sent
      return wrk.format("POST", path, confirmations[1].headers, confirmations[1].body)
   end
   sent = sent + 1
   if first_ms == nil then first_ms = now_ms() end
   local c = confirmations[sent]
   if c == nil then -- a connection dropped mid-request resends without delay(): never a second confirmation
      return wrk.format("GET", "/health")
   end
   return wrk.format("POST", path, c.headers, c.body)
end

function response(status, headers, body)
   answered = answered + 1
   statuses[status] = (statuses[status] or 0) + 1
   if bodies[status] == nil then bodies[status] = string.sub(body or "", 1, 300):gsub('[\r\n"\\]', " ") end
   if status < 200 or status > 303 then
      if first_error == nil then
         first_error = tostring(status) .. " " .. string.sub(body or "", 1, 400):gsub("[\r\n]", " ")
      end
   end
   if answered == #confirmations then
      last_ms = now_ms()
      ffi.C.kill(ffi.C.getpid(), 2) -- SIGINT: wrk's main thread wakes, stops the threads, reports
   end
end

function extra_json(threads)
   local t = threads[1]
   local counts, samples = {}, {}
   for status, n in pairs(t:get("statuses") or {}) do table.insert(counts, string.format('"%d":%d', status, n)) end
   for status, text in pairs(t:get("bodies") or {}) do table.insert(samples, string.format('"%d":"%s"', status, text)) end
   local first, last = t:get("first_ms"), t:get("last_ms")
   return string.format(',"guests":%d,"burst_ms":%.1f,"statuses":{%s},"samples":{%s}',
      t:get("expected") or 0, (first and last) and (last - first) or -1, table.concat(counts, ","),
      table.concat(samples, ","))
end
