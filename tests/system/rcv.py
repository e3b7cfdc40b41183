"""Helpers for rcvault's system tests: run the built binary as a real process
on ephemeral ports and talk to it over real sockets.

Every test owns a temp dir, binds port 0, and waits for the daemon's
`listening ingest=HOST:PORT query=HOST:PORT` line (never a sleep) with a
bounded deadline.
"""
import http.client
import json
import os
import select
import signal
import socket
import sqlite3
import subprocess
import threading
import time

START_DEADLINE_S = 30.0


class Daemon:
    """One `rcvault serve` process."""

    def __init__(self, binary, db, extra_args=(), env=None):
        self.binary = binary
        self.db = db
        self.extra_args = list(extra_args)
        self.env = dict(os.environ if env is None else env)
        self.proc = None
        self.ingest = None
        self.query = None
        self.log = []
        self._drain = None

    def start(self):
        args = [self.binary, "serve", "--db", self.db, "--ingest-listen", "127.0.0.1:0",
                "--query-listen", "127.0.0.1:0"] + self.extra_args
        self.proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, env=self.env)
        deadline = time.monotonic() + START_DEADLINE_S
        buf = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.proc.kill()
                raise RuntimeError("serve did not log its listening line in time: %r" % buf)
            ready, _, _ = select.select([self.proc.stderr], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.proc.stderr.fileno(), 65536)
            if not chunk:
                raise RuntimeError("serve exited before listening (rc=%s): %s" % (self.proc.wait(), buf.decode(errors="replace")))
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                text = line.decode(errors="replace")
                self.log.append(text)
                if "listening ingest=" in text:
                    parts = dict(p.split("=", 1) for p in text.split() if "=" in p)
                    self.ingest = _hostport(parts["ingest"])
                    self.query = _hostport(parts["query"])
                    self._drain = threading.Thread(target=self._drain_stderr, daemon=True)
                    self._drain.start()
                    return self

    def _drain_stderr(self):
        for line in self.proc.stderr:
            self.log.append(line.decode(errors="replace").rstrip("\n"))

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait(self, timeout=30):
        rc = self.proc.wait(timeout=timeout)
        if self._drain:
            self._drain.join(timeout=5)
        return rc

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        return self.wait()


def _hostport(s):
    host, port = s.rsplit(":", 1)
    return host.strip("[]"), int(port)


def notification(tag, i, subject=None):
    """A distinct instant-SMS notification: returns (uuid, message_id, body bytes)."""
    uuid = "sys-%s-%08d" % (tag, i)
    mid = "7%s%08d" % (abs(hash(tag)) % 100000, i)
    env = {
        "uuid": uuid,
        "event": "/restapi/v1.0/account/~/extension/823476228762/message-store/instant?type=SMS",
        "subscriptionId": "dc853541-66ac-45d8-a289-1a239fd72888",
        "ownerId": "823476228762",
        "timestamp": "2026-01-02T03:04:05.000Z",
        "body": {
            "id": mid,
            "to": [{"phoneNumber": "+16505550100", "name": "Lena Kim"}],
            "from": {"phoneNumber": "+14155550%03d" % (i % 1000)},
            "type": "SMS", "creationTime": "2026-01-02T03:04:05.000Z",
            "lastModifiedTime": "2026-01-02T03:04:05.000Z", "readStatus": "Unread",
            "priority": "Normal", "direction": "Inbound", "availability": "Alive",
            "subject": subject or ("system test message %d" % i), "messageStatus": "Received",
            "attachments": [{"id": mid, "type": "Text", "contentType": "text/plain"}],
        },
    }
    return uuid, mid, json.dumps(env).encode()


def post(conn, body, path="/webhook", headers=None):
    """POSTs JSON on an http.client connection; returns (status, parsed JSON or None)."""
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    conn.request("POST", path, body=body, headers=h)
    resp = conn.getresponse()
    data = resp.read()
    try:
        return resp.status, json.loads(data) if data else None
    except ValueError:
        return resp.status, None


def get_json(hostport, path, timeout=10):
    conn = http.client.HTTPConnection(*hostport, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, (json.loads(data) if data else None)
    finally:
        conn.close()


def stored_column(db, sql):
    """The first column of every row `sql` returns, as a set, read with a
    separate read-only connection (the daemon may be running)."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    try:
        return {r[0] for r in con.execute(sql)}
    finally:
        con.close()


def stored_uuids(db):
    """uuids of every stored event."""
    return stored_column(db, "SELECT uuid FROM events")


def stored_message_ids(db):
    """RingCentral ids of every stored message."""
    return stored_column(db, "SELECT rc_id FROM messages")


class Posters:
    """N threads posting distinct notifications on keep-alive connections,
    recording every uuid acknowledged with 200 until stop() or the daemon dies."""

    def __init__(self, hostport, n, tag):
        self.hostport = hostport
        self.n = n
        self.tag = tag
        self.acked = {}          # uuid -> message id
        self.statuses = {}
        self.lock = threading.Lock()
        self.stop_flag = threading.Event()
        self.threads = []
        self.count = 0
        self.first_acks = threading.Event()

    def _run(self, k):
        i = 0
        conn = None
        while not self.stop_flag.is_set():
            uuid, mid, body = notification("%s-%d" % (self.tag, k), i)
            i += 1
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(*self.hostport, timeout=10)
                status, _ = post(conn, body)
            except (OSError, http.client.HTTPException):
                if conn:
                    conn.close()
                conn = None
                if self.stop_flag.wait(0.01):
                    break
                continue
            with self.lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if status == 200:
                    self.acked[uuid] = mid
                    self.count += 1
                    if self.count >= 50 * self.n:
                        self.first_acks.set()
        if conn:
            conn.close()

    def start(self):
        for k in range(self.n):
            t = threading.Thread(target=self._run, args=(k,), daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def stop(self):
        self.stop_flag.set()
        for t in self.threads:
            t.join(timeout=15)


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok -", what, flush=True)
