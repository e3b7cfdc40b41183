#!/usr/bin/env python3
"""Self-test of the fake RingCentral: starts it with and without TLS and
exercises every endpoint, control call and fault with urllib.

Run: python3 selftest.py [--no-tls] [NAME...]  (exit 0 when every check
passed; NAME runs only the checks whose name contains it). Registered in
ctest as fake_ringcentral.selftest.
"""

import sys

sys.dont_write_bytecode = True

import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

from fakerc import CLIENT_SECRET, JWT, FakeRingCentral, SCRIPT

HERE = os.path.dirname(os.path.abspath(__file__))
PAYLOADS = os.path.join(HERE, "..", "fixtures", "payloads")
SYNC = "/restapi/v1.0/account/~/extension/~/message-sync"

CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def error_code(body):
    j = json.loads(body)
    return j["errors"][0]["errorCode"]


def grant(fake):
    status, body = fake.token()
    expect(status == 200, "token grant: %d %r" % (status, body))
    return body["access_token"]


def sync(fake, tok, query):
    status, headers, body = fake.api("GET", SYNC + "?" + query, tok)
    return status, headers, body


# -- token endpoint and bearer checks ------------------------------------------------
@check
def token_grant_shape_and_client_errors(fake):
    status, body = fake.token()
    expect(status == 200, "grant %d" % status)
    for k in ("access_token", "token_type", "expires_in", "scope", "owner_id", "endpoint_id"):
        expect(k in body, "token answer lacks " + k)
    expect(body["token_type"] == "bearer" and body["expires_in"] == 3600, repr(body))
    expect("refresh_token" not in body, "refresh token issued without --issue-refresh-tokens")
    status, body = fake.token(client_secret="wrong")
    expect(status == 401 and body["error"] == "invalid_client" and body["errors"][0]["errorCode"] == "OAU-153",
           "bad secret: %d %r" % (status, body))
    status, _, data = fake.request("POST", "/restapi/oauth/token", b"grant_type=x",
                                   {"Content-Type": "application/x-www-form-urlencoded"})
    expect(status == 400 and json.loads(data)["errors"][0]["errorCode"] == "OAU-123", "no client auth: %d" % status)
    status, body = fake.token(jwt="not-the-jwt")
    expect(status == 400 and body["error"] == "invalid_grant" and body["errors"][0]["errorCode"] == "OAU-140",
           "wrong JWT: %d %r" % (status, body))


@check
def bearer_missing_unknown_expired(fake):
    status, _, body = fake.request("GET", "/restapi/v1.0/account/~/extension/~")
    expect(status == 401 and error_code(body) == "OAU-123", "no bearer: %d %r" % (status, body))
    status, _, body = fake.api("GET", "/restapi/v1.0/account/~/extension/~", "nonsense")
    expect(status == 401 and error_code(body) == "OAU-213", "unknown: %d %r" % (status, body))
    tok = grant(fake)
    status, _, _ = fake.api("GET", "/restapi/v1.0/account/~/extension/~", tok)
    expect(status == 200, "valid token refused: %d" % status)
    expect(fake.control("POST", "/_fake/tokens/expire")["expired"] >= 1, "nothing expired")
    status, _, body = fake.api("GET", "/restapi/v1.0/account/~/extension/~", tok)
    j = json.loads(body)
    expect(status == 401 and j["errorCode"] == "OAU-128" and j["errors"][0]["errorCode"] == "OAU-128",
           "expired: %d %r" % (status, body))
    fake.control("POST", "/_fake/config", {"expires_in": 1})
    tok = grant(fake)
    time.sleep(1.1)  # the behaviour under test is the lifetime itself
    status, _, body = fake.api("GET", "/restapi/v1.0/account/~/extension/~", tok)
    expect(status == 401 and error_code(body) == "OAU-128", "lifetime not enforced: %d" % status)


@check
def refresh_tokens_single_use_and_replace_access(fake):
    fake.control("POST", "/_fake/config", {"issue_refresh_tokens": True, "refresh_token_expires_in": 100})
    status, body = fake.token()
    expect(status == 200 and body["refresh_token_expires_in"] == 100 and body["refresh_token"], repr(body))
    old_access, old_refresh = body["access_token"], body["refresh_token"]
    status, body = fake.refresh(old_refresh)
    expect(status == 200 and body["access_token"] != old_access and body["refresh_token"], repr(body))
    status, _, data = fake.api("GET", "/restapi/v1.0/account/~/extension/~", old_access)
    expect(status == 401 and error_code(data) == "OAU-129", "old access token still valid: %d" % status)
    status, _, _ = fake.api("GET", "/restapi/v1.0/account/~/extension/~", body["access_token"])
    expect(status == 200, "new access token refused")
    status, again = fake.refresh(old_refresh)
    expect(status == 400 and again["error"] == "invalid_grant", "refresh token reused: %d %r" % (status, again))
    fake.control("POST", "/_fake/tokens/expire", {"access": False, "refresh": True})
    status, again = fake.refresh(body["refresh_token"])
    expect(status == 400 and again["errors"][0]["errorCode"] == "OAU-210", "expired refresh: %r" % again)


@check
def refused_jwt(fake):
    fake.control("POST", "/_fake/jwt", {"refuse": True})
    status, body = fake.token()
    expect(status == 400 and body["errors"][0]["errorCode"] == "OAU-140", "refused JWT: %d %r" % (status, body))
    fake.control("POST", "/_fake/jwt", {"refuse": True, "status": 401, "error": "unauthorized_client",
                                        "code": "OAU-251", "message": "Unauthorized for this grant type"})
    status, body = fake.token()
    expect(status == 401 and body["errors"][0]["errorCode"] == "OAU-251", "custom refusal: %r" % body)
    fake.control("POST", "/_fake/jwt", {"refuse": False})
    expect(fake.token()[0] == 200, "JWT still refused")
    expect(fake.control("GET", "/_fake/tokens")["grants"]["refused"] == 2, "refusals not counted")


