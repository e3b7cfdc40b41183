#!/usr/bin/env python3
"""SIGTERM while 16 clients post and one request is in flight (its header read,
its body not yet sent): the in-flight request is still answered 200 and
stored, the daemon exits 0 with its WAL checkpointed, and nothing it
acknowledged is lost (app.hpp: run() "returns after in-flight requests were
answered, the writer drained and committed and the WAL was checkpointed").

    sigterm_test.py RCVAULT_BINARY
"""
import os
import signal
import socket
import tempfile
import time

import rcv


class InFlight:
    """A POST whose header the server has read and whose body it awaits: sent
    with `Expect: 100-continue`, so the server's `100 Continue` shows (without
    a sleep) that it has parsed the header and is reading the body."""

    def __init__(self, hostport, uuid, body, timeout=15):
        self.uuid = uuid
        self.body = body
        self.answer = b""
        self.sock = socket.create_connection(hostport, timeout=timeout)
        self.sock.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                          b"Content-Type: application/json\r\nExpect: 100-continue\r\n"
                          b"Content-Length: %d\r\n\r\n" % len(body))
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)   # bounded by the socket timeout
            if not chunk:
                break
            head += chunk
        self.interim = head

    def finish(self):
        """Sends the body; returns everything the server answers until it
        closes, with a marker for a reset or timeout."""
        try:
            self.sock.sendall(self.body)
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                self.answer += chunk
        except (socket.timeout, OSError) as e:
            self.answer += b" <" + type(e).__name__.encode() + b">"
        finally:
            self.sock.close()
        return self.answer


def wait_until(cond, seconds):
    """Polls cond() until it is true or `seconds` pass; returns its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = cond()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(0.01)


def main(binary):
    with tempfile.TemporaryDirectory(prefix="rcvault-sigterm-") as d:
        db = d + "/rcvault.db"
        daemon = rcv.Daemon(binary, db).start()
        posters = rcv.Posters(daemon.ingest, 16, "term").start()
        rcv.check(posters.first_acks.wait(60), "clients got acknowledgements before SIGTERM")

        uuid, _, body = rcv.notification("inflight", 1)
        inflight = InFlight(daemon.ingest, uuid, body)
        rcv.check(inflight.interim.startswith(b"HTTP/1.1 100"),
                  "the server read the in-flight request's header (%r)" % inflight.interim[:40])
        daemon.signal(signal.SIGTERM)
        # The io thread logs "stopping" and begins the stop in one handler, so
        # the body, sent after the line, is read by a daemon already stopping.
        stopping = wait_until(lambda: any("stopping signal=" in line for line in daemon.log)
                              or daemon.proc.poll() is not None, 15)
        rcv.check(stopping, "the daemon logged that it is stopping")
        answer = inflight.finish()
        rc = daemon.wait(60)
        posters.stop()

        rcv.check(answer.startswith(b"HTTP/1.1 200"),
                  "the request in flight at SIGTERM is answered 200 (%r)" % answer[:60])
        rcv.check(rc == 0, "SIGTERM under load exits 0 (%s)" % ("still running after 60 s" if rc is None else "rc=%s" % rc))
        uuids = rcv.stored_uuids(db)
        rcv.check(uuid in uuids, "the request in flight at SIGTERM is stored")
        lost = [u for u in posters.acked if u not in uuids]
        rcv.check(not lost, "all %d acknowledged uuids are stored (lost: %s)" % (len(posters.acked), lost[:5]))
        wal = db + "-wal"
        size = os.path.getsize(wal) if os.path.exists(wal) else 0
        rcv.check(size == 0, "the WAL was checkpointed at stop (%d bytes left)" % size)


if __name__ == "__main__":
    rcv.run(main)
