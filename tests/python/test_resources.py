# SPDX-License-Identifier: MIT
"""spawn()'s resources (library 0.2, issue 11): priorities seen by the
child, a cgroup of its own with limits, kill_tree, the supervised wait
with its escalation and what the status says; and issue 8's rest of the
API (candidate programs, cwd before the credential change, FD_KEEP)."""
import errno
import json
import os
import signal
import tempfile
import time
import unittest

import clonexec

from cxtest import CGROUP_ROOT, OBSERVE, PY, ROOT, VALGRIND, observe, output, unprivileged_out


def has_cap(n):
    with open("/proc/self/status") as f:
        eff = next(l for l in f if l.startswith("CapEff:")).split()[1]
    return bool(int(eff, 16) >> n & 1)


CAP_SYS_NICE, CAP_SYS_RESOURCE = 23, 24


class Priorities(unittest.TestCase):
    def test_nice(self):
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        self.assertEqual(observe(nice=min(mine + 5, 19))["nice"], min(mine + 5, 19))
        self.assertEqual(observe()["nice"], mine)
        if has_cap(CAP_SYS_NICE):
            self.assertEqual(observe(nice=-7)["nice"], -7)
        else:
            with self.assertRaises(PermissionError) as c:
                clonexec.spawn(["true"], nice=-7)
            self.assertEqual(c.exception.step_name, "set nice")

    def test_sched(self):
        o = observe(sched_policy=os.SCHED_BATCH)
        self.assertEqual((o["sched_policy"], o["sched_priority"]), (os.SCHED_BATCH, 0))
        self.assertEqual(observe(sched_policy="idle")["sched_policy"], os.SCHED_IDLE)
        # The kernel reports reset-on-fork or'ed into the policy.
        o = observe(sched_policy=os.SCHED_BATCH | os.SCHED_RESET_ON_FORK)
        self.assertEqual(o["sched_policy"], os.SCHED_BATCH | os.SCHED_RESET_ON_FORK)
        o = observe(sched_policy="SCHED_BATCH", sched_reset_on_fork=True)
        self.assertEqual(o["sched_policy"], os.SCHED_BATCH | os.SCHED_RESET_ON_FORK)
        if not has_cap(CAP_SYS_NICE):
            with self.assertRaises(PermissionError) as c:
                clonexec.spawn(["true"], sched_policy="fifo")
            self.assertEqual(c.exception.step_name, "set scheduling policy")
            return
        o = observe(sched_policy="fifo", sched_priority=os.sched_param(3))
        self.assertEqual((o["sched_policy"], o["sched_priority"]), (os.SCHED_FIFO, 3))
        o = observe(sched_policy=os.SCHED_RR)                     # chrt's default priority
        self.assertEqual((o["sched_policy"], o["sched_priority"]), (os.SCHED_RR, 1))

    def test_cpus(self):
        mine = os.sched_getaffinity(0)
        one = min(mine)
        self.assertEqual(observe(cpus={one})["cpus"], [one])
        self.assertEqual(observe(cpus=iter(sorted(mine)))["cpus"], sorted(mine))
        self.assertEqual(observe()["cpus"], sorted(mine))
        with self.assertRaises(clonexec.SpawnError) as c:     # beyond the possible CPUs
            clonexec.spawn(["true"], cpus={4095})
        self.assertEqual(c.exception.errno, errno.EINVAL)
        with self.assertRaises(ValueError):
            clonexec.spawn(["true"], cpus={-1})

    def ionice(self, **kw):
        st, out = output(["ionice"], **kw)
        self.assertEqual(st.returncode, 0)
        return out.strip()

    def test_ioprio(self):
        if not os.path.exists("/usr/bin/ionice"):
            self.skipTest("no ionice (util-linux) to read the I/O priority")
        self.assertEqual(self.ionice(ioprio_class="idle"), "idle")
        self.assertEqual(self.ionice(ioprio_class="best-effort", ioprio_level=6),
                         "best-effort: prio 6")
        self.assertEqual(self.ionice(ioprio_class="be"), "best-effort: prio 4")
        self.assertEqual(self.ionice(ioprio_class=clonexec.IOPRIO_CLASSES["idle"]), "idle")
        if has_cap(CAP_SYS_NICE) and not VALGRIND:
            self.assertEqual(self.ionice(ioprio_class="realtime", ioprio_level=2),
                             "realtime: prio 2")
        with self.assertRaises(ValueError):
            clonexec.spawn(["true"], ioprio_class="fast")
        with self.assertRaises(ValueError):
            clonexec.spawn(["true"], ioprio_level=3)
        with self.assertRaises(clonexec.SpawnError) as c:
            clonexec.spawn(["true"], ioprio_class="be", ioprio_level=9)
        self.assertEqual((c.exception.step_name, c.exception.errno),
                         ("check attributes", errno.EINVAL))

    def test_oom_score_adj(self):
        with open("/proc/self/oom_score_adj") as f:
            mine = int(f.read())
        self.assertEqual(observe(oom_score_adj=mine + 300)["oom_score_adj"], mine + 300)
        if has_cap(CAP_SYS_RESOURCE):
            self.assertEqual(observe(oom_score_adj=mine - 1)["oom_score_adj"], mine - 1)
        else:  # lowering needs CAP_SYS_RESOURCE (which this machine's root may lack)
            with self.assertRaises(PermissionError) as c:
                clonexec.spawn(["true"], oom_score_adj=mine - 1)
            self.assertEqual(c.exception.step_name, "write oom_score_adj")

    def test_unprivileged(self):
        # As nobody: lowering priorities works, raising them is refused at
        # the step that tried.
        code = (
            "import json, os, sys, clonexec\n"
            "r, w = os.pipe()\n"
            "p = clonexec.spawn(sys.argv[1:], fds={1: w}, nice=12, sched_policy='batch',\n"
            "                   oom_score_adj=600, cpus=[min(os.sched_getaffinity(0))])\n"
            "os.close(w); o = json.loads(os.fdopen(r).read()); p.wait()\n"
            "try:\n"
            "    clonexec.spawn(['true'], nice=-5)\n"
            "except PermissionError as e:\n"
            "    o['refused'] = e.step_name\n"
            "print(json.dumps([o['nice'], o['sched_policy'], o['oom_score_adj'], o['cpus'],\n"
            "                  o.get('refused')]))\n")
        self.assertEqual(json.loads(unprivileged_out(self, code, *OBSERVE)), [12, os.SCHED_BATCH, 600,
                                           [min(os.sched_getaffinity(0))], "set nice"])

    def test_needs(self):
        for kw in (dict(sched_priority=3), dict(sched_reset_on_fork=True),
                   dict(cgroup_limits={"pids.max": 3})):
            with self.assertRaises(ValueError, msg=kw):
                clonexec.spawn(["true"], **kw)
        with self.assertRaises(clonexec.SpawnError) as c:
            clonexec.spawn(["true"], nice=40)
        self.assertEqual((c.exception.step_name, c.exception.errno),
                         ("check attributes", errno.EINVAL))