# -- extensions ---------------------------------------------------------------------------
@check
def extension_list_paging_filters_and_get(fake):
    tok = grant(fake)
    fake.control("POST", "/_fake/extensions", {"extensions": [
        {"id": 3000000001, "type": "Department", "name": "Sales queue"},
        {"id": 3000000002, "type": "User", "status": "Disabled"},
        {"id": 3000000003, "type": "FaxUser"}]})
    status, headers, body = fake.api("GET", "/restapi/v1.0/account/~/extension?perPage=2", tok)
    j = json.loads(body)
    expect(status == 200 and headers["x-rate-limit-group"] == "medium", "list: %d %r" % (status, headers))
    expect(len(j["records"]) == 2 and j["paging"] == {"page": 1, "perPage": 2, "totalPages": 2, "totalElements": 4,
                                                      "pageStart": 0, "pageEnd": 1}, repr(j["paging"]))
    expect("nextPage" in j["navigation"] and "previousPage" not in j["navigation"], repr(j["navigation"]))
    status, _, body = fake.request("GET", j["navigation"]["nextPage"]["uri"], headers={"Authorization": "Bearer " + tok})
    j2 = json.loads(body)
    expect(len(j2["records"]) == 2 and "nextPage" not in j2["navigation"] and j2["paging"]["pageStart"] == 2,
           repr(j2["paging"]))
    ids = [r["id"] for r in j["records"] + j2["records"]]
    expect(len(set(ids)) == 4 and all(isinstance(i, int) for i in ids), repr(ids))
    status, _, body = fake.api("GET", "/restapi/v1.0/account/~/extension?type=Department&type=FaxUser", tok)
    expect(sorted(r["type"] for r in json.loads(body)["records"]) == ["Department", "FaxUser"], body)
    status, _, body = fake.api("GET", "/restapi/v1.0/account/~/extension?status=Disabled", tok)
    expect([r["id"] for r in json.loads(body)["records"]] == [3000000002], body)
    status, h, body = fake.api("GET", "/restapi/v1.0/account/~/extension/~", tok)
    expect(status == 200 and str(json.loads(body)["id"]) == fake.control("GET", "/_fake/info")["owner_id"]
           and h["x-rate-limit-group"] == "light", body)
    status, _, body = fake.api("GET", "/restapi/v1.0/account/37439510/extension/3000000001", tok)
    expect(status == 200 and json.loads(body)["type"] == "Department", body)
    status, _, body = fake.api("GET", "/restapi/v1.0/account/~/extension/999", tok)
    j = json.loads(body)
    expect(status == 404 and j["errorCode"] == "CMN-102" and j["errors"][0]["parameterName"] == "extensionId", body)


# -- Message Sync ----------------------------------------------------------------------------------
def load_payload(name):
    with open(os.path.join(PAYLOADS, name)) as f:
        return json.load(f)


@check
def fsync_serves_reference_records_field_exact(fake):
    tok = grant(fake)
    recs = [load_payload("23-api-sms-list-response.json")["records"][0]] + [
        load_payload(n) for n in ("24-api-voicemail-record.json", "25-api-outbound-sms-delivered-record.json",
                                  "26-api-pager-outbound-record.json", "27-api-sms-queued-record.json")]
    stored = fake.control("POST", "/_fake/messages", {"records": recs, "keep_last_modified": True})["records"]
    expect(stored == recs, "records changed on the way in")
    status, headers, body = sync(fake, tok, "syncType=FSync&dateFrom=2000-01-01T00:00:00.000Z&recordCount=10")
    expect(status == 200 and headers["x-rate-limit-group"] == "light", "fsync %d" % status)
    expect(b'"conversationId":8031152018338945839' in body and b'"conversationId":8234962969801172000' in body
           and b'"conversationId":4178398077955743750' in body, "big ids not written digit for digit")
    j = json.loads(body)
    expect(j["records"] == sorted(recs, key=lambda r: r["creationTime"], reverse=True), "not newest first / not exact")
    info = j["syncInfo"]
    expect(info["syncType"] == "FSync" and info["syncToken"] and info["olderRecordsExist"] is False
           and info["syncTime"].endswith("Z"), repr(info))
    expect(j["uri"].endswith(SYNC + "?syncType=FSync&dateFrom=2000-01-01T00:00:00.000Z&recordCount=10"), j["uri"])
    status, _, body = fake.api("GET", "/restapi/v1.0/account/~/extension/~/message-store/972869004", tok)
    expect(status == 200 and json.loads(body) == recs[4], "get message")
    status, h, body = fake.api("GET", "/restapi/v1.0/account/~/extension/~/message-store"
                               "?dateFrom=2000-01-01&perPage=2&messageType=SMS", tok)
    j = json.loads(body)
    sms = sorted((r for r in recs if r["type"] == "SMS"), key=lambda r: r["creationTime"], reverse=True)
    expect(status == 200 and h["x-rate-limit-group"] == "light" and j["records"] == sms[:2]
           and j["paging"]["totalElements"] == 3 and "nextPage" in j["navigation"], "message list: %r" % j["paging"])
    status, _, body = fake.request("GET", j["navigation"]["nextPage"]["uri"], headers={"Authorization": "Bearer " + tok})
    expect(json.loads(body)["records"] == sms[2:], "message list page 2")
    status, _, body = fake.api("GET", "/restapi/v1.0/account/~/extension/~/message-store/1", tok)
    expect(status == 404 and error_code(body) == "CMN-102" and json.loads(body)["parameterName"] == "messageId", body)


@check
def fsync_frame_recordcount_and_walk_back(fake):
    tok = grant(fake)
    fake.control("POST", "/_fake/messages/generate", {"count": 25, "newest": "2024-01-01T00:00:25.000Z",
                                                      "step_ms": 1000, "types": ["SMS", "VoiceMail", "Fax", "Pager"]})
    status, _, body = sync(fake, tok, "syncType=FSync&dateFrom=2000-01-01&recordCount=10")
    j = json.loads(body)
    expect(len(j["records"]) == 10 and j["syncInfo"]["olderRecordsExist"] is True, "first page")
    expect(b'"conversationId":9007199254740993' in body, "generated conversation id beyond 2^53")
    times = [r["creationTime"] for r in j["records"]]
    expect(times == sorted(times, reverse=True), "not newest first")
    seen = {r["id"] for r in j["records"]}
    oldest = times[-1]
    # dateTo is exclusive: dateTo = oldest + 1 ms returns the oldest record again.
    date_to = oldest[:-4] + "%03dZ" % (int(oldest[-4:-1]) + 1)
    status, _, body = sync(fake, tok, "syncType=FSync&dateFrom=2000-01-01&dateTo=%s&recordCount=10" % date_to)
    j = json.loads(body)
    expect(j["records"][0]["creationTime"] == oldest and len(j["records"]) == 10, "walk-back page")
    seen |= {r["id"] for r in j["records"]}
    status, _, body = sync(fake, tok, "syncType=FSync&dateFrom=2000-01-01&dateTo=%s&recordCount=10" % oldest)
    expect(json.loads(body)["records"][0]["creationTime"] < oldest, "dateTo is exclusive")
    status, _, body = sync(fake, tok, "syncType=FSync&dateFrom=2000-01-01&dateTo=%s&recordCount=10"
                           % j["records"][-1]["creationTime"])
    j = json.loads(body)
    seen |= {r["id"] for r in j["records"]}
    expect(j["syncInfo"]["olderRecordsExist"] is False and len(seen) == 25, "walk-back lost records: %d" % len(seen))
    kinds = {r["type"] for r in fake.control("GET", "/_fake/messages?extension=~")["records"]}
    expect(kinds == {"SMS", "VoiceMail", "Fax", "Pager"}, repr(kinds))
    status, _, body = sync(fake, tok, "syncType=FSync&dateFrom=2000-01-01&recordCount=100&messageType=Fax")
    expect({r["type"] for r in json.loads(body)["records"]} == {"Fax"}, "messageType filter")
    status, _, body = sync(fake, tok, "syncType=FSync&dateFrom=2024-01-01T00:00:20.000Z&recordCount=100")
    expect(len(json.loads(body)["records"]) == 6, "dateFrom is inclusive")
    status, _, body = sync(fake, tok, "syncType=Bogus")
    expect(status == 400 and json.loads(body)["parameterName"] == "syncType", "bad syncType")


