#!/usr/bin/env python3
"""With the default store.synchronous=full ("a 200 means the event survives
power loss", docs/configuration.md), no 200 leaves the daemon before the
request's data was written to the WAL and the WAL file was synced.

kill -9 cannot show this (the page cache outlives the process; only a power
loss drops unsynced writes), so the running daemon is traced with strace, and
for each of N notifications posted one after another the trace must show, in
this order:
  1. a write to the `rcvault.db-wal` fd whose bytes hold the notification's
     uuid (its commit's frames; the writer batches WAL writes until the sync),
  2. an fdatasync/fsync, completed after that write, of an fd that resolves
     to that same WAL file (normally the writer's own fd; a sync of the
     database file, which the checkpointer does on its own connection, does
     not count),
  3. the `HTTP/1.1 200` carrying that uuid on the client's socket.
strace -y resolves each fd to its path at the call. Exits 77 (skipped) when
strace is not installed or may not attach (ptrace not permitted).

    fsync_before_ack_test.py RCVAULT_BINARY
"""
import http.client
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import rcv

SKIP = 77
N = 20
ATTACH_DEADLINE_S = 15

SYNCS = {"fsync", "fdatasync"}
WAL_WRITES = {"write", "pwrite64", "pwritev", "pwritev2", "writev"}
SOCKET_WRITES = {"write", "writev", "sendmsg", "sendto", "sendmmsg"}
TRACED = sorted(SYNCS | WAL_WRITES | SOCKET_WRITES)

LINE = re.compile(r"^(\d+)\s+(.*)$")
CALL = re.compile(r"^([a-z0-9_]+)\((.*)$")
RESUMED = re.compile(r"^<\.\.\. ([a-z0-9_]+) resumed>(.*)$")
FD = re.compile(r"^(\d+)<(.*?)>(?:, |\))")
# ") = 65536" or ") = -1 EIO (Input/output error)" at the end of the line.
RETURN = re.compile(r"\)\s+=\s+(-?\d+)(?:\s+[A-Z0-9_]+\s+\([^()]*\))?\s*$")
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


class Call:
    def __init__(self, name, args, entry):
        self.name = name
        self.args = args          # text after "name(", with the result once complete
        self.entry = entry        # trace line index of the entry
        self.exit = None          # trace line index of the completion
        self.ret = None
        m = FD.match(args)
        self.fd, self.path = (int(m.group(1)), m.group(2)) if m else (None, "")


def parse(trace_path):
    """The completed calls of an `strace -f -y` trace, in order of entry."""
    calls, pending = [], {}
    with open(trace_path, errors="replace") as f:
        for i, raw in enumerate(f):
            m = LINE.match(raw.rstrip("\n"))
            if not m:
                continue
            tid, rest = m.groups()
            r = RESUMED.match(rest)
            if r:
                call = pending.pop(tid, None)
                if call and call.name == r.group(1):
                    call.args += r.group(2)
                    call.exit = i
                    ret = RETURN.search(r.group(2))
                    call.ret = int(ret.group(1)) if ret else None
                continue
            c = CALL.match(rest)
            if not c:
                continue                       # signals, exits, "+++" lines
            call = Call(c.group(1), c.group(2), i)
            calls.append(call)
            if rest.endswith("<unfinished ...>"):
                pending[tid] = call
            else:
                call.exit = i
                ret = RETURN.search(rest)
                call.ret = int(ret.group(1)) if ret else None
    return [c for c in calls if c.exit is not None]


def is_wal(call):
    return call.path.endswith("rcvault.db-wal")


def is_socket(call):
    return call.path.startswith(("TCP:", "TCPv6:", "socket:"))


