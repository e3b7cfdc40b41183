"""The control API of the fake RingCentral: /_fake/... (no auth, JSON in and
out). README.md beside this file documents every call."""

import re
import time
import urllib.parse

from fake_common import Reply, now_ms, parse_iso
from fake_store import BadRequest

_TOKEN_KEYS = ("expires_in", "refresh_token_expires_in", "issue_refresh_tokens", "scope", "refuse_jwt")


def _ext(body):
    return str(body.get("extension", "~"))


def _id(body):
    v = body.get("id")
    if not isinstance(v, int):
        raise BadRequest("id must be a JSON number")
    return v


def handle(state, method, path, query, body):
    """Answers one control call; `body` is the parsed JSON object ({} when none)."""
    try:
        return _route(state, method, path, query, body)
    except BadRequest as e:
        return Reply(400, {"error": str(e)})
    except KeyError as e:
        return Reply(404, {"error": "no such message: %s" % e})
    except (ValueError, TypeError) as e:
        return Reply(400, {"error": str(e)})


def _route(state, method, path, query, body):
    store, tokens = state.store, state.tokens
    key = (method, path.rstrip("/"))
    if key == ("GET", "/_fake/info"):
        return Reply(200, state.info())
    if key == ("POST", "/_fake/reset"):
        state.reset()
        return Reply(200, {"reset": True})
    if key == ("POST", "/_fake/config"):
        return Reply(200, state.configure(body))
    if key == ("GET", "/_fake/config"):
        return Reply(200, state.configure({}))
    if key == ("POST", "/_fake/jwt"):
        refuse = body.get("refuse", True)
        spec = {k: body[k] for k in ("status", "error", "code", "message") if k in body} or True
        tokens.configure({"refuse_jwt": spec if refuse else False})
        return Reply(200, tokens.summary())
    if key == ("POST", "/_fake/tokens/expire"):
        n = tokens.expire(access=body.get("access", True), refresh=body.get("refresh", False))
        return Reply(200, {"expired": n})
    if key == ("GET", "/_fake/tokens"):
        return Reply(200, tokens.summary())
    if key == ("POST", "/_fake/extensions"):
        items = body.get("extensions")
        if not isinstance(items, list):
            raise BadRequest("extensions must be a list")
        return Reply(200, {"records": store.set_extensions(items, bool(body.get("replace", False)))})
    if key == ("GET", "/_fake/extensions"):
        with store.lock:
            return Reply(200, {"records": list(store.extensions.values()),
                               "forbidden": dict(store.forbidden)})
    if key == ("POST", "/_fake/forbidden"):
        store.set_forbidden(_ext(body), body.get("forbidden", True), body.get("code", "CMN-419"))
        return Reply(200, {"forbidden": dict(store.forbidden)})
    if key == ("POST", "/_fake/messages"):
        if "template" in body:
            n = int(body.get("count", 1))
            recs = [store.from_template(_ext(body), body["template"], dict(body.get("set") or {}))
                    for _ in range(n)]
        else:
            recs = body.get("records")
            if recs is None and "record" in body:
                recs = [body["record"]]
            if not isinstance(recs, list):
                raise BadRequest("give record, records or template")
            recs = store.add(_ext(body), recs, body.get("keep_last_modified"))
        return Reply(200, {"records": recs})
    if key == ("GET", "/_fake/messages"):
        ext = query.get("extension", ["~"])[0]
        return Reply(200, {"records": store.records(ext)})
    if key == ("POST", "/_fake/messages/update"):
        rec = store.update(_ext(body), _id(body), body.get("set"), body.get("remove"))
        return Reply(200, {"record": rec})
    if key in (("POST", "/_fake/messages/delete"), ("POST", "/_fake/messages/purge")):
        purge = path.rstrip("/").endswith("purge") or bool(body.get("purge", False))
        return Reply(200, {"record": store.delete(_ext(body), _id(body), purge)})
    if key == ("POST", "/_fake/messages/remove"):
        store.remove(_ext(body), _id(body))
        return Reply(200, {"removed": body["id"]})
    if key == ("POST", "/_fake/messages/generate"):
        count = int(body.get("count", 0))
        if count < 0:
            raise BadRequest("count must not be negative")
        newest = parse_iso(body["newest"]) if "newest" in body else now_ms() - 60_000
        if newest is None:
            raise BadRequest("newest is not an ISO 8601 time")
        started = time.monotonic()
        first, last = store.generate(_ext(body), count, body.get("types", ["SMS"]), newest,
                                     int(body.get("step_ms", 1000)), body.get("ties", []), body.get("id_start"))
        return Reply(200, {"count": count, "oldest_id": first, "newest_id": last,
                           "seconds": round(time.monotonic() - started, 3)})
    if key == ("POST", "/_fake/sync-tokens/invalidate"):
        n = store.invalidate_tokens(body.get("extension"), body.get("code", "MSG-333"))
        return Reply(200, {"invalidated": n})
    if key == ("POST", "/_fake/faults"):
        try:
            return Reply(200, state.faults.add(body))
        except re.error as e:
            raise BadRequest("path is not a regular expression: %s" % e)
    if key == ("GET", "/_fake/faults"):
        return Reply(200, {"faults": state.faults.list()})
    if key == ("POST", "/_fake/faults/clear"):
        state.faults.clear()
        return Reply(200, {"faults": []})
    if key == ("GET", "/_fake/requests"):
        since = int(query.get("since", ["0"])[0])
        entries = state.log.read(since)
        if "path" in query:
            rx = re.compile(query["path"][0])
            entries = [e for e in entries if rx.search(e["path"])]
        return Reply(200, {"requests": entries, "last_seq": state.log.serial})
    if key == ("POST", "/_fake/requests/reset"):
        state.log.reset()
        return Reply(200, {"requests": []})
    return Reply(404, {"error": "no control call %s %s" % (method, path)})


def parse_query(qs):
    return urllib.parse.parse_qs(qs, keep_blank_values=True)