@check
def same_creation_time_across_a_page_boundary(fake):
    tok = grant(fake)
    fake.control("POST", "/_fake/messages/generate", {"count": 20, "newest": "2024-01-01T00:01:00.000Z",
                                                      "ties": [{"index": 8, "count": 5}]})
    status, _, body = sync(fake, tok, "syncType=FSync&dateFrom=2000-01-01&recordCount=10")
    page = json.loads(body)["records"]
    tie_time = page[8]["creationTime"]
    expect([r["creationTime"] for r in page[8:]] == [tie_time] * 2, "tie not across the boundary")
    date_to = tie_time[:-4] + "%03dZ" % (int(tie_time[-4:-1]) + 1)
    status, _, body = sync(fake, tok, "syncType=FSync&dateFrom=2000-01-01&recordCount=10&dateTo=" + date_to)
    page2 = json.loads(body)["records"]
    expect([r["creationTime"] for r in page2[:5]] == [tie_time] * 5, "tie records on the next page")
    fake.control("POST", "/_fake/config", {"page_ties": "extend"})
    status, _, body = sync(fake, tok, "syncType=FSync&dateFrom=2000-01-01&recordCount=10")
    expect(len(json.loads(body)["records"]) == 13, "page_ties extend")


@check
def isync_changes_stubs_overlap_and_full_pages(fake):
    tok = grant(fake)
    fake.control("POST", "/_fake/messages/generate", {"count": 10, "newest": "2024-01-01T00:00:00.000Z",
                                                      "changed_at": "creation"})
    status, _, body = sync(fake, tok, "syncType=FSync&dateFrom=2000-01-01&recordCount=100")
    j = json.loads(body)
    token = j["syncInfo"]["syncToken"]
    ids = [r["id"] for r in j["records"]]
    fake.control("POST", "/_fake/messages/generate", {"count": 3, "newest": "2024-02-01T00:00:00.000Z"})
    status, _, body = sync(fake, tok, "syncType=ISync&syncToken=" + token)
    j = json.loads(body)
    expect(len(j["records"]) == 3 and j["records"][-1]["creationTime"].startswith("2024-02-01"),
           "records generated after the FSync come with the next ISync: %r" % [r.get("creationTime") for r in j["records"]])
    for r in j["records"]:
        fake.control("POST", "/_fake/messages/remove", {"id": r["id"]})
    token = j["syncInfo"]["syncToken"]
    fake.control("POST", "/_fake/config", {"overlap_ms": 0})
    status, _, body = sync(fake, tok, "syncType=ISync&syncToken=" + token)
    token = json.loads(body)["syncInfo"]["syncToken"]
    fake.control("POST", "/_fake/config", {"overlap_ms": 5000})
    time.sleep(0.006)  # past the overlap of 0 ms: the next ISync starts clean
    status, _, body = sync(fake, tok, "syncType=ISync&syncToken=" + token)
    j = json.loads(body)
    expect(status == 200 and j["records"] == [] and j["syncInfo"]["syncType"] == "ISync", "nothing changed: %r" % body)
    token = j["syncInfo"]["syncToken"]
    changed = fake.control("POST", "/_fake/messages/update", {"id": ids[0], "set": {"messageStatus": "Delivered",
                                                                                    "readStatus": "Read"}})["record"]
    fake.control("POST", "/_fake/messages/delete", {"id": ids[1]})
    fake.control("POST", "/_fake/messages/purge", {"id": ids[2]})
    status, _, body = sync(fake, tok, "syncType=ISync&syncToken=" + token)
    j = json.loads(body)
    by_id = {r["id"]: r for r in j["records"]}
    expect(by_id.get(ids[0]) == changed and changed["lastModifiedTime"] > "2025", "changed record: %r" % by_id)
    expect(set(by_id[ids[1]]) == {"id", "uri", "availability"} and by_id[ids[1]]["availability"] == "Deleted",
           "deleted stub: %r" % by_id.get(ids[1]))
    expect(by_id[ids[2]]["availability"] == "Purged" and len(by_id) == 3, "purged stub")
    # The 5-second overlap: the same changes come back with the next token.
    status, _, body = sync(fake, tok, "syncType=ISync&syncToken=" + j["syncInfo"]["syncToken"])
    expect({r["id"] for r in json.loads(body)["records"]} == set(by_id), "overlap")
    fake.control("POST", "/_fake/config", {"overlap_ms": 0})
    status, _, body = sync(fake, tok, "syncType=ISync&syncToken=" + json.loads(body)["syncInfo"]["syncToken"])
    token = json.loads(body)["syncInfo"]["syncToken"]
    expect(json.loads(body)["records"] == [], "overlap_ms 0")
    status, _, body = fake.api("GET", "/restapi/v1.0/account/~/extension/~/message-store/%d" % ids[2], tok)
    expect(json.loads(body)["availability"] == "Purged" and "attachments" not in json.loads(body), "purged record")
    # More changes than recordCount: full pages, each token continues after the last.
    for i in ids[3:8]:
        fake.control("POST", "/_fake/messages/update", {"id": i, "set": {"readStatus": "Read"}})
    got, sizes = [], []
    for _ in range(4):
        status, _, body = sync(fake, tok, "syncType=ISync&recordCount=2&syncToken=" + token)
        j = json.loads(body)
        sizes.append(len(j["records"]))
        got += [r["id"] for r in j["records"]]
        token = j["syncInfo"]["syncToken"]
    expect(sizes == [2, 2, 1, 0] and sorted(got) == sorted(ids[3:8]), "full ISync pages: %r" % sizes)


