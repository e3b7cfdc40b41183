"""Helpers for the Message Sync system tests (docs/sync.md): the fake
RingCentral of tests/fake_ringcentral, and the built rcvault configured
against it through the environment, as a user would.

Standard library only, on top of rcv.py (daemons, checks) and fakerc.py
(starting and driving the fake).
"""
import ctypes
import ctypes.util
import json
import os
import re
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fake_ringcentral"))

from fakerc import CLIENT_ID, CLIENT_SECRET, JWT, FakeRingCentral  # noqa: E402,F401

OWNER = "2253168021"   # the fake's token owner: the "~" mailbox
SYNC_PATH = "/message-sync"

SUMMARY = re.compile(r"^extension (\d+): (\d+) records \((\d+) new, (\d+) updated\) in ([0-9.]+) s$")


def start_fake(tmp, tls=False, args=()):
    """The fake on port 0, its request windows wide enough that the
    advertised limits never make the client wait (the tests set ceilings)."""
    limits = ["--rate-limit", "light=1000000", "--rate-limit", "medium=1000000", "--rate-limit", "auth=1000"]
    return FakeRingCentral(tls_dir=os.path.join(tmp, "tls") if tls else None, args=limits + list(args))


def api_env(fake, **keys):
    """The test's environment without RCVAULT_* of its own, plus the API
    configured against `fake` and `keys` as RCVAULT_<KEY> (e.g.
    sync_extensions="all"). Ceilings are high unless a key sets them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RCVAULT_") and k != "CREDENTIALS_DIRECTORY"}
    env.update({
        "RCVAULT_RINGCENTRAL_SERVER": fake.base,
        "RCVAULT_RINGCENTRAL_CLIENT_ID": CLIENT_ID,
        "RCVAULT_RINGCENTRAL_CLIENT_SECRET": CLIENT_SECRET,
        "RCVAULT_RINGCENTRAL_JWT": JWT,
        "RCVAULT_RINGCENTRAL_LIGHT_PER_MINUTE": "60000",
        "RCVAULT_RINGCENTRAL_MEDIUM_PER_MINUTE": "60000",
    })
    if fake.ca:
        env["RCVAULT_RINGCENTRAL_CA_FILE"] = fake.ca
    for k, v in keys.items():
        env["RCVAULT_" + k.upper()] = str(v)
    return env


def rcvault(binary, args, env, timeout=180):
    """Runs the binary to its end: (exit code, stdout, stderr)."""
    p = subprocess.run([binary] + list(args), env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=timeout, text=True)
    return p.returncode, p.stdout, p.stderr


def start_sync(binary, db, env, args=()):
    """`rcvault sync` in the background (a process group of its own)."""
    return subprocess.Popen([binary, "sync", "--db", db] + list(args), env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def sync(binary, db, env, args=(), timeout=180):
    """One `rcvault sync` pass: (exit code, {extension: (records, new, updated)}, stdout, stderr)."""
    rc, out, err = rcvault(binary, ["sync", "--db", db] + list(args), env, timeout)
    return rc, summaries(out), out, err


def summaries(stdout):
    """{extension id: (records, new, updated)} from the per-mailbox lines."""
    out = {}
    for line in stdout.splitlines():
        m = SUMMARY.match(line)
        if m:
            out[m.group(1)] = (int(m.group(2)), int(m.group(3)), int(m.group(4)))
    return out


def fake_records(fake, extension="~"):
    """The fake's records of a mailbox as stored there (parsed with Python's
    json: integers keep every digit)."""
    return fake.control("GET", "/_fake/messages?extension=" + extension)["records"]


def query(db, sql, args=()):
    """Rows of `sql` on a read-only connection of its own."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


_zstd = None


def payload_of(db, stored, dict_id):
    """The bytes as received of an events row whose raw column is `stored` and
    raw_dict `dict_id` (docs/storage.md): as is when NULL, else a zstd frame
    made with dictionary `dict_id` of raw_dictionaries (0: none), decoded
    with the system's libzstd."""
    global _zstd
    if dict_id is None:
        return stored
    if _zstd is None:
        _zstd = ctypes.CDLL(ctypes.util.find_library("zstd") or "libzstd.so.1")
        _zstd.ZSTD_getFrameContentSize.restype = ctypes.c_ulonglong
        _zstd.ZSTD_getFrameContentSize.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
        _zstd.ZSTD_createDCtx.restype = ctypes.c_void_p
        _zstd.ZSTD_freeDCtx.argtypes = [ctypes.c_void_p]
        _zstd.ZSTD_decompress_usingDict.restype = ctypes.c_size_t
        _zstd.ZSTD_decompress_usingDict.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
                                                    ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]
        _zstd.ZSTD_isError.argtypes = [ctypes.c_size_t]
    dictionary = b""
    if dict_id:
        dictionary = query(db, "SELECT bytes FROM raw_dictionaries WHERE id = ?", (dict_id,))[0][0]
    size = _zstd.ZSTD_getFrameContentSize(stored, len(stored))
    out = ctypes.create_string_buffer(max(int(size), 1))
    dctx = _zstd.ZSTD_createDCtx()
    try:
        n = _zstd.ZSTD_decompress_usingDict(dctx, out, len(out), stored, len(stored), dictionary, len(dictionary))
    finally:
        _zstd.ZSTD_freeDCtx(dctx)
    if _zstd.ZSTD_isError(n) or n != size:
        raise ValueError("events.raw: a frame of dictionary %s does not decode" % dict_id)
    return out.raw[:n]


def stored_records(db):
    """{message id (int): the latest stored api_record, parsed} from the raw
    bytes kept for each record."""
    latest = {}
    for (stored, dict_id) in query(db, "SELECT raw, raw_dict FROM events WHERE kind = 'api_record' ORDER BY id"):
        rec = json.loads(payload_of(db, stored, dict_id))
        if "id" in rec:
            prev = latest.get(rec["id"])
            if prev is None or rec.get("lastModifiedTime", "") >= prev.get("lastModifiedTime", ""):
                latest[rec["id"]] = rec
    return latest


def messages(db):
    """{rc_id: (message_status, availability, subject, conversation_id)} of every stored message."""
    rows = query(db, "SELECT rc_id, message_status, availability, subject, conversation_id FROM messages")
    return {r[0]: r[1:] for r in rows}


def sync_requests(fake, since=0):
    """Message Sync requests in the fake's log since `since` (a seq)."""
    return [r for r in fake.requests(since) if SYNC_PATH in r["path"]]


def query_of(entry):
    """The query string of a request-log entry as a dict of first values."""
    q = entry.get("query") or ""
    if isinstance(q, dict):
        return {k: (v[0] if isinstance(v, list) else v) for k, v in q.items()}
    out = {}
    for part in q.lstrip("?").split("&"):
        if "=" in part:
            k, v = part.split("=", 1)
            out.setdefault(k, v)
    return out


def last_seq(fake):
    return fake.control("GET", "/_fake/requests?since=0&path=%5E%24")["last_seq"]


def wait_for(what, predicate, timeout=30.0, step=0.05):
    """Polls `predicate` until it returns a true value (returned) or raises after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        v = predicate()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(step)
