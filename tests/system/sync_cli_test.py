#!/usr/bin/env python3
"""The surface of Message Sync on the command line (docs/sync.md,
docs/configuration.md): configuration errors exit 2 naming the key (a
non-loopback http:// server, a client id without a JWT); `rcvault sync`
while another process syncs the database exits 1 naming the holder;
`rcvault check` proves the credentials and prints one line per permission,
exit 1 when one is missing; no secret appears in any output.

    sync_cli_test.py RCVAULT_BINARY
"""
import os
import tempfile
import time

import rcv
from rcv import check
from synctest import (CLIENT_SECRET, JWT, OWNER, api_env, fake_records, query, rcvault, start_fake, start_sync, sync,
                      wait_for)


def config_errors(binary, fake, tmp):
    db = os.path.join(tmp, "config.db")
    for sub in (["sync"], ["check"], ["serve", "--ingest-listen", "127.0.0.1:0", "--query-listen", "127.0.0.1:0"]):
        env = api_env(fake, ringcentral_server="http://platform.ringcentral.com")
        rc, out, err = rcvault(binary, sub + ["--db", db], env, timeout=60)
        check(rc == 2 and err.count("\n") == 1 and "RCVAULT_RINGCENTRAL_SERVER" in err and "http://" in err,
              "%s: a non-loopback http:// server is a configuration error naming the key, exit 2 (%d, %r)"
              % (sub[0], rc, err))
    toml = os.path.join(tmp, "rcvault.toml")
    with open(toml, "w") as f:
        f.write('[ringcentral]\nserver = "http://203.0.113.5"\n')
    env = api_env(fake)
    del env["RCVAULT_RINGCENTRAL_SERVER"]
    rc, out, err = rcvault(binary, ["sync", "--config", toml, "--db", db], env, timeout=60)
    check(rc == 2 and "ringcentral.server" in err and "(line 2)" in err,
          "in the file: the error names ringcentral.server and its line (%r)" % err)

    env = api_env(fake)
    del env["RCVAULT_RINGCENTRAL_JWT"]
    rc, out, err = rcvault(binary, ["check", "--db", db], env, timeout=60)
    check(rc == 2 and "ringcentral.client_id is set without a JWT" in err, "a client id without a JWT: exit 2 (%r)" % err)

    env = {k: v for k, v in api_env(fake).items() if not k.startswith("RCVAULT_RINGCENTRAL")}
    rc, out, err = rcvault(binary, ["sync", "--db", db], env, timeout=60)
    check(rc == 2 and "ringcentral.client_id is not set" in err, "sync without the API configured: exit 2 (%r)" % err)
    rc, out, err = rcvault(binary, ["sync", "--db", db, "--extension", "12x"], api_env(fake), timeout=60)
    check(rc == 2 and "--extension" in err, "a bad --extension is named, exit 2 (%r)" % err)


def lease_holder(db):
    """"pid N" of the sync lease's holder, or None."""
    try:
        rows = query(db, "SELECT holder FROM sync_lease")
    except Exception:  # the database is not there or not migrated yet
        return None
    return rows[0][0][rows[0][0].rfind("pid "):] if rows else None


def lease(binary, fake, tmp):
    db = os.path.join(tmp, "lease.db")
    env = api_env(fake)
    fake.control("POST", "/_fake/messages/generate", {"extension": "~", "count": 50, "types": ["SMS"]})
    # The first pass stalls in its first Message Sync request while the second one starts.
    fake.control("POST", "/_fake/faults", {"path": "message-sync", "count": 1, "action": "delay", "delay_ms": 20000})
    first = start_sync(binary, db, env)
    try:
        wait_for("the first pass to take the lease", lambda: lease_holder(db), timeout=30)
        rc, lines, out, err = sync(binary, db, env, timeout=60)
        errors = [l for l in err.splitlines() if l.startswith("rcvault: error: ")]
        check(rc == 1 and len(errors) == 1 and "pid %d" % first.pid in errors[0],
              "sync while another process syncs exits 1 naming it (%r)" % err)
        out1, err1 = first.communicate(timeout=60)
        check(first.returncode == 0 and OWNER in out1, "the holder's pass completes (%r)" % err1[-500:])
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    rc, lines, out, err = sync(binary, db, env, timeout=60)
    check(rc == 0, "the lease is free once its holder ended (%r)" % err)

    # A holder that was killed: its lease names a process that no longer runs.
    fake.control("POST", "/_fake/faults", {"path": "message-sync", "count": 1, "action": "delay", "delay_ms": 10000})
    victim = start_sync(binary, db, env)
    wait_for("the pass to take the lease", lambda: lease_holder(db) == "pid %d" % victim.pid, timeout=30)
    time.sleep(0.5)
    os.killpg(victim.pid, 9)
    victim.wait()
    rc, lines, out, err = sync(binary, db, env, timeout=60)
    check(rc == 0, "a killed holder's lease is taken over at once (%r)" % err)


