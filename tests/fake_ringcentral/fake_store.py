"""Extensions, message stores and Message Sync of the fake RingCentral.

Message Sync follows the reference (section 4): FSync answers the newest
records of the frame [dateFrom, dateTo) first, at most recordCount of them,
with olderRecordsExist when the frame holds more; ISync answers the records
changed since the token's syncTime minus a 5-second overlap, deleted and
purged ones as thin stubs, and a full page with a token that continues after
its last record when more changed than recordCount.
"""

import bisect
import secrets
import threading

import fake_records
from fake_common import (NOT_FOUND_MESSAGE, Reply, dumps, error_reply, iso, now_ms, parse_iso)

DAY_MS = 24 * 3600 * 1000

CMN_419 = ("In order to call this API endpoint for another extension, user needs to have "
           "[ReadMessages] permission granted with extended scope")
SYNC_TOKEN_ERRORS = {
    "MSG-333": "Invalid message synchronisation request: full synchronization is required",
    "CMN-101": "Parameter [syncToken] value is invalid.",
}


class BadRequest(Exception):
    """A control API call with unusable input (answered 400)."""


class Message:
    """One record. A generated one is built only when first needed (`lazy`
    holds the arguments of fake_records.make), so 100,000 of them are made
    in a moment."""

    __slots__ = ("_rec", "lazy", "ext", "id", "created", "modified", "avail", "full", "thin")

    def __init__(self, rec, ext, created, modified, msg_id=None, lazy=None):
        self._rec = rec
        self.lazy = lazy
        self.ext = ext
        self.id = rec["id"] if rec is not None else msg_id
        self.avail = rec.get("availability", "Alive") if rec is not None else "Alive"
        self.created = created
        self.modified = modified
        self.full = None   # cached JSON bytes
        self.thin = None

    @property
    def rec(self):
        if self._rec is None:
            kind, base, acct, n, last_modified = self.lazy
            self._rec = fake_records.make(kind, base, acct, self.ext, self.id, iso(self.created), n)
            self._rec["lastModifiedTime"] = last_modified or iso(self.created)
            self.lazy = None
        return self._rec

    @property
    def alive(self):
        return self.avail == "Alive"


class Mailbox:
    def __init__(self, ext_id):
        self.ext_id = ext_id
        self.messages = {}          # id -> Message
        self._by_created = None     # [(-created, -id)] ascending = newest first
        self._created_msgs = None
        self._by_modified = None    # [(modified, id)] ascending
        self._modified_msgs = None

    def changed(self, order=True):
        if order:
            self._by_created = None
        self._by_modified = None

    def by_created(self):
        if self._by_created is None:
            msgs = sorted(self.messages.values(), key=lambda m: (-m.created, -m.id))
            self._by_created = [(-m.created, -m.id) for m in msgs]
            self._created_msgs = msgs
        return self._by_created, self._created_msgs

    def by_modified(self):
        if self._by_modified is None:
            msgs = sorted(self.messages.values(), key=lambda m: (m.modified, m.id))
            self._by_modified = [(m.modified, m.id) for m in msgs]
            self._modified_msgs = msgs
        return self._by_modified, self._modified_msgs


