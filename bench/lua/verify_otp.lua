-- POST /api/auth/verify-otp, every request a different seeded phone with its valid code (codes are single
-- use). Args: <phone base> <first index> <threads>. Phone i is "+91<base + i>" and its code is
-- (i * 7919 + 1234) % 10000, as bench/seed.py seeds them. Thread t takes indexes first + t, first + t + threads...
-- done() reports "next_index": the first index no thread has used yet, for the next run to start from.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local base, index, step
local headers = { ["Content-Type"] = "application/json" }

function init(args)
   base = tonumber(args[1])
   step = tonumber(args[3] or "1")
   index = tonumber(args[2]) + tid
   next_index = index
end

function request()
   local i = index
   index = index + step
   next_index = index
   local body = string.format('{"phone_number":"+91%.0f","otp_code":"%04d"}', base + i, (i * 7919 + 1234) % 10000)
   return wrk.format("POST", nil, headers, body)
end

function extra_json(threads)
   local high = 0
   for _, t in ipairs(threads) do
      local n = t:get("next_index") or 0
      if n > high then high = n end
   end
   return string.format(',"next_index":%.0f', high)
end
