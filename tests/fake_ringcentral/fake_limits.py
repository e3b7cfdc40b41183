"""Rate-limit groups, injected faults and the request log of the fake.

Groups and their defaults follow the reference (section 3.2): Light 50,
Medium 40, Heavy 10, Auth 5 requests a 60-second window. Every answer of the
API carries X-Rate-Limit-Group/Limit/Remaining/Window; a group configured to
enforce its limit answers 429 CMN-301 with Retry-After once it is spent.
"""

import math
import re
import threading
import time

from fake_common import Reply, api_error

DEFAULT_LIMITS = {"light": 50, "medium": 40, "heavy": 10, "auth": 5}


def group_of(method, path):
    """The rate-limit group RingCentral charges `method path` to (reference
    section 3.2 table); None for the control API and the media host."""
    if path.startswith(("/_fake/", "/media/")):
        return None
    if path.startswith("/restapi/oauth/"):
        return "auth"
    if "/content/" in path:
        return "medium"
    if re.fullmatch(r"/restapi/v1\.0/account/[^/]+/extension/?", path):
        return "medium"
    if path.startswith("/restapi/v1.0/subscription"):
        if method == "GET" or path.endswith("/renew"):
            return "light"
        return "medium"
    return "light"


class RateLimits:
    """Fixed windows per group; thread-safe."""

    def __init__(self, limits=None):
        self.lock = threading.Lock()
        self.groups = {}
        for g, n in DEFAULT_LIMITS.items():
            self.groups[g] = {"limit": n, "window": 60, "enforce": False, "penalty": 60,
                              "start": None, "count": 0, "blocked_until": 0.0}
        for g, n in (limits or {}).items():
            self.configure({g: {"limit": n}})

    def configure(self, cfg):
        """cfg: {group: {"limit", "window", "enforce", "penalty"}}; resets the windows."""
        with self.lock:
            for g, c in cfg.items():
                s = self.groups.setdefault(g, {"limit": 50, "window": 60, "enforce": False, "penalty": 60,
                                               "start": None, "count": 0, "blocked_until": 0.0})
                for k in ("limit", "window", "penalty"):
                    if k in c:
                        s[k] = float(c[k]) if k != "limit" else int(c[k])
                if "enforce" in c:
                    s["enforce"] = bool(c["enforce"])
                s["start"], s["count"], s["blocked_until"] = None, 0, 0.0

    def snapshot(self):
        with self.lock:
            return {g: {k: s[k] for k in ("limit", "window", "enforce", "penalty", "count")}
                    for g, s in self.groups.items()}

    def charge(self, group):
        """Counts one request; returns (headers, None) or (headers, 429 Reply)."""
        with self.lock:
            s = self.groups[group]
            now = time.monotonic()
            if s["enforce"] and now < s["blocked_until"]:
                wait = max(1, math.ceil(s["blocked_until"] - now))
                return {}, Reply(429, api_error("CMN-301", "Request rate exceeded"),
                                 headers={"Retry-After": str(wait)})
            if s["start"] is None or now - s["start"] >= s["window"]:
                s["start"], s["count"] = now, 0
            s["count"] += 1
            over = s["count"] > s["limit"]
            headers = {"X-Rate-Limit-Group": group, "X-Rate-Limit-Limit": str(s["limit"]),
                       "X-Rate-Limit-Remaining": str(max(0, s["limit"] - s["count"])),
                       "X-Rate-Limit-Window": str(int(s["window"]))}
            if over and s["enforce"]:
                s["blocked_until"] = now + s["penalty"]
                return headers, Reply(429, api_error("CMN-301", "Request rate exceeded"),
                                      headers={"Retry-After": str(max(1, math.ceil(s["penalty"])))})
            return headers, None


class Fault:
    """One injected fault: for the next `count` requests whose method matches
    and whose path (with ?query) matches `path` (a regex, re.search)."""

    ACTIONS = ("respond", "reset", "close", "delay", "partial")

    def __init__(self, spec, serial):
        self.id = serial
        self.pattern = spec.get("path", ".*")
        self.regex = re.compile(self.pattern)
        self.method = spec.get("method")
        self.count = int(spec.get("count", 1))
        self.action = spec.get("action", "respond")
        if self.action not in self.ACTIONS:
            raise ValueError("action must be one of " + ", ".join(self.ACTIONS))
        self.status = int(spec.get("status", 503))
        self.body = spec.get("body")
        self.body_bytes = spec.get("body_bytes")
        self.retry_after = spec.get("retry_after")
        self.headers = dict(spec.get("headers") or {})
        self.delay_ms = int(spec.get("delay_ms", 0))
        self.hits = 0

    def describe(self):
        return {"id": self.id, "path": self.pattern, "method": self.method, "remaining": self.count,
                "action": self.action, "status": self.status, "delay_ms": self.delay_ms, "hits": self.hits}

    def reply(self):
        """The answer of a `respond` fault (also after a `delay` with a status)."""
        headers = dict(self.headers)
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        if self.body_bytes is not None:
            pad = max(0, int(self.body_bytes) - 10)  # {"pad":"..."}
            return Reply(self.status, raw=b'{"pad":"' + b"x" * pad + b'"}', headers=headers)
        if isinstance(self.body, str):
            return Reply(self.status, raw=self.body.encode("utf-8"), headers=headers,
                         content_type=headers.pop("Content-Type", "text/plain"))
        if self.body is None:
            code = {429: "CMN-301", 503: "CMN-201", 500: "CMN-201"}.get(self.status, "CMN-201")
            msg = {429: "Request rate exceeded"}.get(self.status, "Service Temporary Unavailable")
            return Reply(self.status, api_error(code, msg), headers=headers)
        return Reply(self.status, self.body, headers=headers)


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.serial = 0

    def add(self, spec):
        with self.lock:
            self.serial += 1
            f = Fault(spec, self.serial)
            self.rules.append(f)
            return f.describe()

    def clear(self):
        with self.lock:
            self.rules = []

    def list(self):
        with self.lock:
            return [f.describe() for f in self.rules]

    def take(self, method, target):
        """The first rule matching this request, with one use consumed; None when none."""
        with self.lock:
            for f in self.rules:
                if f.count > 0 and (f.method is None or f.method == method) and f.regex.search(target):
                    f.count -= 1
                    f.hits += 1
                    if f.count == 0:
                        self.rules.remove(f)
                    return f
            return None


class RequestLog:
    """What the fake was asked, without secrets: no token, secret or JWT."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = []
        self.serial = 0

    def add(self, entry):
        with self.lock:
            self.serial += 1
            entry["seq"] = self.serial
            self.entries.append(entry)

    def read(self, since=0):
        with self.lock:
            return [e for e in self.entries if e["seq"] > since]

    def reset(self):
        with self.lock:
            self.entries = []
