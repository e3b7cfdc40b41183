#!/usr/bin/env python3
"""The subscription across restarts and filter changes (docs/deploy.md, section 4a): with filters
of its own (one on a mailbox the fake forbids, which RingCentral moves to
disabledFilters) the daemon changes nothing over several checks; a restart
finds and keeps the existing subscription (no create, no delete); a restart
with one more filter in subscription.event_filters mends it with PUT (same
id); filters altered on the fake's side are mended with PUT within a check
interval; a restart with a changed verification token recreates it with the
new token, and notifications carrying the new token are stored.

    subscription_restart_test.py RCVAULT_BINARY
"""
import os
import tempfile
import time

import rcv
import subtest as st
from rcv import check
from synctest import start_fake

CHECK_S = 1
FORBIDDEN = "4100000001"
BASE = ["/restapi/v1.0/account/~/extension/~/message-store",
        "/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS",
        "/restapi/v1.0/account/~/extension/%s/message-store" % FORBIDDEN]
MORE = BASE + ["/restapi/v1.0/account/~/extension/~/voicemail"]
TOKEN2 = "vt-subscription-test-second-fedcba9876543210"


def checks_pass(d, n):
    """Waits until /v1/subscription's lastCheckTime has changed `n` times."""
    seen = [st.state(d).get("lastCheckTime")]

    def moved():
        t = st.state(d).get("lastCheckTime")
        if t and t != seen[-1]:
            seen.append(t)
        return len(seen) > n
    st.wait_for("%d checks" % n, moved, timeout=n * CHECK_S + 30)


def only(fake, sid):
    subs = st.fake_subs(fake)
    check([x["id"] for x in subs] == [sid], "the fake holds exactly subscription %s (%r)" % (sid, [x["id"] for x in subs]))
    return subs[0]


def main(binary):
    with tempfile.TemporaryDirectory() as tmp, start_fake(tmp) as fake, st.Proxy() as proxy:
        fake.control("POST", "/_fake/extensions", {"extensions": [{"id": int(FORBIDDEN), "forbidden": True}]})
        db = os.path.join(tmp, "s.db")
        base_cfg = st.write_config(os.path.join(tmp, "base.toml"), BASE)
        more_cfg = st.write_config(os.path.join(tmp, "more.toml"), MORE)
        env = st.sub_env(fake, proxy, subscription_check_interval_seconds=CHECK_S)

        # First start: created; a disabled filter counts as present, so nothing changes over several checks.
        with st.start(binary, db, env, proxy, ["--config", base_cfg]) as d:
            a = st.wait_active(d)
            sub = only(fake, a["id"])
            check(any(x["filter"].endswith("/%s/message-store" % FORBIDDEN) for x in sub.get("disabledFilters", [])),
                  "the fake disabled the filter on the forbidden mailbox")
            seq = st.last_seq(fake)
            checks_pass(d, 3)
            calls = st.sub_calls(fake, seq)
            check(not [c for c in calls if c[0] in ("create", "put", "delete")],
                  "3 checks with unchanged filters change nothing (%r)" % calls)
            s = st.state(d)
            check(any(FORBIDDEN in x.get("filter", "") for x in s.get("disabledFilters", [])),
                  "/v1/subscription reports the disabled filter (%r)" % s.get("disabledFilters"))
            st.stop(d, proxy)

        # Restart, same configuration: the existing subscription is kept.
        seq = st.last_seq(fake)
        with st.start(binary, db, env, proxy, ["--config", base_cfg]) as d:
            s = st.wait_active(d, "the subscription after a restart")
            checks_pass(d, 2)
            calls = st.sub_calls(fake, seq)
            check(s["id"] == a["id"] and not [c for c in calls if c[0] in ("create", "put", "delete")],
                  "a restart keeps the existing subscription (%s; %r)" % (s["id"], calls))
            only(fake, a["id"])
            st.stop(d, proxy)

        # Restart with one more filter: mended in place with PUT.
        seq = st.last_seq(fake)
        with st.start(binary, db, env, proxy, ["--config", more_cfg]) as d:
            want = st.expand(fake, MORE[3])
            st.wait_for("the new filter on the subscription", lambda: want in only(fake, a["id"])["eventFilters"],
                        timeout=30)
            calls = st.sub_calls(fake, seq)
            check(("put", a["id"], 200) in calls and not st.kinds(calls, "create") and not st.kinds(calls, "delete"),
                  "a changed subscription.event_filters is mended with PUT, same id (%r)" % calls)
            s = st.wait_active(d)
            check(s["id"] == a["id"] and want in s.get("eventFilters", []), "/v1/subscription shows the new filter")

            # Filters altered on RingCentral's side: mended with PUT within a check interval.
            seq = st.last_seq(fake)
            fake.control("POST", "/_fake/subscriptions/filters", {"id": a["id"], "eventFilters": MORE[:1]})
            started = time.monotonic()
            st.wait_for("the filters mended", lambda: want in only(fake, a["id"])["eventFilters"], timeout=30)
            took = time.monotonic() - started
            calls = st.sub_calls(fake, seq)
            check(took <= CHECK_S + 5 and ("put", a["id"], 200) in calls and not st.kinds(calls, "create"),
                  "filters altered at the fake were mended with PUT in %.1f s (%r)" % (took, calls))
            st.stop(d, proxy)

        # Restart with a changed verification token: recreated with the new token.
        seq = st.last_seq(fake)
        env2 = st.sub_env(fake, proxy, token=TOKEN2, subscription_check_interval_seconds=CHECK_S)
        with st.start(binary, db, env2, proxy, ["--config", more_cfg]) as d:
            b = st.wait_active(d, "a new subscription for the new token", not_id=a["id"])
            sub = only(fake, b["id"])
            calls = st.sub_calls(fake, seq)
            check(sub["verificationToken"] == TOKEN2 and ("delete", a["id"], 204) in calls
                  and len(st.kinds(calls, "create")) == 1,
                  "a changed token: the old subscription deleted, a new one created with it (%r)" % calls)
            rec = fake.control("POST", "/_fake/messages", {"extension": "~", "template": "sms"})["records"][0]
            r = fake.control("POST", "/_fake/notify", {"template": "instant-sms", "message_id": rec["id"]})
            check([(x["subscription"], x["status"]) for x in r["deliveries"]] == [(b["id"], 200)],
                  "notifications with the new token are accepted (%r)" % r["deliveries"])
            text = "\n".join(d.log)
            check(st.TOKEN not in text and TOKEN2 not in text, "no verification token in the log")
            st.stop(d, proxy)
    return 0


if __name__ == "__main__":
    rcv.run(main)
