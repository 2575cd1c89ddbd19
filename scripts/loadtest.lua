-- The load test's requests, for wrk: signed-in sessions of fictional people ask for their pages.
--
--   LOADTEST_SESSIONS=var/loadtest/sessions.tsv LOADTEST_JSON=var/loadtest/wrk.json \
--     wrk -t2 -c100 -d300s --timeout 30s --latency -s scripts/loadtest.lua http://127.0.0.1:8077
--
-- The pages come from the file `manage.py loadtest_sessions` writes (LOADTEST_SESSIONS), one per
-- line and the people in turn. Each thread takes the lines round robin, starting at a place of
-- its own, so that every session is busy and the threads are at different sessions at any one
-- time. Each request carries its session's cookie.
--
-- Only a 200 counts as a success: a redirect means the session was refused and the sign-in page
-- came back. done() prints JSON (and writes it to LOADTEST_JSON when set): the requests, their
-- rate, the latency percentiles in milliseconds and the errors, wrk's own (connect, read, write,
-- timeout, and status for 4xx and 5xx) and not_200, every answer that was not a 200.

local threads = {}

local function read_sessions(file_name)
  local file = assert(io.open(file_name, "r"), file_name .. " is missing: run loadtest_sessions")
  local cookie, pages, sessions, people = nil, {}, {}, {}
  for line in file:lines() do
    local name = line:match("^# cookie\t(.+)$")
    if name then
      cookie = name
    elseif line ~= "" and line:sub(1, 1) ~= "#" then
      local _, person, session, path = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)$")
      assert(path, "not a line of loadtest_sessions in " .. file_name .. ": " .. line)
      table.insert(pages, { session = session, path = path })
      sessions[session] = true
      people[person] = true
    end
  end
  file:close()
  assert(cookie, "no '# cookie' line in " .. file_name)
  assert(#pages > 0, "no pages in " .. file_name)
  local function count(set)
    local n = 0
    for _ in pairs(set) do n = n + 1 end
    return n
  end
  return cookie, pages, count(sessions), count(people)
end

function setup(thread)
  thread:set("number", #threads)
  table.insert(threads, thread)
end

-- In each thread's own Lua state.
function init(args)
  local cookie, pages
  cookie, pages, session_count, person_count = read_sessions(
    os.getenv("LOADTEST_SESSIONS") or "var/loadtest/sessions.tsv"
  )
  page_count = #pages
  requests = {}
  for i, page in ipairs(pages) do
    requests[i] = wrk.format("GET", page.path, {
      ["Host"] = wrk.headers["Host"],
      ["Cookie"] = cookie .. "=" .. page.session,
    })
  end
  -- Spread the threads' starting places over the list, for any number of threads.
  position = math.floor(page_count * ((number * 0.6180339887) % 1))
  not_200 = 0
  statuses = {}
end

function request()
  position = position % page_count + 1
  return requests[position]
end

function response(status)
  if status ~= 200 then
    not_200 = not_200 + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

-- In the main Lua state, after every thread has stopped.
function done(summary, latency, _)
  local not_200, statuses = 0, {}
  for _, thread in ipairs(threads) do
    not_200 = not_200 + thread:get("not_200")
    for status, count in pairs(thread:get("statuses")) do
      statuses[status] = (statuses[status] or 0) + count
    end
  end
  local first = threads[1]
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  local function ms(microseconds)
    return string.format("%.1f", microseconds / 1000)
  end
  local by_status = {}
  for status, count in pairs(statuses) do
    table.insert(by_status, string.format('"%s": %d', status, count))
  end
  table.sort(by_status)
  local total = errors.connect + errors.read + errors.write + errors.timeout + not_200
  local json = table.concat({
    "{",
    string.format('  "requests": %d,', summary.requests),
    string.format('  "duration_seconds": %.1f,', seconds),
    string.format('  "requests_per_second": %.1f,', summary.requests / seconds),
    string.format('  "megabytes_read": %.1f,', summary.bytes / 1048576),
    string.format(
      '  "latency_ms": {"p50": %s, "p95": %s, "p99": %s, "mean": %s, "max": %s},',
      ms(latency:percentile(50)), ms(latency:percentile(95)), ms(latency:percentile(99)),
      ms(latency.mean), ms(latency.max)
    ),
    string.format(
      '  "pages": %d, "sessions": %d, "people": %d, "threads": %d,',
      first:get("page_count"), first:get("session_count"), first:get("person_count"), #threads
    ),
    string.format(
      '  "errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d, '
        .. '"not_200": %d, "total": %d},',
      errors.connect, errors.read, errors.write, errors.timeout, errors.status, not_200, total
    ),
    '  "not_200_by_status": {' .. table.concat(by_status, ", ") .. "}",
    "}",
  }, "\n")
  print(json)
  local path = os.getenv("LOADTEST_JSON")
  if path then
    local file = assert(io.open(path, "w"))
    file:write(json, "\n")
    file:close()
  end
end