class Store:
    """Every extension, message and sync token; thread-safe (one lock)."""

    def __init__(self, opts):
        self.lock = threading.RLock()
        self.base = ""
        self.account_id = str(opts.account_id)
        self.owner_id = str(opts.owner_id)
        self.extensions = {}    # id (str) -> extension record
        self.forbidden = {}     # id (str) -> errorCode
        self.mailboxes = {}     # id (str) -> Mailbox
        self.tokens = {}        # syncToken -> {"ext", "since", "cursor", "filters", "serial"}
        self.token_serial = 0
        self.invalid = {}       # ext id or "*" -> (serial below which tokens are invalid, code)
        self.next_id = 10_000_000_000
        self._fast = {}         # (base, ext id) -> fake_records.FastRecords
        self.options = {
            "date_to_inclusive": False,
            "stub_uri": True,
            "page_ties": "split",
            "default_record_count": 250,
            "max_record_count": 1000,
            "isync_older_records_exist": False,
            "unknown_token_code": "MSG-333",
            "overlap_ms": 5000,
            "keep_last_modified": False,
        }
        self.add_extension({"id": int(self.owner_id), "extensionNumber": "101", "name": "Fake Owner",
                            "type": "User", "status": "Enabled", "admin": True})

    # -- extensions -----------------------------------------------------------
    def resolve(self, ext):
        return self.owner_id if ext in ("~", None, "") else str(ext)

    def add_extension(self, e):
        with self.lock:
            if "id" not in e:
                raise BadRequest("an extension needs an id")
            ext_id = str(e["id"])
            rec = {"uri": "%s/restapi/v1.0/account/%s/extension/%s" % (self.base, self.account_id, ext_id),
                   "id": int(ext_id),
                   "extensionNumber": str(e.get("extensionNumber", ext_id[-3:])),
                   "name": e.get("name", "Extension " + ext_id),
                   "type": e.get("type", "User"),
                   "status": e.get("status", "Enabled"),
                   "contact": {"firstName": "Ext", "lastName": ext_id, "email": "ext%s@example.com" % ext_id},
                   "permissions": {"admin": {"enabled": bool(e.get("admin", False))}}}
            self.extensions[ext_id] = rec
            self.mailboxes.setdefault(ext_id, Mailbox(ext_id))
            if e.get("forbidden"):
                self.forbidden[ext_id] = e.get("code", "CMN-419") if isinstance(e.get("code"), str) else "CMN-419"
            return rec

    def set_extensions(self, items, replace):
        with self.lock:
            if replace:
                keep = {str(e["id"]) for e in items if "id" in e}
                for ext_id in list(self.extensions):
                    if ext_id not in keep:
                        del self.extensions[ext_id]
            return [self.add_extension(e) for e in items]

    def set_forbidden(self, ext, forbidden, code="CMN-419"):
        with self.lock:
            ext_id = self.resolve(ext)
            if forbidden:
                self.forbidden[ext_id] = code
            else:
                self.forbidden.pop(ext_id, None)

    def rebase(self, base):
        """Sets the fake's own URL (known once it listens) in extension uris."""
        with self.lock:
            self.base = base
            for ext_id, rec in self.extensions.items():
                rec["uri"] = "%s/restapi/v1.0/account/%s/extension/%s" % (base, self.account_id, ext_id)

    def check_account(self, account):
        if account not in ("~", self.account_id):
            return error_reply(404, "CMN-102", NOT_FOUND_MESSAGE % "accountId", "accountId")
        return None

    def extension_reply(self, account, ext):
        with self.lock:
            bad = self.check_account(account)
            if bad:
                return bad
            rec = self.extensions.get(self.resolve(ext))
            if rec is None:
                return error_reply(404, "CMN-102", NOT_FOUND_MESSAGE % "extensionId", "extensionId")
            return Reply(200, rec)

    def extension_list(self, account, path, query):
        with self.lock:
            bad = self.check_account(account)
            if bad:
                return bad
            try:
                page = int(query.get("page", ["1"])[0])
                per_page = min(int(query.get("perPage", ["100"])[0]), 1000)
            except ValueError:
                return error_reply(400, "CMN-101", "Parameter [page] value is invalid.", "page")
            if page < 1 or per_page < 1:
                return error_reply(400, "CMN-101", "Parameter [perPage] value is invalid.", "perPage")
            types = set(query.get("type", []) + query.get("type[]", []))
            statuses = set(query.get("status", []) + query.get("status[]", []))
            recs = [r for _, r in sorted(self.extensions.items(), key=lambda kv: int(kv[0]))
                    if (not types or r["type"] in types) and (not statuses or r["status"] in statuses)]
            total = len(recs)
            pages = max(1, -(-total // per_page))
            start = (page - 1) * per_page
            chunk = recs[start:start + per_page]
            paging = {"perPage": per_page, "totalPages": pages, "totalElements": total}
            if chunk:
                paging.update(page=page, pageStart=start, pageEnd=start + len(chunk) - 1)
            filters = "".join("&type=%s" % t for t in sorted(types)) + "".join("&status=%s" % s for s in sorted(statuses))
            link = lambda p: {"uri": "%s%s?page=%d&perPage=%d%s" % (self.base, path, p, per_page, filters)}
            nav = {"firstPage": link(1), "lastPage": link(pages)}
            if page < pages:
                nav["nextPage"] = link(page + 1)
            if page > 1:
                nav["previousPage"] = link(page - 1)
            return Reply(200, {"uri": link(page)["uri"], "records": chunk, "paging": paging, "navigation": nav})

    def mailbox_for_api(self, account, ext):
        """(Mailbox, None) or (None, error Reply) for an API call on `ext`."""
        bad = self.check_account(account)
        if bad:
            return None, bad
        ext_id = self.resolve(ext)
        if ext_id not in self.extensions:
            return None, error_reply(404, "CMN-102", NOT_FOUND_MESSAGE % "extensionId", "extensionId")
        if ext_id in self.forbidden:
            code = self.forbidden[ext_id]
            return None, error_reply(403, code, CMN_419 if code == "CMN-419" else "Permission required")
        return self.mailboxes[ext_id], None

    # -- messages (control API) -----------------------------------------------
    def _mailbox(self, ext):
        ext_id = self.resolve(ext)
        if ext_id not in self.extensions:
            self.add_extension({"id": int(ext_id)})
        return self.mailboxes[ext_id]

    def _store(self, box, rec, keep_last_modified):
        if not isinstance(rec, dict):
            raise BadRequest("a record must be a JSON object")
        if "id" not in rec:
            self.next_id += 1
            rec["id"] = self.next_id
        if not isinstance(rec["id"], int):
            raise BadRequest("a record's id must be a JSON number")
        self.next_id = max(self.next_id, rec["id"])
        rec.setdefault("uri", fake_records.message_uri(self.base, self.account_id, box.ext_id, rec["id"]))
        now = now_ms()
        if "creationTime" not in rec:
            rec["creationTime"] = iso(now)
        created = parse_iso(rec["creationTime"])
        if created is None:
            raise BadRequest("creationTime is not an ISO 8601 time: %r" % rec["creationTime"])
        rec.setdefault("availability", "Alive")
        if not (keep_last_modified and "lastModifiedTime" in rec):
            rec["lastModifiedTime"] = iso(now)
        old = box.messages.get(rec["id"])
        box.messages[rec["id"]] = Message(rec, box.ext_id, created, now)
        box.changed(order=old is None or old.created != created)
        return rec

    def add(self, ext, records, keep_last_modified=None):
        with self.lock:
            keep = self.options["keep_last_modified"] if keep_last_modified is None else keep_last_modified
            box = self._mailbox(ext)
            return [self._store(box, r, keep) for r in records]

    def from_template(self, ext, kind, overrides, n=0):
        with self.lock:
            k = fake_records.kind_of(kind)
            if k is None:
                raise BadRequest("unknown template %r (one of %s)" % (kind, ", ".join(fake_records.KINDS)))
            box = self._mailbox(ext)
            msg_id = overrides.get("id")
            if msg_id is None:
                self.next_id += 2  # MMS uses id + 1 for its second attachment
                msg_id = self.next_id
            created = overrides.get("creationTime") or iso(now_ms())
            rec = fake_records.make(k, self.base, self.account_id, box.ext_id, msg_id, created, n or msg_id % 100000)
            rec.update(overrides)
            return self._store(box, rec, False)

    def _find(self, ext, msg_id):
        box = self._mailbox(ext)
        m = box.messages.get(msg_id)
        if m is None:
            raise KeyError(msg_id)
        return box, m

    def update(self, ext, msg_id, set_fields, remove_fields):
        with self.lock:
            box, m = self._find(ext, msg_id)
            rec = dict(m.rec)
            rec.update(set_fields or {})
            for f in remove_fields or []:
                rec.pop(f, None)
            rec["id"] = msg_id
            return self._store(box, rec, False)

    def delete(self, ext, msg_id, purge):
        with self.lock:
            box, m = self._find(ext, msg_id)
            rec = dict(m.rec)
            rec["availability"] = "Purged" if purge else "Deleted"
            if purge:
                rec.pop("attachments", None)
            return self._store(box, rec, False)

    def remove(self, ext, msg_id):
        with self.lock:
            box, m = self._find(ext, msg_id)
            del box.messages[msg_id]
            box.changed()

    def records(self, ext):
        with self.lock:
            box = self._mailbox(ext)
            _, msgs = box.by_created()
            return [m.rec for m in msgs]

    def generate(self, ext, count, kinds, newest_ms, step_ms, ties, id_start, changed_at="now"):
        """Adds `count` records newest first, `step_ms` apart, cycling `kinds`;
        each tie {"index","count"} gives `count` records from `index` on the
        same creationTime. Their server-side change time (what ISync sees) is
        now, or with `changed_at` "creation" their creationTime (records that
        were always there). Returns (first id, last id)."""
        if changed_at not in ("now", "creation"):
            raise BadRequest("changed_at must be now or creation")
        with self.lock:
            box = self._mailbox(ext)
            tie_time = {}
            for t in ties:
                i0, n = int(t["index"]), int(t["count"])
                for i in range(i0, i0 + n):
                    tie_time[i] = i0
            base_id = int(id_start) if id_start is not None else self.next_id + 1
            now = now_ms()
            kinds = [fake_records.kind_of(k) for k in kinds]
            if None in kinds or not kinds:
                raise BadRequest("unknown kind in %r" % kinds)
            # Newer records get higher ids, as RingCentral's do; 2 ids each (MMS).
            ids = [base_id + 2 * (count - 1 - i) for i in range(count)]
            now_iso = iso(now)
            for i in range(count):
                created = newest_ms - step_ms * tie_time.get(i, i)
                lazy = (kinds[i % len(kinds)], self.base, self.account_id, i,
                        None if created < now else now_iso)
                changed = now if changed_at == "now" else min(created, now)
                box.messages[ids[i]] = Message(None, box.ext_id, created, changed, ids[i], lazy)
            self.next_id = max(self.next_id, base_id + 2 * count)
            box.changed()
            return (ids[-1], ids[0]) if count else (None, None)

    # -- sync tokens -----------------------------------------------------------
    def _new_token(self, ext_id, since, cursor, filters):
        self.token_serial += 1
        tok = "AQEA" + secrets.token_urlsafe(30)
        self.tokens[tok] = {"ext": ext_id, "since": since, "cursor": cursor, "filters": filters,
                            "serial": self.token_serial}
        return tok

    def invalidate_tokens(self, ext, code):
        if code not in SYNC_TOKEN_ERRORS:
            raise BadRequest("code must be MSG-333 or CMN-101")
        with self.lock:
            key = "*" if ext in (None, "*") else self.resolve(ext)
            self.invalid[key] = (self.token_serial + 1, code)
            return sum(1 for t in self.tokens.values() if key == "*" or t["ext"] == key)

    def _token_error(self, ext_id, token):
        t = self.tokens.get(token)
        if t is None or t["ext"] != ext_id:
            return self.options["unknown_token_code"]
        for key in (ext_id, "*"):
            inv = self.invalid.get(key)
            if inv and t["serial"] < inv[0]:
                return inv[1]
        return None

    # -- Message Sync and Get Message ---------------------------------------------
    @staticmethod
    def _filters(query):
        return {"messageType": sorted(set(query.get("messageType", []))),
                "direction": sorted(set(query.get("direction", [])))}

    @staticmethod
    def _matches(m, filters):
        if filters["messageType"] and m.rec.get("type") not in filters["messageType"]:
            return False
        if filters["direction"] and m.rec.get("direction") not in filters["direction"]:
            return False
        return True

    def _full(self, m):
        if m.full is None:
            if m.lazy is not None:
                kind, base, acct, n, last_modified = m.lazy
                fast = self._fast.get((base, m.ext))
                if fast is None:
                    fast = self._fast[(base, m.ext)] = fake_records.FastRecords(base, acct, m.ext)
                created = iso(m.created)
                m.full = fast.render(kind, m.id, created, last_modified or created, n)
            if m.full is None:
                m.full = dumps(m.rec)
        return m.full

    def _thin(self, m):
        if m.thin is None:
            stub = {"id": m.id}
            if self.options["stub_uri"]:
                stub["uri"] = m.rec.get("uri")
            stub["availability"] = m.avail
            m.thin = dumps(stub)
        return m.thin

    def message_sync(self, account, ext, url, query):
        with self.lock:
            box, err = self.mailbox_for_api(account, ext)
            if err:
                return err
            sync_type = query.get("syncType", [""])[0]
            try:
                count = int(query.get("recordCount", [str(self.options["default_record_count"])])[0])
                if count < 1:
                    raise ValueError
            except ValueError:
                return error_reply(400, "CMN-101", "Parameter [recordCount] value is invalid.", "recordCount")
            count = min(count, self.options["max_record_count"])
            if sync_type == "FSync":
                return self._fsync(box, url, query, count)
            if sync_type == "ISync":
                return self._isync(box, url, query, count)
            return error_reply(400, "CMN-101", "Parameter [syncType] value is invalid.", "syncType")

    def _page(self, url, parts, info):
        body = b'{"uri":' + dumps(url) + b',"records":[' + b",".join(parts) + b'],"syncInfo":' + dumps(info) + b"}"
        return Reply(200, raw=body)

    def _fsync(self, box, url, query, count):
        now = now_ms()
        to_ms = now
        if "dateTo" in query:
            to_ms = parse_iso(query["dateTo"][0])
            if to_ms is None:
                return error_reply(400, "CMN-101", "Parameter [dateTo] value is invalid.", "dateTo")
        from_ms = to_ms - DAY_MS
        if "dateFrom" in query:
            from_ms = parse_iso(query["dateFrom"][0])
            if from_ms is None:
                return error_reply(400, "CMN-101", "Parameter [dateFrom] value is invalid.", "dateFrom")
        filters = self._filters(query)
        keys, msgs = box.by_created()
        # Newest first: skip records at or after dateTo (inclusive: after it).
        edge = -to_ms - (1 if self.options["date_to_inclusive"] else 0)
        i = bisect.bisect_right(keys, (edge, float("inf")))
        parts, older, last_created = [], False, None
        extend = self.options["page_ties"] == "extend"
        while i < len(msgs):
            m = msgs[i]
            i += 1
            if m.created < from_ms:
                break
            if not m.alive or not self._matches(m, filters):
                continue
            if len(parts) >= count and not (extend and m.created == last_created):
                older = True
                break
            parts.append(self._full(m))
            last_created = m.created
        token = self._new_token(box.ext_id, now, None, filters)
        return self._page(url, parts, {"syncType": "FSync", "syncToken": token, "syncTime": iso(now),
                                       "olderRecordsExist": older})

    def _isync(self, box, url, query, count):
        token = query.get("syncToken", [""])[0]
        code = self._token_error(box.ext_id, token)
        if code:
            return error_reply(400, code, SYNC_TOKEN_ERRORS[code], "syncToken")
        t = self.tokens[token]
        now = now_ms()
        keys, msgs = box.by_modified()
        if t["cursor"] is not None:
            i = bisect.bisect_right(keys, t["cursor"])
        else:
            i = bisect.bisect_left(keys, (t["since"] - self.options["overlap_ms"], -1))
        parts, more, last = [], False, None
        while i < len(msgs):
            m = msgs[i]
            i += 1
            if not self._matches(m, t["filters"]):
                continue
            if len(parts) >= count:
                more = True
                break
            parts.append(self._full(m) if m.alive else self._thin(m))
            last = (m.modified, m.id)
        if more:
            new = self._new_token(box.ext_id, t["since"], last, t["filters"])
        else:
            new = self._new_token(box.ext_id, now, None, t["filters"])
        return self._page(url, parts, {"syncType": "ISync", "syncToken": new, "syncTime": iso(now),
                                       "olderRecordsExist": bool(more and self.options["isync_older_records_exist"])})

    def list_messages(self, account, ext, path, query):
        """GET .../message-store: newest first, paged (reference section 5)."""
        with self.lock:
            box, err = self.mailbox_for_api(account, ext)
            if err:
                return err
            try:
                page = int(query.get("page", ["1"])[0])
                per_page = min(int(query.get("perPage", ["100"])[0]), 1000)
                if page < 1 or per_page < 1:
                    raise ValueError
            except ValueError:
                return error_reply(400, "CMN-101", "Parameter [perPage] value is invalid.", "perPage")
            to_ms = parse_iso(query["dateTo"][0]) if "dateTo" in query else now_ms()
            from_ms = parse_iso(query["dateFrom"][0]) if "dateFrom" in query else to_ms - DAY_MS
            if to_ms is None or from_ms is None:
                return error_reply(400, "CMN-101", "Parameter [dateFrom] value is invalid.", "dateFrom")
            availability = set(query.get("availability", [])) or {"Alive"}
            filters = self._filters(query)
            _, msgs = box.by_created()
            hits = [m for m in msgs if from_ms <= m.created <= to_ms and m.avail in availability
                    and self._matches(m, filters)]
            start = (page - 1) * per_page
            chunk = hits[start:start + per_page]
            pages = max(1, -(-len(hits) // per_page))
            paging = {"perPage": per_page, "totalPages": pages, "totalElements": len(hits)}
            if chunk:
                paging.update(page=page, pageStart=start, pageEnd=start + len(chunk) - 1)
            rest = [(k, v) for k, vs in sorted(query.items()) if k not in ("page", "perPage") for v in vs]
            tail = "".join("&%s=%s" % kv for kv in rest)
            link = lambda p: {"uri": "%s%s?page=%d&perPage=%d%s" % (self.base, path, p, per_page, tail)}
            nav = {"firstPage": link(1), "lastPage": link(pages)}
            if page < pages:
                nav["nextPage"] = link(page + 1)
            if page > 1:
                nav["previousPage"] = link(page - 1)
            head = b'{"uri":' + dumps(link(page)["uri"]) + b',"records":['
            tailb = b'],"paging":' + dumps(paging) + b',"navigation":' + dumps(nav) + b"}"
            return Reply(200, raw=head + b",".join(self._full(m) for m in chunk) + tailb)

    def get_message(self, account, ext, msg_id_text):
        with self.lock:
            box, err = self.mailbox_for_api(account, ext)
            if err:
                return err
            try:
                msg_id = int(msg_id_text)
            except ValueError:
                msg_id = None
            m = box.messages.get(msg_id) if msg_id is not None else None
            if m is None:
                return error_reply(404, "CMN-102", NOT_FOUND_MESSAGE % "messageId", "messageId")
            return Reply(200, raw=self._full(m))
