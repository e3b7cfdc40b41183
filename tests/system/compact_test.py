#!/usr/bin/env python3
"""`rcvault compact` (docs/storage.md): after an import, compact trains
dictionary 1 and re-encodes the stored payloads; `compact --retrain` trains
dictionary 2, re-encodes everything and drops 1. After each step every
envelope comes back from GET /v1/events/{uuid} byte for byte as it was
imported, including ones whose random text zstd cannot shrink. A database
whose dictionary row is gone gives one clear error line (compact exits 1,
/v1/events answers 500 and serve's log names the dictionary), and a missing
file exit 2.

    compact_test.py RCVAULT_BINARY
"""
import http.client
import os
import random
import re
import sqlite3
import subprocess
import tempfile

import rcv

COUNT = 400


def payloads():
    """(uuid, bytes) of COUNT envelopes; every tenth carries 800 random
    characters (any code point up to U+07FF) in its subject."""
    rng = random.Random(5)
    out = []
    for i in range(COUNT):
        subject = None
        if i % 10 == 9:
            subject = "".join(chr(rng.randint(0x20, 0x7ff)) for _ in range(800)).replace("\\", "/")
        uuid, _, body = rcv.notification("compact", i, subject)
        out.append((uuid, body))
    return out


def raw_event(hostport, uuid):
    """The body of GET /v1/events/{uuid} as bytes, with its status."""
    conn = http.client.HTTPConnection(*hostport, timeout=30)
    try:
        conn.request("GET", "/v1/events/" + uuid)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def expect_byte_exact(binary, db, sent, when):
    with rcv.Daemon(binary, db).start() as daemon:
        wrong = []
        for uuid, body in sent:
            status, got = raw_event(daemon.query, uuid)
            # The envelope is spliced into the answer as stored: the exact bytes must be there.
            if status != 200 or b'"envelope":' + body + b"}" not in got:
                wrong.append((uuid, status, got[:120]))
        rcv.check(not wrong, "%s: all %d envelopes byte-exact through /v1/events (wrong: %s)"
                  % (when, len(sent), wrong[:2]))
        daemon.signal(15)
        rcv.check(daemon.wait(60) == 0, "%s: serve exits 0" % when)


def run(binary, *args):
    p = subprocess.run([binary] + list(args), capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def main(binary):
    with tempfile.TemporaryDirectory(prefix="rcvault-compact-") as d:
        db = os.path.join(d, "rcvault.db")
        sent = payloads()
        src = os.path.join(d, "in.ndjson")
        with open(src, "wb") as f:
            f.write(b"\n".join(body for _, body in sent) + b"\n")
        rc, out, err = run(binary, "import", "--db", db, src)
        rcv.check(rc == 0, "import exits 0 (%s %s)" % (rc, err))

        rc, out, err = run(binary, "compact", "--db", db)
        rcv.check(rc == 0, "compact exits 0 (%s %s)" % (rc, err))
        rcv.check("dictionary 1 trained" in out, "compact trains dictionary 1 (%r)" % out)
        m = re.search(r"(\d+) rows re-encoded with dictionary 1: (\d+) bytes before, (\d+) after", out)
        rcv.check(m and int(m.group(1)) >= COUNT * 8 // 10 and int(m.group(3)) < int(m.group(2)) // 3,
                  "compact re-encodes the rows to under a third of their size (%r)" % out)
        expect_byte_exact(binary, db, sent, "dictionary 1")

        rc, out, err = run(binary, "compact", "--db", db, "--retrain")
        rcv.check(rc == 0, "compact --retrain exits 0 (%s %s)" % (rc, err))
        rcv.check("dictionary 2 trained" in out and "1 unused dictionaries dropped" in out,
                  "compact --retrain trains dictionary 2 and drops 1 (%r)" % out)
        expect_byte_exact(binary, db, sent, "dictionary 2")

        con = sqlite3.connect(db)
        con.execute("DELETE FROM raw_dictionaries")
        con.commit()
        con.close()
        rc, out, err = run(binary, "compact", "--db", db)
        lines = err.strip().splitlines()
        rcv.check(rc == 1 and len(lines) == 1 and "dictionary 2" in lines[0],
                  "a missing dictionary: compact exits 1 with one line naming it (%s %r)" % (rc, err))
        with rcv.Daemon(binary, db).start() as daemon:
            status, got = raw_event(daemon.query, sent[0][0])
            daemon.signal(15)
            daemon.wait(60)
            rcv.check(status == 500 and b"envelope" not in got,
                      "a missing dictionary: /v1/events answers 500, no garbage (%s %r)" % (status, got[:200]))
            named = [l for l in daemon.log if "dictionary 2" in l and "does not hold" in l]
            rcv.check(named, "a missing dictionary: the daemon's error line names it (%s)" % daemon.log[-3:])

        rc, out, err = run(binary, "compact", "--db", os.path.join(d, "absent.db"))
        rcv.check(rc == 2 and "no such file" in err, "compact of a missing file exits 2 (%s %r)" % (rc, err))
        rcv.check(not os.path.exists(os.path.join(d, "absent.db")), "compact creates no file")


if __name__ == "__main__":
    rcv.run(main)
