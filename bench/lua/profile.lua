-- GET <url> (/api/auth/profile, /api/events), rotating over the bearer tokens of many members (one per line in
-- the file given as the first argument; bench/seed.py and bench/seed_events.py mint them). Arg 2: where to start.
-- Arg 3 "once": every token exactly once, then wrk stops (report.lua's once(); run.sh primes the feed cache).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local requests, position

function init(args)
   requests = {}
   for line in assert(io.open(args[1], "r")):lines() do
      if #line > 0 then
         table.insert(requests, wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. line }, nil))
      end
   end
   assert(#requests > 0, "no tokens in " .. args[1])
   position = (tonumber(args[2] or "0") + tid * 997) % #requests
   if args[3] == "once" then
      position = #requests - 1 -- wrk's setup call of request() takes the last one: 1.. then the last, each once
      once(#requests)
   end
end

function request()
   position = position % #requests + 1
   return requests[position]
end
