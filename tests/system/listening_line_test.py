#!/usr/bin/env python3
"""`serve` prints `listening ingest=HOST:PORT query=HOST:PORT` at every
log.level (docs/configuration.md, "Listen addresses"): with port 0 that line
is the only way to learn the bound ports, so log.level = "warning" or "error"
must not hide it, while every other info line stays hidden.

    listening_line_test.py RCVAULT_BINARY
"""
import os
import socket
import tempfile

import rcv


def main(binary):
    for level in ("warning", "error"):
        with tempfile.TemporaryDirectory(prefix="rcvault-listening-") as d:
            env = dict(os.environ, RCVAULT_LOG_LEVEL=level)
            # start() waits (bounded) for the listening line and raises without it.
            daemon = rcv.Daemon(binary, d + "/rcvault.db", env=env).start()
            status, _ = rcv.get_json(daemon.query, "/healthz")
            rcv.check(status == 200, "log.level=%s: the query port the line names answers /healthz" % level)
            socket.create_connection(daemon.ingest, timeout=10).close()
            rcv.check(True, "log.level=%s: the ingest port the line names accepts a connection" % level)
            daemon.signal(15)
            rc = daemon.wait(60)
            rcv.check(rc == 0, "log.level=%s: clean exit on SIGTERM (rc=%s)" % (level, rc))
            info = [l for l in daemon.log if l.startswith("<6>") and "listening ingest=" not in l]
            rcv.check(not info, "log.level=%s: no other info line is written (%s)" % (level, info[:3]))


if __name__ == "__main__":
    rcv.run(main)
