-- wrk script: POSTs one-report JSON bodies with a partner key to /api/v1/reports.
-- Every request names a new URL, so the case table grows as it would under real intake.
-- The key comes from the SEGNALA_BENCH_KEY environment variable.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("SEGNALA_BENCH_KEY")
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"category":"phishing","urls":["https://bench-%d-%d.example/login?session=%d"],' ..
    '"description":"Fake bank login page received by SMS"}', id, counter, counter)
  return wrk.format(nil, nil, nil, body)
end
