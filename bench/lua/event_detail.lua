-- GET /api/events/{id}: request k reads event ids[k] as members[k] (both lists rotate, independently).
-- Args: <bearer tokens file> <event ids file> [start] [once]. bench/seed_events.py writes both: the feed
-- readers' tokens and the ids of the events the detail scenarios read (the soonest upcoming ones a member may
-- open). With "once", every id is read exactly once and wrk stops when all are answered (report.lua's once()):
-- run.sh primes the cache this way before the cached scenario.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local tokens, ids, position

local function lines(path)
   local found = {}
   for line in assert(io.open(path, "r")):lines() do
      if #line > 0 then table.insert(found, line) end
   end
   assert(#found > 0, "nothing in " .. path)
   return found
end

function init(args)
   tokens = {}
   for _, token in ipairs(lines(args[1])) do
      table.insert(tokens, { ["Authorization"] = "Bearer " .. token })
   end
   ids = lines(args[2])
   position = tonumber(args[3] or "0") + tid * 997
   if args[4] == "once" then
      position = -1 -- wrk's setup call of request() takes 0: ids 1.. then the first, each once
      once(#ids)
   end
end

function request()
   position = position + 1
   local headers = tokens[position % #tokens + 1]
   return wrk.format("GET", "/api/events/" .. ids[position % #ids + 1], headers, nil)
end
