#!/usr/bin/env python3
"""kill -9 in the middle of an attachment download (docs/attachments.md,
"Where files live"): with the fake sending a 2 MB voicemail slowly, serve is
killed once the fake has sent part of it; the archive still says
pending and no file is under sha256/; the next serve removes the partial file, downloads the attachment
again and stores it whole, byte for byte.

    attachment_kill9_test.py RCVAULT_BINARY
"""
import os
import signal
import tempfile

import rcv
from rcv import check
from attachtest import (add_message, content, fake_content, serve_env, sha256_hex, states, stored_files, tmp_files,
                        wait_archived)
from synctest import start_fake, wait_for

SIZE = 2_000_000
SLOW = 200_000   # bytes a second: 10 s for the whole attachment


def main(binary):
    with tempfile.TemporaryDirectory() as tmp, start_fake(tmp) as fake:
        vm = add_message(fake, "voicemail")
        mid, att = vm["id"], vm["attachments"][0]
        override = {"message_id": mid, "attachment_id": att["id"], "size": SIZE}
        fake.control("POST", "/_fake/content", override)
        status, _, expected = fake_content(fake, att["uri"])
        check(status == 200 and len(expected) == SIZE, "the fake serves %d bytes (%d)" % (SIZE, len(expected)))
        fake.control("POST", "/_fake/content", dict(override, bytes_per_second=SLOW))

        db = os.path.join(tmp, "kill9.db")
        env = serve_env(fake, tmp)
        att_dir = env["RCVAULT_ATTACHMENTS_DIR"]
        d = rcv.Daemon(binary, db, env=env).start()
        try:
            # The fake's log counts the bytes it has sent of the answer still being written.
            sent = wait_for("part of the download sent", lambda: [
                q["bytes_sent"] for q in fake.requests(0, "/content/") if not q["done"] and q["bytes_sent"] >= 4 * 65536],
                timeout=60)
            rc = d.kill9()
        finally:
            d.kill()
        check(rc == -signal.SIGKILL, "serve killed with SIGKILL mid-download (%r bytes of %d sent)" % (sent, SIZE))
        check(states(db).get("stored", 0) == 0 and states(db).get("pending", 0) == 1,
              "the archive still says pending, nothing stored (%r)" % states(db))
        check(stored_files(att_dir) == [], "no file under sha256/ (%r)" % stored_files(att_dir))
        check(tmp_files(att_dir), "the partial download is left in tmp/ (%r)" % tmp_files(att_dir))

        # Full speed again, the same bytes.
        fake.control("POST", "/_fake/content", dict(override, bytes_per_second=0))
        with rcv.Daemon(binary, db, env=env).start() as d:
            a = wait_archived(d, mid, att["id"])
            check(a == {"status": "stored", "sha256": sha256_hex(expected), "size": SIZE},
                  "the next run stores it whole (%r)" % a)
            status, _, got = content(d, mid, att["id"])
            check(status == 200 and got == expected, "and serves it byte for byte (%d, %d bytes)" % (status, len(got)))
            check(len(stored_files(att_dir)) == 1 and tmp_files(att_dir) == {},
                  "one file under sha256/, the partial one gone from tmp/ (%r)" % tmp_files(att_dir))
            d.signal(signal.SIGTERM)
            check(d.wait(30) == 0, "SIGTERM: exit 0")
    return 0


if __name__ == "__main__":
    rcv.run(main)
