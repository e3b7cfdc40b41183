"""Start and drive the fake RingCentral from a Python test.

    from fakerc import FakeRingCentral
    with FakeRingCentral(tls_dir=tmp) as fake:
        fake.control("POST", "/_fake/messages", {"template": "sms"})
        status, headers, body = fake.api("GET", "/restapi/v1.0/account/~/extension/~")

Standard library only. The fake runs as a child process; it stops when the
object is closed or when this process dies (its stdin is a pipe from here).
"""

import base64
import json
import os
import ssl
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "fake_ringcentral.py")

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret"
JWT = "fake.jwt.assertion"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class FakeRingCentral:
    def __init__(self, tls_dir=None, args=()):
        cmd = [sys.executable, SCRIPT, "--port", "0"] + list(args)
        if tls_dir:
            cmd += ["--tls", tls_dir]
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening "):
            self.proc.kill()
            raise RuntimeError("the fake did not start: %r" % line)
        parts = line.split()
        self.base = parts[1]
        self.ca = parts[2][3:] if len(parts) > 2 else None
        self.ssl = None
        if self.ca:
            self.ssl = ssl.create_default_context(cafile=self.ca)

    # -- lifecycle -------------------------------------------------------------
    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- HTTP ------------------------------------------------------------------
    def request(self, method, path, body=None, headers=None, timeout=30):
        """(status, headers (dict), body bytes). `body`: bytes, or an object sent as JSON."""
        h = dict(headers or {})
        data = None
        if body is not None:
            if isinstance(body, bytes):
                data = body
            else:
                data = json.dumps(body).encode()
                h.setdefault("Content-Type", "application/json")
        url = path if path.startswith(("http://", "https://")) else self.base + path
        req = urllib.request.Request(url, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=self.ssl) as r:
                return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
        except urllib.error.HTTPError as e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()

    def control(self, method, path, body=None):
        """A control call; returns the parsed JSON answer, raises on a non-200."""
        status, _, data = self.request(method, path, body if body is not None else ({} if method == "POST" else None))
        if status != 200:
            raise RuntimeError("%s %s -> %d %s" % (method, path, status, data.decode(errors="replace")))
        return json.loads(data)

    def token(self, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, jwt=JWT):
        """(status, parsed body) of a JWT bearer grant."""
        basic = base64.b64encode(("%s:%s" % (client_id, client_secret)).encode()).decode()
        form = urllib.parse.urlencode({"grant_type": JWT_GRANT, "assertion": jwt}).encode()
        status, _, data = self.request("POST", "/restapi/oauth/token", form, {
            "Authorization": "Basic " + basic, "Content-Type": "application/x-www-form-urlencoded"})
        return status, json.loads(data)

    def refresh(self, refresh_token):
        basic = base64.b64encode(("%s:%s" % (CLIENT_ID, CLIENT_SECRET)).encode()).decode()
        form = urllib.parse.urlencode({"grant_type": "refresh_token", "refresh_token": refresh_token}).encode()
        status, _, data = self.request("POST", "/restapi/oauth/token", form, {
            "Authorization": "Basic " + basic, "Content-Type": "application/x-www-form-urlencoded"})
        return status, json.loads(data)

    def api(self, method, path, access_token, body=None):
        """An API call with `Authorization: Bearer access_token`: (status, headers, body bytes)."""
        return self.request(method, path, body, {"Authorization": "Bearer " + access_token})

    def requests(self, since=0, path=None):
        q = "?since=%d" % since + ("&path=" + urllib.parse.quote(path) if path else "")
        return self.control("GET", "/_fake/requests" + q)["requests"]
