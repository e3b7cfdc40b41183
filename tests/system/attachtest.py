"""Helpers for the attachment system tests (docs/attachments.md): messages
with attachments on the fake RingCentral, the bytes it serves for them, and
`rcvault serve` downloading them into attachments.dir.

Standard library only, on top of rcv.py and synctest.py.
"""
import hashlib
import http.client
import os

import rcv
from synctest import api_env, query, wait_for

# The fake serves every non-Text attachment as this many bytes unless told otherwise.
FAKE_CONTENT_BYTES = 4096


def serve_env(fake, tmp, **keys):
    """The API configured against `fake`, attachments under tmp/attachments,
    never paused for disk space (test machines may have little free), and no
    periodic sync beyond the first one at start."""
    keys.setdefault("attachments_dir", os.path.join(tmp, "attachments"))
    keys.setdefault("attachments_min_free_bytes", 0)
    keys.setdefault("sync_interval_seconds", 3600)
    return api_env(fake, **keys)


def add_message(fake, template):
    """One message of `template` (mms, voicemail, fax) in the owner's mailbox; its record."""
    return fake.control("POST", "/_fake/messages", {"extension": "~", "template": template})["records"][0]


def fake_content(fake, uri):
    """(status, Content-Type, bytes) the fake serves at `uri`, with a token of our own."""
    status, token = fake.token()
    assert status == 200, token
    status, headers, body = fake.api("GET", uri, token["access_token"])
    return status, headers.get("content-type"), body


def content(d, message_id, attachment_id, headers=None):
    """(status, headers {lower-case name: value}, body bytes) of the content endpoint."""
    conn = http.client.HTTPConnection(*d.query, timeout=30)
    try:
        conn.request("GET", "/v1/messages/%s/attachments/%s/content" % (message_id, attachment_id),
                     headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def metrics_text(d):
    """GET /metrics of the daemon, as text."""
    conn = http.client.HTTPConnection(*d.query, timeout=10)
    try:
        conn.request("GET", "/metrics")
        return conn.getresponse().read().decode()
    finally:
        conn.close()


def archive_of(d, message_id):
    """{attachment id: its "archive" object} of the message as the API shows it ({} when unknown)."""
    status, body = rcv.get_json(d.query, "/v1/messages/%s" % message_id)
    if status != 200:
        return {}
    return {a["id"]: a.get("archive", {}) for a in body.get("attachments", [])}


def wait_archived(d, message_id, attachment_id, timeout=60):
    """Waits until the attachment's archive status is final (not pending); returns the archive object."""
    def final():
        a = archive_of(d, message_id).get(str(attachment_id))
        return a if a and a.get("status") not in (None, "pending") else None
    return wait_for("attachment %s of message %s archived" % (attachment_id, message_id), final, timeout=timeout)


def stored_files(att_dir):
    """Paths of every file under att_dir/sha256/."""
    out = []
    for root, _, files in os.walk(os.path.join(att_dir, "sha256")):
        out += [os.path.join(root, f) for f in files]
    return sorted(out)


def tmp_files(att_dir):
    """{path: size} of the files under att_dir/tmp/."""
    d = os.path.join(att_dir, "tmp")
    if not os.path.isdir(d):
        return {}
    out = {}
    for f in os.listdir(d):
        try:
            out[os.path.join(d, f)] = os.path.getsize(os.path.join(d, f))
        except OSError:
            pass
    return out


def file_of(att_dir, sha256):
    return os.path.join(att_dir, "sha256", sha256[:2], sha256)


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def states(db):
    """{state: count} of the archive rows in the database."""
    return dict(query(db, "SELECT state, count(*) FROM attachment_archive GROUP BY state"))