def permissions(binary, fake, tmp):
    db = os.path.join(tmp, "check.db")
    # check opens an existing database only; make it first.
    rcvault(binary, ["migrate", "--db", db], api_env(fake), timeout=60)
    rc, out, err = rcvault(binary, ["check", "--db", db], api_env(fake, sync_extensions="all"), timeout=60)
    lines = out.splitlines()
    check(rc == 0, "check with every permission exits 0 (%d, %r %r)" % (rc, out, err))
    for p in ("ReadMessages", "ReadAccounts", "SubscriptionWebhook", "ReadMessageContent"):
        check("%s: ok" % p in lines, "check prints '%s: ok'" % p)
    check(any(l.startswith("token: ok (extension %s" % OWNER) for l in lines), "check names the token's extension")

    fake.control("POST", "/_fake/config", {"scope": "ReadMessages SubscriptionWebhook ReadMessageContent"})
    rc, out, err = rcvault(binary, ["check", "--db", db], api_env(fake, sync_extensions="all"), timeout=60)
    check(rc == 1 and any(l.startswith("ReadAccounts: missing") for l in out.splitlines()) and "ReadAccounts" in err,
          "ReadAccounts missing with sync.extensions = all: exit 1 naming it (%r, %r)" % (out, err))
    rc, out, err = rcvault(binary, ["check", "--db", db], api_env(fake), timeout=60)
    check(rc == 0, "ReadAccounts is not needed for \"~\": exit 0 (%r)" % err)

    fake.control("POST", "/_fake/config", {"scope": "ReadMessages ReadAccounts SubscriptionWebhook ReadMessageContent"})
    fake.control("POST", "/_fake/faults", {"path": "^/restapi/v1.0/subscription", "count": 2, "action": "respond",
                                          "status": 403, "body": {"errorCode": "CMN-401", "message":
                                          "In order to call this API endpoint, application needs to have "
                                          "[SubscriptionWebhook] permission",
                                          "errors": [{"errorCode": "CMN-401", "message": "permission"}]}})
    rc, out, err = rcvault(binary, ["check", "--db", db], api_env(fake), timeout=60)
    check(rc == 1 and any(l.startswith("SubscriptionWebhook: missing (CMN-401") for l in out.splitlines()),
          "a 403 on the subscription list: SubscriptionWebhook missing, exit 1 (%r)" % out)
    fake.control("POST", "/_fake/faults/clear")

    fake.control("POST", "/_fake/jwt", {"refuse": True})
    rc, out, err = rcvault(binary, ["check", "--db", db], api_env(fake), timeout=60)
    token_line = next((l for l in out.splitlines() if l.startswith("token: ")), "")
    check(rc == 1 and token_line.startswith("token: refused: ") and "OAU-140" in token_line,
          "a refused JWT: 'token: refused: ...' naming OAU-140, exit 1 (%r)" % out)
    fake.control("POST", "/_fake/jwt", {"refuse": False})


def no_secrets(binary, fake, tmp):
    """Every output of failing and passing runs at log level debug, searched
    for the client secret and the JWT."""
    db = os.path.join(tmp, "secrets.db")
    env = api_env(fake, log_level="debug")
    outputs = []
    fake.control("POST", "/_fake/messages/generate", {"extension": "~", "count": 20, "types": ["SMS"]})
    outputs.append(rcvault(binary, ["sync", "--db", db], env, timeout=60))
    fake.control("POST", "/_fake/tokens/expire", {})
    outputs.append(rcvault(binary, ["sync", "--db", db], env, timeout=60))
    fake.control("POST", "/_fake/jwt", {"refuse": True})
    outputs.append(rcvault(binary, ["sync", "--db", db], env, timeout=60))
    outputs.append(rcvault(binary, ["check", "--db", db], env, timeout=60))
    fake.control("POST", "/_fake/jwt", {"refuse": False})
    bad = dict(env, RCVAULT_RINGCENTRAL_CLIENT_SECRET="wrong-secret-value-1234")
    outputs.append(rcvault(binary, ["sync", "--db", db], bad, timeout=60))
    check(outputs[2][0] == 1, "a refused JWT makes sync exit 1")
    text = "".join(o + e for _, o, e in outputs)
    for name, secret in (("client secret", CLIENT_SECRET), ("JWT", JWT), ("wrong secret", "wrong-secret-value-1234")):
        check(secret not in text, "the %s appears in no output of %d runs" % (name, len(outputs)))
    check("Bearer" not in text and "access_token" not in text, "no access token or bearer header in any output")


def main(binary):
    with tempfile.TemporaryDirectory() as tmp, start_fake(tmp) as fake:
        config_errors(binary, fake, tmp)
        lease(binary, fake, tmp)
        permissions(binary, fake, tmp)
        no_secrets(binary, fake, tmp)
        check(len(fake_records(fake)) >= 50, "the fake kept its records")
    return 0


if __name__ == "__main__":
    rcv.run(main)
