#!/usr/bin/env python3
"""`rcvault sync` against the fake RingCentral (docs/sync.md): a first sync
stores every record field-exact (ids beyond 2^53 digit for digit), including
more records with one creation time than a page holds at a page boundary; a
second sync is an ISync and changes nothing; a status change and a deletion
made in the fake arrive with the next sync; a refused sync token (MSG-333,
then CMN-101) leads to a full sync and nothing is lost or duplicated.

    sync_pass_test.py RCVAULT_BINARY
"""
import os
import tempfile

import rcv
from rcv import check
from synctest import (OWNER, api_env, fake_records, last_seq, messages, query, query_of, start_fake, stored_records,
                      sync, sync_requests)

RECORDS = 2600


def main(binary):
    with tempfile.TemporaryDirectory() as tmp, start_fake(tmp) as fake:
        db = os.path.join(tmp, "rcvault.db")
        env = api_env(fake)
        # 2,600 SMS, and 1,200 of them with one creation time from position 900:
        # more than a page (1,000) holds, across the first page boundary. The
        # server then answers a page larger than asked (RingCentral "cannot
        # guarantee the exact number"); the walk-back must skip what it saw.
        fake.control("POST", "/_fake/config", {"page_ties": "extend"})
        fake.control("POST", "/_fake/messages/generate",
                     {"extension": "~", "count": RECORDS, "types": ["SMS"], "ties": [{"index": 900, "count": 1200}]})
        fake.control("POST", "/_fake/messages", {"extension": "~", "template": "sms_queued", "count": 1})
        expected = {r["id"]: r for r in fake_records(fake)}
        check(len(expected) == RECORDS + 1, "the fake holds %d records" % len(expected))
        check(any(r.get("conversationId", 0) > 2 ** 53 for r in expected.values()),
              "some records carry a conversationId beyond 2^53")

        # --- first sync: a full sync, every record stored as RingCentral sent it
        rc, lines, out, err = sync(binary, db, env)
        check(rc == 0, "first sync exits 0 (rc=%d, stderr=%r)" % (rc, err[-2000:]))
        check(lines.get(OWNER, (0, 0, 0))[1] == RECORDS + 1,
              "summary line: %d new messages (%r)" % (RECORDS + 1, out))
        first = sync_requests(fake)
        check(first and all(query_of(r).get("syncType") == "FSync" for r in first),
              "the first sync is a full sync (%d FSync pages)" % len(first))
        stored = stored_records(db)
        check(set(stored) == set(expected), "every record is stored (%d of %d)" % (len(stored), len(expected)))
        check(all(stored[i] == expected[i] for i in expected), "every stored record equals the fake's, field for field")
        rows = messages(db)
        big = [r for r in expected.values() if r.get("conversationId", 0) > 2 ** 53]
        check(all(rows[str(r["id"])][3] == str(r["conversationId"]) for r in big),
              "conversation ids beyond 2^53 are stored digit for digit (%d)" % len(big))
        events_after_first = query(db, "SELECT count(*) FROM events")[0][0]

        # --- second sync: an ISync that changes nothing
        seq = last_seq(fake)
        rc, lines, out, err = sync(binary, db, env)
        second = sync_requests(fake, seq)
        check(rc == 0 and second and all(query_of(r).get("syncType") == "ISync" for r in second),
              "the second sync is an incremental sync (rc=%d, %d requests)" % (rc, len(second)))
        check(lines.get(OWNER, (None,))[1:] == (0, 0), "second sync: 0 new, 0 updated (%r)" % out)
        check(query(db, "SELECT count(*) FROM events")[0][0] == events_after_first, "the second sync stored nothing")
        check(messages(db) == rows, "no message changed")

        # --- a status change and a deletion in the fake arrive with the next sync
        queued = next(r for r in expected.values() if r.get("messageStatus") == "Queued")
        victim = next(r for r in expected.values() if r.get("messageStatus") != "Queued")
        fake.control("POST", "/_fake/messages/update",
                     {"extension": "~", "id": queued["id"], "set": {"messageStatus": "Delivered"}})
        fake.control("POST", "/_fake/messages/delete", {"extension": "~", "id": victim["id"]})
        rc, lines, out, err = sync(binary, db, env)
        now = messages(db)
        check(rc == 0 and lines.get(OWNER, (None,))[1:] == (0, 2), "third sync: 0 new, 2 updated (%r)" % out)
        check(now[str(queued["id"])][0] == "Delivered", "the status change arrived (Queued -> Delivered)")
        check(now[str(victim["id"])][1] == "Deleted", "the deletion arrived (availability Deleted)")
        check(now[str(victim["id"])][2] == rows[str(victim["id"])][2] and now[str(victim["id"])][2],
              "the deleted message keeps its text")

        # --- a refused token: a new full sync, nothing lost or duplicated
        for code in ("MSG-333", "CMN-101"):
            before = messages(db)
            events_before = query(db, "SELECT count(*) FROM events")[0][0]
            fake.control("POST", "/_fake/sync-tokens/invalidate", {"code": code})
            seq = last_seq(fake)
            rc, lines, out, err = sync(binary, db, env)
            kinds = [query_of(r).get("syncType") for r in sync_requests(fake, seq)]
            check(rc == 0, "%s: the sync exits 0 (rc=%d, stderr=%r)" % (code, rc, err[-1000:]))
            check(kinds[:1] == ["ISync"] and "FSync" in kinds, "%s: a refused ISync is followed by a full sync %r"
                  % (code, kinds[:4]))
            check(messages(db) == before, "%s: no message lost, changed or duplicated" % code)
            check(query(db, "SELECT count(*) FROM events")[0][0] == events_before,
                  "%s: the full sync's records were all known: no event added" % code)
            dup = query(db, "SELECT count(*) FROM (SELECT rc_id FROM messages GROUP BY rc_id HAVING count(*) > 1)")[0][0]
            check(dup == 0, "%s: one row per message id" % code)
            seq = last_seq(fake)
            rc, lines, out, err = sync(binary, db, env)
            kinds = [query_of(r).get("syncType") for r in sync_requests(fake, seq)]
            check(rc == 0 and kinds and set(kinds) == {"ISync"}, "%s: the next sync is incremental again" % code)
    return 0


if __name__ == "__main__":
    rcv.run(main)
