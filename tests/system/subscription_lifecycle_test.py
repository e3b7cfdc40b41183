#!/usr/bin/env python3
"""The webhook subscription kept alive by `rcvault serve` (docs/deploy.md, section 4a): the daemon
starts, the fake's Validation-Token handshake reaches it and the subscription
is created with the verification token and the default filters; an instant-SMS
notification the fake delivers with the Verification-Token header is stored;
with a 20 s lifetime the subscription is renewed before it expires (same id,
still listed after the first expirationTime); /v1/subscription and /metrics say
so; the token never reaches the log.

    subscription_lifecycle_test.py RCVAULT_BINARY
"""
import os
import tempfile
import time

import rcv
import subtest as st
from rcv import check
from synctest import CLIENT_SECRET, JWT, start_fake

LIFETIME_S = 20
DEFAULT_FILTER_ENDS = ("/message-store/instant?type=SMS", "/voicemail", "/fax?direction=Inbound", "/message-store")


def main(binary):
    with tempfile.TemporaryDirectory() as tmp, start_fake(tmp) as fake, st.Proxy() as proxy:
        # A long check interval: only the renewal timer explains a renewal.
        env = st.sub_env(fake, proxy, subscription_expires_in_seconds=LIFETIME_S,
                         subscription_check_interval_seconds=3600)
        with st.start(binary, os.path.join(tmp, "a.db"), env, proxy) as d:
            s = st.wait_active(d)
            created = time.monotonic()

            # The handshake reached the daemon through the public address and was answered.
            hs = [x for x in fake.control("GET", "/_fake/deliveries")["deliveries"] if x["kind"] == "validation"]
            check(len(hs) == 1 and hs[0]["address"] == proxy.url and hs[0]["status"] == 200 and hs[0]["echoed"]
                  and hs[0]["error"] is None, "the fake's handshake reached the daemon and was echoed (%r)" % hs)
            check(proxy.handshakes() == [200], "the handshake went through the subscription address")

            subs = st.fake_subs(fake)
            check(len(subs) == 1 and subs[0]["id"] == s["id"] and subs[0]["status"] == "Active"
                  and subs[0]["deliveryMode"]["address"] == proxy.url, "one subscription, at the address (%r)" % subs)
            check(subs[0]["verificationToken"] == st.TOKEN, "created with the verification token")
            check(subs[0]["expiresIn"] == LIFETIME_S, "expiresIn sent at the top level (%r)" % subs[0]["expiresIn"])
            filters = subs[0]["eventFilters"]
            check(len(filters) == 4 and all(any(f.endswith(e) for f in filters) for e in DEFAULT_FILTER_ENDS),
                  "the default filters: instant SMS, voicemail, inbound fax, message store (%r)" % filters)

            check(s["address"] == proxy.url and s["status"] == "Active" and s.get("expirationTime")
                  and s["recreations"] == 0 and "error" not in s, "/v1/subscription: active, no error (%r)" % s)
            m = st.metrics(d)
            active = [k for k, v in m.items() if k.startswith("rcvault_subscription_status{") and v == 1]
            check(len(active) == 1 and "ctive" in active[0], "rcvault_subscription_status says Active (%r)" % active)
            check(m.get("rcvault_subscription_expiry_timestamp_seconds", 0) > time.time(),
                  "rcvault_subscription_expiry_timestamp_seconds lies ahead")
            check(m.get("rcvault_subscription_recreations_total") == 0, "rcvault_subscription_recreations_total 0")

            # A notification the fake delivers with the Verification-Token header is stored.
            rec = fake.control("POST", "/_fake/messages", {"extension": "~", "template": "sms"})["records"][0]
            r = fake.control("POST", "/_fake/notify", {"template": "instant-sms", "message_id": rec["id"]})
            check([(x["subscription"], x["status"], x["verification_token_sent"]) for x in r["deliveries"]]
                  == [(s["id"], 200, True)], "the notification was delivered and acknowledged (%r)" % r)
            st.wait_for("the notified message in /v1/messages",
                        lambda: rcv.get_json(d.query, "/v1/messages/%s" % rec["id"])[0] == 200, timeout=10)
            check(True, "the notified message is stored")

            # Renewal before expiry: still the same subscription after its first expirationTime.
            first_expiry = subs[0]["expirationTime"]
            st.wait_for("a renewal", lambda: st.kinds(st.sub_calls(fake), "renew")
                        or st.kinds(st.sub_calls(fake), "put"), timeout=LIFETIME_S + 10)
            st.wait_for("the first lifetime to pass", lambda: time.monotonic() > created + LIFETIME_S + 2,
                        timeout=LIFETIME_S + 10)
            subs = st.fake_subs(fake)
            check(len(subs) == 1 and subs[0]["id"] == s["id"] and subs[0]["status"] == "Active"
                  and subs[0]["expirationTime"] > first_expiry,
                  "renewed before expiry: the same subscription lives on (%r)" % subs)
            log = fake.requests(0)
            create_t = [e["t"] for e in log if e["path"] == "/restapi/v1.0/subscription" and e["method"] == "POST"]
            renew_t = [e["t"] for e in log if e["path"].startswith("/restapi/v1.0/subscription/")
                       and (e["path"].endswith("/renew") or e["method"] == "PUT") and e["status"] == 200]
            check(len(create_t) == 1 and renew_t and renew_t[0] - create_t[0] < LIFETIME_S,
                  "the first renewal came %.1f s after creation, before the %d s lifetime ended"
                  % ((renew_t or [0])[0] - (create_t or [0])[0], LIFETIME_S))
            check(len(renew_t) <= 6, "renewals are not hammered (%d in %.0f s)" % (len(renew_t), time.monotonic() - created))
            later = st.state(d)
            check(later.get("id") == s["id"] and later.get("expirationTime", "") > s["expirationTime"],
                  "/v1/subscription shows the later expirationTime (%r)" % later.get("expirationTime"))

            text = "\n".join(d.log)
            check(st.TOKEN not in text and CLIENT_SECRET not in text and JWT not in text,
                  "no verification token or API secret in the log")
            st.stop(d, proxy)
    return 0


if __name__ == "__main__":
    rcv.run(main)