def controllers():
    try:
        with open(CGROUP_ROOT + "/cgroup.controllers") as f:
            return set(f.read().split())
    except OSError:
        return None


@unittest.skipUnless(ROOT and controllers() is not None and not VALGRIND,
                     "needs root, cgroup v2 at " + CGROUP_ROOT + " and clone3 (not valgrind)")
class OwnCgroup(unittest.TestCase):
    def setUp(self):
        self.parent = f"{CGROUP_ROOT}/cx-py-own-{os.getpid()}"
        os.mkdir(self.parent)

    def tearDown(self):
        os.rmdir(self.parent)   # fails if a cgroup of a child was left behind

    def test_cgroup_and_limits(self):
        code = "import sys; print(open('/proc/self/cgroup').read()); sys.stdout.flush(); sys.stdin.read()"
        r, w = os.pipe()
        out_r, out_w = os.pipe()
        p = clonexec.spawn([PY, "-I", "-S", "-c", code], fds={0: r, 1: out_w},
                           cgroup_parent=self.parent,
                           cgroup_limits={"cgroup.max.descendants": 3})
        os.close(r)
        os.close(out_w)
        with p:
            try:
                with os.fdopen(out_r) as f:
                    seen = f.readline().strip()
                    while seen and not seen.startswith("0::"):
                        seen = f.readline().strip()
                d = p.cgroup
                self.assertTrue(d.startswith(self.parent + "/"), d)
                self.assertEqual(seen, "0::" + d[len(CGROUP_ROOT):])
                with open(d + "/cgroup.max.descendants") as f:
                    self.assertEqual(f.read().strip(), "3")
            finally:
                os.close(w)
            st = p.wait()
            self.assertEqual((st.returncode, st.oom_kill, st.pids_max), (0, 0, 0))
        self.assertFalse(os.path.exists(d))                      # removed at release

    def test_kill_tree(self):
        with clonexec.spawn(["sh", "-c", "sleep 60 & sleep 60 & wait"],
                            cgroup_parent=self.parent) as p:
            time.sleep(0.1)
            with open(p.cgroup + "/cgroup.procs") as f:
                self.assertEqual(len(f.read().split()), 3)
            cg = p.cgroup
            p.kill_tree()
            self.assertEqual(p.wait(timeout=10).signal, signal.SIGKILL)
        self.assertFalse(os.path.exists(cg))        # all killed: removed at release

    def test_supervise_tree(self):
        with clonexec.spawn(["sh", "-c", "trap '' TERM; sleep 60 & wait; wait"],
                            cgroup_parent=self.parent) as p:
            cg = p.cgroup
            st = p.supervise(0.2, kill_after=0.2, tree=True)
            self.assertEqual((st.timed_out, st.killed, st.signal), (True, True, signal.SIGKILL))
        self.assertFalse(os.path.exists(cg))

    def test_refused(self):
        with self.assertRaises(clonexec.SpawnError) as c:
            clonexec.spawn(["true"], cgroup_parent="/tmp")
        self.assertEqual(c.exception.step_name, "check attributes")
        with self.assertRaises(clonexec.SpawnError) as c:
            clonexec.spawn(["true"], cgroup_parent=self.parent, cgroup_limits={"nope.max": 1})
        self.assertEqual((c.exception.step_name, c.exception.errno),
                         ("check attributes", errno.EINVAL))
        with self.assertRaises(OSError) as c:
            with clonexec.spawn(["true"]) as p:
                p.kill_tree()
        self.assertEqual(c.exception.errno, errno.ENOMEDIUM)

    @unittest.skipUnless("pids" in (controllers() or ()), "no pids controller in " + CGROUP_ROOT)
    def test_pids_max_counted(self):  # pragma: no cover - not on every machine
        with open(self.parent + "/cgroup.subtree_control", "w") as f:
            f.write("+pids")
        st = clonexec.spawn(["sh", "-c", "sleep 1 & sleep 1 & wait"], cgroup_parent=self.parent,
                            cgroup_limits={"pids.max": 1}).wait()
        self.assertGreater(st.pids_max, 0)