def check_trace(trace_path, uuids):
    calls = parse(trace_path)
    wal_fds = sorted({c.fd for c in calls if is_wal(c)})
    # Where each uuid first reaches the WAL: index of that write in calls.
    # A uuid split across two writes is found in their joined bytes.
    first_write = {}
    tail = {}
    for k, c in enumerate(calls):
        if c.name in WAL_WRITES and is_wal(c) and (c.ret or 0) > 0:
            data = "".join(LITERAL.findall(c.args))   # the bytes written, as strace escapes them
            text = tail.get(c.fd, "") + data
            for u in uuids:
                if u not in first_write and u in text:
                    first_write[u] = k
            tail[c.fd] = data[-64:]
    acks = [(k, c) for k, c in enumerate(calls)
            if c.name in SOCKET_WRITES and is_socket(c) and "HTTP/1.1 200" in c.args]
    rcv.check(len(acks) == len(uuids), "the trace holds the %d acknowledgements (%d)" % (len(uuids), len(acks)))
    problems = []
    for n, (k, ack) in enumerate(acks):
        uuid = next((u for u in uuids if u in ack.args), uuids[n])
        if uuid not in first_write or calls[first_write[uuid]].exit > ack.entry:
            problems.append("%s: 200 before its data was written to the WAL" % uuid)
            continue
        write = calls[first_write[uuid]]
        synced = any(c.name in SYNCS and c.path == write.path and c.ret == 0
                     and c.entry > write.exit and c.exit < ack.entry for c in calls[first_write[uuid] + 1:k])
        if not synced:
            others = sorted({"%s(%d<%s>)" % (c.name, c.fd, c.path.rsplit("/", 1)[-1])
                             for c in calls[first_write[uuid] + 1:k] if c.name in SYNCS})
            problems.append("%s: written to WAL fd %d, but no fsync/fdatasync of the WAL before its 200 "
                            "(syncs between: %s)" % (uuid, write.fd, ", ".join(others) or "none"))
    rcv.check(not problems, "every 200 follows an fsync of the WAL holding its data (%d of %d did not; "
              "WAL fds in the trace: %s%s)" % (len(problems), len(acks), wal_fds,
                                               "".join("\n  " + p for p in problems[:5])))


def main(binary):
    if not shutil.which("strace"):
        print("skipped: strace is not installed (apt-get install strace)")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="rcvault-fsync-") as d:
        db = d + "/rcvault.db"
        trace, trace_err = d + "/trace", d + "/strace.err"
        # The documented default is under test: no override from the environment.
        env = {k: v for k, v in os.environ.items() if k != "RCVAULT_STORE_SYNCHRONOUS"}
        daemon = rcv.Daemon(binary, db, env=env).start()
        uuids, bodies = [], []
        for i in range(N):
            uuid, _, body = rcv.notification("fsync", i)
            uuids.append(uuid)
            bodies.append(body)
        # -f with -p attaches every thread and follows new ones; -s large enough
        # for a whole 64 KiB WAL write, so the uuids in its pages can be seen.
        with open(trace_err, "wb") as err:
            tracer = subprocess.Popen(["strace", "-f", "-y", "-s", "1048576", "-e", "trace=" + ",".join(TRACED),
                                       "-o", trace, "-p", str(daemon.proc.pid)],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        try:
            # strace prints "Process N attached with K threads" once every thread
            # is seized; from then on none of their calls escapes the trace.
            deadline = time.monotonic() + ATTACH_DEADLINE_S
            while True:
                with open(trace_err, "rb") as f:
                    said = f.read()
                if b"attached" in said or tracer.poll() is not None or time.monotonic() >= deadline:
                    break
                time.sleep(0.01)
            why = said.decode(errors="replace").strip()
            if b"attached" not in said and tracer.poll() is not None:
                if "Operation not permitted" in why or "ptrace" in why:
                    print("skipped: strace may not attach here (ptrace refused): %s" % why)
                    daemon.kill()
                    return SKIP
                raise AssertionError("strace exited without attaching: %s" % why)
            rcv.check(b"attached" in said, "strace attached to the daemon (%s)" % why)
            # One after another on one connection: each 200 ends its own request.
            conn = http.client.HTTPConnection(*daemon.ingest, timeout=30)
            answers = [rcv.post(conn, body) for body in bodies]
            conn.close()
            wrong = [(i, st) for i, (st, reply) in enumerate(answers)
                     if st != 200 or not reply or reply.get("uuid") != uuids[i]]
            rcv.check(not wrong, "all %d notifications acknowledged with 200 (not: %s)" % (N, wrong[:5]))
        finally:
            # Detach before the daemon stops: a sanitizer's leak check at exit
            # needs ptrace itself, and SIGINT makes strace flush its output.
            if tracer.poll() is None:
                tracer.send_signal(signal.SIGINT)
            try:
                tracer.wait(timeout=30)
            except subprocess.TimeoutExpired:
                tracer.kill()
                tracer.wait()
        daemon.signal(signal.SIGTERM)
        rc = daemon.wait(60)
        rcv.check(rc == 0, "clean exit (rc=%s)" % rc)
        check_trace(trace, uuids)


if __name__ == "__main__":
    rcv.run(main)
