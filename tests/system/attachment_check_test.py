#!/usr/bin/env python3
"""`rcvault check --attachments` (docs/attachments.md, "Backups"): after serve
stored a voicemail's and a fax's content it exits 0 with a summary; a file
corrupted in place (same size) makes it exit 1 naming that file as corrupt, a
truncated one as of the wrong size, a deleted one as missing, each with the
one error line; with the files back it exits 0 again. Without a database it
exits 2.

    attachment_check_test.py RCVAULT_BINARY
"""
import os
import shutil
import signal
import tempfile

import rcv
from rcv import check
from attachtest import add_message, file_of, serve_env, wait_archived
from synctest import rcvault, start_fake


def check_attachments(binary, db, env):
    return rcvault(binary, ["check", "--attachments", "--db", db], env)


def main(binary):
    with tempfile.TemporaryDirectory() as tmp, start_fake(tmp) as fake:
        vm = add_message(fake, "voicemail")
        fax = add_message(fake, "fax")
        db = os.path.join(tmp, "check.db")
        env = serve_env(fake, tmp)
        att_dir = env["RCVAULT_ATTACHMENTS_DIR"]

        rc, out, err = check_attachments(binary, os.path.join(tmp, "none.db"), env)
        check(rc == 2 and "rcvault: error:" in err, "without a database: exit 2 (%d, %r)" % (rc, err))

        with rcv.Daemon(binary, db, env=env).start() as d:
            archives = [wait_archived(d, m["id"], m["attachments"][0]["id"]) for m in (vm, fax)]
            d.signal(signal.SIGTERM)
            check(d.wait(30) == 0, "serve stored both and stopped (exit 0)")
        check(all(a["status"] == "stored" for a in archives), "both attachments are stored (%r)" % archives)
        vm_file, fax_file = (file_of(att_dir, a["sha256"]) for a in archives)

        rc, out, err = check_attachments(binary, db, env)
        check(rc == 0 and "2 files checked" in out and "0 missing, 0 corrupt" in out and not err,
              "every file good: exit 0 and a summary (%d, %r, %r)" % (rc, out, err))

        backup = os.path.join(tmp, "backup")
        shutil.copytree(att_dir, backup)

        # One byte changed, the size kept: only the hash can tell.
        with open(fax_file, "r+b") as f:
            f.seek(1000)
            b = f.read(1)
            f.seek(1000)
            f.write(bytes([b[0] ^ 0xFF]))
        rc, out, err = check_attachments(binary, db, env)
        check(rc == 1 and ("corrupt: %s: content hashes to" % fax_file) in out,
              "a byte changed: exit 1 naming the file as corrupt (%d, %r)" % (rc, out))
        check(err.startswith("rcvault: error: 1 attachment files missing or corrupt") and err.count("\n") == 1,
              "and one error line (%r)" % err)

        with open(fax_file, "r+b") as f:
            f.truncate(100)
        rc, out, err = check_attachments(binary, db, env)
        check(rc == 1 and ("corrupt: %s: 100 bytes, expected" % fax_file) in out,
              "a truncated file: exit 1, the size named (%d, %r)" % (rc, out))

        os.remove(vm_file)
        rc, out, err = check_attachments(binary, db, env)
        check(rc == 1 and ("missing: %s" % vm_file) in out and "1 missing, 1 corrupt" in out,
              "a deleted file: exit 1 naming it missing, the other still corrupt (%d, %r)" % (rc, out))

        # Restored from the copy (rsync of a backup): good again.
        shutil.rmtree(att_dir)
        shutil.copytree(backup, att_dir)
        rc, out, err = check_attachments(binary, db, env)
        check(rc == 0 and "0 missing, 0 corrupt" in out, "restored folder: exit 0 (%d, %r)" % (rc, out))
    return 0


if __name__ == "__main__":
    rcv.run(main)
