# SPDX-License-Identifier: MIT
"""clonexec.exec (cx_exec): the steps run in the calling process, which
then becomes the program; the pid stays. Each exec runs in a forked copy
of this test (or a fresh interpreter as nobody): a failed exec may leave
steps done, so the copy reports and _exits."""
import errno
import json
import os
import tempfile
import unittest

import clonexec

from cxtest import CGROUP_ROOT, OBSERVE, ROOT, unprivileged_out


def exec_in_fork(args, **kw):
    """Fork; the copy calls clonexec.exec(args, fds={1: pipe}, **kw).
    (pid of the copy, its exit status, what the program printed, or the
    copy's report of a SpawnError as a dict)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the copy
        try:
            os.close(r)
            try:
                clonexec.exec(args, fds={1: w}, **kw)
            except clonexec.SpawnError as e:
                os.write(w, json.dumps({"error": type(e).__mro__[2].__name__, "errno": e.errno,
                                        "step": e.step_name, "filename": e.filename,
                                        "message": str(e)}).encode())
                os._exit(100)
        finally:
            os._exit(101)
    os.close(w)
    with os.fdopen(r) as f:
        out = f.read()
    _, status = os.waitpid(pid, 0)
    return pid, os.waitstatus_to_exitcode(status), out


class Exec(unittest.TestCase):
    def test_replaces_the_process(self):
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        with tempfile.TemporaryDirectory() as d:
            kw = dict(cwd=d, umask=0o027, nice=min(mine + 3, 19), env={"CX_EXEC": "yes"})
            if ROOT:
                kw.update(namespaces=["uts", "mount"], hostname="cx-exec",
                          mounts=[clonexec.Tmpfs(d, size=1 << 20)])
            pid, rc, out = exec_in_fork(OBSERVE, **kw)
        self.assertEqual(rc, 0, out)
        o = json.loads(out)
        self.assertEqual(o["pid"], pid)                          # the same process
        self.assertEqual(o["ppid"], os.getpid())
        self.assertEqual(o["argv0"], OBSERVE[0])
        self.assertEqual((o["cwd"], o["umask"], o["nice"], o["env"].get("CX_EXEC")),
                         (os.path.realpath(d), 0o027, min(mine + 3, 19), "yes"))
        self.assertNotIn("PATH", o["env"])                       # env replaced it
        if ROOT:
            self.assertEqual(o["uname"][1], "cx-exec")
            self.assertIn(os.path.realpath(d), o["mounts"])
            self.assertNotEqual(o["ns"]["mnt"], os.readlink("/proc/self/ns/mnt"))
            self.assertNotEqual(os.uname().nodename, "cx-exec")

    def test_failure_reports_the_step(self):
        pid, rc, out = exec_in_fork(["/nonexistent-cx"])
        self.assertEqual(rc, 100, out)
        self.assertEqual(json.loads(out), {
            "error": "FileNotFoundError", "errno": errno.ENOENT, "step": "execve",
            "filename": "/nonexistent-cx",
            "message": "execve /nonexistent-cx: No such file or directory"})
        pid, rc, out = exec_in_fork(["no-such-program-cx"])
        self.assertEqual(json.loads(out)["step"], "look up program")

    def test_refused_before_any_change(self):
        # Checked before the first change: safe to try in this process.
        umask = os.umask(0o22)
        os.umask(umask)
        cases = [(dict(namespaces=["pid"]), "cloneflags"), (dict(require_pidfd=True), "")]
        if os.path.exists(CGROUP_ROOT + "/cgroup.procs"):  # a cgroup v2 directory
            cases.append((dict(cgroup_parent=CGROUP_ROOT), "a cgroup of the program's own"))
        for kw, what in cases:
            with self.assertRaises(clonexec.SpawnError) as c:
                clonexec.exec(["true"], umask=0o077, **kw)
            self.assertEqual((c.exception.errno, c.exception.step_name),
                             (errno.EINVAL, "check attributes"))
            self.assertIn(what, str(c.exception))
        self.assertEqual(os.umask(umask), umask)                 # nothing changed

    def test_unprivileged_user_namespace(self):
        # As nobody: a fresh interpreter becomes sh in a user namespace of
        # its own, root inside, with the same pid.
        code = ("import os, sys, clonexec\n"
                "print(os.getpid(), flush=True)\n"
                "clonexec.exec(['sh', '-c', 'echo $$; id -u; cat /proc/self/uid_map'],\n"
                "              namespaces=['user'], uid_map=(0, os.getuid(), 1),\n"
                "              gid_map=(0, os.getgid(), 1))\n")
        lines = unprivileged_out(self, code).split("\n")
        self.assertEqual(lines[0], lines[1])                     # pid unchanged
        self.assertEqual(lines[2], "0")
        self.assertEqual(lines[3].split()[:2], ["0", str(65534 if ROOT else os.getuid())])


if __name__ == "__main__":
    unittest.main()
