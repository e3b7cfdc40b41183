#!/usr/bin/env python3
"""kill -9 the daemon while 16 clients post; restart; every uuid that was
acknowledged with 200 is stored, with its message (3 cycles).

    kill9_test.py RCVAULT_BINARY
"""
import tempfile

import rcv


def main(binary):
    with tempfile.TemporaryDirectory(prefix="rcvault-kill9-") as d:
        db = d + "/rcvault.db"
        all_acked = {}
        for cycle in range(3):
            daemon = rcv.Daemon(binary, db).start()
            posters = rcv.Posters(daemon.ingest, 16, "k%d" % cycle).start()
            got = posters.first_acks.wait(60)
            rcv.check(got, "cycle %d: clients got acknowledgements before the kill" % cycle)
            daemon.kill9()
            posters.stop()
            all_acked.update(posters.acked)
            print("cycle %d: %d acknowledged, statuses %s" % (cycle, len(posters.acked), posters.statuses), flush=True)
        # A restart must open the database after the crash (WAL recovery) and serve.
        daemon = rcv.Daemon(binary, db).start()
        status, _ = rcv.get_json(daemon.query, "/healthz")
        rcv.check(status == 200, "daemon serves after 3 crashes")
        daemon.signal(15)
        rc = daemon.wait(60)
        rcv.check(rc == 0, "clean exit after restart (rc=%s)" % rc)
        uuids = rcv.stored_uuids(db)
        mids = rcv.stored_message_ids(db)
        lost = [u for u in all_acked if u not in uuids]
        rcv.check(not lost, "all %d acknowledged uuids are stored (lost: %s)" % (len(all_acked), lost[:5]))
        lost_msgs = [m for m in all_acked.values() if m not in mids]
        rcv.check(not lost_msgs, "every acknowledged notification's message is stored (lost: %s)" % lost_msgs[:5])


if __name__ == "__main__":
    rcv.run(main)
