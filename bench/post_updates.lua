-- Out-of-order updates: every request is a new notification (fresh uuid) for
-- one of a few thousand messages per wrk thread, carrying a random
-- lastModifiedTime, readStatus and messageStatus, and sometimes a thin body
-- (only id + times). About half the versions arrive older than the one already
-- stored, so the writer's stale/re-fold path is exercised, not only inserts.
--
--   wrk -t1 -c64 -d10s -s bench/post_updates.lua http://127.0.0.1:8080/webhook

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local next_id = 0
local run_nonce = nil

function setup(thread)
   if run_nonce == nil then
      local f = io.open("/dev/urandom", "rb")
      local b = f:read(4)
      f:close()
      run_nonce = 0
      for i = 1, #b do run_nonce = run_nonce * 256 + b:byte(i) end
   end
   thread:set("id", next_id)
   thread:set("nonce", run_nonce)
   next_id = next_id + 1
end

local counter = 0
local MESSAGES = 4096
local base_time
local req_head
local statuses = { "Received", "Queued", "Sent", "Delivered", "DeliveryFailed" }
local reads = { "Read", "Unread" }

local function iso(t, ms)
   return os.date("!%Y-%m-%dT%H:%M:%S", t) .. string.format(".%03dZ", ms)
end

function init(args)
   base_time = os.time() - 3600
   math.randomseed(nonce + id * 104729)
   req_head = "POST " .. wrk.path .. " HTTP/1.1\r\nHost: " .. wrk.host .. ":" .. wrk.port ..
              "\r\nContent-Type: application/json\r\nContent-Length: "
end

function request()
   counter = counter + 1
   local k = math.random(0, MESSAGES - 1)
   local msg_id = string.format("9%05d%02d%06d", nonce % 100000, id % 100, k)
   local uuid = string.format("%08x-%04x-4000-8000-%012x", nonce % 4294967296, id % 65536, counter)
   local created = base_time + k % 600
   local modified = created + math.random(0, 3000)
   local body
   if math.random() < 0.2 then
      body = string.format('{"id":"%s","lastModifiedTime":"%s","readStatus":"%s"}',
                           msg_id, iso(modified, math.random(0, 999)), reads[math.random(#reads)])
   else
      body = string.format(
         '{"id":"%s","to":[{"phoneNumber":"+1650555%04d","name":"Lena Kim"}],' ..
         '"from":{"phoneNumber":"+18664320%03d"},"type":"SMS","creationTime":"%s",' ..
         '"lastModifiedTime":"%s","readStatus":"%s","priority":"Normal","direction":"Outbound",' ..
         '"availability":"Alive","subject":"status update %d","messageStatus":"%s",' ..
         '"conversationId":"%d"}',
         msg_id, k % 10000, k % 100, iso(created, 0), iso(modified, math.random(0, 999)),
         reads[math.random(#reads)], counter, statuses[math.random(#statuses)], 7000000 + k)
   end
   local text = string.format(
      '{"uuid":"%s","event":"/restapi/v1.0/account/~/extension/823476228700/message-store/instant?type=SMS",' ..
      '"subscriptionId":"dc853541-66ac-45d8-a289-1a239fd72888","ownerId":"823476228700",' ..
      '"timestamp":"%s","body":%s}', uuid, iso(modified + 1, 0), body)
   return req_head .. #text .. "\r\n\r\n" .. text
end

function done(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format(
      "WRKRESULT rps=%.1f requests=%d duration_s=%.3f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
      "non2xx=%d connect_err=%d read_err=%d write_err=%d timeouts=%d retries_sent=0\n",
      summary.requests / secs, summary.requests, secs,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000,
      e.status, e.connect, e.read, e.write, e.timeout))
   io.write(string.format("WRKEXTRA p999_ms=%.3f\n", latency:percentile(99.9) / 1000))
end