@check
def invalid_sync_tokens(fake):
    tok = grant(fake)
    status, _, body = sync(fake, tok, "syncType=FSync&recordCount=1")
    token = json.loads(body)["syncInfo"]["syncToken"]
    status, _, body = sync(fake, tok, "syncType=ISync&syncToken=garbage")
    j = json.loads(body)
    expect(status == 400 and j["errorCode"] == "MSG-333" and j["errors"][0]["parameterName"] == "syncToken", body)
    fake.control("POST", "/_fake/sync-tokens/invalidate", {"code": "CMN-101"})
    status, _, body = sync(fake, tok, "syncType=ISync&syncToken=" + token)
    j = json.loads(body)
    expect(status == 400 and j["errorCode"] == "CMN-101" and "syncToken" in j["message"], body)
    status, _, body = sync(fake, tok, "syncType=FSync&recordCount=1")
    token = json.loads(body)["syncInfo"]["syncToken"]
    status, _, _ = sync(fake, tok, "syncType=ISync&syncToken=" + token)
    expect(status == 200, "a token issued after the invalidation")
    fake.control("POST", "/_fake/sync-tokens/invalidate", {"extension": "~", "code": "MSG-333"})
    status, _, body = sync(fake, tok, "syncType=ISync&syncToken=" + token)
    expect(status == 400 and error_code(body) == "MSG-333", body)


@check
def forbidden_and_unknown_mailboxes(fake):
    tok = grant(fake)
    fake.control("POST", "/_fake/extensions", {"extensions": [{"id": 4000000001}, {"id": 4000000002}]})
    fake.control("POST", "/_fake/forbidden", {"extension": "4000000001"})
    status, _, body = fake.api("GET", "/restapi/v1.0/account/~/extension/4000000001/message-sync?syncType=FSync", tok)
    expect(status == 403 and error_code(body) == "CMN-419", body)
    status, _, _ = fake.api("GET", "/restapi/v1.0/account/~/extension/4000000002/message-sync?syncType=FSync", tok)
    expect(status == 200, "the other mailbox")
    status, _, body = fake.api("GET", "/restapi/v1.0/account/~/extension/5/message-sync?syncType=FSync", tok)
    expect(status == 404 and error_code(body) == "CMN-102", body)
    status, _, body = fake.api("GET", "/restapi/v1.0/account/1/extension/~/message-sync?syncType=FSync", tok)
    expect(status == 404 and json.loads(body)["parameterName"] == "accountId", body)


# -- rate limits --------------------------------------------------------------------------------------
@check
def rate_limit_headers_and_enforcement(fake):
    tok = grant(fake)
    fake.control("POST", "/_fake/config", {"rate_limits": {"light": {"limit": 2, "enforce": True, "penalty": 1}}})
    path = "/restapi/v1.0/account/~/extension/~"
    status, h, _ = fake.api("GET", path, tok)
    expect(h["x-rate-limit-group"] == "light" and h["x-rate-limit-limit"] == "2"
           and h["x-rate-limit-remaining"] == "1" and h["x-rate-limit-window"] == "60", repr(h))
    status, h, _ = fake.api("GET", path, tok)
    expect(status == 200 and h["x-rate-limit-remaining"] == "0", repr(h))
    status, h, body = fake.api("GET", path, tok)
    expect(status == 429 and h["retry-after"] == "1" and error_code(body) == "CMN-301", "%d %r" % (status, h))
    status, h, _ = fake.api("GET", "/restapi/v1.0/account/~/extension", tok)
    expect(status == 200, "another group is not limited")
    time.sleep(1.05)  # the penalty itself is what is tested
    fake.control("POST", "/_fake/config", {"rate_limits": {"light": {"limit": 50}}})
    status, _, _ = fake.api("GET", path, tok)
    expect(status == 200, "after the penalty: %d" % status)
    log = fake.requests(path=r"/extension/~$")
    expect([e["status"] for e in log][-4:] == [200, 200, 429, 200], repr([e["status"] for e in log]))


# -- faults -------------------------------------------------------------------------------------
@check
def fault_respond_with_retry_after_count_and_method(fake):
    tok = grant(fake)
    fake.control("POST", "/_fake/faults", {"path": "message-sync", "count": 2, "status": 429, "retry_after": 3})
    for _ in range(2):
        status, h, body = sync(fake, tok, "syncType=FSync")
        expect(status == 429 and h["retry-after"] == "3" and error_code(body) == "CMN-301", "%d" % status)
    expect(sync(fake, tok, "syncType=FSync")[0] == 200, "fault used up")
    fake.control("POST", "/_fake/faults", {"path": "message-sync", "status": 503})
    status, _, body = sync(fake, tok, "syncType=FSync")
    expect(status == 503 and error_code(body) == "CMN-201", body)
    fake.control("POST", "/_fake/faults", {"path": "oauth/token", "method": "POST", "status": 500,
                                           "body": "<html>oops</html>"})
    status, _, body = fake.request("GET", "/restapi/oauth/token")
    expect(status == 405, "method filter")
    status, _, body = fake.request("POST", "/restapi/oauth/token", b"", {"Content-Type": "x"})
    expect(status == 500 and body == b"<html>oops</html>", "raw body fault")
    fake.control("POST", "/_fake/faults", {"path": "extension/~$", "body_bytes": 100000, "status": 200})
    status, _, body = fake.api("GET", "/restapi/v1.0/account/~/extension/~", tok)
    expect(status == 200 and len(body) == 100000 and json.loads(body)["pad"], "body_bytes")
    fake.control("POST", "/_fake/faults", {"path": "x", "count": 5})
    expect(len(fake.control("GET", "/_fake/faults")["faults"]) == 1, "listed")
    fake.control("POST", "/_fake/faults/clear")
    expect(fake.control("GET", "/_fake/faults")["faults"] == [], "cleared")


def raw_get(fake, path, tok):
    """One GET on its own connection; returns the response or the exception."""
    u = urllib.parse.urlsplit(fake.base)
    conn = (http.client.HTTPSConnection(u.hostname, u.port, context=fake.ssl, timeout=10) if fake.ssl
            else http.client.HTTPConnection(u.hostname, u.port, timeout=10))
    try:
        conn.request("GET", path, headers={"Authorization": "Bearer " + tok})
        r = conn.getresponse()
        return r.status, r.read()
    except (OSError, http.client.HTTPException) as e:
        return e
    finally:
        conn.close()


