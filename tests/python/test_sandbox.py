# SPDX-License-Identifier: MIT
"""spawn()'s filesystem view (library 0.2, issue 9): the mount plan, the
new root, hostname and domainname, the pid-1 init; seen by the child, as
root and as nobody. Every mount happens in a new mount namespace (implied
by the plan) and every hostname in a new uts namespace."""
import errno
import os
import tempfile
import unittest

import clonexec
from clonexec import Bind, Chmod, Dev, Dir, Mqueue, Proc, RemountReadOnly, Symlink, Tmpfs

from cxtest import ROOT, VALGRIND, observe, output, unprivileged_out

# A root with only /usr (read-only) and what a program needs to run from it.
BOX = [Bind("/usr", readonly=True), Symlink("usr/bin", "/bin"), Symlink("usr/lib", "/lib"),
       Symlink("usr/lib64", "/lib64"), Symlink("usr/sbin", "/sbin")]


def host_mounts():
    with open("/proc/self/mountinfo") as f:
        return sorted(l.split()[4] for l in f)


def mountinfo(out, target):
    """The mountinfo line (options, fs type, super options) of target."""
    for line in out.splitlines():
        f = line.split()
        if len(f) > 4 and f[4] == target:
            return line
    return None


class Sandbox(unittest.TestCase):
    def setUp(self):
        self.before = host_mounts()

    def tearDown(self):
        self.assertEqual(host_mounts(), self.before, "nothing left mounted on the host")

    @unittest.skipUnless(ROOT, "needs root")
    def test_new_root(self):
        script = ("ls / | tr '\\n' ' '; echo; echo $$; touch /usr/cx-x 2>&1; "
                  "grep -c . /proc/self/mountinfo >/dev/null; cat /proc/self/mountinfo")
        st, out = output(["/bin/sh", "-c", script], search_path=False, new_root=True,
                         namespaces=["pid"], mounts=BOX + [Proc(), Dev(), Tmpfs("/tmp")])
        self.assertEqual(st.returncode, 0, out)
        lines = out.splitlines()
        self.assertEqual(lines[0], "bin dev lib lib64 proc sbin tmp usr ")
        self.assertEqual(lines[1], "1")
        self.assertIn("Read-only file system", lines[2])
        usr = mountinfo(out, "/usr")
        self.assertRegex(usr, r" ro,nosuid,nodev")
        self.assertIn(" tmpfs ", mountinfo(out, "/tmp"))
        self.assertIn(" devpts ", mountinfo(out, "/dev/pts"))
        self.assertIn(" proc ", mountinfo(out, "/proc"))
        self.assertFalse(os.path.exists("/usr/cx-x"))

    def test_new_root_unprivileged(self):
        # A user namespace with root mapped to the caller, as unshare -r.
        if VALGRIND:
            self.skipTest("the nobody child runs without valgrind: once is enough")
        code = (
            "import os, clonexec as c\n"
            "box = [c.Bind('/usr', readonly=True), c.Symlink('usr/bin', '/bin'),\n"
            "       c.Symlink('usr/lib', '/lib'), c.Symlink('usr/lib64', '/lib64'), c.Proc(),\n"
            "       c.Tmpfs('/tmp')]\n"
            "p = c.spawn(['/bin/sh', '-c', 'id -u; hostname; ls /; echo /proc/[0-9]*; '\n"
            "             'touch /usr/x 2>/dev/null || echo ro'], search_path=False,\n"
            "            namespaces=['user', 'pid'], uid_map=(0, os.getuid(), 1),\n"
            "            gid_map=(0, os.getgid(), 1), new_root=True, mounts=box,\n"
            "            hostname='cx-box', init=True)\n"
            "raise SystemExit(p.wait().returncode)\n")
        self.assertEqual(unprivileged_out(self, code).split("\n"),
                         ["0", "cx-box", "bin", "lib", "lib64", "proc", "tmp", "usr",
                          "/proc/1 /proc/2", "ro", ""])

    @unittest.skipUnless(ROOT, "needs root")
    def test_kinds_in_place(self):
        # Without a new root the plan works on the child's own tree: a tmpfs
        # on a fresh directory holds everything else, so nothing is made on
        # the host's disk.
        with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as src:
            with open(f"{src}/f", "w") as f:
                f.write("from the host\n")
            script = (f"cd {d}; stat -c '%a %n' a a/b a/c; readlink l; cat ro/f; "
                      f"{{ echo x > ro/g; }} 2>/dev/null || echo ro-refused; "
                      f"echo x > rw/g && echo rw-written; test -e try || echo try-skipped; "
                      f"{{ echo > null; }} 2>/dev/null || echo nodev; echo > devnull && echo dev-ok; "
                      f"cat /proc/self/mountinfo")
            plan = [Tmpfs(d, size=1 << 20), Tmpfs(f"{d}/a", mode=0o700), Dir(f"{d}/a/c", mode=0o750),
                    Tmpfs(f"{d}/a/b", mode=0o750), Symlink("a/c", f"{d}/l"),
                    Bind(src, f"{d}/ro", readonly=True), Bind(src, f"{d}/rw"),
                    Bind("/nonexistent-cx", f"{d}/try", missing_ok=True),
                    Bind("/dev/null", f"{d}/null"), Bind("/dev/null", f"{d}/devnull", devices=True),
                    Tmpfs(f"{d}/gone"), RemountReadOnly(f"{d}/gone"), Chmod(f"{d}/a", 0o701)]
            st, out = output(["sh", "-c", script], mounts=plan)
            self.assertEqual(st.returncode, 0, out)
            self.assertEqual(out.split("\n")[:10],
                             ["701 a", "750 a/b", "750 a/c", "a/c", "from the host", "ro-refused",
                              "rw-written", "try-skipped", "nodev", "dev-ok"])
            self.assertIn("size=1024k", mountinfo(out, d))
            self.assertRegex(mountinfo(out, f"{d}/gone"), r" ro,nosuid,nodev")
            self.assertRegex(mountinfo(out, f"{d}/ro"), r" ro,nosuid,nodev")
            with open(f"{src}/g") as f:                           # through the rw bind
                self.assertEqual(f.read(), "x\n")
            self.assertEqual(os.listdir(d), [])                   # all in the child's tmpfs

    @unittest.skipUnless(ROOT, "needs root")
    def test_proc_and_mqueue(self):
        with tempfile.TemporaryDirectory() as d:
            o = observe(namespaces=["pid", "ipc"], mounts=[Proc(), Tmpfs(d), Mqueue(f"{d}/mq")])
            self.assertEqual(o["pid"], 1)
            self.assertIn(f"{d}/mq", o["mounts"])
            self.assertIn("/proc", o["mounts"])

    @unittest.skipUnless(ROOT, "needs root")
    def test_hostname_domainname(self):
        host = os.uname()
        o = observe(hostname="cx-box", domainname="cx-dom")          # uts implied
        self.assertEqual(o["uname"][1], "cx-box")
        self.assertEqual(o["domainname"], "cx-dom")
        self.assertNotEqual(o["ns"]["uts"], os.readlink("/proc/self/ns/uts"))
        self.assertEqual(os.uname(), host)
        o = observe(namespaces=["uts"], hostname="cx-two")
        self.assertEqual(o["uname"][1], "cx-two")

    def test_init(self):
        kw = {}
        if not ROOT:
            kw = dict(uid_map=(0, os.getuid(), 1), gid_map=(0, os.getgid(), 1))
        ns = ["pid"] if ROOT else ["user", "pid"]
        st, out = output(["sh", "-c", "echo $$; cat /proc/1/comm; exit 9"], namespaces=ns,
                         init=True, mounts=[Proc()], **kw)
        lines = out.split("\n")
        self.assertEqual(lines[0], "2")                  # the program; pid 1 is the init
        self.assertEqual(st.exit_code, 9)                # the program's status
        with open("/proc/self/comm") as f:
            self.assertEqual(lines[1], f.read().strip())  # pid 1: a copy of this process
        st, out = output(["sh", "-c", "kill -TERM $$; sleep 5"], namespaces=ns, init=True, **kw)
        self.assertEqual(st.exit_code, 128 + 15)


