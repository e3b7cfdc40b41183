"""The control API of the fake RingCentral: /_fake/... (no auth, JSON in and
out). README.md beside this file documents every call."""

import re
import time
import urllib.parse

from fake_common import Reply, iso, now_ms, parse_iso
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
                                     int(body.get("step_ms", 1000)), body.get("ties", []), body.get("id_start"),
                                     body.get("changed_at", "now"))
        return Reply(200, {"count": count, "oldest_id": first, "newest_id": last,
                           "seconds": round(time.monotonic() - started, 3)})
    if key == ("POST", "/_fake/sync-tokens/invalidate"):
        n = store.invalidate_tokens(body.get("extension"), body.get("code", "MSG-333"))
        return Reply(200, {"invalidated": n})
    if key == ("GET", "/_fake/subscriptions"):
        return Reply(200, {"records": state.subs.control_list()})
    if key == ("POST", "/_fake/subscriptions/blacklist"):
        reason = body.get("reason", "I/O operation is failed. Details: [Read timed out]")
        return Reply(200, {"blacklisted": state.subs.blacklist(body.get("id"), reason)})
    if key == ("POST", "/_fake/subscriptions/delete"):
        return Reply(200, {"deleted": state.subs.remove(body.get("id"))})
    if key == ("POST", "/_fake/subscriptions/filters"):
        try:
            return Reply(200, {"altered": state.subs.alter_filters(body.get("id"), body.get("eventFilters"))})
        except ValueError as e:
            raise BadRequest(str(e))
    if key == ("POST", "/_fake/subscriptions/expire"):
        return Reply(200, {"expired": state.subs.expire(body.get("id"))})
    if key == ("POST", "/_fake/notify"):
        event, payload = _notification(state, body)
        return Reply(200, {"deliveries": state.subs.notify(body.get("subscription"), event, payload,
                                                           body.get("address"), body.get("verification_token"))})
    if key == ("GET", "/_fake/deliveries"):
        return Reply(200, {"deliveries": state.subs.read_deliveries()})
    if key == ("POST", "/_fake/content"):
        return Reply(200, state.content.set(body))
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


def _instant(rec):
    """A stored record in the shape of an instant-message event body: ids as
    strings, no message uri, eventType and owner added (reference payload 01).
    Attachments keep their content uri, except a Text one (payloads 02 and 09:
    the MMS picture and the voicemail audio come with theirs)."""
    out = {k: v for k, v in rec.items() if k not in ("uri", "conversationId")}
    out["id"] = str(rec["id"])
    out["attachments"] = [dict({k: v for k, v in a.items() if k != "uri" or a.get("type") != "Text"}, id=str(a["id"]))
                          for a in rec.get("attachments") or []]
    if "conversation" in rec:
        out["conversation"] = {"id": str(rec["conversation"]["id"])}
    out["eventType"] = "Create"
    return out


def _notification(state, body):
    """(event path, notification body) of a /_fake/notify call."""
    store = state.store
    if "body" in body:
        if "event" not in body:
            raise BadRequest("give event with body")
        return body["event"], body["body"]
    template = body.get("template", "message-store")
    ext = store.resolve(str(body.get("extension", "~")))
    ids = body.get("message_ids") or ([body["message_id"]] if "message_id" in body else [])
    with store.lock:
        box = store.mailboxes.get(ext)
        recs = [box.messages[i].rec for i in ids if box is not None and i in box.messages]
    if len(recs) != len(ids):
        raise KeyError(ids)
    if template == "message-store":
        changes = body.get("changes")
        if changes is None:
            by_type = {}
            for r in recs:
                c = by_type.setdefault(r.get("type", "SMS"), {"type": r.get("type", "SMS"), "newCount": 0,
                                                              "updatedCount": 0, "newMessageIds": []})
                if body.get("updated"):
                    c["updatedCount"] += 1
                else:
                    c["newCount"] += 1
                    c["newMessageIds"].append(r["id"])
            changes = list(by_type.values()) or [{"type": "SMS", "newCount": 0, "updatedCount": 1}]
        return ("/restapi/v1.0/account/~/extension/%s/message-store" % ext,
                {"accountId": int(store.account_id), "extensionId": int(ext), "lastUpdated": iso(now_ms()),
                 "changes": changes})
    if template in ("instant-sms", "voicemail"):
        if len(recs) != 1:
            raise BadRequest("%s needs one message_id" % template)
        payload = _instant(recs[0])
        if template == "instant-sms":
            payload["owner"] = {"extensionId": ext, "extensionType": "User", "name": "Fake Owner"}
            return "/restapi/v1.0/account/~/extension/%s/message-store/instant?type=SMS" % ext, payload
        payload.pop("eventType")
        return "/restapi/v1.0/account/~/extension/%s/voicemail" % ext, payload
    raise BadRequest("template must be message-store, instant-sms or voicemail")
