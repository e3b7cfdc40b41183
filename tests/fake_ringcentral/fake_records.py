"""Message records in the shapes of RingCentral's REST API (the reference
payloads 23-27): SMS in and out, MMS, voicemail, fax, pager. Used by the
control API's `template` and `generate` operations.
"""

# Ids beyond 2^53 that a double cannot hold (odd numbers above 2^53): a
# client that parses conversation ids through a float changes their digits.
CONVERSATION_BASE = 9007199254740993


def _phone(n):
    return "+1650555%04d" % (n % 10000)


def attachment_uri(base, account_id, ext_id, msg_id, att_id):
    return "%s/restapi/v1.0/account/%s/extension/%s/message-store/%d/content/%d" % (
        base, account_id, ext_id, msg_id, att_id)


def message_uri(base, account_id, ext_id, msg_id):
    return "%s/restapi/v1.0/account/%s/extension/%s/message-store/%d" % (base, account_id, ext_id, msg_id)


KINDS = ("sms", "sms_outbound", "sms_queued", "mms", "voicemail", "fax", "pager")

_TYPE_OF = {"SMS": "sms", "Pager": "pager", "VoiceMail": "voicemail", "Fax": "fax", "MMS": "mms"}


def kind_of(name):
    """Accepts a template name (`sms`, `voicemail` ...) or a RingCentral
    message type (`SMS`, `VoiceMail`, `Fax`, `Pager`); None when neither."""
    if name in KINDS:
        return name
    return _TYPE_OF.get(name)


def make(kind, base, account_id, ext_id, msg_id, created_iso, n=0):
    """A record of template `kind` without lastModifiedTime (the store sets it).
    `n` varies phone numbers, texts and conversation ids."""
    conv = CONVERSATION_BASE + 2 * n
    att = lambda att_id, **kw: dict({"id": att_id, "uri": attachment_uri(base, account_id, ext_id, msg_id, att_id)}, **kw)
    rec = {"uri": message_uri(base, account_id, ext_id, msg_id), "id": msg_id}
    if kind in ("sms", "sms_outbound", "sms_queued", "mms"):
        inbound = kind in ("sms", "mms")
        me, other = _phone(1000), _phone(n)
        rec.update({
            "to": [{"phoneNumber": me if inbound else other}],
            "from": {"phoneNumber": other if inbound else me, "location": "San Mateo, CA"},
            "type": "SMS", "creationTime": created_iso, "readStatus": "Unread", "priority": "Normal",
            "attachments": [att(msg_id, type="Text", contentType="text/plain")],
            "direction": "Inbound" if inbound else "Outbound", "availability": "Alive",
            "subject": "Fake message %d" % n,
            "messageStatus": {"sms": "Received", "mms": "Received", "sms_outbound": "Delivered",
                              "sms_queued": "Queued"}[kind],
            "conversationId": conv,
            "conversation": {"id": str(conv), "uri": "%s/restapi/v1.0/conversation/%d" % (base, conv)},
        })
        if kind == "sms_outbound":
            rec["smsDeliveryTime"] = created_iso
            rec["smsSendingAttemptsCount"] = 1
        if kind == "mms":
            rec["attachments"].append(att(msg_id + 1, type="MmsAttachment", contentType="image/jpeg",
                                          fileName="picture.jpg"))
    elif kind == "voicemail":
        rec.update({
            "type": "VoiceMail", "to": [{"name": "Fake Owner"}],
            "from": {"phoneNumber": _phone(n), "name": "Caller %d" % n},
            "creationTime": created_iso, "readStatus": "Unread", "priority": "Normal",
            "attachments": [att(msg_id, type="AudioRecording", contentType="audio/x-wav", vmDuration=25)],
            "direction": "Inbound", "availability": "Alive", "messageStatus": "Received",
            "vmTranscriptionStatus": "NotAvailable",
        })
    elif kind == "fax":
        rec.update({
            "type": "Fax", "to": [{"phoneNumber": _phone(1000)}], "from": {"phoneNumber": _phone(n)},
            "creationTime": created_iso, "readStatus": "Unread", "priority": "Normal",
            "attachments": [att(msg_id, type="RenderedDocument", contentType="application/pdf")],
            "direction": "Inbound", "availability": "Alive", "messageStatus": "Received",
            "faxResolution": "High", "faxPageCount": 1,
        })
    elif kind == "pager":
        rec.update({
            "to": [{"extensionNumber": "102"}], "from": {"extensionNumber": "101"},
            "type": "Pager", "creationTime": created_iso, "readStatus": "Unread", "priority": "Normal",
            "attachments": [att(1, contentType="text/plain")],
            "direction": "Outbound", "availability": "Alive", "subject": "Pager %d" % n,
            "messageStatus": "Sent", "conversationId": conv, "pgToDepartment": False,
        })
    else:
        raise ValueError("unknown template %r" % kind)
    return rec


# -- fast JSON for generated records ----------------------------------------------------
# The benchmark serves 100,000 generated records; building each as a dict and
# encoding it costs ~100 us, so each template is rendered once with sentinel
# values and later records are made by %-formatting its JSON text.
_SENTINEL_ID = 111111111111111
_SENTINEL_N = 7777
_SENTINEL_CREATED = "2999-01-01T00:00:00.000Z"
_SENTINEL_MODIFIED = "2998-01-01T00:00:00.000Z"


def _json(value):
    import json
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _values(msg_id, created_iso, modified_iso, n):
    return {"id": msg_id, "id1": msg_id + 1, "created": created_iso, "modified": modified_iso,
            "phone": _phone(n), "n": n, "conv": CONVERSATION_BASE + 2 * n}


class FastRecords:
    """JSON text of generated records, equal to encoding make()'s dict."""

    def __init__(self, base, account_id, ext_id):
        self.templates = {}
        for kind in KINDS:
            rec = make(kind, base, account_id, ext_id, _SENTINEL_ID, _SENTINEL_CREATED, _SENTINEL_N)
            rec["lastModifiedTime"] = _SENTINEL_MODIFIED
            text = _json(rec).replace("%", "%%")
            for old, new in ((str(CONVERSATION_BASE + 2 * _SENTINEL_N), "%(conv)d"),
                             (str(_SENTINEL_ID + 1), "%(id1)d"), (str(_SENTINEL_ID), "%(id)d"),
                             (_SENTINEL_CREATED, "%(created)s"), (_SENTINEL_MODIFIED, "%(modified)s"),
                             (_phone(_SENTINEL_N), "%(phone)s"), ("message %d" % _SENTINEL_N, "message %(n)d"),
                             ("Caller %d" % _SENTINEL_N, "Caller %(n)d"), ("Pager %d" % _SENTINEL_N, "Pager %(n)d")):
                text = text.replace(old, new)
            # Proof on a second record; a kind whose template does not match is built the slow way.
            probe = make(kind, base, account_id, ext_id, 20_000_000_002, "2020-01-02T03:04:05.006Z", 31)
            probe["lastModifiedTime"] = "2020-01-02T03:04:05.007Z"
            if text % _values(20_000_000_002, "2020-01-02T03:04:05.006Z", "2020-01-02T03:04:05.007Z", 31) == _json(probe):
                self.templates[kind] = text

    def render(self, kind, msg_id, created_iso, modified_iso, n):
        """UTF-8 JSON bytes of the record, or None when `kind` has no template."""
        t = self.templates.get(kind)
        if t is None:
            return None
        return (t % _values(msg_id, created_iso, modified_iso, n)).encode("utf-8")
