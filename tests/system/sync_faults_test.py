#!/usr/bin/env python3
"""`rcvault sync` through RingCentral's faults (docs/sync.md, "Limits"): a 429
is honoured (no request of its group before Retry-After elapsed) and the pass
completes; 5xx answers and connection resets back off and recover; requests of
a group are never closer than its ceiling allows (ringcentral.light_per_minute);
a 403 mailbox does not stop the others.

    sync_faults_test.py RCVAULT_BINARY
"""
import os
import tempfile

import rcv
from rcv import check
from synctest import OWNER, api_env, fake_records, query, start_fake, stored_records, sync


def synced_all(db, fake, extension="~"):
    return set(stored_records(db)) >= {r["id"] for r in fake_records(fake, extension)}


def light_requests(fake, since=0):
    return [r for r in fake.requests(since) if r.get("group") == "light"]


def rate_limited(binary, fake, tmp):
    db = os.path.join(tmp, "429.db")
    fake.control("POST", "/_fake/requests/reset")
    fake.control("POST", "/_fake/faults", {"path": "message-sync", "count": 1, "action": "respond", "status": 429,
                                          "retry_after": 3})
    rc, lines, out, err = sync(binary, db, api_env(fake))
    log = light_requests(fake)
    hit = next(i for i, r in enumerate(log) if r["status"] == 429)
    after = log[hit + 1:]
    check(rc == 0 and synced_all(db, fake), "a 429: the pass completes and stores everything (rc=%d)" % rc)
    check(after and after[0]["t"] - log[hit]["t"] >= 3.0 - 0.05,
          "no Light request before Retry-After (3 s) elapsed: next after %.2f s"
          % ((after[0]["t"] - log[hit]["t"]) if after else -1))


def server_errors(binary, fake, tmp):
    for action, extra in (("respond", {"status": 503}), ("respond", {"status": 500}), ("reset", {}),
                          ("partial", {})):
        db = os.path.join(tmp, "5xx-%s-%s.db" % (action, extra.get("status", "")))
        fake.control("POST", "/_fake/requests/reset")
        fake.control("POST", "/_fake/faults", dict({"path": "message-sync", "count": 2, "action": action}, **extra))
        rc, lines, out, err = sync(binary, db, api_env(fake))
        failed = [r for r in fake.requests(0) if r["fault"]]
        check(len(failed) == 2 and rc == 0 and synced_all(db, fake),
              "%s %s twice: the pass backs off, recovers and stores everything (rc=%d)"
              % (action, extra.get("status", ""), rc))
        ok_after = [r for r in fake.requests(0) if not r["fault"] and "message-sync" in r["path"]]
        check(ok_after and ok_after[0]["t"] - failed[0]["t"] >= 1.0,
              "%s: the retry waited (%.2f s after the first failure)" % (action, ok_after[0]["t"] - failed[0]["t"]))


def pacing(binary, fake, tmp):
    db = os.path.join(tmp, "pacing.db")
    fake.control("POST", "/_fake/requests/reset")
    rc, lines, out, err = sync(binary, db, api_env(fake, ringcentral_light_per_minute=120))
    log = light_requests(fake)
    gaps = [b["t"] - a["t"] for a, b in zip(log, log[1:])]
    check(rc == 0 and len(log) >= 4, "a pass of %d Light requests at 120 a minute (rc=%d)" % (len(log), rc))
    check(min(gaps) >= 0.5 - 0.02, "Light requests are at least 60/120 s apart: smallest gap %.3f s" % min(gaps))


def forbidden_mailbox(binary, fake, tmp):
    db = os.path.join(tmp, "403.db")
    fake.control("POST", "/_fake/extensions", {"extensions": [{"id": 3001, "forbidden": True}, {"id": 3002}]})
    fake.control("POST", "/_fake/messages/generate", {"extension": "3002", "count": 30, "types": ["SMS"],
                                                     "id_start": 500000001})
    env = api_env(fake, sync_extensions="%s,3001,3002" % OWNER)
    rc, lines, out, err = sync(binary, db, env)
    check(rc == 1, "a 403 mailbox makes the pass exit 1 (rc=%d)" % rc)
    check("3001" in err and "CMN-419" in err, "the error names the mailbox and CMN-419 (%r)" % err)
    check(OWNER in lines and "3002" in lines and lines["3002"][1] == 30,
          "the other mailboxes synced (%r)" % out)
    check(synced_all(db, fake, "3002") and synced_all(db, fake, "~"), "their records are stored")
    state = dict(query(db, "SELECT extension_id, state FROM sync_mailboxes"))
    check(state.get("3001") == "forbidden", "the mailbox is marked forbidden (%r)" % state)


def main(binary):
    with tempfile.TemporaryDirectory() as tmp, start_fake(tmp) as fake:
        fake.control("POST", "/_fake/messages/generate", {"extension": "~", "count": 3500, "types": ["SMS"]})
        rate_limited(binary, fake, tmp)
        server_errors(binary, fake, tmp)
        pacing(binary, fake, tmp)
        forbidden_mailbox(binary, fake, tmp)
    return 0


if __name__ == "__main__":
    rcv.run(main)
