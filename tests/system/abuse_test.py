#!/usr/bin/env python3
"""Hostile input at the HTTP and JSON level: each request gets its 4xx (or the
connection is closed), nothing is stored, and the daemon keeps serving.

    abuse_test.py RCVAULT_BINARY
"""
import http.client
import socket
import tempfile

import rcv


def raw_exchange(hostport, data, timeout=10):
    """Sends raw bytes, returns everything the server answers until it closes
    or goes quiet for the timeout."""
    s = socket.create_connection(hostport, timeout=timeout)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except (socket.timeout, ConnectionResetError):
            pass
        return out
    finally:
        s.close()


def status_of(answer):
    if not answer.startswith(b"HTTP/1.1 "):
        return None
    return int(answer[9:12])


def post_raw(body, ctype=b"application/json", extra=b""):
    return (b"POST /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: " + ctype +
            b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n" + extra + b"\r\n" + body)


def deep_envelope(uuid, depth):
    """A minimal envelope whose body holds `depth` nested arrays."""
    return (b'{"uuid":"' + uuid.encode() + b'","body":{"id":"1","x":' + b"[" * depth + b"]" * depth + b"}}")


CASES = [
    ("bad method", b"BREW /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", (400, 405)),
    ("GET on the webhook", b"GET /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", (405,)),
    ("unknown path", b"POST /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", (404,)),
    ("not HTTP at all", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n", (400,)),
    ("header flood", b"POST /webhook HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(20000)) + b"\r\n", (400, 431)),
    ("oversized header", b"POST /webhook HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n", (400, 431)),
    ("Content-Length and Transfer-Encoding", b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{}{}{\r\n0\r\n\r\n", (400,)),
    ("two Content-Lengths", b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", (400,)),
    ("pipelined garbage after a request", b"GET /webhook HTTP/1.1\r\nHost: x\r\n\r\n\x00\x01\x02garbage\r\n\r\n", (405,)),
    ("wrong content type", post_raw(b'{"uuid":"a","body":{}}', b"text/plain"), (415,)),
    ("truncated JSON", post_raw(b'{"uuid":"t1","body":{"id":"1",'), (400,)),
    ("deep nesting", post_raw(b"[" * 100000 + b"]" * 100000), (400, 413)),
    # A top-level array is refused as "not a JSON object" even without the depth
    # cap; inside a valid envelope only the cap refuses it (the shallow control
    # below, same envelope, is stored).
    ("deep nesting inside an envelope", post_raw(deep_envelope("deep", 100000)), (400, 413)),
    ("invalid UTF-8", post_raw(b'{"uuid":"u8","body":{"id":"1","subject":"\xff\xfe"}}'), (400,)),
    ("JSON but not an envelope", post_raw(b'{"hello":"world"}'), (400,)),
    ("10 MB string", post_raw(b'{"uuid":"big","body":{"subject":"' + b"a" * (10 * 1024 * 1024) + b'"}}'), (413,)),
]


def main(binary):
    with tempfile.TemporaryDirectory(prefix="rcvault-abuse-") as d:
        db = d + "/rcvault.db"
        daemon = rcv.Daemon(binary, db).start()
        for name, data, expected in CASES:
            answer = raw_exchange(daemon.ingest, data)
            st = status_of(answer)
            rcv.check(st in expected, "%s -> %s (expected %s)" % (name, st, expected))
            status, _ = rcv.get_json(daemon.query, "/healthz")
            rcv.check(status == 200, "still serving after: " + name)
        uuids = rcv.stored_uuids(db)
        rcv.check(not uuids, "nothing hostile was stored as an event (%s)" % sorted(uuids)[:5])
        # A good notification still works on the same daemon.
        conn = http.client.HTTPConnection(*daemon.ingest, timeout=10)
        uuid, _, body = rcv.notification("abuse", 1)
        status, reply = rcv.post(conn, body)
        rcv.check(status == 200 and reply["status"] == "stored", "a normal notification is stored afterwards")
        # Control for "deep nesting inside an envelope": the same envelope nested
        # well below the cap is accepted, so the deep one was refused for its depth.
        st = status_of(raw_exchange(daemon.ingest, post_raw(deep_envelope("shallow", 16))))
        rcv.check(st == 200, "shallow nesting inside the same envelope -> %s (expected 200)" % st)
        daemon.signal(15)
        rc = daemon.wait(60)
        rcv.check(rc == 0, "clean exit (rc=%s)" % rc)


if __name__ == "__main__":
    rcv.run(main)
