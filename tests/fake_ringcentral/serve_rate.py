#!/usr/bin/env python3
"""The fake RingCentral's own serving rate, measured alone, to show beside
rcvault's sync and attachment benchmarks (a client can go no faster than the
fake serves).

    python3 serve_rate.py [--records 100000] [--attachments 1000] [--size 102400] [--tls DIR]

Prints two lines: records/s of a full FSync walk-back (pages of 1,000) and
attachments/s (MB/s) of downloading `--attachments` attachments of `--size`
bytes, both over one keep-alive connection from a Python client (which costs
CPU too: the figures are lower bounds of the fake's rate).
"""

import sys

sys.dont_write_bytecode = True

import argparse
import http.client
import json
import os
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakerc import FakeRingCentral  # noqa: E402

UNLIMITED = ["--rate-limit", "light=1000000", "--rate-limit", "medium=1000000"]


def connect(fake):
    u = urllib.parse.urlsplit(fake.base)
    if fake.ssl:
        return http.client.HTTPSConnection(u.hostname, u.port, context=fake.ssl)
    return http.client.HTTPConnection(u.hostname, u.port)


def get(conn, path, tok):
    conn.request("GET", path, headers={"Authorization": "Bearer " + tok})
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        raise RuntimeError("%s -> %d %s" % (path, r.status, body[:200]))
    return body


def sync_rate(fake, count):
    fake.control("POST", "/_fake/messages/generate", {"count": count, "types": ["SMS", "SMS", "VoiceMail", "Fax"],
                                                      "changed_at": "creation"})
    tok = fake.token()[1]["access_token"]
    conn = connect(fake)
    seen, pages, date_to = set(), 0, None
    started = time.monotonic()
    while True:
        q = "syncType=FSync&dateFrom=2000-01-01&recordCount=1000" + ("&dateTo=" + date_to if date_to else "")
        j = json.loads(get(conn, "/restapi/v1.0/account/~/extension/~/message-sync?" + q, tok))
        pages += 1
        seen.update(r["id"] for r in j["records"])
        if not j["syncInfo"]["olderRecordsExist"]:
            break
        oldest = j["records"][-1]["creationTime"]   # ...SS.mmmZ; + 1 ms, as rcvault asks
        ms = int(oldest[-4:-1]) + 1
        date_to = oldest[:-4] + "%03dZ" % ms if ms < 1000 else oldest[:-5] + "9.999Z"
    took = time.monotonic() - started
    conn.close()
    return len(seen), pages, took


def content_rate(fake, count, size):
    fake.control("POST", "/_fake/config", {"content_bytes": size})
    recs = fake.control("POST", "/_fake/messages", {"template": "voicemail", "count": count})["records"]
    tok = fake.token()[1]["access_token"]
    conn = connect(fake)
    total = 0
    started = time.monotonic()
    for rec in recs:
        total += len(get(conn, urllib.parse.urlsplit(rec["attachments"][0]["uri"]).path, tok))
    took = time.monotonic() - started
    conn.close()
    return total, took


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--records", type=int, default=100000)
    p.add_argument("--attachments", type=int, default=1000)
    p.add_argument("--size", type=int, default=102400)
    p.add_argument("--tls", metavar="DIR", help="serve over TLS (certificates made in DIR)")
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tls = a.tls or None
        with FakeRingCentral(tls_dir=tls, args=UNLIMITED) as fake:
            n, pages, took = sync_rate(fake, a.records)
            print("fake sync serving: %d records in %d pages in %.1f s = %.0f records/s" % (n, pages, took, n / took))
        with FakeRingCentral(tls_dir=os.path.join(tmp, "tls2") if tls else None, args=UNLIMITED) as fake:
            total, took = content_rate(fake, a.attachments, a.size)
            print("fake content serving: %d attachments of %d bytes in %.1f s = %.0f attachments/s, %.1f MB/s"
                  % (a.attachments, a.size, took, a.attachments / took, total / took / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
