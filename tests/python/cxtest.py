# SPDX-License-Identifier: MIT
"""What the clonexec module's tests share: the observer child
(observe.py), a copy of the package any uid can import (for the tests
that run as nobody), and the TAP result."""
import json
import os
import shutil
import subprocess
import sys
import unittest

import clonexec

PY = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))


def _staged(name):
    """What a child run as another user executes: a copy in CX_STAGE (a
    directory any uid may traverse, made by tests/run-one), since the
    checkout may sit under a 0700 directory."""
    stage = os.environ.get("CX_STAGE")
    if not stage:
        return os.path.join(HERE, name)
    dst = os.path.join(stage, name)
    shutil.copyfile(os.path.join(HERE, name), dst)
    os.chmod(dst, 0o644)
    return dst


OBSERVE = [PY, "-I", "-S", _staged("observe.py")]
VALGRIND = os.environ.get("CX_VALGRIND") == "1"
ROOT = os.geteuid() == 0
CGROUP_ROOT = "/sys/fs/cgroup/unified"


def observe(**kw):
    """Spawn observe.py with kw; return what the child saw."""
    r, w = os.pipe()
    fds = kw.pop("fds", {})
    fds.setdefault(1, w)
    try:
        p = clonexec.spawn(OBSERVE + kw.pop("extra", []), **dict(kw, fds=fds))
    finally:
        os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    st = p.wait()
    p.release()
    if st.returncode != 0 or not data:
        raise AssertionError(f"observe.py ended with {st!r}, output {data[:500]!r}")
    return json.loads(data)


def bits(hexmask):
    return {i for i in range(64) if int(hexmask, 16) >> i & 1}


def fd_count():
    return len(os.listdir("/proc/self/fd"))


def output(args, **kw):
    """Spawn args with stdout on a pipe; (status, stdout as text)."""
    r, w = os.pipe()
    try:
        p = clonexec.spawn(args, **dict(kw, fds={**kw.get("fds", {}), 1: w}))
    finally:
        os.close(w)
    with os.fdopen(r) as f:
        out = f.read()
    st = p.wait()
    p.release()
    return st, out


def staged_package():
    """A copy of the clonexec package in CX_STAGE (any uid may traverse
    it), for a child that runs as nobody; the directory to put on sys.path."""
    stage = os.environ.get("CX_STAGE")
    if not stage:
        return os.path.dirname(os.path.dirname(clonexec.__file__))
    dst = os.path.join(stage, "pkg")
    if not os.path.isdir(dst):
        shutil.copytree(os.path.dirname(clonexec.__file__), os.path.join(dst, "clonexec"),
                        ignore=shutil.ignore_patterns("__pycache__"))
        for root, dirs, files in os.walk(dst):
            os.chmod(root, 0o755)
            for f in files:
                os.chmod(os.path.join(root, f), 0o644)
    return dst


def unprivileged(code, *args):
    """Run Python code as an unprivileged user (nobody when this runs as
    root, else this user), with clonexec importable; (returncode, stdout,
    stderr as text). None when root cannot become nobody here."""
    path = staged_package()
    script = f"import sys; sys.path.insert(0, {path!r})\n" + code
    kw = {}
    if ROOT:
        kw = dict(user=65534, group=65534, groups=[], cwd="/")
    r, w = os.pipe()
    er, ew = os.pipe()
    try:
        p = clonexec.spawn([PY, "-I", "-S", "-c", script, *args], fds={1: w, 2: ew}, **kw)
    finally:
        os.close(w)
        os.close(ew)
    with os.fdopen(r) as f, os.fdopen(er) as g:
        out, err = f.read(), g.read()
    return p.wait().returncode, out, err


def unprivileged_out(test, code, *args):
    """unprivileged()'s stdout, asserting success; skips test when this
    kernel refuses an unprivileged user namespace."""
    rc, out, err = unprivileged(code, *args)
    if rc and "user namespace" in err.lower() and "permission" in err.lower():
        test.skipTest(f"no unprivileged user namespaces here: {err.strip()}")
    test.assertEqual(rc, 0, err)
    return out


class Tap(unittest.TestResult):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.n = 0

    def line(self, ok, test, extra=""):
        self.n += 1
        name = test.id().removeprefix("__main__.")
        print(f"{'ok' if ok else 'not ok'} {self.n} - {name}{extra}", flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self.line(True, test)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.line(True, test, f" # SKIP {reason}")

    def _bad(self, test, err):
        self.line(False, test)
        for l in self._exc_info_to_string(err, test).splitlines():
            print("# " + l, flush=True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._bad(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self._bad(test, err)

    def addSubTest(self, test, sub, err):
        super().addSubTest(test, sub, err)
        if err is not None:
            self._bad(sub, err)



def run(modules, quick=()):
    """Run the tests of modules (or the names quick) as TAP; exit status."""
    loader = unittest.defaultTestLoader
    suite = unittest.TestSuite()
    for m in modules:
        if quick:
            names = [q for q in quick if hasattr(m, q.split(".")[0])]
            suite.addTests(loader.loadTestsFromNames(names, m))
        else:
            suite.addTests(loader.loadTestsFromModule(m))
    print(f"1..{suite.countTestCases()}", flush=True)
    r = Tap()
    suite.run(r)
    return 0 if r.wasSuccessful() else 1
