#!/usr/bin/env python3
"""Attachment content in `rcvault serve` (docs/attachments.md): an MMS image, a
voicemail's audio and a fax's PDF that arrive by Message Sync are downloaded
from the fake RingCentral and served back by
GET /v1/messages/{id}/attachments/{attachmentId}/content byte for byte, with
their types, Content-Length and the sha256 as ETag; a Range answers the slice
(206), a range past the end 416; the MMS's Text attachment is skipped (404
not_archived naming the state); the metrics count the states and the bytes.

    attachment_serve_test.py RCVAULT_BINARY
"""
import os
import signal
import tempfile

import rcv
from rcv import check
from attachtest import (add_message, content, fake_content, metrics_text, serve_env, sha256_hex, stored_files,
                        wait_archived)
from synctest import start_fake


def main(binary):
    with tempfile.TemporaryDirectory() as tmp, start_fake(tmp) as fake:
        mms = add_message(fake, "mms")
        vm = add_message(fake, "voicemail")
        fax = add_message(fake, "fax")
        # A fax of several 64 KiB reads on both sides.
        fake.control("POST", "/_fake/content", {"message_id": fax["id"], "attachment_id": fax["attachments"][0]["id"],
                                                "size": 300000})
        # (message id, attachment record) of every attachment with content to keep.
        wanted = [(m["id"], a) for m in (mms, vm, fax) for a in m["attachments"] if a["type"] != "Text"]
        text = next(a for a in mms["attachments"] if a["type"] == "Text")
        expected = {}
        for mid, a in wanted:
            status, ctype, body = fake_content(fake, a["uri"])
            check(status == 200 and body, "the fake serves attachment %s (%d)" % (a["id"], status))
            expected[(mid, a["id"])] = (ctype, body)
        check(sorted(t for t, _ in expected.values()) == ["application/pdf", "audio/x-wav", "image/jpeg"],
              "an image, an audio recording and a PDF (%r)" % sorted(t for t, _ in expected.values()))

        env = serve_env(fake, tmp)
        att_dir = env["RCVAULT_ATTACHMENTS_DIR"]
        with rcv.Daemon(binary, os.path.join(tmp, "serve.db"), env=env).start() as d:
            for (mid, aid), (ctype, body) in expected.items():
                a = wait_archived(d, mid, aid)
                check(a == {"status": "stored", "sha256": sha256_hex(body), "size": len(body)},
                      "attachment %s of message %s is stored with its sha256 and size (%r)" % (aid, mid, a))
                status, headers, got = content(d, mid, aid)
                check(status == 200 and got == body, "the content endpoint serves %s byte for byte (%d, %d of %d bytes)"
                      % (ctype, status, len(got), len(body)))
                check(headers.get("content-type") == ctype and headers.get("content-length") == str(len(body)),
                      "with its type and length (%r, %r)" % (headers.get("content-type"), headers.get("content-length")))
                check(headers.get("etag") == '"%s"' % sha256_hex(body) and headers.get("accept-ranges") == "bytes",
                      "with the sha256 as ETag and Accept-Ranges (%r)" % headers.get("etag"))
            check(len(stored_files(att_dir)) == 3, "three files under sha256/ (%r)" % stored_files(att_dir))

            mid, aid = fax["id"], fax["attachments"][0]["id"]
            body = expected[(mid, aid)][1]
            status, headers, got = content(d, mid, aid, {"Range": "bytes=100000-199999"})
            check(status == 206 and got == body[100000:200000],
                  "Range bytes=100000-199999 answers 206 with that slice (%d, %d bytes)" % (status, len(got)))
            check(headers.get("content-range") == "bytes 100000-199999/%d" % len(body),
                  "Content-Range names the slice (%r)" % headers.get("content-range"))
            status, _, got = content(d, mid, aid, {"Range": "bytes=-16"})
            check(status == 206 and got == body[-16:], "Range bytes=-16 answers the last 16 bytes (%d)" % status)
            status, headers, got = content(d, mid, aid, {"Range": "bytes=%d-" % len(body)})
            check(status == 416 and headers.get("content-range") == "bytes */%d" % len(body),
                  "a range past the end answers 416 with Content-Range bytes */%d (%d, %r)"
                  % (len(body), status, headers.get("content-range")))

            status, _, got = content(d, mms["id"], text["id"])
            check(status == 404 and b"not_archived" in got and b"is skipped" in got,
                  "the MMS's Text attachment answers 404 not_archived, skipped (%d %r)" % (status, got))

            metrics = metrics_text(d)
            total = sum(len(b) for _, b in expected.values())
            check('rcvault_attachments{state="stored"} 3\n' in metrics and
                  'rcvault_attachments{state="skipped"} 1\n' in metrics and
                  'rcvault_attachments{state="pending"} 0\n' in metrics,
                  "the metrics count 3 stored, 1 skipped, 0 pending")
            check("rcvault_attachment_bytes_total %d\n" % total in metrics, "and %d bytes stored" % total)

            d.signal(signal.SIGTERM)
            check(d.wait(30) == 0, "SIGTERM: exit 0")
    return 0


if __name__ == "__main__":
    rcv.run(main)