@check
def fault_reset_close_delay_partial(fake):
    tok = grant(fake)
    path = SYNC + "?syncType=FSync"
    fake.control("POST", "/_fake/faults", {"path": "message-sync", "action": "reset"})
    r = raw_get(fake, path, tok)
    expect(isinstance(r, (ConnectionResetError, http.client.RemoteDisconnected, ssl.SSLError)), "reset: %r" % (r,))
    fake.control("POST", "/_fake/faults", {"path": "message-sync", "action": "close"})
    r = raw_get(fake, path, tok)
    expect(isinstance(r, (http.client.RemoteDisconnected, ConnectionResetError, ssl.SSLError)), "close: %r" % (r,))
    fake.control("POST", "/_fake/faults", {"path": "message-sync", "action": "delay", "delay_ms": 400})
    t = time.monotonic()
    r = raw_get(fake, path, tok)
    expect(r[0] == 200 and time.monotonic() - t >= 0.4, "delay: %r" % (r,))
    fake.control("POST", "/_fake/faults", {"path": "message-sync", "delay_ms": 300, "status": 502})
    t = time.monotonic()
    r = raw_get(fake, path, tok)
    expect(r[0] == 502 and time.monotonic() - t >= 0.3, "delayed 502: %r" % (r,))
    fake.control("POST", "/_fake/faults", {"path": "message-sync", "action": "partial"})
    r = raw_get(fake, path, tok)
    expect(isinstance(r, (http.client.IncompleteRead, ConnectionResetError, ssl.SSLError)), "partial: %r" % (r,))
    expect(raw_get(fake, path, tok)[0] == 200, "recovers")
    log = fake.requests(path="message-sync")
    expect([e["status"] for e in log] == [0, 0, 200, 502, 200, 200], repr([e["status"] for e in log]))
    expect([(e["fault"] or {}).get("action") for e in log][:5] == ["reset", "close", "delay", "respond", "partial"],
           "faults in the log")


# -- request log -------------------------------------------------------------------------------------
@check
def request_log_without_secrets(fake):
    fake.control("POST", "/_fake/config", {"issue_refresh_tokens": True})
    status, body = fake.token()
    tok, refresh = body["access_token"], body["refresh_token"]
    fake.api("GET", SYNC + "?syncType=FSync", tok)
    fake.api("GET", SYNC + "?syncType=FSync&access_token=" + tok, "bad")
    fake.refresh(refresh)
    log = fake.requests()
    expect([e["method"] for e in log] == ["POST", "GET", "GET", "POST"], repr(log))
    e = log[1]
    expect(e["group"] == "light" and e["status"] == 200 and e["bearer_valid"] is True
           and isinstance(e["t"], float) and e["query"] == "syncType=FSync", repr(e))
    expect(log[2]["bearer_valid"] is False and log[2]["status"] == 401, repr(log[2]))
    expect(log[0]["grant_type"] == "jwt" and log[3]["grant_type"] == "refresh_token", "grant types")
    text = json.dumps(log)
    for secret in (tok, refresh, CLIENT_SECRET, JWT):
        expect(secret not in text, "a secret in the request log")
    since = log[-1]["seq"]
    fake.api("GET", SYNC + "?syncType=FSync", "x")
    expect(len(fake.requests(since=since)) == 1, "since")
    fake.control("POST", "/_fake/requests/reset")
    expect(fake.requests() == [], "reset log")


@check
def control_api_errors_and_reset(fake):
    status, _, body = fake.request("POST", "/_fake/config", {"no_such_key": 1})
    expect(status == 400, "unknown config key: %d" % status)
    status, _, body = fake.request("POST", "/_fake/messages/update", {"id": 12345})
    expect(status == 404, "unknown message: %d" % status)
    status, _, _ = fake.request("POST", "/_fake/nothing", {})
    expect(status == 404, "unknown control call")
    rec = fake.control("POST", "/_fake/messages", {"template": "mms"})["records"][0]
    expect(rec["attachments"][1]["contentType"] == "image/jpeg" and rec["lastModifiedTime"], repr(rec))
    fake.control("POST", "/_fake/reset")
    expect(fake.control("GET", "/_fake/messages")["records"] == [], "reset")


# -- subscriptions (phase 2) ---------------------------------------------------------------------
class Receiver:
    """A webhook receiver in this process: answers as `mode` says and keeps
    what it was sent."""

    def __init__(self):
        import http.server
        import threading
        receiver = self
        self.mode = "echo"
        self.seen = []

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                receiver.seen.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                token = self.headers.get("Validation-Token")
                mode = receiver.mode
                self.send_response(500 if mode == "error" else 200)
                if token and mode in ("echo", "big"):
                    self.send_header("Validation-Token", token)
                if token and mode == "wrong":
                    self.send_header("Validation-Token", "something-else")
                if mode == "big":
                    self.send_header("X-Padding", "p" * 1100)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d/webhook" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


FILTERS = ["/restapi/v1.0/account/~/extension/~/message-store",
           "/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"]


def subscribe(fake, tok, address, token="vt-1", filters=FILTERS, expires_in=100):
    mode = {"transportType": "WebHook", "address": address}
    if token:
        mode["verificationToken"] = token
    return fake.api("POST", "/restapi/v1.0/subscription", tok,
                    {"eventFilters": filters, "deliveryMode": mode, "expiresIn": expires_in})


