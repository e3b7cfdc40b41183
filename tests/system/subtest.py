"""Helpers for the webhook-subscription system tests (docs/deploy.md):
the fake RingCentral creates, blacklists and notifies; the real daemon keeps
its subscription alive.

RingCentral reaches the daemon at `subscription.address`, which must be known
before the daemon starts, while the daemon binds port 0. As in production, a
proxy in front of the ingest listener holds the public address: `Proxy` listens
on port 0 of its own, and `point()` tells it the daemon's ingest port once the
daemon has logged it. A request arriving before that waits (at most 2.5 s, under
the fake's 3 s handshake timeout). The proxy can also answer wrongly on purpose
(`mode`), like a misconfigured proxy would.

Standard library only, on top of rcv.py and synctest.py.
"""
import http.client
import http.server
import re
import signal
import threading

import rcv
from synctest import api_env, wait_for  # noqa: F401  (re-exported for the tests)

TOKEN = "vt-subscription-test-0123456789abcdef"
SUB_PATH = re.compile(r"^/restapi/v1\.0/subscription(?:/(?P<id>[^/]+)(?P<renew>/renew)?)?/?$")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "date", "server"}


class Proxy:
    """A forwarding HTTP proxy on 127.0.0.1:0 in front of the daemon's ingest
    listener. mode: "forward" (default), "strip_echo" (drops Validation-Token
    from answers: RingCentral then says SUB-520), "status_404" (answers 404
    itself: SUB-525)."""

    def __init__(self):
        self.target = None
        self.mode = "forward"
        self.seen = []                      # (method, path, request headers lower-case, answer status)
        self._ready = threading.Condition()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, headers, data = proxy._forward(self.command, self.path, self.headers, body)
                proxy.seen.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, status))
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = "http://127.0.0.1:%d/webhook" % self.server.server_address[1]

    def point(self, hostport):
        """From now on, forward to the daemon's ingest listener at `hostport` (None: nowhere)."""
        with self._ready:
            self.target = hostport
            self._ready.notify_all()

    def _forward(self, method, path, headers, body):
        if self.mode == "status_404":
            return 404, [("Content-Type", "text/plain")], b"not here\n"
        with self._ready:
            self._ready.wait_for(lambda: self.target is not None, timeout=2.5)
            target = self.target
        if target is None:
            return 502, [("Content-Type", "text/plain")], b"no upstream\n"
        conn = http.client.HTTPConnection(*target, timeout=10)
        try:
            fwd = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
            conn.request(method, path, body=body, headers=fwd)
            r = conn.getresponse()
            data = r.read()
            out = [(k, v) for k, v in r.getheaders() if k.lower() not in HOP_BY_HOP]
            if self.mode == "strip_echo":
                out = [(k, v) for k, v in out if k.lower() != "validation-token"]
            return r.status, out, data
        except (OSError, http.client.HTTPException):
            return 502, [("Content-Type", "text/plain")], b"upstream failed\n"
        finally:
            conn.close()

    def handshakes(self):
        """Validation requests that reached the proxy: [(answer status, echoed by the daemon?)]."""
        return [s for (_m, _p, h, s) in self.seen if "validation-token" in h]

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def sub_env(fake, proxy, token=TOKEN, **keys):
    """api_env with the subscription managed at the proxy's address, the
    verification token `token` (None: none), a sync interval long enough that
    only a poke or a recreation explains a sync, and `keys` on top."""
    settings = dict(subscription_address=proxy.url, sync_interval_seconds=3600, log_level="debug")
    if token is not None:
        settings["ingest_verification_token"] = token
    settings.update(keys)
    return api_env(fake, **settings)


def start(binary, db, env, proxy, args=()):
    """`rcvault serve` with the proxy pointed at its ingest listener."""
    d = rcv.Daemon(binary, db, extra_args=args, env=env).start()
    proxy.point(d.ingest)
    return d


def stop(d, proxy=None):
    """SIGTERM; checks the daemon exits 0 and the proxy points nowhere afterwards."""
    d.signal(signal.SIGTERM)
    rc = d.wait(30)
    if proxy is not None:
        proxy.point(None)
    rcv.check(rc == 0, "SIGTERM: serve exits 0 (rc=%r)" % rc)


def status(d):
    """(HTTP status, body) of GET /v1/subscription."""
    return rcv.get_json(d.query, "/v1/subscription")


def state(d):
    """The body of GET /v1/subscription when it answers 200, else {}."""
    code, body = status(d)
    return body if code == 200 and isinstance(body, dict) else {}


def wait_active(d, what="the subscription active in /v1/subscription", timeout=30, not_id=None):
    """The /v1/subscription body once its state is active (with an id other than `not_id`)."""
    return wait_for(what, lambda: (lambda s: s if s.get("state") == "active" and s.get("id")
                                   and s.get("id") != not_id else None)(state(d)), timeout=timeout)


def metrics(d):
    """{"name{labels}" or "name": float} of GET /metrics."""
    conn = http.client.HTTPConnection(*d.query, timeout=10)
    try:
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
    finally:
        conn.close()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            try:
                out[name] = float(value)
            except ValueError:
                pass
    return out


def fake_subs(fake):
    """The fake's subscriptions, with the verification token each was created with."""
    return fake.control("GET", "/_fake/subscriptions")["records"]


def sub_calls(fake, since=0):
    """Subscription requests in the fake's log since `since` (a seq), each as
    (kind, id or None, status): kind create, list, get, renew, put or delete."""
    out = []
    for r in fake.requests(since):
        m = SUB_PATH.match(r["path"])
        if not m:
            continue
        sid = m.group("id")
        if m.group("renew"):
            kind = "renew"
        elif sid is None:
            kind = {"POST": "create", "GET": "list"}.get(r["method"], r["method"])
        else:
            kind = {"GET": "get", "PUT": "put", "DELETE": "delete"}.get(r["method"], r["method"])
        out.append((kind, sid, r["status"]))
    return out


def kinds(calls, kind):
    return [c for c in calls if c[0] == kind]


def last_seq(fake):
    return fake.control("GET", "/_fake/requests?since=0&path=%5E%24")["last_seq"]


def expand(fake, f):
    """A filter as the fake echoes it (`~` replaced by the account and owner ids)."""
    info = fake.control("GET", "/_fake/info")
    f = re.sub(r"/account/~(?=/|$|\?)", "/account/" + info["account_id"], f)
    return re.sub(r"/extension/~(?=/|$|\?)", "/extension/" + info["owner_id"], f)


def write_config(path, filters=None, **subscription):
    """A TOML file with a [subscription] table (event_filters as an array)."""
    lines = ["[subscription]"]
    if filters is not None:
        lines.append("event_filters = [%s]" % ", ".join('"%s"' % f for f in filters))
    for k, v in subscription.items():
        lines.append("%s = %s" % (k, v if isinstance(v, int) else '"%s"' % v))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path
