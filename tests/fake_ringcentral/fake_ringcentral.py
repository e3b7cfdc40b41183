#!/usr/bin/env python3
"""A fake RingCentral for rcvault's tests (Python 3 standard library only).

    python3 fake_ringcentral.py --port 0 [--tls DIR] [--state FILE]

prints one first line `listening http://127.0.0.1:PORT` (or `listening
https://127.0.0.1:PORT ca=DIR/ca.pem`) and serves the token endpoint, the
extension list, Message Sync and Get Message in RingCentral's shapes, plus a
control API under /_fake/. It exits on SIGTERM, SIGINT, or when its stdin (a
pipe) closes. README.md beside this file documents everything.
"""

import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import argparse
import json
import os
import re
import signal
import socket
import ssl
import stat
import struct
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import fake_content
import fake_control
import fake_tls
from fake_auth import TokenStore
from fake_common import Reply
from fake_content import Content
from fake_limits import Faults, RateLimits, RequestLog, group_of
from fake_store import Store
from fake_subscriptions import Subscriptions

_API = re.compile(r"/restapi/v1\.0/account/(?P<acct>[^/]+)/extension(?:/(?P<ext>[^/]+)"
                  r"(?:/(?P<what>message-sync|message-store(?:/(?P<msg>[^/]+)(?:/content/(?P<att>[^/]+))?)?))?)?/?")
_SUBSCRIPTION = re.compile(r"/restapi/v1\.0/subscription(?:/(?P<id>[^/]+)(?P<renew>/renew)?)?/?")
_MEDIA = re.compile(r"/media/(?P<ext>\d+)/(?P<msg>\d+)/(?P<att>\d+)")
CHUNK = 64 * 1024


def invalid_uri():
    return Reply(404, {"errorCode": "CMN-120", "message": "Invalid URI",
                       "errors": [{"errorCode": "CMN-120", "message": "Invalid URI"}]})


def fake_failure():
    """A bug in the fake shows as a 500 naming it (and a traceback on stderr), not a hang."""
    traceback.print_exc()
    return Reply(500, {"errorCode": "FAKE-500", "message": "the fake failed: see its stderr",
                       "errors": [{"errorCode": "FAKE-500", "message": "the fake failed: see its stderr"}]})


