#!/usr/bin/env python3
"""Creation failures never stop the daemon (docs/deploy.md, section 4a): without a verification
token it refuses to subscribe (no create request, one error line, the reason in
/v1/subscription); a proxy that drops the echoed Validation-Token makes
RingCentral answer SUB-520, an answer too large for RingCentral SUB-525, an
http address where https is required SUB-523, each shown as error.code in
/v1/subscription with state failed, while webhooks still get 200 and /healthz
stays 200; creation is retried, and once the proxy is fixed the subscription
becomes active. Without subscription.address, /v1/subscription is 404.

    subscription_failure_test.py RCVAULT_BINARY
"""
import http.client
import os
import tempfile

import rcv
import subtest as st
from rcv import check
from synctest import api_env, start_fake


def failed_with(d, code):
    s = st.state(d)
    return s if s.get("state") == "failed" and (s.get("error") or {}).get("code") == code else None


def still_serving(d, tag):
    conn = http.client.HTTPConnection(*d.ingest, timeout=10)
    try:
        status, _ = rcv.post(conn, rcv.notification(tag, 1)[2], headers={"Verification-Token": st.TOKEN})
    finally:
        conn.close()
    check(status == 200 and rcv.get_json(d.query, "/healthz")[0] == 200,
          "the daemon keeps running: a webhook gets 200, /healthz 200")


def validations(fake):
    return [x for x in fake.control("GET", "/_fake/deliveries")["deliveries"] if x["kind"] == "validation"]


def expect_code(binary, tmp, fake, proxy, name, code):
    """A fresh daemon whose creation fails with `code`."""
    with st.start(binary, os.path.join(tmp, name + ".db"), st.sub_env(fake, proxy), proxy) as d:
        s = st.wait_for(code + " in /v1/subscription", lambda: failed_with(d, code), timeout=30)
        check(s["error"].get("message"), "%s shown with state failed and a message (%r)" % (code, s["error"]))
        still_serving(d, name)
        check(not st.fake_subs(fake), "no subscription exists at the fake")
        st.stop(d, proxy)


def main(binary):
    with tempfile.TemporaryDirectory() as tmp, start_fake(tmp) as fake, st.Proxy() as proxy:
        # Not managed: 404.
        with st.start(binary, os.path.join(tmp, "plain.db"), api_env(fake), proxy) as d:
            code, body = st.status(d)
            check(code == 404 and "not_managed" in str(body), "without subscription.address: 404 not_managed (%r)" % body)
            st.stop(d, proxy)

        # No verification token: refused, nothing sent to RingCentral.
        seq = st.last_seq(fake)
        with st.start(binary, os.path.join(tmp, "notoken.db"), st.sub_env(fake, proxy, token=None), proxy) as d:
            s = st.wait_for("the refusal in /v1/subscription", lambda: (lambda x: x if x.get("error") else None)(
                st.state(d)), timeout=30)
            why = (s["error"].get("code", "") + " " + s["error"].get("message", "")).lower()
            check(s.get("state") in ("failed", "none") and "token" in why,
                  "without a verification token: refused, and /v1/subscription says why (%r)" % s)
            check(not st.kinds(st.sub_calls(fake, seq), "create"), "no subscription was requested")
            check(len([ln for ln in d.log if "verification" in ln.lower() and "subscri" in ln.lower()]) >= 1,
                  "an error line names the missing verification token")
            st.stop(d, proxy)

        # SUB-520: the proxy drops the echo; retried; fixed: active.
        proxy.mode = "strip_echo"
        with st.start(binary, os.path.join(tmp, "echo.db"), st.sub_env(fake, proxy), proxy) as d:
            st.wait_for("SUB-520 in /v1/subscription", lambda: failed_with(d, "SUB-520"), timeout=30)
            check(True, "a webhook answering without the echo: SUB-520 in /v1/subscription's error.code")
            still_serving(d, "echo")
            st.wait_for("a retry", lambda: len(validations(fake)) >= 2, timeout=120)
            check(True, "creation is retried")
            proxy.mode = "forward"
            s = st.wait_active(d, "the subscription once the proxy echoes", timeout=180)
            check("error" not in s and st.fake_subs(fake)[0]["id"] == s["id"], "after the fix: active, no error")
            st.stop(d, proxy)
        fake.control("POST", "/_fake/subscriptions/delete", {})

        # SUB-525: RingCentral counts the daemon's answer as too large.
        fake.control("POST", "/_fake/config", {"max_response_bytes": 16})
        expect_code(binary, tmp, fake, proxy, "large", "SUB-525")
        fake.control("POST", "/_fake/config", {"max_response_bytes": 1024})

        # SUB-523: https required, the address is http.
        fake.control("POST", "/_fake/config", {"require_https": True})
        expect_code(binary, tmp, fake, proxy, "https", "SUB-523")
    return 0


if __name__ == "__main__":
    rcv.run(main)
