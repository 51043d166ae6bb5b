# SPDX-License-Identifier: MIT
"""clonexec.subprocess_backend: install/uninstall, the preexec_fn
fallback, errors equal to CPython's, credentials, Popen under threads."""
import os
import subprocess
import sys
import tempfile
import threading
import unittest

import clonexec.subprocess_backend as backend
from clonexec import _clonexec

from cxtest import PY, ROOT, fd_count


class Backend(unittest.TestCase):
    def setUp(self):
        backend.install()

    def tearDown(self):
        backend.uninstall()

    def test_install_uninstall(self):
        import _posixsubprocess
        self.assertIs(subprocess._fork_exec, _clonexec.fork_exec)
        self.assertIs(_posixsubprocess.fork_exec, _clonexec.fork_exec)
        self.assertFalse(subprocess._USE_POSIX_SPAWN)
        n = backend.stats()["clonexec"]
        self.assertEqual(subprocess.run(["echo", "hi"], capture_output=True).stdout, b"hi\n")
        self.assertEqual(subprocess.run(["/bin/true"], close_fds=False).returncode, 0)
        self.assertEqual(backend.stats()["clonexec"], n + 2)  # posix_spawn path too
        backend.install()  # idempotent
        backend.uninstall()
        self.assertIsNot(subprocess._fork_exec, _clonexec.fork_exec)
        self.assertIs(subprocess._fork_exec, _posixsubprocess.fork_exec)
        subprocess.run(["true"])
        self.assertEqual(backend.stats()["clonexec"], n + 2)

    def test_refuses_unknown_signature(self):
        backend.uninstall()
        known = dict(backend.KNOWN_SIGNATURES)
        try:
            backend.KNOWN_SIGNATURES.clear()
            backend.KNOWN_SIGNATURES[sys.version_info[:2]] = 24
            with self.assertRaisesRegex(backend.UnsupportedPython, "signature"):
                backend.install()
            backend.KNOWN_SIGNATURES.clear()
            backend.KNOWN_SIGNATURES[(3, 99)] = 23
            with self.assertRaisesRegex(backend.UnsupportedPython, "not known"):
                backend.install()
            self.assertFalse(backend.installed())
            self.assertIsNot(subprocess._fork_exec, _clonexec.fork_exec)
        finally:
            backend.KNOWN_SIGNATURES.clear()
            backend.KNOWN_SIGNATURES.update(known)

    def test_preexec_fallback(self):
        s = backend.stats()
        out = subprocess.run([PY, "-I", "-S", "-c", "import os; print(os.environ['CX_FRUIT'])"],
                             preexec_fn=lambda: os.putenv("CX_FRUIT", "apple"),
                             capture_output=True).stdout
        self.assertEqual(out, b"apple\n")
        t = backend.stats()
        self.assertEqual((t["clonexec"], t["fallback"]), (s["clonexec"], s["fallback"] + 1))

    @unittest.skipUnless(ROOT, "needs root")
    def test_cwd_before_credentials(self):
        # CPython enters cwd before changing credentials: a directory only
        # the caller may enter still works (through CPython's own, for now).
        with tempfile.TemporaryDirectory() as d:
            os.chmod(d, 0o700)
            s = backend.stats()
            r = subprocess.run(["/bin/pwd"], cwd=d, user=65534, capture_output=True, text=True)
            self.assertEqual((r.returncode, r.stdout), (0, os.path.realpath(d) + "\n"))
            # Through CPython's own with libclonexec 0.1, through the library
            # (which can enter cwd first) with 0.2.
            self.assertEqual(backend.stats()["fallback"],
                             s["fallback"] + (0 if _clonexec.BACKEND_EXACT else 1))

    def errors(self, **kw):
        """(type, errno, filename) of a failing Popen, backend and stock."""
        out = []
        for on in (True, False):
            (backend.install if on else backend.uninstall)()
            try:
                subprocess.run(**kw)
                out.append(None)
            except Exception as e:
                out.append((type(e), getattr(e, "errno", None), getattr(e, "filename", None)))
        return out

    def test_errors_like_cpython(self):
        with tempfile.TemporaryDirectory() as d:
            noexec = os.path.join(d, "noexec")
            open(noexec, "w").close()
            cases = [
                dict(args=["nonexistent-cx"]),
                dict(args=["/nonexistent-cx/x"]),
                dict(args=[noexec]),
                dict(args=["true"], cwd="/nonexistent-cx"),
                dict(args=["noexec"], env={"PATH": f"/nonexistent-cx:{d}:/usr/bin"}),
                dict(args=["true"], env={"PATH": f"/nonexistent-cx:{noexec}:/usr/bin"}),
                dict(args=["true"], stdin=9999),
            ]
            for kw in cases:
                b, s = self.errors(**kw)
                self.assertEqual(b, s, kw)
                self.assertIsNotNone(s, kw) if kw["args"] != ["true"] or "cwd" in kw else None

    @unittest.skipUnless(ROOT, "needs root")
    def test_credentials(self):
        s = backend.stats()["clonexec"]
        out = subprocess.run(["id", "-G"], capture_output=True, text=True,
                             user=65534, group=65534, extra_groups=[])
        self.assertEqual(out.stdout, "65534\n")
        out = subprocess.run(["sh", "-c", "id -u; id -g; id -G"], capture_output=True,
                             text=True, user=65534, group=65534, extra_groups=[1, 2])
        self.assertEqual(out.stdout.split("\n"), ["65534", "65534", "65534 1 2", ""])
        out = subprocess.run(["id", "-u"], capture_output=True, text=True, user=65534)
        self.assertEqual(out.stdout, "65534\n")
        self.assertEqual(backend.stats()["clonexec"], s + 3)

    def test_popen_threads(self):
        before = fd_count()
        results, errors = {}, []

        def worker(t):
            try:
                for i in range(15):
                    p = subprocess.Popen(["sh", "-c", f"echo {t}-{i}"], stdout=subprocess.PIPE,
                                         stdin=subprocess.DEVNULL)
                    out, _ = p.communicate()
                    results[(t, i)] = (out, p.returncode)
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        n = backend.stats()["clonexec"]
        threads = [threading.Thread(target=worker, args=(t,)) for t in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 90)
        for (t, i), (out, rc) in results.items():
            self.assertEqual((out, rc), (f"{t}-{i}\n".encode(), 0))
        self.assertEqual(backend.stats()["clonexec"], n + 90)
        self.assertEqual(fd_count(), before)
