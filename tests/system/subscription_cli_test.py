#!/usr/bin/env python3
"""`rcvault subscription status|ensure|delete` (docs/deploy.md, section 4a): status names the
subscription a running serve keeps; after the fake lost it, ensure creates one
while serve runs to answer the handshake (with the token, at the address);
ensure with nothing answering fails with RingCentral's SUB code and a non-zero
exit; delete removes it once serve is stopped; no token in their output.

    subscription_cli_test.py RCVAULT_BINARY
"""
import os
import tempfile

import rcv
import subtest as st
from rcv import check
from synctest import CLIENT_SECRET, rcvault, start_fake


def run(binary, env, *args):
    rc, out, err = rcvault(binary, ["subscription"] + list(args), env, timeout=120)
    check(st.TOKEN not in out + err and CLIENT_SECRET not in out + err,
          "subscription %s: no secret in its output" % " ".join(args))
    return rc, out, err


def main(binary):
    with tempfile.TemporaryDirectory() as tmp, start_fake(tmp) as fake, st.Proxy() as proxy:
        db = os.path.join(tmp, "c.db")
        # A long check interval: only `ensure` explains a new subscription.
        env = st.sub_env(fake, proxy, subscription_check_interval_seconds=3600)
        cli_env = dict(env, RCVAULT_STORE_PATH=db)
        with st.start(binary, db, env, proxy) as d:
            a = st.wait_active(d)
            rc, out, err = run(binary, cli_env, "status")
            check(rc == 0 and a["id"] in out, "status names the subscription serve keeps (rc=%d: %s%s)" % (rc, out, err))

            fake.control("POST", "/_fake/subscriptions/delete", {})
            rc, out, err = run(binary, cli_env, "ensure")
            subs = st.fake_subs(fake)
            check(rc == 0 and len(subs) == 1 and subs[0]["id"] != a["id"] and subs[0]["status"] == "Active"
                  and subs[0]["verificationToken"] == st.TOKEN and subs[0]["deliveryMode"]["address"] == proxy.url,
                  "ensure against a running serve creates one with the token (rc=%d: %s%s)" % (rc, out, err))
            b = subs[0]["id"]
            rc, out, err = run(binary, cli_env, "ensure")
            check(rc == 0 and [x["id"] for x in st.fake_subs(fake)] == [b], "ensure again keeps it (rc=%d)" % rc)
            st.stop(d, proxy)

        # serve stopped: delete removes it; ensure cannot pass the handshake.
        rc, out, err = run(binary, cli_env, "delete")
        check(rc == 0 and st.fake_subs(fake) == [], "delete against a stopped serve removes it (rc=%d: %s%s)"
              % (rc, out, err))
        rc, out, err = run(binary, cli_env, "status")
        check(b not in out, "status no longer names it (rc=%d: %s)" % (rc, out))
        rc, out, err = run(binary, cli_env, "ensure")
        check(rc != 0 and "SUB-52" in out + err and st.fake_subs(fake) == [],
              "ensure with nothing answering the handshake fails with the SUB code (rc=%d: %s%s)" % (rc, out, err))
    return 0


if __name__ == "__main__":
    rcv.run(main)