class SandboxErrors(unittest.TestCase):
    def fails(self, exc, step_name, **kw):
        with self.assertRaises(clonexec.SpawnError) as c:
            clonexec.spawn(["/bin/true"], search_path=False, **kw)
        e = c.exception
        self.assertIsInstance(e, exc)
        self.assertEqual(e.step_name, step_name, str(e))
        if e.index:
            steps = clonexec.explain(["/bin/true"], search_path=False, **kw)
            self.assertEqual(steps[e.index - 1].step_name, step_name)
        return e

    @unittest.skipUnless(ROOT, "needs root")
    def test_missing_bind_source(self):
        e = self.fails(FileNotFoundError, "bind", mounts=[Bind("/nonexistent-cx/src", "/srv/x")])
        self.assertEqual((e.errno, e.filename, e.filename2),
                         (errno.ENOENT, "/nonexistent-cx/src", "/srv/x"))
        self.assertEqual(str(e), "bind /nonexistent-cx/src on /srv/x: No such file or directory")
        e = self.fails(FileNotFoundError, "bind read-only", new_root=True,
                       mounts=BOX + [Bind("/nonexistent-cx", readonly=True)])
        self.assertEqual(e.filename, "/nonexistent-cx")

    def test_refused_before_start(self):
        e = self.fails(OSError, "check attributes", mounts=[Tmpfs("tmp")])
        self.assertEqual(e.errno, errno.EINVAL)
        self.assertIn("mounts[0]", str(e))
        e = self.fails(OSError, "check attributes", mounts=[Chmod("/x", 0o17777)])
        self.assertIn("07777", str(e))
        e = self.fails(OSError, "check attributes", mounts=[Tmpfs("/")])
        self.assertIn("hidden from the child", str(e))
        e = self.fails(OSError, "check attributes", namespaces=["user"], mounts=[Proc()],
                       uid_map=(0, os.getuid(), 1), gid_map=(0, os.getgid(), 1))
        self.assertIn("pid namespace", str(e))
        e = self.fails(OSError, "check attributes", init=True)
        self.assertEqual(e.errno, errno.EINVAL)
        with self.assertRaises(TypeError):
            clonexec.spawn(["true"], mounts=[("bind", "/usr", "/usr")])
        with self.assertRaises(ValueError):
            clonexec.spawn(["true"], mounts=[Bind("/usr", readonly=True, devices=True)])


if __name__ == "__main__":
    unittest.main()