@check
def subscription_create_handshake_list_get_put_renew_delete(fake):
    tok = grant(fake)
    r = Receiver()
    try:
        status, h, body = subscribe(fake, tok, r.url)
        sub = json.loads(body)
        expect(status == 200 and h["x-rate-limit-group"] == "medium", "create: %d %r" % (status, body))
        info = fake.control("GET", "/_fake/info")
        owner, acct = info["owner_id"], info["account_id"]
        expect(sub["status"] == "Active" and sub["expiresIn"] == 100 and sub["id"] and sub["creationTime"]
               and sub["expirationTime"] > sub["creationTime"], repr(sub))
        expect(sub["eventFilters"] == [f.replace("account/~", "account/" + acct).replace("extension/~", "extension/" + owner)
                                       for f in FILTERS], repr(sub["eventFilters"]))
        expect(sub["deliveryMode"] == {"transportType": "WebHook", "encryption": False, "address": r.url}
               and "verificationToken" not in body.decode(), repr(sub["deliveryMode"]))
        hs = r.seen[0]["headers"]
        expect(len(r.seen) == 1 and hs.get("validation-token") and "verification-token" not in hs, repr(hs))
        status, h, body = fake.api("GET", "/restapi/v1.0/subscription", tok)
        expect(status == 200 and h["x-rate-limit-group"] == "light" and json.loads(body)["records"] == [sub], body)
        status, _, body = fake.api("GET", "/restapi/v1.0/subscription/" + sub["id"], tok)
        expect(json.loads(body) == sub, "get")
        expect(fake.control("GET", "/_fake/subscriptions")["records"][0]["verificationToken"] == "vt-1", "token kept")
        time.sleep(0.01)
        status, h, body = fake.api("PUT", "/restapi/v1.0/subscription/" + sub["id"], tok,
                                   {"eventFilters": FILTERS[:1], "expiresIn": 200})
        put = json.loads(body)
        expect(status == 200 and h["x-rate-limit-group"] == "medium" and len(put["eventFilters"]) == 1
               and put["expiresIn"] == 200 and put["expirationTime"] > sub["expirationTime"], repr(put))
        time.sleep(0.01)
        status, h, body = fake.api("POST", "/restapi/v1.0/subscription/%s/renew" % sub["id"], tok)
        renewed = json.loads(body)
        expect(status == 200 and h["x-rate-limit-group"] == "light" and renewed["expirationTime"] > put["expirationTime"]
               and renewed["eventFilters"] == put["eventFilters"], repr(renewed))
        expect(len(r.seen) == 1, "renew or PUT made another handshake")
        status, _, body = fake.api("DELETE", "/restapi/v1.0/subscription/" + sub["id"], tok)
        expect(status == 204 and body == b"", "delete %d" % status)
        status, _, body = fake.api("GET", "/restapi/v1.0/subscription/" + sub["id"], tok)
        expect(status == 404 and error_code(body) == "CMN-120", "deleted: %d" % status)
        status, _, body = subscribe(fake, tok, r.url, filters=["not-a-filter"])
        expect(status == 400 and error_code(body) == "SUB-508", body)
        status, _, body = subscribe(fake, tok, r.url, expires_in=315360001)
        expect(status == 400 and json.loads(body)["parameterName"] == "expiresIn", body)
    finally:
        r.close()


@check
def subscription_handshake_failures(fake):
    tok = grant(fake)
    r = Receiver()
    try:
        for mode, code in (("none", "SUB-520"), ("wrong", "SUB-520"), ("error", "SUB-525"), ("big", "SUB-525")):
            r.mode = mode
            status, _, body = subscribe(fake, tok, r.url)
            expect(status == 400 and error_code(body) == code, "%s: %d %r" % (mode, status, body))
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        closed.close()
        status, _, body = subscribe(fake, tok, "http://127.0.0.1:%d/webhook" % port)
        expect(status == 400 and error_code(body) == "SUB-521", body)
        d = fake.control("GET", "/_fake/deliveries")["deliveries"]
        expect([e["error"] for e in d] == ["SUB-520", "SUB-520", "SUB-525", "SUB-525", "SUB-521"], repr(d))
        expect(d[3]["response_bytes"] > 1024 and d[3]["echoed"] is True, repr(d[3]))
        status, _, body = fake.api("GET", "/restapi/v1.0/subscription", tok)
        expect(json.loads(body)["records"] == [], "a failed creation left a subscription")
        r.mode = "echo"
        fake.control("POST", "/_fake/config", {"handshake_sends_verification_token": True})
        status, _, _ = subscribe(fake, tok, r.url)
        expect(status == 200 and r.seen[-1]["headers"].get("verification-token") == "vt-1", "handshake token")
    finally:
        r.close()


def fake_expand(fake, f):
    info = fake.control("GET", "/_fake/info")
    return f.replace("/account/~", "/account/" + info["account_id"]).replace("/extension/~", "/extension/" + info["owner_id"])


@check
def subscription_blacklist_delete_expire_and_disabled_filters(fake):
    tok = grant(fake)
    r = Receiver()
    try:
        sub = json.loads(subscribe(fake, tok, r.url)[2])
        fake.control("POST", "/_fake/subscriptions/blacklist", {"id": sub["id"], "reason": "Read timed out"})
        status, _, body = fake.api("GET", "/restapi/v1.0/subscription/" + sub["id"], tok)
        j = json.loads(body)
        expect(j["status"] == "Blacklisted" and j["blacklistedData"]["reason"] == "Read timed out"
               and j["blacklistedData"]["blacklistedAt"], repr(j))
        res = fake.control("POST", "/_fake/notify", {"subscription": sub["id"], "template": "message-store"})
        expect(res["deliveries"][0]["status"] is None and len(r.seen) == 1, "delivered to a blacklisted one")
        fake.control("POST", "/_fake/subscriptions/delete", {"id": sub["id"]})
        expect(fake.api("GET", "/restapi/v1.0/subscription/" + sub["id"], tok)[0] == 404, "server-side delete")
        sub = json.loads(subscribe(fake, tok, r.url)[2])
        altered = fake.control("POST", "/_fake/subscriptions/filters",
                               {"id": sub["id"], "eventFilters": FILTERS[:1]})
        status, _, body = fake.api("GET", "/restapi/v1.0/subscription/" + sub["id"], tok)
        j = json.loads(body)
        expect(altered == {"altered": [sub["id"]]} and j["eventFilters"] == [fake_expand(fake, FILTERS[0])]
               and j["expirationTime"] == sub["expirationTime"], "filters altered server-side: %r" % j)
        status, _, _ = fake.request("POST", "/_fake/subscriptions/filters", {"eventFilters": []})
        expect(status == 400, "empty filters refused (%d)" % status)
        fake.control("POST", "/_fake/subscriptions/expire", {})
        expect(json.loads(fake.api("GET", "/restapi/v1.0/subscription", tok)[2])["records"] == [], "expired")
        fake.control("POST", "/_fake/extensions", {"extensions": [{"id": 4100000001, "forbidden": True}]})
        status, _, body = subscribe(fake, tok, r.url, filters=FILTERS[:1] + [
            "/restapi/v1.0/account/~/extension/4100000001/message-store"])
        j = json.loads(body)
        expect(len(j["eventFilters"]) == 1 and j["disabledFilters"][0]["filter"].endswith("4100000001/message-store")
               and j["disabledFilters"][0]["reason"] == "SUB-412", repr(j))
    finally:
        r.close()


