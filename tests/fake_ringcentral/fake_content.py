"""Attachment content of the fake RingCentral (reference section 8): bytes
with their content type, Range (206 / 416 CMN-107), 404 CMN-102 once purged,
and redirects to a second host (the "media" listener) or the same one.
"""

import base64
import random
import re
import threading

from fake_common import NOT_FOUND_MESSAGE, Reply, error_reply

# A recognisable start for each kind of content, then seeded random bytes.
_MAGIC = {
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/gif": b"GIF89a",
    "application/pdf": b"%PDF-1.4\n",
    "image/tiff": b"II*\x00",
    "audio/x-wav": b"RIFF\x00\x00\x00\x00WAVEfmt ",
    "audio/wav": b"RIFF\x00\x00\x00\x00WAVEfmt ",
    "audio/mpeg": b"ID3\x03\x00",
}

REDIRECTS = (None, "media", "same", "loop", "http")


def content_bytes(content_type, size, seed):
    """`size` bytes: the type's magic number, then random bytes from `seed`
    (the same seed and size give the same bytes)."""
    head = _MAGIC.get(content_type, b"")[:size]
    return head + random.Random(seed).randbytes(size - len(head))


class Content:
    """Per-attachment overrides and the defaults; thread-safe."""

    def __init__(self, store):
        self.store = store
        self.lock = threading.Lock()
        self.overrides = {}     # (message id, attachment id) -> dict
        self.options = {"content_bytes": 4096, "content_redirect": "", "content_bytes_per_second": 0}

    def configure(self, cfg):
        with self.lock:
            for k, v in cfg.items():
                self.options[k] = type(self.options[k])(v)

    def set(self, spec):
        """spec: {"message_id","attachment_id", "size"?, "seed"?, "base64"?, "text"?,
        "content_type"?, "redirect"?, "redirect_status"?, "bytes_per_second"?}"""
        key = (int(spec["message_id"]), int(spec["attachment_id"]))
        if spec.get("redirect") not in REDIRECTS:
            raise ValueError("redirect must be one of media, same, loop, http")
        with self.lock:
            self.overrides[key] = {k: v for k, v in spec.items() if k not in ("message_id", "attachment_id")}
            return dict(self.overrides[key], message_id=key[0], attachment_id=key[1])

    def find(self, ext_id, msg_id, att_id):
        """(attachment dict, override dict) or an error Reply."""
        with self.store.lock:
            box = self.store.mailboxes.get(ext_id)
            m = box.messages.get(msg_id) if box is not None else None
            if m is None:
                return error_reply(404, "CMN-102", NOT_FOUND_MESSAGE % "messageId", "messageId")
            atts = m.rec.get("attachments") or []
            att = next((a for a in atts if a.get("id") == att_id or str(a.get("id")) == str(att_id)), None)
            subject = m.rec.get("subject", "")
        if att is None:
            return error_reply(404, "CMN-102", NOT_FOUND_MESSAGE % "attachmentId", "attachmentId")
        with self.lock:
            over = dict(self.overrides.get((msg_id, att_id), {}))
        return att, over, subject

    def body(self, att, over, subject, msg_id, att_id):
        """(content type, bytes) of an attachment."""
        ctype = over.get("content_type") or att.get("contentType") or "application/octet-stream"
        if "base64" in over:
            return ctype, base64.b64decode(over["base64"])
        if "text" in over:
            return ctype, over["text"].encode("utf-8")
        if att.get("type") == "Text" and "size" not in over:
            return ctype, subject.encode("utf-8")
        size = int(over.get("size", self.options["content_bytes"]))
        seed = over.get("seed", "%d:%d" % (msg_id, att_id))
        return ctype, content_bytes(ctype, size, seed)

    def rate_of(self, over):
        """Bytes a second the body is written at (0: as fast as it goes)."""
        return int(over.get("bytes_per_second", self.options["content_bytes_per_second"]))

    def redirect_of(self, over):
        r = over.get("redirect", self.options["content_redirect"] or None)
        return r or None


_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


def ranged(data, range_header, ctype):
    """A 200, 206 or 416 Reply for `data` and a Range header (one range)."""
    total = len(data)
    base = {"Accept-Ranges": "bytes"}
    if not range_header:
        return Reply(200, raw=data, content_type=ctype, headers=base)
    m = _RANGE.match(range_header.strip())
    if m is None or (m.group(1) == "" and m.group(2) == ""):
        return _unsatisfiable(total)
    if m.group(1) == "":
        n = int(m.group(2))
        if n == 0:
            return _unsatisfiable(total)
        start, end = max(0, total - n), total - 1
    else:
        start = int(m.group(1))
        end = min(int(m.group(2)), total - 1) if m.group(2) else total - 1
        if start >= total or end < start:
            return _unsatisfiable(total)
    headers = dict(base, **{"Content-Range": "bytes %d-%d/%d" % (start, end, total)})
    return Reply(206, raw=data[start:end + 1], content_type=ctype, headers=headers)


def _unsatisfiable(total):
    r = error_reply(416, "CMN-107", "Requested Range Not Satisfiable")
    r.headers["Content-Range"] = "bytes */%d" % total
    return r
