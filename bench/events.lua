-- wrk script: POSTs send_message events, each with a unique id, and counts the 200s.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  key = os.getenv("GURUSUP_API_KEY")
  n = 0
  ok = 0
end
function request()
  n = n + 1
  local body = '{"event":"send_message","data":{"body":"Orders ship within 24 hours.","thread_fid":"bench","user_fid":"gurusup-ai","id":"' .. tid .. '-' .. n .. '"}}'
  return wrk.format("POST", wrk.path, { ["x-api-key"] = key, ["content-type"] = "application/json" }, body)
end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("ok") end
  io.write(string.format("OK200 %d\nRPS %.1f\n", total, summary.requests / (summary.duration / 1e6)))
end
