"""WebHook subscriptions of the fake RingCentral (reference section 7 and the
webhook notes): create with the Validation-Token handshake against the
address, list, get, renew, update, delete; blacklisting and deletion on the
server's side; delivery of notifications with the Verification-Token header.
"""

import http.client
import re
import secrets
import ssl
import threading
import time
import urllib.parse
import uuid

from fake_common import Reply, dumps, error_reply, iso, now_ms

MAX_EXPIRES_IN = 315360000
DEFAULT_EXPIRES_IN = 604800
USER_AGENT = "RingCentral-Webhook/8.3"

SUB_ERRORS = {
    "SUB-520": "Validation Token is not returned",
    "SUB-521": "WebHook is not reachable",
    "SUB-523": "HTTPS is required",
    "SUB-525": "WebHook server response is invalid",
}


def _post(address, headers, body, timeout):
    """POSTs `body` to `address`; returns (status, headers dict lower-case,
    total response bytes) or raises OSError / http.client.HTTPException."""
    u = urllib.parse.urlsplit(address)
    target = (u.path or "/") + ("?" + u.query if u.query else "")
    if u.scheme == "https":
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # the daemon's proxy certificate is not ours to judge
        conn = http.client.HTTPSConnection(u.hostname, u.port or 443, timeout=timeout, context=ctx)
    else:
        conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout)
    try:
        conn.request("POST", target, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        # The whole answer as RingCentral counts it: status line, headers, body.
        size = len("HTTP/1.1 %d %s\r\n" % (r.status, r.reason)) + 2 + len(data)
        size += sum(len(k) + 2 + len(v) + 2 for k, v in r.msg.items())
        return r.status, {k.lower(): v for k, v in r.msg.items()}, size
    finally:
        conn.close()


class Subscriptions:
    """Every subscription; thread-safe. No lock is held while calling out."""

    def __init__(self, store):
        self.store = store
        self.lock = threading.Lock()
        self.subs = {}          # id -> dict (with the private "_token", "_failures")
        self.deliveries = []    # what the fake sent to webhook addresses
        self.options = {
            "handshake_timeout_ms": 3000,
            "handshake_sends_verification_token": False,
            "require_https": False,
            "blacklist_after_failures": 0,
            "max_response_bytes": 1024,
        }

    # -- helpers ------------------------------------------------------------
    def expand(self, f):
        """A filter with `~` replaced by the account and owner ids, as RingCentral echoes it."""
        f = re.sub(r"/account/~(?=/|$|\?)", "/account/" + self.store.account_id, f)
        return re.sub(r"/extension/~(?=/|$|\?)", "/extension/" + self.store.owner_id, f)

    def _public(self, s):
        return {k: v for k, v in s.items() if not k.startswith("_")}

    def _live(self, sub_id):
        """The subscription, or None when unknown or expired (expired ones go away)."""
        s = self.subs.get(sub_id)
        if s is not None and now_ms() >= s["_expires"]:
            del self.subs[sub_id]
            return None
        return s

    def _set_filters(self, s, filters):
        """eventFilters keeps the enabled ones; filters on a forbidden mailbox go to disabledFilters."""
        enabled, disabled = [], []
        for f in filters:
            e = self.expand(f)
            m = re.search(r"/extension/(\d+)", e)
            if m and m.group(1) in self.store.forbidden:
                disabled.append({"filter": e, "reason": "SUB-412",
                                 "message": "Extension permission [ReadMessages] is missing"})
            else:
                enabled.append(e)
        s["eventFilters"] = enabled
        if disabled:
            s["disabledFilters"] = disabled
        else:
            s.pop("disabledFilters", None)

    def _renew(self, s, expires_in):
        now = now_ms()
        s["expiresIn"] = expires_in
        s["_expires"] = now + expires_in * 1000
        s["expirationTime"] = iso(s["_expires"])

    @staticmethod
    def _check_filters(filters):
        if not isinstance(filters, list) or not filters or \
                not all(isinstance(f, str) and f.startswith("/restapi/v1.0/") for f in filters):
            return error_reply(400, "SUB-508", "Invalid event filters", "eventFilters")
        return None

    @staticmethod
    def _expires_in(body, default):
        v = body.get("expiresIn", default)
        if not isinstance(v, int) or v < 1 or v > MAX_EXPIRES_IN:
            return None
        return v

    def _record(self, entry):
        entry["t"] = time.monotonic()
        with self.lock:
            self.deliveries.append(entry)

    # -- API ------------------------------------------------------------------
    def create(self, body):
        bad = self._check_filters(body.get("eventFilters"))
        if bad:
            return bad
        mode = body.get("deliveryMode") or {}
        if mode.get("transportType") != "WebHook":
            return error_reply(400, "CMN-101", "Parameter [deliveryMode.transportType] value is invalid.",
                               "deliveryMode.transportType")
        address = mode.get("address")
        u = urllib.parse.urlsplit(address) if isinstance(address, str) else None
        if u is None or u.scheme not in ("http", "https") or not u.hostname:
            return error_reply(400, "CMN-101", "Parameter [deliveryMode.address] value is invalid.",
                               "deliveryMode.address")
        if self.options["require_https"] and u.scheme != "https":
            return error_reply(400, "SUB-523", SUB_ERRORS["SUB-523"])
        expires_in = self._expires_in(body, DEFAULT_EXPIRES_IN)
        if expires_in is None:
            return error_reply(400, "CMN-101", "Parameter [expiresIn] value is invalid.", "expiresIn")
        token = mode.get("verificationToken")
        code = self.handshake(address, token)
        if code:
            return error_reply(400, code, SUB_ERRORS[code])
        sub_id = str(uuid.uuid4())
        s = {"uri": "%s/restapi/v1.0/subscription/%s" % (self.store.base, sub_id), "id": sub_id,
             "creationTime": iso(now_ms()), "status": "Active",
             "deliveryMode": {"transportType": "WebHook", "encryption": False, "address": address},
             "_token": token, "_failures": 0}
        self._set_filters(s, body["eventFilters"])
        self._renew(s, expires_in)
        with self.lock:
            self.subs[sub_id] = s
            return Reply(200, self._public(s))

    def handshake(self, address, verification_token):
        """None when the address answers RingCentral's validation request
        correctly, else SUB-520 / SUB-521 / SUB-525."""
        value = str(uuid.uuid4())
        headers = {"Validation-Token": value, "Content-Type": "application/json", "User-Agent": USER_AGENT,
                   "Content-Length": "0"}
        if verification_token and self.options["handshake_sends_verification_token"]:
            headers["Verification-Token"] = verification_token
        entry = {"kind": "validation", "address": address, "status": None, "error": None,
                 "response_bytes": None, "echoed": False}
        try:
            status, rh, size = _post(address, headers, b"", self.options["handshake_timeout_ms"] / 1000.0)
        except (OSError, http.client.HTTPException) as e:
            entry["error"] = "SUB-521"
            entry["detail"] = type(e).__name__
            self._record(entry)
            return "SUB-521"
        entry.update(status=status, response_bytes=size, echoed=rh.get("validation-token") == value)
        if status != 200 or size > self.options["max_response_bytes"]:
            entry["error"] = "SUB-525"
        elif not entry["echoed"]:
            entry["error"] = "SUB-520"
        self._record(entry)
        return entry["error"]

    def list(self):
        with self.lock:
            for sub_id in list(self.subs):
                self._live(sub_id)
            return Reply(200, {"uri": self.store.base + "/restapi/v1.0/subscription",
                               "records": [self._public(s) for s in self.subs.values()]})

    def _not_found(self):
        return error_reply(404, "CMN-120", "Invalid URI")

    def get(self, sub_id):
        with self.lock:
            s = self._live(sub_id)
            return Reply(200, self._public(s)) if s else self._not_found()

    def update(self, sub_id, body):
        """PUT: eventFilters and/or expiresIn; an empty body renews."""
        with self.lock:
            s = self._live(sub_id)
            if s is None:
                return self._not_found()
            if "eventFilters" in body:
                bad = self._check_filters(body["eventFilters"])
                if bad:
                    return bad
            expires_in = self._expires_in(body, s["expiresIn"])
            if expires_in is None:
                return error_reply(400, "CMN-101", "Parameter [expiresIn] value is invalid.", "expiresIn")
            if "eventFilters" in body:
                self._set_filters(s, body["eventFilters"])
            self._renew(s, expires_in)
            return Reply(200, self._public(s))

    def renew(self, sub_id):
        with self.lock:
            s = self._live(sub_id)
            if s is None:
                return self._not_found()
            self._renew(s, s["expiresIn"])
            return Reply(200, self._public(s))

    def delete(self, sub_id):
        with self.lock:
            if self._live(sub_id) is None:
                return self._not_found()
            del self.subs[sub_id]
            return Reply(204)

    # -- control ------------------------------------------------------------------
    def configure(self, cfg):
        with self.lock:
            for k, v in cfg.items():
                self.options[k] = type(self.options[k])(v)

    def control_list(self):
        """Every subscription with what RingCentral keeps but never echoes."""
        with self.lock:
            for sub_id in list(self.subs):
                self._live(sub_id)
            return [dict(self._public(s), verificationToken=s["_token"], failures=s["_failures"])
                    for s in self.subs.values()]

    def _pick(self, sub_id):
        if sub_id is not None:
            s = self._live(sub_id)
            if s is None:
                raise KeyError(sub_id)
            return [s]
        return [s for s in (self._live(i) for i in list(self.subs)) if s is not None]

    def blacklist(self, sub_id, reason):
        with self.lock:
            out = []
            for s in self._pick(sub_id):
                s["status"] = "Blacklisted"
                s["blacklistedData"] = {"reason": reason, "blacklistedAt": iso(now_ms())}
                out.append(s["id"])
            return out

    def remove(self, sub_id):
        with self.lock:
            out = [s["id"] for s in self._pick(sub_id)]
            for i in out:
                del self.subs[i]
            return out

    def alter_filters(self, sub_id, filters):
        """Sets the filters on RingCentral's side (as an admin's or a permission
        change might), `~` expanded as on creation; the expiry stays."""
        if self._check_filters(filters):
            raise ValueError("eventFilters must be a non-empty list of /restapi/v1.0/ paths")
        with self.lock:
            out = []
            for s in self._pick(sub_id):
                self._set_filters(s, filters)
                out.append(s["id"])
            return out

    def expire(self, sub_id):
        with self.lock:
            out = []
            for s in self._pick(sub_id):
                s["_expires"] = now_ms()
                out.append(s["id"])
            return out

    def read_deliveries(self):
        with self.lock:
            return list(self.deliveries)

    # -- notifications --------------------------------------------------------------
    def _targets(self, sub_id, event, address=None, token=None):
        """Active subscriptions to deliver `event` to: the one named, or every
        one with a filter on the event's path; or a stand-in for `address`."""
        if address is not None:
            return [{"id": "no-subscription", "status": "Active", "_token": token,
                     "deliveryMode": {"address": address}}]
        with self.lock:
            if sub_id is not None:
                return [dict(s) for s in self._pick(sub_id)]
            path = self.expand(event.split("?")[0])
            return [dict(s) for s in self._pick(None)
                    if s["status"] == "Active" and any(f.split("?")[0] == path for f in s["eventFilters"])]

    def notify(self, sub_id, event, body, address=None, token=None, timeout=5.0):
        """Delivers `body` (the notification's "body") under `event` to the
        target subscriptions (or straight to `address` with `token`); returns
        one result per delivery."""
        results = []
        for s in self._targets(sub_id, event, address, token):
            owner = re.search(r"/extension/(\d+)", self.expand(event))
            envelope = {"uuid": str(secrets.randbits(63)), "event": self.expand(event),
                        "timestamp": iso(now_ms()), "subscriptionId": s["id"],
                        "ownerId": owner.group(1) if owner else self.store.owner_id, "body": body}
            headers = {"Content-Type": "application/json; charset=UTF-8", "Accept": "application/json",
                       "User-Agent": USER_AGENT}
            if s.get("_token"):
                headers["Verification-Token"] = s["_token"]
            address = s["deliveryMode"]["address"]
            if s["status"] != "Active":
                results.append({"subscription": s["id"], "status": None, "error": "not active (%s)" % s["status"],
                                "uuid": None, "verification_token_sent": False})
                continue
            entry = {"kind": "notification", "subscription": s["id"], "address": address, "event": envelope["event"],
                     "uuid": envelope["uuid"], "status": None, "error": None,
                     "verification_token_sent": "Verification-Token" in headers}
            try:
                status, _, _ = _post(address, headers, dumps(envelope), timeout)
                entry["status"] = status
                ok = 200 <= status < 300
            except (OSError, http.client.HTTPException) as e:
                entry["error"] = type(e).__name__
                ok = False
            self._record(entry)
            with self.lock:
                live = self.subs.get(s["id"])
                if live is not None:
                    live["_failures"] = 0 if ok else live["_failures"] + 1
                    limit = self.options["blacklist_after_failures"]
                    if limit and live["_failures"] >= limit and live["status"] == "Active":
                        live["status"] = "Blacklisted"
                        live["blacklistedData"] = {"reason": "I/O operation is failed. Details: [Read timed out]",
                                                   "blacklistedAt": iso(now_ms())}
            results.append({k: entry[k] for k in ("subscription", "status", "error", "uuid",
                                                  "verification_token_sent")})
        return results
