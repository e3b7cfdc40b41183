"""Helpers for rcvault's system tests: run the built binary as a real process
on ephemeral ports and talk to it over real sockets.

Every test owns a temp dir, binds port 0, and waits for the daemon's
`listening ingest=HOST:PORT query=HOST:PORT` line (never a sleep) with a
bounded deadline.

No test leaves a daemon running, whatever way it ends: run() kills every
daemon still alive when main returns or raises (and when the test is sent
SIGTERM, SIGHUP or SIGINT), an atexit hook does the same for a test that does
not use run(), and each daemon gets SIGKILL from the kernel when the thread
that started it dies (PR_SET_PDEATHSIG via setpriv, so also when the test
itself is killed with SIGKILL, e.g. by a ctest TIMEOUT). Start daemons from
the main thread: the death signal follows the starting thread.
"""
import atexit
import http.client
import json
import os
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import traceback

START_DEADLINE_S = 30.0

# Daemons started and not yet seen to exit; kill_all() ends them.
_live = []
_live_lock = threading.Lock()


def _find_setpriv():
    """util-linux's setpriv (Essential on Debian) when it knows --pdeathsig
    (2.33 and later), else None: then only run() and atexit clean up."""
    path = shutil.which("setpriv")
    if not path:
        return None
    try:
        out = subprocess.run([path, "--help"], capture_output=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return path if b"--pdeathsig" in out else None


# Sets the parent-death signal, then execs the daemon (same pid).
_SETPRIV = _find_setpriv()


def kill_all():
    """SIGKILLs and reaps every daemon that still runs (each in its own
    process group); says so on stderr, since a test that ends normally has
    stopped its daemons itself."""
    with _live_lock:
        live = list(_live)
    for d in live:
        if d.proc.poll() is None:
            print("rcv: killing daemon pid %d left running by the test" % d.proc.pid, file=sys.stderr, flush=True)
        d.kill()


atexit.register(kill_all)


def run(main):
    """The entry point of a test script: exits with main(binary)'s return
    value (None counts as 0; 77 means skipped). An exception prints its
    traceback and exits 1. Daemons left running are killed in every case."""
    def on_signal(signo, _frame):
        raise SystemExit(128 + signo)
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    rc = 1
    try:
        rc = main(sys.argv[1]) or 0
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
    except BaseException:  # AssertionError from check(), KeyboardInterrupt, ...
        traceback.print_exc()
        rc = 1
    finally:
        kill_all()
    sys.stdout.flush()
    sys.exit(rc)


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
        if _SETPRIV:
            args = [_SETPRIV, "--pdeathsig", "KILL", "--"] + args   # setpriv execs: same pid
        # A session (and process group) of its own: kill() ends the group, and a
        # terminal's Ctrl-C reaches only the test, which then kills the daemon.
        self.proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, env=self.env, start_new_session=True)
        with _live_lock:
            _live.append(self)
        deadline = time.monotonic() + START_DEADLINE_S
        buf = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise RuntimeError("serve did not log its listening line in time: %r" % buf)
            ready, _, _ = select.select([self.proc.stderr], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.proc.stderr.fileno(), 65536)
            if not chunk:
                rc = self.proc.wait(timeout=30)
                self._forget()
                raise RuntimeError("serve exited before listening (rc=%s): %s" % (rc, buf.decode(errors="replace")))
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
        """The exit code (negative: the signal that ended it), or None when it
        still runs after `timeout` seconds (it is left running: run() or
        kill() ends it)."""
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self._forget()
        if self._drain:
            self._drain.join(timeout=5)
        return rc

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        return self.wait()

    def kill(self):
        """SIGKILLs the daemon's process group if it still runs, and reaps it."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            print("rcv: daemon pid %d did not die after SIGKILL" % self.proc.pid, file=sys.stderr, flush=True)
            return
        self._forget()

    def _forget(self):
        with _live_lock:
            if self in _live:
                _live.remove(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False


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
