#!/usr/bin/env python3
"""550 slow connections (idle, stopped in the middle of the header, stopped in
the middle of the body) and one that trickles its header a byte at a time do
not stop a normal client from being served within its deadline, and the
server closes every one of them after its read timeout: the deadline covers
the idle wait, the header and the body of a request, as a whole rather than
per read.

    slow_clients_test.py RCVAULT_BINARY
"""
import http.client
import os
import socket
import tempfile
import threading
import time

import rcv

READ_TIMEOUT_S = 2
# Generous against a loaded machine, far below what a missing deadline takes.
CLOSE_WITHIN_S = 10
TRICKLE_EVERY_S = 0.5   # well under the read timeout: a per-read deadline never fires


def closed_by_server(s, deadline):
    """True when the server closes (or resets) s before `deadline` (monotonic)."""
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            s.settimeout(left)
            if not s.recv(4096):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def trickle(s, data, stop):
    """Sends `data` one byte every TRICKLE_EVERY_S until the server closes."""
    for b in data:
        try:
            s.sendall(bytes([b]))
        except OSError:
            return
        if stop.wait(TRICKLE_EVERY_S):
            return


def main(binary):
    with tempfile.TemporaryDirectory(prefix="rcvault-slow-") as d:
        env = dict(os.environ, RCVAULT_HTTP_READ_TIMEOUT_SECONDS=str(READ_TIMEOUT_S))
        daemon = rcv.Daemon(binary, d + "/rcvault.db", env=env).start()
        kinds = {"idle": [], "stopped in the header": [], "stopped in the body": []}
        for i in range(500):
            s = socket.create_connection(daemon.ingest, timeout=10)
            if i % 2:
                s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: app")  # then nothing more
                kinds["stopped in the header"].append(s)
            else:
                kinds["idle"].append(s)
        for _ in range(50):
            # A complete header, then 10 of the 1000 announced body bytes, then nothing.
            s = socket.create_connection(daemon.ingest, timeout=10)
            s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 1000\r\n\r\n{\"uuid\":\"s")
            kinds["stopped in the body"].append(s)
        # One header byte every 0.5 s, for 50 s unless the server closes first.
        slow = socket.create_connection(daemon.ingest, timeout=10)
        stop_trickle = threading.Event()
        trickler = threading.Thread(target=trickle, daemon=True, args=(
            slow, b"POST /webhook HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100, stop_trickle))
        trickler.start()

        # A normal client is served promptly despite the 551.
        t0 = time.monotonic()
        conn = http.client.HTTPConnection(*daemon.ingest, timeout=5)
        uuid, _, body = rcv.notification("slow", 1)
        status, reply = rcv.post(conn, body)
        took = time.monotonic() - t0
        conn.close()
        rcv.check(status == 200 and reply["status"] == "stored", "normal client stored while 551 slow ones are open")
        rcv.check(took < 2.0, "and answered within its deadline (%.3f s)" % took)

        # The server closes all of them after its read timeout.
        deadline = time.monotonic() + CLOSE_WITHIN_S
        for kind, socks in kinds.items():
            closed = sum(1 for s in socks if closed_by_server(s, deadline))
            for s in socks:
                s.close()
            rcv.check(closed == len(socks), "%d connections %s were closed after the read timeout (%d closed)"
                      % (len(socks), kind, closed))
        closed = closed_by_server(slow, deadline)
        stop_trickle.set()
        trickler.join(timeout=5)
        slow.close()
        rcv.check(closed, "a client sending its header a byte every %.1f s was closed after the read timeout"
                  % TRICKLE_EVERY_S)

        daemon.signal(15)
        rc = daemon.wait(60)
        rcv.check(rc == 0, "clean exit (rc=%s)" % rc)


if __name__ == "__main__":
    rcv.run(main)