class State:
    """Everything the fake knows; the control API can reset it."""

    def __init__(self, opts):
        self.opts = opts
        self.base = ""
        self.media_base = ""        # a second host (own port): redirect target without the token
        self.media_http_base = ""   # plain http (differs from media_base only with --tls)
        self.ca = None
        self.faults = Faults()
        self.log = RequestLog()
        self.reset()

    def reset(self):
        self.tokens = TokenStore(self.opts)
        self.store = Store(self.opts)
        self.store.rebase(self.base)
        self.subs = Subscriptions(self.store)
        self.content = Content(self.store)
        self.limits = RateLimits(self.opts.rate_limit)
        if self.opts.enforce_rate_limits:
            self.limits.configure({g: {"enforce": True} for g in self.limits.groups})
        self.faults.clear()
        self.log.reset()

    def info(self):
        return {"base_url": self.base, "media_url": self.media_base, "media_http_url": self.media_http_base,
                "ca": self.ca, "account_id": self.store.account_id,
                "owner_id": self.store.owner_id, "client_id": self.opts.client_id}

    def configure(self, cfg):
        """Applies a /_fake/config body; returns the whole configuration."""
        unknown = [k for k in cfg if k not in fake_control._TOKEN_KEYS and k not in self.store.options
                   and k not in self.subs.options and k not in self.content.options and k != "rate_limits"]
        if unknown:
            raise ValueError("unknown config keys: " + ", ".join(sorted(unknown)))
        self.tokens.configure({k: v for k, v in cfg.items() if k in fake_control._TOKEN_KEYS})
        with self.store.lock:
            for k, v in cfg.items():
                if k in self.store.options:
                    self.store.options[k] = type(self.store.options[k])(v)
        self.subs.configure({k: v for k, v in cfg.items() if k in self.subs.options})
        self.content.configure({k: v for k, v in cfg.items() if k in self.content.options})
        if "rate_limits" in cfg:
            self.limits.configure(cfg["rate_limits"])
        return {"tokens": self.tokens.summary(), "sync": dict(self.store.options),
                "subscriptions": dict(self.subs.options), "content": dict(self.content.options),
                "rate_limits": self.limits.snapshot()}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeRingCentral/1.0"
    timeout = 120  # an idle keep-alive connection is dropped after this

    # -- plumbing --------------------------------------------------------------
    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle and
        # the client's delayed ACK add 40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.do_handshake()

    def log_message(self, fmt, *args):
        if self.server.state.opts.verbose:
            sys.stderr.write("fake: " + (fmt % args) + "\n")

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _send(self, reply, extra_headers, partial=None, entry=None):
        """Writes the answer; counts the body bytes written into entry["bytes_sent"]
        and sets entry["done"] once the answer is written or the client went away."""
        sent = 0
        try:
            self.send_response(reply.status)
            if reply.content_type and reply.body:
                self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for k, v in list(extra_headers.items()) + list(reply.headers.items()):
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                body = reply.body if partial is None else reply.body[:partial]
                view = memoryview(body)
                rate = getattr(reply, "bytes_per_second", 0)
                chunk = CHUNK if not rate else max(1, min(CHUNK, rate // 10))
                while sent < len(body):
                    n = min(chunk, len(body) - sent)
                    self.wfile.write(view[sent:sent + n])
                    sent += n
                    if entry is not None:
                        entry["bytes_sent"] = sent
                    if rate and sent < len(body):
                        time.sleep(n / rate)
            self.wfile.flush()
        except OSError:
            self.close_connection = True
        finally:
            if entry is not None:
                entry["bytes_sent"] = sent
                entry["done"] = True

    def _drop(self, reset):
        """Ends the connection without an answer: RST when `reset`, else FIN."""
        try:
            if reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True
        for f in (self.rfile, self.wfile):
            try:
                f.close()
            except OSError:
                pass
        try:
            if isinstance(self.connection, ssl.SSLSocket) and reset:
                # Close the descriptor under the TLS layer: no close_notify, just RST.
                os.close(self.connection.detach())
            else:
                self.connection.close()
        except OSError:
            pass

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_DELETE(self):
        self._serve("DELETE")

    def do_PATCH(self):
        self._serve("PATCH")

    def do_HEAD(self):
        self._serve("HEAD")

    # -- one request -------------------------------------------------------------
    def _serve(self, method):
        state = self.server.state
        target = self.path
        path, _, qs = target.partition("?")
        query = fake_control.parse_query(qs)
        body = self._read_body()
        if path.startswith("/_fake/"):
            try:
                parsed = json.loads(body) if body.strip() else {}
                if not isinstance(parsed, dict):
                    raise ValueError("the body must be a JSON object")
            except ValueError as e:
                self._send(Reply(400, {"error": "bad JSON: %s" % e}), {})
                return
            try:
                reply = fake_control.handle(state, method, path, query, parsed)
            except Exception:
                reply = fake_failure()
            self._send(reply, {})
            return

        group = group_of(method, path)
        entry = {"t": time.monotonic(), "wall_ms": int(time.time() * 1000), "method": method,
                 "path": path, "query": _scrub(qs), "group": group, "host": self.headers.get("Host"),
                 "listener": self.server.role, "fault": None, "bearer": None, "bearer_valid": False,
                 "status": None, "bytes_sent": 0, "done": False}
        auth = self.headers.get("Authorization") or ""
        entry["authorization"] = auth.split(" ", 1)[0].lower() if auth else "none"

        fault = state.faults.take(method, target)
        partial = None
        reply = None
        if fault is not None:
            entry["fault"] = {"id": fault.id, "action": fault.action}
            if fault.delay_ms:
                time.sleep(fault.delay_ms / 1000.0)
            if fault.action in ("reset", "close"):
                entry["status"] = 0
                entry["done"] = True
                state.log.add(entry)
                self._drop(fault.action == "reset")
                return
            if fault.action == "respond":
                reply = fault.reply()
            if fault.action == "partial":
                partial = -1

        rate_headers = {}
        if reply is None:
            try:
                reply, rate_headers = self._answer(state, method, path, target, query, body, group, entry)
            except Exception:
                reply = fake_failure()
        entry["status"] = reply.status
        state.log.add(entry)
        if "/content/" in path or path.startswith("/media/"):
            # A small send buffer, so a client that stops reading early shows
            # in bytes_sent instead of vanishing into the kernel's buffers.
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, CHUNK)
            except OSError:
                pass
        if partial is not None:
            partial = max(0, len(reply.body) // 2)
            self._send(reply, rate_headers, partial, entry)
            self._drop(True)
            return
        self._send(reply, rate_headers, None, entry)

    def _answer(self, state, method, path, target, query, body, group, entry):
        """The fake's own answer (no fault): (Reply, rate-limit headers)."""
        if path == "/restapi/oauth/token":
            if method != "POST":
                return Reply(405, {"error": "method not allowed"}), {}
            headers, limited = state.limits.charge("auth")
            if limited:
                return limited, headers
            reply, grant = state.tokens.token_request(self.headers, body)
            entry["grant_type"] = "jwt" if grant.endswith("jwt-bearer") else grant
            return reply, headers
        if path.startswith("/media/"):
            return self._media(state, path), {}
        if self.server.role != "main" or not path.startswith("/restapi/"):
            return invalid_uri(), {}
        bearer = state.tokens.bearer_state(self.headers.get("Authorization"))
        entry["bearer"] = bearer
        entry["bearer_valid"] = bearer == "valid"
        if bearer != "valid":
            return state.tokens.bearer_error(bearer), {}
        headers, limited = state.limits.charge(group)
        if limited:
            return limited, headers
        return self._route(state, method, path, target, query, body), headers

    def _json_body(self, body):
        try:
            parsed = json.loads(body) if body.strip() else {}
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None

    def _route(self, state, method, path, target, query, body=b""):
        store = state.store
        s = _SUBSCRIPTION.fullmatch(path)
        if s is not None:
            sub_id, renew = s.group("id"), s.group("renew")
            parsed = self._json_body(body)
            if parsed is None:
                return Reply(400, {"errorCode": "CMN-101", "message": "Request body is not valid JSON",
                                   "errors": [{"errorCode": "CMN-101", "message": "Request body is not valid JSON"}]})
            if sub_id is None:
                if method == "GET":
                    return state.subs.list()
                if method == "POST":
                    return state.subs.create(parsed)
            elif renew:
                if method == "POST":
                    return state.subs.renew(sub_id)
            elif method == "GET":
                return state.subs.get(sub_id)
            elif method == "PUT":
                return state.subs.update(sub_id, parsed)
            elif method == "DELETE":
                return state.subs.delete(sub_id)
            return invalid_uri()
        m = _API.fullmatch(path)
        if m is None or method != "GET":
            return invalid_uri()
        acct, ext, what, msg = m.group("acct"), m.group("ext"), m.group("what"), m.group("msg")
        if ext is None:
            return store.extension_list(acct, path, query)
        if what is None:
            return store.extension_reply(acct, ext)
        if what == "message-sync":
            return store.message_sync(acct, ext, state.base + target, query)
        if msg is None:
            return store.list_messages(acct, ext, path, query)
        if m.group("att") is not None:
            return self._content(state, acct, ext, msg, m.group("att"), target)
        return store.get_message(acct, ext, msg)

    def _content(self, state, acct, ext, msg, att, target):
        with state.store.lock:
            _, err = state.store.mailbox_for_api(acct, ext)
            ext_id = state.store.resolve(ext)
        if err:
            return err
        try:
            msg_id, att_id = int(msg), int(att)
        except ValueError:
            return Reply(404, {"errorCode": "CMN-102", "message": "Resource for parameter [messageId] is not found"})
        found = state.content.find(ext_id, msg_id, att_id)
        if isinstance(found, Reply):
            return found
        att_rec, over, subject = found
        redirect = state.content.redirect_of(over)
        if redirect:
            media_path = "/media/%s/%d/%d" % (ext_id, msg_id, att_id)
            location = {"media": state.media_base + media_path, "same": state.base + media_path,
                        "loop": state.base + target, "http": state.media_http_base + media_path}[redirect]
            return Reply(int(over.get("redirect_status", 302)), headers={"Location": location})
        ctype, data = state.content.body(att_rec, over, subject, msg_id, att_id)
        reply = fake_content.ranged(data, self.headers.get("Range"), ctype)
        reply.bytes_per_second = state.content.rate_of(over)
        return reply

    def _media(self, state, path):
        """Content at a second host's path: no token needed (a signed URL)."""
        m = _MEDIA.fullmatch(path)
        if m is None:
            return Reply(404, {"error": "no such media"})
        msg_id, att_id = int(m.group("msg")), int(m.group("att"))
        found = state.content.find(m.group("ext"), msg_id, att_id)
        if isinstance(found, Reply):
            return found
        att_rec, over, subject = found
        ctype, data = state.content.body(att_rec, over, subject, msg_id, att_id)
        reply = fake_content.ranged(data, self.headers.get("Range"), ctype)
        reply.bytes_per_second = state.content.rate_of(over)
        return reply


def _scrub(qs):
    """The query string without secrets (access_token on media URLs)."""
    if "access_token" not in qs:
        return qs
    pairs = urllib.parse.parse_qsl(qs, keep_blank_values=True)
    return urllib.parse.urlencode([(k, "(hidden)" if k == "access_token" else v) for k, v in pairs])


class Server(ThreadingHTTPServer):
    role = "main"   # "main", "media" or "media_http"
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # Clients that go away, TLS handshakes a client refuses: not the fake's failures.
        if self.state.opts.verbose:
            traceback.print_exc()


def _parse_limits(items):
    out = {}
    for item in items or []:
        g, _, n = item.partition("=")
        out[g.strip().lower()] = int(n)
    return out


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls", metavar="DIR", help="serve HTTPS with a throwaway CA made in DIR")
    p.add_argument("--state", metavar="FILE", help="JSON list of control calls applied before listening")
    p.add_argument("--client-id", default="fake-client-id")
    p.add_argument("--client-secret", default="fake-client-secret")
    p.add_argument("--jwt", default="fake.jwt.assertion")
    p.add_argument("--account-id", default="37439510")
    p.add_argument("--owner-id", default="2253168021")
    p.add_argument("--expires-in", type=int, default=3600)
    p.add_argument("--refresh-token-expires-in", type=int, default=604800)
    p.add_argument("--issue-refresh-tokens", action="store_true")
    p.add_argument("--scope", default="ReadMessages ReadAccounts SubscriptionWebhook ReadMessageContent")
    p.add_argument("--rate-limit", action="append", metavar="GROUP=N", help="e.g. light=1000 (repeatable)")
    p.add_argument("--enforce-rate-limits", action="store_true")
    p.add_argument("--verbose", action="store_true")
    opts = p.parse_args(argv)
    opts.rate_limit = _parse_limits(opts.rate_limit)
    return opts


def _apply_state_file(state, path):
    with open(path) as f:
        calls = json.load(f)
    for call in calls:
        method = call.get("method", "POST")
        u = urllib.parse.urlsplit(call["path"])
        reply = fake_control.handle(state, method, u.path, fake_control.parse_query(u.query), call.get("body") or {})
        if reply.status != 200:
            raise SystemExit("fake: %s %s in %s failed: %s" % (method, call["path"], path, reply.body.decode()))


def _listener(opts, state, role, tls_ctx):
    server = Server((opts.host, opts.port if role == "main" else 0), Handler)
    server.state = state
    server.role = role
    scheme = "http"
    if tls_ctx is not None:
        server.socket = tls_ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        scheme = "https"
    host = opts.host if opts.host != "0.0.0.0" else "127.0.0.1"
    return server, "%s://%s:%d" % (scheme, host, server.server_address[1])


def main(argv):
    opts = parse_args(argv)
    state = State(opts)
    tls_ctx = None
    line_tail = ""
    if opts.tls:
        state.ca = os.path.abspath(fake_tls.make_certificates(opts.tls))
        tls_ctx = fake_tls.server_context(opts.tls)
        line_tail = " ca=" + state.ca
    server, state.base = _listener(opts, state, "main", tls_ctx)
    media, state.media_base = _listener(opts, state, "media", tls_ctx)
    servers = [server, media]
    state.media_http_base = state.media_base
    if tls_ctx is not None:
        media_http, state.media_http_base = _listener(opts, state, "media_http", None)
        servers.append(media_http)
    state.store.rebase(state.base)
    if opts.state:
        _apply_state_file(state, opts.state)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        mode = os.fstat(0).st_mode
        watch_stdin = stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)
    except OSError:
        watch_stdin = False
    if watch_stdin:
        def _watch():
            try:
                while os.read(0, 4096):
                    pass
            except OSError:
                pass
            stop.set()
        threading.Thread(target=_watch, name="stdin-watch", daemon=True).start()

    for s in servers:
        threading.Thread(target=s.serve_forever, name="serve-" + s.role, daemon=True).start()
    sys.stdout.write("listening %s%s\n" % (state.base, line_tail))
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    for s in servers:
        s.shutdown()
        s.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