@check
def notifications_delivered_with_verification_token(fake):
    tok = grant(fake)
    r = Receiver()
    try:
        sub = json.loads(subscribe(fake, tok, r.url)[2])
        rec = fake.control("POST", "/_fake/messages", {"template": "sms_outbound"})["records"][0]
        res = fake.control("POST", "/_fake/notify", {"template": "message-store", "message_id": rec["id"]})
        expect(len(res["deliveries"]) == 1 and res["deliveries"][0]["status"] == 200, repr(res))
        got = r.seen[-1]
        expect(got["headers"]["verification-token"] == "vt-1" and "validation-token" not in got["headers"]
               and got["headers"]["content-type"].startswith("application/json"), repr(got["headers"]))
        n = json.loads(got["body"])
        owner = fake.control("GET", "/_fake/info")["owner_id"]
        expect(n["subscriptionId"] == sub["id"] and n["ownerId"] == owner and n["uuid"]
               and n["event"].endswith("/extension/%s/message-store" % owner)
               and n["body"]["changes"] == [{"type": "SMS", "newCount": 1, "updatedCount": 0,
                                              "newMessageIds": [rec["id"]]}], repr(n))
        fake.control("POST", "/_fake/notify", {"template": "instant-sms", "message_id": rec["id"]})
        n = json.loads(r.seen[-1]["body"])
        expect(n["event"].endswith("/message-store/instant?type=SMS") and n["body"]["id"] == str(rec["id"])
               and n["body"]["eventType"] == "Create", repr(n))
        expect(all("uri" not in a for a in n["body"]["attachments"]), "a Text attachment has no uri in an event")
        vm = fake.control("POST", "/_fake/messages", {"template": "voicemail"})["records"][0]
        fake.control("POST", "/_fake/notify", {"template": "voicemail", "message_id": vm["id"], "address": r.url})
        n = json.loads(r.seen[-1]["body"])
        expect(n["event"].endswith("/voicemail") and "uri" not in n["body"]
               and n["body"]["attachments"][0]["uri"] == vm["attachments"][0]["uri"], "voicemail event: " + repr(n))
        fake.control("POST", "/_fake/notify", {"event": "/restapi/v1.0/account/~/extension/~/message-store",
                                               "body": {"changes": []}})
        expect(json.loads(r.seen[-1]["body"])["body"] == {"changes": []}, "explicit body")
        res = fake.control("POST", "/_fake/notify", {"template": "message-store", "address": r.url,
                                                     "verification_token": "vt-2"})
        expect(res["deliveries"][0]["status"] == 200 and r.seen[-1]["headers"]["verification-token"] == "vt-2"
               and json.loads(r.seen[-1]["body"])["subscriptionId"] == "no-subscription", "straight to an address")
        fake.control("POST", "/_fake/config", {"blacklist_after_failures": 2})
        r.mode = "error"
        for _ in range(2):
            fake.control("POST", "/_fake/notify", {"template": "message-store"})
        status, _, body = fake.api("GET", "/restapi/v1.0/subscription/" + sub["id"], tok)
        expect(json.loads(body)["status"] == "Blacklisted", "failed deliveries did not blacklist")
        kinds = [d["kind"] for d in fake.control("GET", "/_fake/deliveries")["deliveries"]]
        expect(kinds == ["validation"] + ["notification"] * 7, repr(kinds))
    finally:
        r.close()


# -- attachment content (phase 2) --------------------------------------------------------------------
def content_path(rec, i=0):
    return urllib.parse.urlsplit(rec["attachments"][i]["uri"]).path


@check
def content_types_range_and_purge(fake):
    tok = grant(fake)
    mms = fake.control("POST", "/_fake/messages", {"template": "mms"})["records"][0]
    vm = fake.control("POST", "/_fake/messages", {"template": "voicemail"})["records"][0]
    fax = fake.control("POST", "/_fake/messages", {"template": "fax"})["records"][0]
    expect(mms["attachments"][1]["uri"].startswith(fake.base), "uri on the fake")
    for rec, i, ctype, magic in ((mms, 1, "image/jpeg", b"\xff\xd8\xff"), (vm, 0, "audio/x-wav", b"RIFF"),
                                 (fax, 0, "application/pdf", b"%PDF")):
        status, h, body = fake.api("GET", content_path(rec, i), tok)
        expect(status == 200 and h["content-type"] == ctype and body.startswith(magic) and len(body) == 4096
               and h["x-rate-limit-group"] == "medium", "%s: %d %r" % (ctype, status, h))
    status, h, body = fake.api("GET", content_path(mms, 0), tok)
    expect(body == mms["subject"].encode() and h["content-type"] == "text/plain", "Text attachment")
    whole = fake.api("GET", content_path(vm), tok)[2]
    status, h, body = fake.request("GET", content_path(vm), headers={"Authorization": "Bearer " + tok,
                                                                     "Range": "bytes=100-199"})
    expect(status == 206 and body == whole[100:200] and h["content-range"] == "bytes 100-199/4096", repr(h))
    status, h, body = fake.request("GET", content_path(vm), headers={"Authorization": "Bearer " + tok,
                                                                     "Range": "bytes=-10"})
    expect(status == 206 and body == whole[-10:], "suffix range")
    status, h, body = fake.request("GET", content_path(vm), headers={"Authorization": "Bearer " + tok,
                                                                     "Range": "bytes=5000-"})
    expect(status == 416 and error_code(body) == "CMN-107" and h["content-range"] == "bytes */4096", repr(h))
    fake.control("POST", "/_fake/messages/purge", {"id": vm["id"]})
    status, _, body = fake.api("GET", content_path(vm), tok)
    expect(status == 404 and error_code(body) == "CMN-102" and json.loads(body)["parameterName"] == "attachmentId", body)
    fake.control("POST", "/_fake/messages/delete", {"id": fax["id"]})
    expect(fake.api("GET", content_path(fax), tok)[0] == 200, "a deleted (not purged) message keeps its content")
    status, _, _ = fake.api("GET", content_path(mms, 1), "bad")
    expect(status == 401, "content needs the token")


