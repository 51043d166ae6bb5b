# SPDX-License-Identifier: MIT
# On PYTHONPATH for tests/t-python-cpython.sh: with CX_PY_BACKEND=1 every
# Python process (the test process and each Python child it starts)
# installs clonexec's subprocess backend as soon as it imports subprocess
# (children that never do are spared the import time), and at exit writes
# its spawn counts to $CX_PY_COUNTS/<pid>.
import os
import sys


def _install():
    import clonexec.subprocess_backend as backend

    backend.install()
    counts = os.environ.get("CX_PY_COUNTS")
    if not counts:
        return
    import atexit

    pid = os.getpid()

    def dump():
        if os.getpid() != pid:  # a fork of this process: its counts are ours
            return
        s = backend.stats()
        # os.open: no EncodingWarning in the children's stderr, which
        # test_subprocess reads.
        fd = os.open(os.path.join(counts, str(pid)), os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(fd, f"{s['clonexec']} {s['fallback']}\n".encode())
        os.close(fd)

    atexit.register(dump)


class _AfterSubprocess:
    """A meta path finder that lets the real one load subprocess, then
    installs the backend on the loaded module."""

    def find_spec(self, name, path=None, target=None):
        if name != "subprocess":
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec(name)
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            _install()

        spec.loader.exec_module = exec_module
        return spec


if os.environ.get("CX_PY_BACKEND") == "1":
    if "subprocess" in sys.modules:
        _install()
    else:
        sys.meta_path.insert(0, _AfterSubprocess())
