-- POST /api/events/{id}/check-in as the event's host, every request a different ticket code.
-- Args: <door file> <first index> <threads>. bench/seed_events.py writes one "event_id host_token secret" line per
-- ticket, shuffled across the door events. Thread t takes lines first + t, first + t + threads... (wrapping
-- around past the end: run.sh fails the run when that happened, since repeats are cheaper than check-ins).
-- done() reports "next_index": the first line no thread has used yet, for the next run to start from.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local scans, index, step

function init(args)
   scans = {}
   for line in assert(io.open(args[1], "r")):lines() do
      local event, token, secret = line:match("^(%d+) (%S+) (%S+)$")
      if event then
         table.insert(scans, {
            path = "/api/events/" .. event .. "/check-in",
            headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" },
            body = '{"ticket_secret":"' .. secret .. '"}',
         })
      end
   end
   assert(#scans > 0, "no tickets in " .. args[1])
   step = tonumber(args[3] or "1")
   index = tonumber(args[2]) + tid
   next_index = index
end

function request()
   local scan = scans[index % #scans + 1]
   index = index + step
   next_index = index
   return wrk.format("POST", scan.path, scan.headers, scan.body)
end

function extra_json(threads)
   local high = 0
   for _, t in ipairs(threads) do
      local n = t:get("next_index") or 0
      if n > high then high = n end
   end
   return string.format(',"next_index":%.0f', high)
end
