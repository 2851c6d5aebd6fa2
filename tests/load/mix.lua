-- wrk script for tests/load/test_load.py: what admins do at once against tenantdesk-server.
--   TENANTDESK_LOAD_TOKEN    a platform admin's access token
--   TENANTDESK_LOAD_TENANTS  the tenant ids to read and change, separated by commas
-- Of every 100 requests: 15 tenant lists, 15 users pages, 25 single tenants, 15 audit pages and
-- 30 changes (PATCH with If-Match: half rename the tenant, half change an integration setting),
-- each on a tenant drawn at random. A change is made on the version this wrk thread saw last (from
-- an ETag answer, or from a 412's current version); other threads and connections change the same
-- tenants, so some changes are refused with 412, as they would be between admins.
-- At the end one line "TENANTDESK_LOAD_RESULT {json}": the answers per status, the latency
-- percentiles (microseconds) and wrk's error counts.

local token = os.getenv("TENANTDESK_LOAD_TOKEN")
local ids = {}
for id in string.gmatch(os.getenv("TENANTDESK_LOAD_TENANTS") or "", "%d+") do
    ids[#ids + 1] = id
end
local threads = {}

function setup(thread)
    threads[#threads + 1] = thread
    thread:set("number", #threads)
end

local versions = {} -- tenant id → the version this thread saw last
local sequence = 0

function init(args)
    counts = {}
    math.randomseed(os.time() * 1000 + number)
end

local function headers(extra)
    local h = {["Authorization"] = "Bearer " .. token}
    for k, v in pairs(extra or {}) do
        h[k] = v
    end
    return h
end

function request()
    local roll = math.random(100)
    local id = ids[math.random(#ids)]
    if roll <= 30 and versions[id] then
        sequence = sequence + 1
        local body
        if sequence % 2 == 0 then
            body = string.format('{"display_name":"Load %s t%d #%d"}', id, number, sequence)
        else
            body = string.format('{"settings":{"load.sequence":"t%d #%d"}}', number, sequence)
        end
        return wrk.format("PATCH", "/api/v1/tenants/" .. id,
                          headers({["If-Match"] = '"' .. versions[id] .. '"', ["Content-Type"] = "application/json"}),
                          body)
    elseif roll <= 45 then
        return wrk.format("GET", "/api/v1/tenants?limit=50", headers())
    elseif roll <= 60 then
        return wrk.format("GET", "/api/v1/users?limit=50", headers())
    elseif roll <= 75 then
        return wrk.format("GET", "/api/v1/audit?limit=50&tenant_id=" .. id, headers())
    else
        return wrk.format("GET", "/api/v1/tenants/" .. id, headers())
    end
end

function response(status, headers, body)
    counts[status] = (counts[status] or 0) + 1
    -- A tenant (GET or PATCH, with its ETag) or a 412 naming the tenant's current version.
    if headers["ETag"] or status == 412 then
        local text = body
        if status == 412 then
            text = string.match(body, '"current":(%b{})') or ""
        end
        local id = string.match(text, '^{"id":(%d+)') or string.match(text, '[{,]"id":(%d+)')
        local version = string.match(text, '"version":(%d+)')
        if id and version then
            versions[id] = version
        end
    end
end

function done(summary, latency, requests)
    local total = {}
    for _, thread in ipairs(threads) do
        for status, n in pairs(thread:get("counts")) do
            total[status] = (total[status] or 0) + n
        end
    end
    local parts = {}
    for status, n in pairs(total) do
        parts[#parts + 1] = string.format('"%d":%d', status, n)
    end
    local e = summary.errors
    io.write(string.format(
        'TENANTDESK_LOAD_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"statuses":{%s},' ..
        '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d},' ..
        '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f}}\n',
        summary.requests, summary.duration, summary.bytes, table.concat(parts, ","),
        e.connect, e.read, e.write, e.timeout, e.status,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
        latency.max, latency.mean))
end
