#!/usr/bin/env python3
"""Message Sync inside `rcvault serve` (docs/sync.md): the first sync at start
shows in GET /v1/sync; a message_store_changes notification posted to the
running daemon brings the fake's new outbound message into /v1/messages within
5 s; an expired access token is refreshed once and the sync goes on; a refused
JWT shows in /v1/sync while webhooks still get 200 and /readyz stays 200; no
secret reaches the log; without the API configured /v1/sync answers 404.

    sync_serve_test.py RCVAULT_BINARY
"""
import http.client
import os
import signal
import tempfile
import time

import rcv
from rcv import check
from synctest import CLIENT_SECRET, JWT, OWNER, api_env, start_fake, wait_for

POKE_DEADLINE_S = 5.0


def sync_status(d):
    status, body = rcv.get_json(d.query, "/v1/sync")
    return status, body


def mailbox(d, extension=OWNER):
    status, body = sync_status(d)
    if status != 200:
        return None
    return next((m for m in body.get("extensions", []) if m.get("extensionId") == extension), None)


def notify_changes(fake, d):
    """The fake posts a message_store_changes notification for the owner's mailbox to the daemon."""
    url = "http://%s:%d/webhook" % d.ingest
    r = fake.control("POST", "/_fake/notify", {"template": "message-store", "extension": "~", "address": url})
    statuses = [x["status"] for x in r["deliveries"]]
    check(statuses == [200], "the daemon acknowledged the message_store_changes notification (%r)" % statuses)


def arrives_within(d, message_id, seconds):
    """Seconds until GET /v1/messages/{id} answers 200, or None after `seconds`."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        status, _ = rcv.get_json(d.query, "/v1/messages/%s" % message_id)
        if status == 200:
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def new_outbound(fake):
    return fake.control("POST", "/_fake/messages", {"extension": "~", "template": "sms_outbound"})["records"][0]["id"]


def main(binary):
    with tempfile.TemporaryDirectory() as tmp, start_fake(tmp) as fake:
        # Without the API: 404 not_configured.
        plain_env = {k: v for k, v in api_env(fake).items() if not k.startswith("RCVAULT_RINGCENTRAL")}
        with rcv.Daemon(binary, os.path.join(tmp, "plain.db"), env=plain_env).start() as d:
            status, body = sync_status(d)
            check(status == 404 and body and "not_configured" in str(body), "without the API: /v1/sync 404 not_configured")
            d.signal(signal.SIGTERM)
            d.wait()

        fake.control("POST", "/_fake/messages/generate", {"extension": "~", "count": 20, "types": ["SMS"]})
        # A long interval: only a poke explains a sync within seconds.
        env = api_env(fake, sync_interval_seconds=3600, log_level="debug")
        with rcv.Daemon(binary, os.path.join(tmp, "serve.db"), env=env).start() as d:
            m = wait_for("the first sync", lambda: (mailbox(d) or {}).get("lastSyncTime") and mailbox(d), timeout=60)
            check(m["state"] == "idle" and m["records"] == 20 and m.get("lastFullSyncTime"),
                  "the first sync at start shows in /v1/sync (%r)" % m)
            status, body = sync_status(d)
            check(body["token"]["state"] == "ok" and "expiresAt" in body["token"], "the token shows as ok")

            # Sync on change.
            mid = new_outbound(fake)
            notify_changes(fake, d)
            took = arrives_within(d, mid, POKE_DEADLINE_S)
            check(took is not None, "a poked sync brings the new outbound message within %.0f s (%.2f s)"
                  % (POKE_DEADLINE_S, took or -1))

            # An expired access token: refreshed once, the sync goes on.
            fake.control("POST", "/_fake/requests/reset")
            fake.control("POST", "/_fake/tokens/expire", {})
            mid = new_outbound(fake)
            notify_changes(fake, d)
            check(arrives_within(d, mid, POKE_DEADLINE_S) is not None, "after the access token expired, the poke still syncs")
            log = fake.requests(0)
            expired = [r for r in log if r.get("bearer") == "expired"]
            grants = [r for r in log if r["path"] == "/restapi/oauth/token"]
            check(len(expired) == 1 and len(grants) == 1 and grants[0]["t"] > expired[0]["t"],
                  "one 401 for the expired token, then one token request (%d, %d)" % (len(expired), len(grants)))

            # A refused JWT: shown in /v1/sync; webhooks and /readyz unaffected.
            fake.control("POST", "/_fake/jwt", {"refuse": True})
            fake.control("POST", "/_fake/tokens/expire", {})
            notify_changes(fake, d)
            body = wait_for("the refusal in /v1/sync", lambda: (lambda s: s[1]["token"]["state"] == "failed" and s[1])(
                sync_status(d)), timeout=30)
            check(body["token"].get("error", {}).get("code") == "OAU-140",
                  "/v1/sync shows the refused JWT with its errorCode (%r)" % body["token"])
            conn = http.client.HTTPConnection(*d.ingest, timeout=10)
            statuses = [rcv.post(conn, rcv.notification("refused-jwt", i)[2])[0] for i in range(20)]
            conn.close()
            check(statuses == [200] * 20, "webhooks still get 200 while the JWT is refused")
            check(rcv.get_json(d.query, "/readyz")[0] == 200, "/readyz stays 200")
            text = "\n".join(d.log) + str(body)
            check(CLIENT_SECRET not in text and JWT not in text, "no secret in the daemon's log or /v1/sync")

            d.signal(signal.SIGTERM)
            started = time.monotonic()
            rc = d.wait(30)
            check(rc == 0 and time.monotonic() - started < 10, "SIGTERM: exit 0 at once (rc=%r)" % rc)
    return 0


if __name__ == "__main__":
    rcv.run(main)
