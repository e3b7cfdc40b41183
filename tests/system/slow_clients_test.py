#!/usr/bin/env python3
"""500 idle or byte-at-a-time connections do not stop a normal client from
being served within its deadline, and idle ones are closed after the read
timeout.

    slow_clients_test.py RCVAULT_BINARY
"""
import http.client
import socket
import sys
import tempfile
import time

import rcv


def main(binary):
    with tempfile.TemporaryDirectory(prefix="rcvault-slow-") as d:
        env = dict(__import__("os").environ, RCVAULT_HTTP_READ_TIMEOUT_SECONDS="2")
        daemon = rcv.Daemon(binary, d + "/rcvault.db", env=env).start()
        idle = []
        for i in range(500):
            s = socket.create_connection(daemon.ingest, timeout=10)
            if i % 2:
                s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: app")  # then nothing more
            idle.append(s)
        # A normal client is served promptly despite the 500.
        t0 = time.monotonic()
        conn = http.client.HTTPConnection(*daemon.ingest, timeout=5)
        uuid, _, body = rcv.notification("slow", 1)
        status, reply = rcv.post(conn, body)
        took = time.monotonic() - t0
        rcv.check(status == 200 and reply["status"] == "stored", "normal client stored while 500 slow ones are open")
        rcv.check(took < 2.0, "and answered within its deadline (%.3f s)" % took)
        # The idle ones are closed by the server after its 2 s read timeout.
        closed = 0
        deadline = time.monotonic() + 10
        for s in idle:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                while True:
                    data = s.recv(4096)
                    if not data:
                        closed += 1
                        break
            except (socket.timeout, ConnectionResetError):
                if isinstance(sys.exc_info()[1], ConnectionResetError):
                    closed += 1
            s.close()
        rcv.check(closed == 500, "all 500 slow connections were closed by the server (%d)" % closed)
        daemon.signal(15)
        rcv.check(daemon.wait(60) == 0, "clean exit")


if __name__ == "__main__":
    main(sys.argv[1])
