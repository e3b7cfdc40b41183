#!/usr/bin/env python3
"""A subscription RingCentral blacklisted, or deleted, comes back (docs/deploy.md, section 4a):
after the fake blacklists it, the daemon logs the reason, deletes it and
creates a new one within one check interval; messages created in the fake
meanwhile (never notified) reach the archive through the incremental sync that
follows; `recreations` is 1 in /v1/subscription and in
rcvault_subscription_recreations_total. A subscription deleted on the server's
side (404) is recreated the same way (recreations 2) and the new one delivers.

    subscription_recover_test.py RCVAULT_BINARY
"""
import os
import tempfile
import time

import rcv
import subtest as st
from rcv import check
from synctest import OWNER, start_fake

CHECK_S = 2
SLACK_S = 5          # a check's own requests on a shared, sanitized build
REASON = "I/O operation is failed. Details: [Read timed out] (subscription test)"


def first_sync_done(d):
    code, body = rcv.get_json(d.query, "/v1/sync")
    box = next((m for m in (body or {}).get("extensions", []) if m.get("extensionId") == OWNER), {})
    return code == 200 and box.get("lastSyncTime") and box.get("state") == "idle"


def archived(d, ids):
    return all(rcv.get_json(d.query, "/v1/messages/%s" % i)[0] == 200 for i in ids)


def new_messages(fake, n):
    return [fake.control("POST", "/_fake/messages", {"extension": "~", "template": "sms"})["records"][0]["id"]
            for _ in range(n)]


def recovered(fake, d, old, what):
    """Waits for a new active subscription other than `old`; checks the fake
    keeps exactly that one, with the token, and that it came in time."""
    started = time.monotonic()
    s = st.wait_active(d, "a new subscription after " + what, timeout=CHECK_S + 30, not_id=old)
    took = time.monotonic() - started
    check(took <= CHECK_S + SLACK_S, "after %s a new subscription exists within one check interval (%.1f s, "
          "interval %d s)" % (what, took, CHECK_S))
    subs = st.fake_subs(fake)
    check([(x["id"], x["status"], x["verificationToken"]) for x in subs] == [(s["id"], "Active", st.TOKEN)],
          "the fake keeps only the new one, created with the token (%r)" % subs)
    return s


def main(binary):
    with tempfile.TemporaryDirectory() as tmp, start_fake(tmp) as fake, st.Proxy() as proxy:
        env = st.sub_env(fake, proxy, subscription_check_interval_seconds=CHECK_S)
        with st.start(binary, os.path.join(tmp, "r.db"), env, proxy) as d:
            a = st.wait_active(d)
            st.wait_for("the first sync", lambda: first_sync_done(d), timeout=60)

            # Blacklisted: nothing is delivered any more; messages arrive meanwhile.
            seq = st.last_seq(fake)
            fake.control("POST", "/_fake/subscriptions/blacklist", {"id": a["id"], "reason": REASON})
            gap = new_messages(fake, 3)
            r = fake.control("POST", "/_fake/notify", {"template": "message-store", "message_ids": gap})
            check(all(x["status"] is None for x in r["deliveries"]), "the blacklisted subscription delivers nothing")
            b = recovered(fake, d, a["id"], "blacklisting")
            calls = st.sub_calls(fake, seq)
            check(("delete", a["id"], 204) in calls and len(st.kinds(calls, "create")) == 1,
                  "the blacklisted one was deleted, one created (%r)" % calls)
            check(any(REASON in line for line in d.log), "blacklistedData.reason is logged")
            st.wait_for("the gap's messages in the archive", lambda: archived(d, gap), timeout=30)
            check(True, "the %d messages created while blacklisted are in the archive" % len(gap))
            b = st.state(d)
            check(b.get("recreations") == 1, "/v1/subscription recreations 1 (%r)" % b.get("recreations"))
            check(st.metrics(d).get("rcvault_subscription_recreations_total") == 1,
                  "rcvault_subscription_recreations_total 1")

            # Gone on the server's side (404): created anew, the gap filled again.
            fake.control("POST", "/_fake/subscriptions/delete", {"id": b["id"]})
            gap = new_messages(fake, 2)
            c = recovered(fake, d, b["id"], "deletion on the server's side")
            st.wait_for("the second gap's messages in the archive", lambda: archived(d, gap), timeout=30)
            check(True, "the messages created while it was gone are in the archive")
            c = st.state(d)
            check(c.get("recreations") == 2 and st.metrics(d).get("rcvault_subscription_recreations_total") == 2,
                  "recreations 2 after the second loss (%r)" % c.get("recreations"))

            # The new subscription delivers.
            mid = new_messages(fake, 1)[0]
            r = fake.control("POST", "/_fake/notify", {"template": "instant-sms", "message_id": mid})
            check([(x["subscription"], x["status"]) for x in r["deliveries"]] == [(c["id"], 200)],
                  "the new subscription delivers to the daemon (%r)" % r["deliveries"])
            st.stop(d, proxy)
    return 0


if __name__ == "__main__":
    rcv.run(main)
