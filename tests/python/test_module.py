# SPDX-License-Identifier: MIT
"""The clonexec module's own tests: every spawn() keyword observed from
inside the child (tests/python/observe.py prints what the child sees), the
error of each failing step, pidfds with selectors and asyncio, Process and
Status. Its main() also runs test_backend.py (the subprocess backend),
test_sandbox.py (mounts, new root, hostname, init), test_resources.py
(priorities, own cgroup, supervise, issue 8's lookup and fd keep) and
test_exec.py (clonexec.exec in place); cxtest.py holds what they share.

    python3 test_module.py [--quick]     TAP on stdout (--quick: a short
                                         subset, for valgrind)
"""
import asyncio
import errno
import json
import os
import resource
import selectors
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest

import clonexec
import clonexec.subprocess_backend as backend
from clonexec import _clonexec

from cxtest import (CGROUP_ROOT, OBSERVE, PY, ROOT, VALGRIND, bits, fd_count,  # noqa: E402
                    observe, run)


class Keywords(unittest.TestCase):
    """Each keyword of spawn(), seen by the child."""

    def test_args_executable_env(self):
        o = observe(executable=PY, extra=[], env={"CX_A": "1", "PATH": "/usr/bin"})
        self.assertEqual(o["env"].get("CX_A"), "1")
        self.assertNotIn("HOME", o["env"])
        r, w = os.pipe()
        p = clonexec.spawn(["fancy-name", "-I", "-S", OBSERVE[-1]],
                           executable=PY, fds={1: w})
        os.close(w)
        with os.fdopen(r) as f:
            self.assertEqual(json.loads(f.read())["argv0"], "fancy-name")
        self.assertEqual(p.wait().exit_code, 0)

    def test_cwd(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(observe(cwd=d)["cwd"], os.path.realpath(d))

    def test_fds_plan(self):
        with tempfile.TemporaryFile() as f, open("/dev/null", "rb") as null:
            o = observe(fds={0: null, 7: f.fileno(), 2: None})
            self.assertEqual(o["fds"], [0, 1, 7])
            self.assertEqual(o["fdlinks"]["0"], "/dev/null")
            self.assertEqual(o["fdlinks"]["7"], os.readlink(f"/proc/self/fd/{f.fileno()}"))

    def test_close_fds(self):
        fd = os.open("/dev/null", os.O_RDONLY)
        os.set_inheritable(fd, True)
        try:
            self.assertNotIn(fd, observe()["fds"])
            self.assertIn(fd, observe(close_fds=False)["fds"])
        finally:
            os.close(fd)

    @unittest.skipUnless(ROOT, "needs root")
    def test_credentials(self):
        o = observe(user=65534, group=65534, groups=[1, 2])
        self.assertEqual((o["uid"], o["euid"], o["gid"], o["groups"]), (65534, 65534, 65534, [1, 2]))
        o = observe(user="nobody", group="nogroup")
        self.assertEqual((o["uid"], o["gid"]), (65534, 65534))
        self.assertEqual(o["groups"], sorted(os.getgroups()))  # groups=None leaves them
        o = observe(user=65534)                                # the gid stays
        self.assertEqual((o["uid"], o["gid"], o["groups"]), (65534, os.getgid(),
                                                             sorted(os.getgroups())))
        o = observe(groups=[3])
        self.assertEqual((o["uid"], o["groups"]), (os.getuid(), [3]))

    @unittest.skipUnless(ROOT, "needs root")
    def test_namespaces_and_maps(self):
        o = observe(namespaces=("user", "pid", "uts", "ipc", "net", "mount", "cgroup"),
                    uid_map=[(0, 100000, 10)], gid_map=[(0, 100000, 10)],
                    user=0, group=0, groups=[])
        for n in ("user", "pid", "uts", "ipc", "net", "mnt", "cgroup"):
            self.assertNotEqual(o["ns"][n], os.readlink(f"/proc/self/ns/{n}"), n)
        self.assertEqual(o["pid"], 1)
        self.assertEqual(o["uid_map"].split(), ["0", "100000", "10"])
        self.assertEqual(o["gid_map"].split(), ["0", "100000", "10"])
        self.assertEqual(o["setgroups"], "deny")
        o = observe(namespaces="user", uid_map=(0, 0, 1), gid_map=(0, 0, 1), setgroups=True)
        self.assertEqual(o["setgroups"], "allow")

    def test_unshare(self):
        o = observe(unshare=("user",), uid_map=[(0, os.geteuid(), 1)],
                    gid_map=[(0, os.getegid(), 1)])
        self.assertNotEqual(o["ns"]["user"], os.readlink("/proc/self/ns/user"))
        self.assertEqual(o["uid"], 0)
        if ROOT:
            o = observe(unshare=["uts"])
            self.assertNotEqual(o["ns"]["uts"], os.readlink("/proc/self/ns/uts"))

    @unittest.skipUnless(ROOT, "needs root")
    def test_ambient_caps(self):
        o = observe(user=65534, group=65534, ambient_caps=("net_bind_service", "CAP_CHOWN"))
        self.assertEqual(bits(o["status"]["CapAmb"]), {0, 10})
        self.assertEqual(bits(observe(user=65534, group=65534)["status"]["CapEff"]), set())

    @unittest.skipUnless(ROOT and os.path.exists(CGROUP_ROOT + "/cgroup.procs"),
                         "needs root and cgroup v2 at " + CGROUP_ROOT)
    def test_cgroup(self):
        d = f"{CGROUP_ROOT}/cx-py-{os.getpid()}"
        os.mkdir(d)
        try:
            if VALGRIND:  # no clone3 under valgrind: no way into a cgroup at clone
                with self.assertRaises(clonexec.SpawnError) as c:
                    clonexec.spawn(["true"], cgroup=d)
                self.assertEqual((c.exception.errno, c.exception.step_name),
                                 (errno.ENOSYS, "clone3"))
                return
            lines = observe(cgroup=d)["cgroup"].splitlines()
            self.assertIn(f"0::/cx-py-{os.getpid()}", lines)
        finally:
            os.rmdir(d)

    @unittest.skipUnless(ROOT, "needs root")
    def test_root(self):
        with tempfile.TemporaryDirectory() as d:
            os.chmod(d, 0o755)
            os.makedirs(d + "/bin")
            shutil.copy("/bin/sh", d + "/bin/sh")
            for line in subprocess.run(["ldd", "/bin/sh"], capture_output=True,
                                       text=True).stdout.splitlines():
                lib = next((w for w in line.split() if w.startswith("/")), None)
                if lib:
                    os.makedirs(d + os.path.dirname(lib), exist_ok=True)
                    shutil.copy(lib, d + lib)
            with open(d + "/marker", "w") as f:
                f.write("inside\n")
            r, w = os.pipe()
            p = clonexec.spawn(["/bin/sh", "-c", "read x < /marker; echo $x; pwd"],
                               root=d, cwd="/bin", fds={1: w}, search_path=False)
            os.close(w)
            with os.fdopen(r) as f:
                self.assertEqual(f.read(), "inside\n/bin\n")
            self.assertEqual(p.wait().exit_code, 0)

    def test_session_and_group(self):
        o = observe(new_session=True)
        self.assertEqual((o["sid"], o["pgrp"], o["tty_nr"]), (o["pid"], o["pid"], 0))
        o = observe(process_group=0)
        self.assertEqual(o["pgrp"], o["pid"])
        self.assertEqual(o["sid"], os.getsid(0))

    def test_terminal(self):
        # A session leader on a new pty (setctty) starts, with clonexec,
        # one child in the foreground (foreground) and one that gives the
        # terminal up (noctty); each reports what it sees.
        master, slave = os.openpty()
        script = (
            "import json, os, sys, clonexec\n"
            "def run(**kw):\n"
            "    r, w = os.pipe()\n"
            "    p = clonexec.spawn(sys.argv[1:], fds={1: w}, **kw)\n"
            "    os.close(w)\n"
            "    o = json.loads(os.fdopen(r).read()); p.wait(); return o\n"
            "fg = run(process_group=0, foreground=True, ctty=0)\n"
            "nt = run(noctty=True, ctty=0)\n"
            "print(json.dumps({'me': os.getpid(), 'tty': os.ttyname(0), 'fg': fg, 'nt': nt}))\n")
        r, w = os.pipe()
        p = clonexec.spawn([PY, "-c", script] + OBSERVE, fds={0: slave, 1: w, 2: slave},
                           new_session=True, setctty=True, ctty=0,
                           env=dict(os.environ, PYTHONPATH=os.environ.get("PYTHONPATH", "")))
        os.close(w)
        os.close(slave)
        with os.fdopen(r) as f:
            out = f.read()
        self.assertEqual(p.wait().exit_code, 0, out)
        os.close(master)
        o = json.loads(out)
        self.assertTrue(o["tty"].startswith("/dev/pts/"))
        self.assertEqual(o["fg"]["tpgid"], o["fg"]["pgrp"])      # foreground group
        self.assertEqual(o["fg"]["pgrp"], o["fg"]["pid"])
        self.assertNotEqual(o["fg"]["tty_nr"], 0)
        self.assertEqual(o["nt"]["tty_nr"], 0)                  # gave the terminal up

    def test_pdeathsig(self):
        self.assertEqual(observe(pdeathsig="SIGUSR1")["pdeathsig"], signal.SIGUSR1)
        self.assertEqual(observe(pdeathsig=signal.SIGTERM)["pdeathsig"], signal.SIGTERM)
        self.assertEqual(observe()["pdeathsig"], 0)

    def test_rlimits(self):
        if VALGRIND:
            self.skipTest("valgrind keeps RLIMIT_NOFILE to itself")
        o = observe(rlimits={"nofile": (100, 200), "RLIMIT_CORE": 0})
        self.assertEqual(o["nofile"], [100, 200])
        self.assertEqual(o["core"], [0, 0])
        o = observe(rlimits={resource.RLIMIT_CORE: (0, None)})
        self.assertEqual(o["core"], [0, resource.RLIM_INFINITY]
                         if resource.getrlimit(resource.RLIMIT_CORE)[1] == resource.RLIM_INFINITY
                         else o["core"])

    def test_umask(self):
        self.assertEqual(observe(umask=0o027)["umask"], 0o027)

    def test_sigmask(self):
        o = observe(sigmask=["SIGUSR2", signal.SIGHUP])
        self.assertEqual(bits(o["status"]["SigBlk"]), {signal.SIGUSR2 - 1, signal.SIGHUP - 1})

    def test_sigdefault_and_restore_signals(self):
        # Seen by grep, not by Python, which ignores SIGPIPE itself at start-up.
        def ignored(**kw):
            r, w = os.pipe()
            p = clonexec.spawn(["grep", "^SigIgn", "/proc/self/status"], fds={1: w}, **kw)
            os.close(w)
            with os.fdopen(r) as f:
                out = f.read()
            self.assertEqual(p.wait().exit_code, 0)
            return bits(out.split()[1])

        old = signal.signal(signal.SIGUSR1, signal.SIG_IGN)
        try:
            ign = ignored()
            self.assertIn(signal.SIGUSR1 - 1, ign)
            self.assertNotIn(signal.SIGPIPE - 1, ign)            # restore_signals=True
            ign = ignored(sigdefault=["usr1"], restore_signals=False)
            self.assertNotIn(signal.SIGUSR1 - 1, ign)
            self.assertIn(signal.SIGPIPE - 1, ign)               # this Python ignores SIGPIPE
        finally:
            signal.signal(signal.SIGUSR1, old)

    def test_no_new_privs(self):
        self.assertEqual(observe(no_new_privs=True)["status"]["NoNewPrivs"], "1")
        self.assertEqual(observe()["status"]["NoNewPrivs"], "0")

    @unittest.skipUnless(ROOT, "needs root")
    def test_keep_propagation(self):
        # In a mount namespace of its own, a child makes / shared, then
        # starts observe.py in new mount namespaces with and without
        # keep_propagation: / stays shared only with it.
        script = (
            "import json, os, subprocess, sys, clonexec\n"
            "subprocess.run(['mount', '--make-rshared', '/'], check=True)\n"
            "def run(**kw):\n"
            "    r, w = os.pipe()\n"
            "    p = clonexec.spawn(sys.argv[1:], fds={1: w}, namespaces=['mount'], **kw)\n"
            "    os.close(w)\n"
            "    o = json.loads(os.fdopen(r).read()); p.wait(); return o['root_shared']\n"
            "print(json.dumps([run(), run(keep_propagation=True)]))\n")
        r, w = os.pipe()
        p = clonexec.spawn([PY, "-c", script] + OBSERVE, fds={1: w}, namespaces=["mount"])
        os.close(w)
        with os.fdopen(r) as f:
            out = f.read()
        self.assertEqual(p.wait().exit_code, 0, out)
        self.assertEqual(json.loads(out), [False, True])

    def test_ptrace(self):
        p = clonexec.spawn(["true"], ptrace=True)
        try:
            r = os.waitid(os.P_PID, p.pid, os.WSTOPPED)
            self.assertEqual((r.si_code, r.si_status), (os.CLD_TRAPPED, signal.SIGTRAP))
        finally:
            p.kill()
        self.assertEqual(p.wait().signal, signal.SIGKILL)

    def test_require_pidfd_and_search_path(self):
        if VALGRIND:
            self.skipTest("valgrind has no pidfd_open")
        with clonexec.spawn(["true"], require_pidfd=True) as p:
            self.assertGreaterEqual(p.pidfd, 0)
        with self.assertRaises(FileNotFoundError) as c:
            clonexec.spawn(["true"], search_path=False)
        self.assertEqual((c.exception.step_name, c.exception.filename), ("execve", "true"))


class JoinAndConfine(unittest.TestCase):
    """The library's join and confine attributes (0.2), seen by the child."""

    @unittest.skipUnless(ROOT, "needs root")
    def test_capability_sets(self):
        o = observe(cap_bounding=["net_bind_service", "chown"])
        self.assertEqual(bits(o["status"]["CapBnd"]), {0, 10})
        # A uid 0 program gets the bounding set back at execve: drop it too.
        o = observe(cap_keep=["chown"], cap_bounding=["chown"])
        self.assertEqual((bits(o["status"]["CapEff"]), bits(o["status"]["CapPrm"])), ({0}, {0}))
        o = observe(cap_inheritable=["chown", "kill"])
        self.assertEqual(bits(o["status"]["CapInh"]), {0, 5})

    @unittest.skipUnless(ROOT, "needs root")
    def test_securebits(self):
        self.assertEqual(observe(securebits=1)["securebits"], 1)   # SECBIT_NOROOT
        self.assertEqual(observe()["securebits"], 0)

    @unittest.skipUnless(ROOT, "needs root")
    def test_join(self):
        with clonexec.spawn(["sleep", "30"], namespaces=["uts", "net"]) as other:
            try:
                want = {n: os.readlink(f"/proc/{other.pid}/ns/{n}") for n in ("uts", "net")}
                o = observe(join=[f"/proc/{other.pid}/ns/uts"])
                self.assertEqual(o["ns"]["uts"], want["uts"])
                self.assertNotEqual(o["ns"]["net"], want["net"])
                o = observe(join=[(f"/proc/{other.pid}/ns/net", "net")])
                self.assertEqual(o["ns"]["net"], want["net"])
                if other.pidfd >= 0:
                    o = observe(join_pidfd=other, join_namespaces=["uts", "net"])
                    self.assertEqual((o["ns"]["uts"], o["ns"]["net"]), (want["uts"], want["net"]))
            finally:
                other.kill()

    @unittest.skipUnless(ROOT, "needs root")
    def test_time_offsets(self):
        # unshare(CLONE_NEWTIME) moves the program's children only.
        r, w = os.pipe()
        p = clonexec.spawn(["sh", "-c", "cat /proc/self/timens_offsets"], fds={1: w},
                           unshare=["time"], monotonic_offset=1000, boottime_offset=7)
        os.close(w)
        with os.fdopen(r) as f:
            lines = f.read().split("\n")
        self.assertEqual(p.wait().exit_code, 0)
        self.assertEqual([l.split() for l in lines[:2]],
                         [["monotonic", "1000", "0"], ["boottime", "7", "0"]])

    def test_seccomp(self):
        # One instruction: BPF_RET|BPF_K SECCOMP_RET_ALLOW.
        allow = struct.pack("=HBBI", 0x06, 0, 0, 0x7FFF0000)
        o = observe(seccomp_filter=allow, no_new_privs=True)
        self.assertEqual(o["status"]["Seccomp"], "2")
        self.assertEqual(observe()["status"]["Seccomp"], "0")
        with self.assertRaises(ValueError):
            clonexec.spawn(["true"], seccomp_filter=b"123")

    def test_landlock(self):
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        # landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
        if libc.syscall(444, None, 0, 1) < 1:
            self.skipTest("Landlock is not enabled in this kernel")
        with tempfile.TemporaryDirectory() as d:
            # Writing files is handled (denied) except below /usr.
            write, make_reg = 1 << 1, 1 << 8
            p = clonexec.spawn(["sh", "-c", f"echo x > {d}/f"], fds={2: None},
                               landlock_rules=[("/usr", write | make_reg)],
                               landlock_handled=write | make_reg)
            self.assertNotEqual(p.wait().exit_code, 0)
            self.assertFalse(os.path.exists(d + "/f"))
            p = clonexec.spawn(["sh", "-c", f"echo x > {d}/f"])
            self.assertEqual(p.wait().exit_code, 0)


class Errors(unittest.TestCase):
    """Each failing step: the right OSError subclass, errno, step, index
    (equal to explain()'s) and filename; nothing left behind."""

    def fails(self, exc, step_name, args=("true",), **kw):
        before = fd_count()
        with self.assertRaises(clonexec.SpawnError) as c:
            clonexec.spawn(list(args), **kw)
        e = c.exception
        self.assertIsInstance(e, exc)
        self.assertIsInstance(e, OSError)
        self.assertEqual(e.step_name, step_name, str(e))
        self.assertEqual(e.step_name, _clonexec.step_name(e.step))
        if e.index:
            steps = clonexec.explain(list(args), **kw)
            self.assertEqual(steps[e.index - 1].step_name, step_name)
        self.assertEqual(fd_count(), before)
        with self.assertRaises(ChildProcessError):
            os.waitpid(-1, os.WNOHANG)  # no zombie
        return e

    def test_check(self):
        e = self.fails(OSError, "check attributes", fds={0: 9999})
        self.assertEqual((e.errno, e.index), (errno.EBADF, 0))
        self.assertIn("files[0]", str(e))
        e = self.fails(OSError, "check attributes", rlimits={"nofile": (10, 5)})
        self.assertEqual(e.errno, errno.EINVAL)
        self.assertIs(type(e), clonexec.SpawnError)

    def test_chdir(self):
        e = self.fails(FileNotFoundError, "chdir", cwd="/nonexistent-cx")
        self.assertEqual(e.filename, "/nonexistent-cx")
        self.assertEqual(str(e), "chdir /nonexistent-cx: No such file or directory")

    def test_chroot(self):
        if not ROOT:
            self.skipTest("needs root")
        e = self.fails(FileNotFoundError, "chroot", args=["/bin/true"], root="/nonexistent-cx",
                       search_path=False)
        self.assertEqual(e.filename, "/nonexistent-cx")

    def test_execve(self):
        e = self.fails(FileNotFoundError, "execve", args=["/nonexistent-cx"])
        self.assertEqual(e.filename, "/nonexistent-cx")
        with tempfile.NamedTemporaryFile() as f:
            e = self.fails(PermissionError, "execve", args=[f.name])
            self.assertEqual((e.errno, e.filename), (errno.EACCES, f.name))

    def test_lookup(self):
        e = self.fails(FileNotFoundError, "look up program", args=["no-such-program-cx"])
        self.assertEqual(e.filename, "no-such-program-cx")

    def test_setgroups(self):
        # setgroups is refused in a user namespace whose setgroups is "deny".
        e = self.fails(PermissionError, "setgroups", namespaces=["user"],
                       uid_map=[(0, os.geteuid(), 1)], gid_map=[(0, os.getegid(), 1)],
                       user=0, group=0, groups=[0])
        self.assertEqual(e.errno, errno.EPERM)

    def test_setgid(self):
        # gid 0 is not mapped in a user namespace without maps.
        e = self.fails(OSError, "setgid", namespaces=["user"], user=0, group=0)
        self.assertEqual(e.errno, errno.EINVAL)

    @unittest.skipUnless(ROOT, "needs root")
    def test_cgroup_not_a_cgroup(self):
        e = self.fails(OSError, "check attributes", cgroup="/tmp")
        self.assertEqual(e.errno, errno.EBADF)

    def test_python_side(self):
        with self.assertRaises(ValueError):
            clonexec.spawn(["true"], namespaces=["nope"])
        with self.assertRaises(ValueError):
            clonexec.spawn(["true"], ambient_caps=["no_such_cap"])
        with self.assertRaises(ValueError):
            clonexec.spawn(["true"], rlimits={"nope": 1})
        with self.assertRaises(ValueError):
            clonexec.spawn([])


class ProcessAPI(unittest.TestCase):
    def test_status(self):
        with clonexec.spawn(["sh", "-c", "exit 3"]) as p:
            st = p.wait()
        self.assertEqual((st.exited, st.exit_code, st.signal, st.returncode), (True, 3, None, 3))
        self.assertIsInstance(st.rusage, resource.struct_rusage)
        p = clonexec.spawn(["sleep", "10"])
        self.assertIsNone(p.poll())
        p.terminate()
        st = p.wait()
        self.assertEqual((st.exited, st.signal, st.returncode), (False, signal.SIGTERM, -15))
        p.kill()  # reaped: nothing happens, as subprocess.Popen
        p.release()

    def test_rusage(self):
        with clonexec.spawn([PY, "-c", "x = sum(range(3_000_000))"]) as p:
            st = p.wait()
        self.assertGreater(st.rusage.ru_utime + st.rusage.ru_stime, 0)
        self.assertGreater(st.rusage.ru_maxrss, 0)

    def test_wait_timeout(self):
        p = clonexec.spawn(["sleep", "10"])
        t0 = time.monotonic()
        with self.assertRaises(subprocess.TimeoutExpired):
            p.wait(timeout=0.2)
        self.assertGreaterEqual(time.monotonic() - t0, 0.2)
        p.kill()
        self.assertEqual(p.wait(timeout=10).signal, signal.SIGKILL)
        p.release()

    def test_context_manager(self):
        with self.assertRaises(RuntimeError):
            with clonexec.spawn(["sleep", "10"]) as p:
                raise RuntimeError("leave early")
        self.assertEqual(p.status.signal, signal.SIGKILL)    # killed and reaped
        self.assertEqual(p.pidfd, -1)                        # released
        with clonexec.spawn(["true"]) as p:
            pass
        self.assertEqual(p.returncode, 0)                    # waited for

    def test_pidfd_selectors(self):
        if VALGRIND:
            self.skipTest("valgrind has no pidfd_open")
        sel = selectors.DefaultSelector()
        fast = clonexec.spawn(["sleep", "0.1"])
        slow = clonexec.spawn(["sleep", "10"])
        sel.register(fast, selectors.EVENT_READ, "fast")
        sel.register(slow.pidfd, selectors.EVENT_READ, "slow")
        ready = sel.select(timeout=10)
        self.assertEqual([k.data for k, _ in ready], ["fast"])
        self.assertEqual(fast.poll(), 0)
        sel.unregister(fast)
        slow.kill()
        ready = sel.select(timeout=10)
        self.assertEqual([k.data for k, _ in ready], ["slow"])
        self.assertEqual(slow.poll(), -signal.SIGKILL)
        sel.close()

    def test_pidfd_asyncio(self):
        if VALGRIND:
            self.skipTest("valgrind has no pidfd_open")

        async def main():
            loop = asyncio.get_running_loop()
            p = clonexec.spawn(["sh", "-c", "exit 7"])
            done = loop.create_future()
            loop.add_reader(p.pidfd, lambda: done.done() or done.set_result(None))
            await asyncio.wait_for(done, 10)
            loop.remove_reader(p.pidfd)
            return p.wait()

        self.assertEqual(asyncio.run(main()).exit_code, 7)

    def test_explain(self):
        steps = clonexec.explain(["true"], user=65534, group=65534, groups=[], cwd="/",
                                 umask=0o22)
        names = [s.step_name for s in steps]
        for n in ("setgroups", "setgid", "setuid", "chdir", "umask", "execve"):
            self.assertIn(n, names)
        self.assertEqual([s.index for s in steps], list(range(1, len(steps) + 1)))
        self.assertEqual(steps[-1].text, "execve " + shutil.which("true", path=os.defpath
                                                                  if "PATH" not in os.environ
                                                                  else None))


class Stub(unittest.TestCase):
    def test_stub_names_every_keyword(self):
        # The .pyi lists exactly the keywords spawn() and explain() take:
        # executable, env, search_path, and the attributes (a TypedDict).
        import ast
        import inspect
        stub = os.path.join(os.path.dirname(clonexec.__file__), "__init__.pyi")
        with open(stub) as f:
            tree = ast.parse(f.read())
        runtime = {p for p in inspect.signature(clonexec._attrs).parameters if p[0] != "_"}
        typed = next(n for n in tree.body if isinstance(n, ast.ClassDef)
                     and n.name == "_Attributes")
        self.assertEqual({n.target.id for n in typed.body if isinstance(n, ast.AnnAssign)},
                         runtime)
        for name in ("spawn", "explain"):
            fn = getattr(clonexec, name)
            stubbed = next(n for n in tree.body if isinstance(n, ast.FunctionDef)
                           and n.name == name)
            self.assertEqual({a.arg for a in stubbed.args.kwonlyargs},
                             {p.name for p in inspect.signature(fn).parameters.values()
                              if p.kind == p.KEYWORD_ONLY})
            self.assertEqual(stubbed.args.kwarg.arg, "attributes")
        self.assertTrue(clonexec.spawn.__doc__ and clonexec.Process.__doc__
                        and clonexec.SpawnError.__doc__ and backend.install.__doc__)


QUICK = ["Keywords.test_fds_plan", "Keywords.test_cwd", "Keywords.test_umask",
         "Errors.test_chdir", "Errors.test_check", "Errors.test_execve",
         "ProcessAPI.test_status", "ProcessAPI.test_context_manager",
         "Backend.test_install_uninstall", "Backend.test_errors_like_cpython",
         "Backend.test_preexec_fallback", "SandboxErrors.test_refused_before_start",
         "Priorities.test_cpus", "Supervise.test_ends_in_time",
         "Exec.test_refused_before_any_change"]


def main():
    import test_backend
    import test_exec
    import test_resources
    import test_sandbox
    mods = [sys.modules[__name__], test_backend, test_sandbox, test_resources, test_exec]
    return run(mods, QUICK if "--quick" in sys.argv else ())


if __name__ == "__main__":
    sys.exit(main())