class Supervise(unittest.TestCase):
    def test_ends_in_time(self):
        st = clonexec.spawn(["sh", "-c", "exit 3"]).supervise(10)
        self.assertEqual((st.exit_code, st.timed_out, st.killed, st.timeout_signal),
                         (3, False, False, None))

    def test_signal_then_kill(self):
        st = clonexec.spawn(["sleep", "60"]).supervise(0.1, signal.SIGUSR1)
        self.assertEqual((st.signal, st.timed_out, st.killed, st.timeout_signal),
                         (signal.SIGUSR1, True, False, signal.SIGUSR1))
        t0 = time.monotonic()
        p = clonexec.spawn(["sh", "-c", "trap '' TERM; exec sleep 60"])
        st = p.supervise(0.1, kill_after=0.2)
        self.assertEqual((st.signal, st.timed_out, st.killed), (signal.SIGKILL, True, True))
        self.assertLess(time.monotonic() - t0, 30)

    def test_group(self):
        # The shell's sleep is in its group: group=True ends it too.
        r, w = os.pipe()
        p = clonexec.spawn(["sh", "-c", "sleep 60 & echo $!; wait"], process_group=0,
                           fds={1: w})
        os.close(w)
        with os.fdopen(r) as f:
            sleeper = int(f.readline())
        st = p.supervise(0.2, group=True)
        self.assertEqual((st.signal, st.timed_out), (signal.SIGTERM, True))
        for _ in range(200):  # the sleep is reaped by init, a moment later
            try:
                os.kill(sleeper, 0)
            except ProcessLookupError:
                break
            time.sleep(0.01)
        else:
            self.fail("the group's sleep still runs")


class Lookup(unittest.TestCase):
    """Issue 8 §3: candidate programs, cwd first, a sparse fd plan."""

    def test_programs(self):
        o = observe(programs=["/nonexistent-cx/python3", "/usr/bin/python3"])
        self.assertEqual(o["argv0"], PY)
        with self.assertRaises(FileNotFoundError) as c:
            clonexec.spawn(["x"], programs=["/nonexistent-cx/a", "/nonexistent-cx/b"])
        self.assertEqual(c.exception.step_name, "execve")

    @unittest.skipUnless(ROOT, "needs root")
    def test_chdir_first(self):
        with tempfile.TemporaryDirectory() as d:     # 0700 root: nobody cannot enter
            st, out = output(["/bin/pwd"], cwd=d, user=65534, group=65534, chdir_first=True)
            self.assertEqual((st.returncode, out), (0, os.path.realpath(d) + "\n"))
            with self.assertRaises(PermissionError) as c:
                clonexec.spawn(["/bin/pwd"], cwd=d, user=65534, group=65534)
            self.assertEqual((c.exception.step_name, c.exception.filename), ("chdir", d))

    def test_fd_keep(self):
        inh = os.open("/dev/null", os.O_RDONLY)
        cloexec = os.open("/dev/null", os.O_RDONLY | os.O_CLOEXEC)
        os.set_inheritable(inh, True)
        try:
            o = observe(fds={inh: clonexec.FD_KEEP, cloexec: clonexec.FD_KEEP})
            self.assertIn(inh, o["fds"])                     # kept despite close_fds
            self.assertNotIn(cloexec, o["fds"])              # as it was: close-on-exec
            self.assertNotIn(inh, observe()["fds"])
        finally:
            os.close(inh)
            os.close(cloexec)


if __name__ == "__main__":
    unittest.main()
