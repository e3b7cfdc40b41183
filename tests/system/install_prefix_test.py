#!/usr/bin/env python3
"""`cmake --install BUILD --prefix P` into a DESTDIR (the command
systemd/packaging.cmake documents) installs a systemd unit whose ExecStart,
--config and Documentation= name files this same install placed, for the
prefix given at install time, not the one the build was configured with
(docs/deploy.md). Configures nothing: it installs the build dir it is given.

    install_prefix_test.py CMAKE BUILD_DIR
"""
import os
import shlex
import subprocess
import sys
import tempfile

import rcv


def unit_lines(path):
    with open(path) as f:
        return [l.strip() for l in f if "=" in l and not l.lstrip().startswith("#")]


def check_prefix(cmake, build, prefix, expect_bin, expect_config):
    with tempfile.TemporaryDirectory(prefix="rcvault-install-") as destdir:
        env = dict(os.environ, DESTDIR=destdir)
        r = subprocess.run([cmake, "--install", build, "--prefix", prefix], env=env,
                           capture_output=True, text=True, timeout=120)
        rcv.check(r.returncode == 0, "prefix %s: cmake --install exits 0 (%s)" % (prefix, r.stderr.strip()[-300:]))
        units = [os.path.join(d, f) for d, _, fs in os.walk(destdir) for f in fs if f == "rcvault.service"]
        rcv.check(len(units) == 1, "prefix %s: one rcvault.service installed (%s)" % (prefix, units))
        lines = unit_lines(units[0])
        exec_start = [l.split("=", 1)[1] for l in lines if l.startswith("ExecStart=")]
        rcv.check(len(exec_start) == 1, "prefix %s: the unit has one ExecStart" % prefix)
        argv = shlex.split(exec_start[0])
        rcv.check(argv[0] == expect_bin, "prefix %s: ExecStart runs %s (%s)" % (prefix, expect_bin, argv[0]))
        binary = destdir + argv[0]
        rcv.check(os.path.isfile(binary) and os.access(binary, os.X_OK),
                  "prefix %s: ExecStart's %s is an executable the install placed" % (prefix, argv[0]))
        config = argv[argv.index("--config") + 1]
        rcv.check(config == expect_config, "prefix %s: --config names %s (%s)" % (prefix, expect_config, config))
        rcv.check(os.path.isfile(destdir + config), "prefix %s: the config %s is a file the install placed" % (prefix, config))
        docs = [w[len("file://"):] for l in lines if l.startswith("Documentation=")
                for w in l.split("=", 1)[1].split() if w.startswith("file://")]
        rcv.check(docs and all(os.path.isfile(destdir + d) for d in docs),
                  "prefix %s: Documentation= names files the install placed (%s)" % (prefix, docs))


def main(args):
    cmake, build = args
    check_prefix(cmake, build, "/usr", "/usr/bin/rcvault", "/etc/rcvault/rcvault.toml")
    check_prefix(cmake, build, "/usr/local", "/usr/local/bin/rcvault", "/usr/local/etc/rcvault/rcvault.toml")


if __name__ == "__main__":
    rcv.run(lambda _: main(sys.argv[1:3]))
