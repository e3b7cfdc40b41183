#!/usr/bin/env python3
"""Writes N realistic, distinct RingCentral instant-message notifications as
NDJSON on stdout (the same shape and distributions as the shared wrk workload
post_events.lua: 100 company numbers, 10,000 outside numbers, 1-3 recipients,
1-3 attachments, 4-12 word subjects), for pre-loading a database with
`rcvault import -`.

    bench/gen_notifications.py COUNT [--seed S] [--start K --total N]
"""
import argparse
import json
import random
import sys
import time

WORDS = ("hello are we still on for 3pm please call me back when you can thanks "
         "meeting moved to tomorrow the invoice is attached running late see you "
         "soon order shipped delivery window confirm appointment reminder your code "
         "is ready pickup at front desk ok sounds good will do lunch contract signed "
         "review draft before friday urgent").split()
FIRST = ["John", "Jane", "Alex", "Maria", "Wei", "Priya", "Omar", "Lena", "Sam", "Ana"]
LAST = ["Doe", "Smith", "Garcia", "Chen", "Patel", "Khan", "Novak", "Rossi", "Kim", "Silva"]
LOCATIONS = ["San Mateo, CA", "Denver, CO", "Austin, TX", "Boston, MA", "Seattle, WA"]
BASE_URI = "https://platform.ringcentral.com/restapi/v1.0/account/1/extension/1/message-store/"


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % random.randint(0, 999)


def party(number, with_location):
    p = {"phoneNumber": number, "name": random.choice(FIRST) + " " + random.choice(LAST)}
    if with_location:
        p["location"] = random.choice(LOCATIONS)
    return p


def count_of(r):
    return 3 if r > 0.95 else 2 if r > 0.80 else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("count", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="first sequence number (ids and uuids derive from it)")
    ap.add_argument("--total", type=int, default=0, help="size of the whole series when written in chunks")
    args = ap.parse_args()
    total = max(1, args.total or args.start + args.count)
    random.seed(args.seed * 1000003 + args.start)
    # Spread creation times over the last year, in increasing order like live traffic.
    now = int(time.time())
    span = 365 * 24 * 3600
    out = sys.stdout
    for i in range(args.start, args.start + args.count):
        t = now - span + (i * span) // total
        k = random.randint(0, 99)
        owner = str(823476228700 + k)
        inbound = random.random() < 0.7
        company = "+18664320%03d" % k
        if inbound:
            frm = party("+1650555%04d" % random.randint(0, 9999), False)
            to = [party(company, True)] + [party("+18664320%03d" % random.randint(0, 99), True)
                                            for _ in range(count_of(random.random()) - 1)]
        else:
            frm = party(company, False)
            to = [party("+1650555%04d" % random.randint(0, 9999), True) for _ in range(count_of(random.random()))]
        mid = "%d" % (10_000_000_000 + i)
        atts = [{"id": mid, "uri": BASE_URI + mid + "/content/" + mid, "type": "Text", "contentType": "text/plain"}]
        for j in range(2, count_of(random.random()) + 1):
            atts.append({"id": "%s%d" % (mid, j), "uri": "%s%s/content/%s%d" % (BASE_URI, mid, mid, j),
                         "type": "MmsAttachment", "contentType": "image/jpeg"})
        created = iso(t)
        env = {
            "uuid": "bench-%016x-%08d" % (args.seed, i),
            "event": "/restapi/v1.0/account/~/extension/%s/message-store/instant?type=SMS" % owner,
            "subscriptionId": "dc853541-66ac-45d8-a289-1a239fd72888",
            "ownerId": owner,
            "timestamp": created,
            "body": {
                "id": mid, "to": to, "from": frm, "type": "SMS",
                "creationTime": created, "lastModifiedTime": created,
                "readStatus": "Unread", "priority": "Normal", "attachments": atts,
                "direction": "Inbound" if inbound else "Outbound", "availability": "Alive",
                "subject": " ".join(random.choice(WORDS) for _ in range(random.randint(4, 12))),
                "messageStatus": "Received", "conversationId": str(1234567890 + random.randint(0, 99999)),
            },
        }
        out.write(json.dumps(env, separators=(",", ":")))
        out.write("\n")


if __name__ == "__main__":
    main()
