"""Shared helpers of the fake RingCentral: time, JSON, error bodies.

The error bodies follow RingCentral's shapes as the project's reference notes
give them: API errors in the legacy layout that repeats the first error at top
level, OAuth errors with error / error_description / errors[].
"""

import datetime
import json
import threading
import time

_clock_lock = threading.Lock()
_last_ms = 0


def now_ms():
    """Wall-clock milliseconds since the epoch, never going backwards and
    strictly increasing between calls, so every change the fake records has
    its own modification time."""
    global _last_ms
    with _clock_lock:
        t = int(time.time() * 1000)
        if t <= _last_ms:
            t = _last_ms + 1
        _last_ms = t
        return t


def iso(ms):
    """RingCentral's time format: 2015-11-18T14:14:37.000Z."""
    t = time.gmtime(ms // 1000)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (t[0], t[1], t[2], t[3], t[4], t[5], ms % 1000)


def parse_iso(text):
    """ms since the epoch of an ISO 8601 date or date-time (a naive one is
    UTC); None when it is not one."""
    if not isinstance(text, str) or not text:
        return None
    s = text.strip()
    try:
        if len(s) == 10:
            d = datetime.datetime.strptime(s, "%Y-%m-%d")
        else:
            d = datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return int(round(d.timestamp() * 1000))


def dumps(value):
    """Compact JSON bytes. Python writes int values digit for digit, so ids
    beyond 2^53 never pass through a float."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def api_error(code, message, parameter_name=None, legacy=True):
    """RingCentral's API error body (reference section 3.1): errors[] with
    errorCode/message (+parameterName), the first one repeated at top level."""
    err = {"errorCode": code, "message": message}
    if parameter_name is not None:
        err["parameterName"] = parameter_name
    body = {"errors": [err]}
    if legacy:
        body = dict(err, errors=[dict(err)])
    return body


def oauth_error(error, code, message, parameters=None):
    """The token endpoint's OAuth error body (reference section 2.7)."""
    e = {"errorCode": code, "message": message}
    if parameters:
        e["parameters"] = parameters
    return {"error": error, "errors": [e], "error_description": message}


class Reply:
    """One answer: status, JSON (or raw bytes) body, extra headers."""

    def __init__(self, status, body=None, headers=None, raw=None, content_type="application/json"):
        self.status = status
        self.headers = dict(headers or {})
        if raw is not None:
            self.body = raw
        elif body is None:
            self.body = b""
        else:
            self.body = dumps(body)
        self.content_type = content_type if (raw is not None or body is not None) else None
        # Attachment content may be written slowly (tests that kill a download midway).
        self.bytes_per_second = 0


def error_reply(status, code, message, parameter_name=None, headers=None):
    return Reply(status, api_error(code, message, parameter_name), headers=headers)


NOT_FOUND_MESSAGE = "Resource for parameter [%s] is not found"
