#!/usr/bin/env python3
"""SIGTERM while 16 clients post: the daemon exits 0 and nothing it
acknowledged is lost.

    sigterm_test.py RCVAULT_BINARY
"""
import signal
import sys
import tempfile

import rcv


def main(binary):
    with tempfile.TemporaryDirectory(prefix="rcvault-sigterm-") as d:
        db = d + "/rcvault.db"
        daemon = rcv.Daemon(binary, db).start()
        posters = rcv.Posters(daemon.ingest, 16, "term").start()
        rcv.check(posters.first_acks.wait(60), "clients got acknowledgements before SIGTERM")
        daemon.signal(signal.SIGTERM)
        rc = daemon.wait(60)
        posters.stop()
        rcv.check(rc == 0, "SIGTERM under load exits 0 (rc=%s)" % rc)
        uuids = rcv.stored_uuids(db)
        lost = [u for u in posters.acked if u not in uuids]
        rcv.check(not lost, "all %d acknowledged uuids are stored (lost: %s)" % (len(posters.acked), lost[:5]))


if __name__ == "__main__":
    main(sys.argv[1])
