-- GET /api/auth/profile, rotating over the bearer tokens of many members (one per line in the file given as
-- the first argument; bench/seed.py mints them). Arg 2: where in the list to start.
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
end

function request()
   position = position % #requests + 1
   return requests[position]
end
