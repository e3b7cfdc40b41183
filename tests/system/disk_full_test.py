#!/usr/bin/env python3
"""Disk full: the database lives on a small tmpfs; once it is full the daemon
answers 503 with Retry-After, loses nothing it acknowledged, keeps serving
queries, and stores again once space returns.

    disk_full_test.py RCVAULT_BINARY
Needs root (mounts a tmpfs); exits 77 (skipped) where mounting is refused.
"""
import http.client
import os
import subprocess
import tempfile

import rcv

SKIP = 77


def main(binary):
    with tempfile.TemporaryDirectory(prefix="rcvault-diskfull-") as d:
        mnt = d + "/small"
        os.mkdir(mnt)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt],
                          stderr=subprocess.DEVNULL).returncode != 0:
            print("skipped: cannot mount a tmpfs here")
            return SKIP
        try:
            return run(binary, mnt)
        finally:
            rcv.kill_all()   # a failed check leaves the daemon holding the tmpfs
            subprocess.run(["umount", "-l", mnt])


def run(binary, mnt):
    db = mnt + "/rcvault.db"
    daemon = rcv.Daemon(binary, db).start()
    # Take most of the space with a filler file, so the database soon hits the limit.
    filler = mnt + "/filler"
    with open(filler, "wb") as f:
        f.write(b"\0" * (1536 * 1024))
    conn = http.client.HTTPConnection(*daemon.ingest, timeout=10)
    acked = set()
    saw_503 = False
    retry_after = None
    for i in range(20000):
        uuid, _, body = rcv.notification("full", i, subject="x" * 600)
        conn.request("POST", "/webhook", body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        if resp.status == 200:
            acked.add(uuid)
        elif resp.status == 503:
            saw_503 = True
            retry_after = resp.getheader("Retry-After")
            break
        else:
            raise AssertionError("unexpected status %d" % resp.status)
    rcv.check(saw_503, "a full disk gives 503 (after %d stored)" % len(acked))
    rcv.check(retry_after is not None, "the 503 carries Retry-After")
    status, _ = rcv.get_json(daemon.query, "/healthz")
    rcv.check(status == 200, "the daemon keeps serving while the disk is full")
    # Space returns: the next notification is stored.
    os.remove(filler)
    uuid, _, body = rcv.notification("full-after", 0)
    status = None
    for _ in range(3):  # the first batch after the failure may still be the failing one
        status, _ = rcv.post(conn, body)
        if status == 200:
            break
    rcv.check(status == 200, "stores again once space returns (status %s)" % status)
    acked.add(uuid)
    conn.close()
    daemon.signal(15)
    rc = daemon.wait(60)
    rcv.check(rc == 0, "clean exit (rc=%s)" % rc)
    uuids = rcv.stored_uuids(db)
    lost = [u for u in acked if u not in uuids]
    rcv.check(not lost, "nothing acknowledged is lost (%d acknowledged)" % len(acked))
    return 0


if __name__ == "__main__":
    rcv.run(main)
