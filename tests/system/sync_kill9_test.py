#!/usr/bin/env python3
"""kill -9 of `rcvault sync` loses nothing (docs/sync.md): killed between two
walk-back pages of a full sync, and killed while a page's records are being
written, the next pass resumes the walk-back (it does not start over, and it
does not skip) and finishes with every record stored once.

    sync_kill9_test.py RCVAULT_BINARY
"""
import os
import signal
import tempfile
import time

import rcv
from rcv import check
from synctest import (OWNER, api_env, fake_records, last_seq, query, query_of, start_fake, start_sync, stored_records,
                      sync, sync_requests, wait_for)

RECORDS = 4500   # 5 pages of 1,000


def message_count(db):
    try:
        return query(db, "SELECT count(*) FROM messages")[0][0]
    except Exception:  # not created or migrated yet
        return 0


def cursor(db):
    try:
        rows = query(db, "SELECT full_date_to FROM sync_mailboxes WHERE extension_id = ?", (OWNER,))
    except Exception:
        return None
    return rows[0][0] if rows else None


def finish_and_compare(binary, db, env, fake, what):
    seq = last_seq(fake)
    rc, lines, out, err = sync(binary, db, env)
    first = sync_requests(fake, seq)[:1]
    check(rc == 0, "%s: the next pass finishes (rc=%d, %r)" % (what, rc, err[-500:]))
    check(first and query_of(first[0]).get("syncType") == "FSync" and "dateTo" in query_of(first[0]),
          "%s: it resumes the walk-back at the stored cursor (first request %r)"
          % (what, first and first[0]["query"][:120]))
    expected = {r["id"]: r for r in fake_records(fake)}
    stored = stored_records(db)
    check(set(stored) == set(expected) and all(stored[i] == expected[i] for i in expected),
          "%s: every record is stored, field-exact (%d of %d)" % (what, len(stored), len(expected)))
    dup = query(db, "SELECT count(*) FROM (SELECT rc_id FROM messages GROUP BY rc_id HAVING count(*) > 1)")[0][0]
    check(dup == 0 and query(db, "SELECT count(*) FROM messages")[0][0] == len(expected),
          "%s: one message row per record" % what)


def between_pages(binary, fake, tmp):
    db = os.path.join(tmp, "between.db")
    env = api_env(fake)
    # Page 1 comes at once, every walk-back page after 8 s: once page 2 is
    # stored, the process is killed while it waits for page 3.
    fake.control("POST", "/_fake/faults", {"path": "message-sync.*dateTo", "count": 100, "action": "delay",
                                          "delay_ms": 8000})
    p = start_sync(binary, db, env)
    try:
        wait_for("two pages stored", lambda: message_count(db) >= 2000 and cursor(db) is not None, timeout=60)
        # The fake logs a request once answered: the third one is still waiting.
        wait_for("two pages answered", lambda: len(sync_requests(fake)) >= 2, timeout=30)
        time.sleep(1.0)
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    fake.control("POST", "/_fake/faults/clear")
    check(p.returncode == -signal.SIGKILL and 2000 <= message_count(db) < RECORDS,
          "killed between walk-back pages with %d of %d messages stored" % (message_count(db), RECORDS))
    finish_and_compare(binary, db, env, fake, "between pages")


def while_writing(binary, fake, tmp):
    db = os.path.join(tmp, "writing.db")
    env = api_env(fake)
    fake.control("POST", "/_fake/requests/reset")
    p = start_sync(binary, db, env)
    try:
        # As soon as the first page's records are being committed.
        wait_for("records being written", lambda: 0 < message_count(db), timeout=60, step=0.005)
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    n = message_count(db)
    check(p.returncode == -signal.SIGKILL and n < RECORDS, "killed while writing, %d of %d messages stored" % (n, RECORDS))
    seq = last_seq(fake)
    rc, lines, out, err = sync(binary, db, env)
    expected = {r["id"]: r for r in fake_records(fake)}
    stored = stored_records(db)
    check(rc == 0 and set(stored) == set(expected) and all(stored[i] == expected[i] for i in expected),
          "while writing: the next pass stores every record, field-exact (%d of %d)" % (len(stored), len(expected)))
    dup = query(db, "SELECT count(*) FROM (SELECT rc_id FROM messages GROUP BY rc_id HAVING count(*) > 1)")[0][0]
    check(dup == 0, "while writing: one message row per record")
    kinds = [query_of(r).get("syncType") for r in sync_requests(fake, seq)]
    check(kinds and kinds[0] == "FSync", "while writing: the token was not adopted early: the next pass is a full sync")


def main(binary):
    with tempfile.TemporaryDirectory() as tmp, start_fake(tmp) as fake:
        fake.control("POST", "/_fake/messages/generate", {"extension": "~", "count": RECORDS, "types": ["SMS"]})
        between_pages(binary, fake, tmp)
        while_writing(binary, fake, tmp)
    return 0


if __name__ == "__main__":
    rcv.run(main)