@check
def content_overrides_same_bytes_redirects_and_bytes_sent(fake):
    tok = grant(fake)
    a = fake.control("POST", "/_fake/messages", {"template": "mms"})["records"][0]
    b = fake.control("POST", "/_fake/messages", {"template": "mms"})["records"][0]
    for rec in (a, b):
        fake.control("POST", "/_fake/content", {"message_id": rec["id"], "attachment_id": rec["id"] + 1,
                                                "seed": "same-picture", "size": 100000})
    ba, bb = fake.api("GET", content_path(a, 1), tok)[2], fake.api("GET", content_path(b, 1), tok)[2]
    expect(ba == bb and len(ba) == 100000, "same seed, same bytes")
    fake.control("POST", "/_fake/content", {"message_id": a["id"], "attachment_id": a["id"],
                                            "base64": "aGVsbG8=", "content_type": "text/x-test"})
    status, h, body = fake.api("GET", content_path(a, 0), tok)
    expect(body == b"hello" and h["content-type"] == "text/x-test", "base64 override")
    fake.control("POST", "/_fake/content", {"message_id": b["id"], "attachment_id": b["id"] + 1,
                                            "seed": "same-picture", "size": 100000, "redirect": "media"})
    u = urllib.parse.urlsplit(fake.base)
    conn = (http.client.HTTPSConnection(u.hostname, u.port, context=fake.ssl) if fake.ssl
            else http.client.HTTPConnection(u.hostname, u.port))
    conn.request("GET", content_path(b, 1), headers={"Authorization": "Bearer " + tok})
    r = conn.getresponse()
    r.read()
    conn.close()
    media = fake.control("GET", "/_fake/info")["media_url"]
    expect(r.status == 302 and r.getheader("Location").startswith(media + "/media/") and media != fake.base,
           "redirect: %d %s" % (r.status, r.getheader("Location")))
    status, h, body = fake.request("GET", r.getheader("Location"))
    expect(status == 200 and body == ba and h["content-type"] == "image/jpeg", "media host content")
    log = fake.requests(path="^/media/")
    expect(log[-1]["listener"] == "media" and log[-1]["authorization"] == "none" and log[-1]["bytes_sent"] == 100000,
           repr(log[-1]))
    # A slow download: 40,000 bytes at 100,000 bytes/s take about 0.4 s.
    fake.control("POST", "/_fake/content", {"message_id": a["id"], "attachment_id": a["id"] + 1, "size": 40000,
                                            "bytes_per_second": 100000})
    t = time.monotonic()
    status, _, body = fake.api("GET", content_path(a, 1), tok)
    expect(status == 200 and len(body) == 40000 and time.monotonic() - t >= 0.3, "bytes_per_second")
    # A client that stops early: the log counts the bytes the fake could send.
    fake.control("POST", "/_fake/content", {"message_id": a["id"], "attachment_id": a["id"] + 1,
                                            "size": 20 * 1024 * 1024})
    conn = (http.client.HTTPSConnection(u.hostname, u.port, context=fake.ssl) if fake.ssl
            else http.client.HTTPConnection(u.hostname, u.port))
    conn.request("GET", content_path(a, 1), headers={"Authorization": "Bearer " + tok})
    r = conn.getresponse()
    r.read(65536)
    r.close()
    conn.close()
    deadline = time.monotonic() + 10
    while True:
        e = [x for x in fake.requests(path="/content/%d$" % (a["id"] + 1))][-1]
        if e["done"] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    print("     early stop: %d of %d bytes sent" % (e["bytes_sent"], 20 * 1024 * 1024))
    expect(e["done"] and e["bytes_sent"] < 10 * 1024 * 1024, "bytes_sent after an early stop: %r" % e)


# -- runner -------------------------------------------------------------------------------------------
ONLY = [a for a in sys.argv[1:] if not a.startswith("-")]


def run_checks(fake, label):
    failed = 0
    for fn in CHECKS:
        if ONLY and not any(o in fn.__name__ for o in ONLY):
            continue
        fake.control("POST", "/_fake/reset")
        try:
            fn(fake)
            print("ok   %s %s" % (label, fn.__name__))
        except Exception:
            failed += 1
            print("FAIL %s %s" % (label, fn.__name__))
            traceback.print_exc()
    return failed


def tls_checks(tmp):
    failed = 0
    with FakeRingCentral(tls_dir=os.path.join(tmp, "tls")) as fake:
        try:
            expect(fake.base.startswith("https://127.0.0.1:") and fake.ca.endswith("/ca.pem"), fake.base)
            other = ssl.create_default_context(cafile=os.path.join(os.path.dirname(fake.ca), "other-ca.pem"))
            try:
                urllib.request.urlopen(fake.base + "/_fake/info", context=other, timeout=10)
                raise AssertionError("a wrong CA was accepted")
            except urllib.error.URLError as e:
                expect(isinstance(e.reason, ssl.SSLCertVerificationError), repr(e))
            u = urllib.parse.urlsplit(fake.base)
            ctx = ssl.create_default_context(cafile=fake.ca)
            with socket.create_connection((u.hostname, u.port)) as s, \
                    ctx.wrap_socket(s, server_hostname="localhost") as t:
                expect(t.version() in ("TLSv1.2", "TLSv1.3"), t.version())
            print("ok   tls certificate, SAN and wrong CA")
        except Exception:
            failed += 1
            print("FAIL tls certificate checks")
            traceback.print_exc()
        failed += run_checks(fake, "tls")
    return failed


def lifecycle_checks(tmp):
    failed = 0
    try:
        p = subprocess.Popen([sys.executable, SCRIPT, "--port", "0"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
        expect(p.stdout.readline().startswith("listening http://127.0.0.1:"), "first line")
        p.stdin.close()
        expect(p.wait(10) == 0, "exit on stdin close")
        p.stdout.close()
        p = subprocess.Popen([sys.executable, SCRIPT, "--port", "0"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, text=True)
        p.stdout.readline()
        p.send_signal(signal.SIGTERM)
        expect(p.wait(10) == 0, "exit on SIGTERM")
        p.stdout.close()
        state = os.path.join(tmp, "state.json")
        with open(state, "w") as f:
            json.dump([{"path": "/_fake/config", "body": {"expires_in": 77}},
                       {"path": "/_fake/messages", "body": {"template": "voicemail"}}], f)
        with FakeRingCentral(args=["--state", state, "--client-secret", "s2", "--issue-refresh-tokens"]) as fake:
            status, body = fake.token(client_secret="s2")
            expect(status == 200 and body["expires_in"] == 77 and "refresh_token" in body, repr(body))
            expect(len(fake.control("GET", "/_fake/messages")["records"]) == 1, "state file messages")
        print("ok   lifecycle: stdin close, SIGTERM, --state, flags")
    except Exception:
        failed += 1
        print("FAIL lifecycle")
        traceback.print_exc()
    return failed


def main():
    with tempfile.TemporaryDirectory(prefix="fake-rc-selftest-") as tmp:
        failed = 0
        with FakeRingCentral() as fake:
            failed += run_checks(fake, "http")
        if "--no-tls" not in sys.argv:
            failed += tls_checks(tmp)
        if not ONLY:
            failed += lifecycle_checks(tmp)
    print("%d failed" % failed)
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
