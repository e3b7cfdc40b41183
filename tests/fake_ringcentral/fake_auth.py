"""The token endpoint and bearer checks of the fake RingCentral.

POST /restapi/oauth/token with Basic client authentication: the JWT bearer
grant and the refresh_token grant (reference sections 2.1-2.7). Refresh tokens
are single use and the access token they replace is invalid at once. Token
values are random and never logged.
"""

import base64
import secrets
import threading
import time
import urllib.parse

from fake_common import Reply, oauth_error, api_error

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"

# The states an access token can be in, and the 401 each one answers.
_BEARER_ERRORS = {
    "expired": ("OAU-128", "Access token expired"),
    "replaced": ("OAU-129", "Access token corrupted"),
    "unknown": ("OAU-213", "Token not found"),
    "missing": ("OAU-123", "Invalid Authorization header value"),
}


class TokenStore:
    """Issued access and refresh tokens; thread-safe."""

    def __init__(self, opts):
        self.lock = threading.Lock()
        self.client_id = opts.client_id
        self.client_secret = opts.client_secret
        self.jwt = opts.jwt
        self.owner_id = str(opts.owner_id)
        self.expires_in = opts.expires_in
        self.refresh_expires_in = opts.refresh_token_expires_in
        self.issue_refresh = opts.issue_refresh_tokens
        self.scope = opts.scope
        self.refuse_jwt = None          # None, or (status, error, code, message) of the refusal
        self.access = {}                # token -> {"expires": monotonic, "state": "valid"|"expired"|"replaced"}
        self.refresh = {}               # token -> {"expires": monotonic, "access": token}
        self.grants = {"jwt": 0, "refresh": 0, "refused": 0}

    # -- configuration (control API) --------------------------------------
    def configure(self, cfg):
        with self.lock:
            if "expires_in" in cfg:
                self.expires_in = int(cfg["expires_in"])
            if "refresh_token_expires_in" in cfg:
                self.refresh_expires_in = int(cfg["refresh_token_expires_in"])
            if "issue_refresh_tokens" in cfg:
                self.issue_refresh = bool(cfg["issue_refresh_tokens"])
            if "scope" in cfg:
                self.scope = str(cfg["scope"])
            if "refuse_jwt" in cfg:
                r = cfg["refuse_jwt"]
                if not r:
                    self.refuse_jwt = None
                else:
                    r = r if isinstance(r, dict) else {}
                    self.refuse_jwt = (int(r.get("status", 400)), r.get("error", "invalid_grant"),
                                       r.get("code", "OAU-140"),
                                       r.get("message", "Invalid resource owner credentials"))

    def expire(self, access=True, refresh=False):
        """Makes every issued access (and refresh) token expired; returns how many."""
        n = 0
        with self.lock:
            if access:
                for t in self.access.values():
                    if t["state"] == "valid":
                        t["state"] = "expired"
                        n += 1
            if refresh:
                for t in self.refresh.values():
                    t["expires"] = 0
                    n += 1
        return n

    def summary(self):
        with self.lock:
            return {"grants": dict(self.grants),
                    "valid_access_tokens": sum(1 for t in self.access.values() if self._alive(t)),
                    "refresh_tokens": len(self.refresh),
                    "refuse_jwt": self.refuse_jwt is not None,
                    "expires_in": self.expires_in,
                    "issue_refresh_tokens": self.issue_refresh}

    # -- bearer check -------------------------------------------------------
    @staticmethod
    def _alive(t):
        return t["state"] == "valid" and time.monotonic() < t["expires"]

    def bearer_state(self, authorization):
        """'valid', 'expired', 'replaced', 'unknown' or 'missing'."""
        if not authorization or not authorization.lower().startswith("bearer "):
            return "missing"
        token = authorization[7:].strip()
        with self.lock:
            t = self.access.get(token)
            if t is None:
                return "unknown"
            if t["state"] == "valid" and time.monotonic() >= t["expires"]:
                t["state"] = "expired"
            return t["state"]

    @staticmethod
    def bearer_error(state):
        code, message = _BEARER_ERRORS[state]
        return Reply(401, api_error(code, message))

    # -- token endpoint --------------------------------------------------------
    def _client_ok(self, authorization):
        if not authorization or not authorization.lower().startswith("basic "):
            return "missing"
        try:
            raw = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return "bad"
        cid, _, secret = raw.partition(":")
        if cid != self.client_id or secret != self.client_secret:
            return "bad"
        return "ok"

    def _issue(self, with_refresh):
        access = secrets.token_urlsafe(24)
        now = time.monotonic()
        self.access[access] = {"expires": now + self.expires_in, "state": "valid"}
        body = {"access_token": access, "token_type": "bearer", "expires_in": self.expires_in,
                "scope": self.scope, "owner_id": self.owner_id,
                "endpoint_id": "fake-endpoint-" + secrets.token_hex(4)}
        if with_refresh:
            refresh = secrets.token_urlsafe(24)
            self.refresh[refresh] = {"expires": now + self.refresh_expires_in, "access": access}
            body["refresh_token"] = refresh
            body["refresh_token_expires_in"] = self.refresh_expires_in
        return Reply(200, body)

    def token_request(self, headers, body_bytes):
        """Answers POST /restapi/oauth/token; returns (Reply, grant_type)."""
        form = urllib.parse.parse_qs(body_bytes.decode("utf-8", "replace"), keep_blank_values=True)
        grant = (form.get("grant_type") or [""])[0]
        client = self._client_ok(headers.get("Authorization"))
        if client == "missing":
            return Reply(400, oauth_error("invalid_client", "OAU-123", "Client authentication is required")), grant
        if client == "bad":
            return Reply(401, oauth_error("invalid_client", "OAU-153", "Invalid client: ",
                                          [{"parameterName": "client_id", "parameterValue": ""}])), grant
        with self.lock:
            if grant == JWT_GRANT:
                assertion = (form.get("assertion") or [""])[0]
                if self.refuse_jwt is not None:
                    self.grants["refused"] += 1
                    status, error, code, message = self.refuse_jwt
                    return Reply(status, oauth_error(error, code, message)), grant
                if assertion != self.jwt:
                    self.grants["refused"] += 1
                    return Reply(400, oauth_error("invalid_grant", "OAU-140",
                                                  "Invalid resource owner credentials")), grant
                self.grants["jwt"] += 1
                return self._issue(self.issue_refresh), grant
            if grant == "refresh_token":
                token = (form.get("refresh_token") or [""])[0]
                r = self.refresh.pop(token, None)
                if r is None:
                    return Reply(400, oauth_error("invalid_grant", "OAU-213", "Token not found")), grant
                if time.monotonic() >= r["expires"]:
                    return Reply(400, oauth_error("invalid_grant", "OAU-210", "Token expired")), grant
                old = self.access.get(r["access"])
                if old is not None and old["state"] == "valid":
                    old["state"] = "replaced"
                self.grants["refresh"] += 1
                return self._issue(True), grant
            return Reply(400, oauth_error("unsupported_grant_type", "OAU-125", "Grant type not allowed")), grant
