# SPDX-License-Identifier: MIT
# On PYTHONPATH for tests/t-python-cpython.sh: with CX_PY_BACKEND=1 every
# Python process (the test process and each Python child it starts)
# installs clonexec's subprocess backend first thing, and at exit writes
# its spawn counts to $CX_PY_COUNTS/<pid>.
import os

if os.environ.get("CX_PY_BACKEND") == "1":
    import clonexec.subprocess_backend as _backend

    _backend.install()
    _dir = os.environ.get("CX_PY_COUNTS")
    if _dir:
        import atexit

        _pid = os.getpid()

        def _dump():
            if os.getpid() != _pid:  # a fork of this process: its counts are ours
                return
            s = _backend.stats()
            # os.open: no EncodingWarning in the children's stderr, which
            # test_subprocess reads.
            fd = os.open(os.path.join(_dir, str(_pid)), os.O_WRONLY | os.O_CREAT, 0o644)
            os.write(fd, f"{s['clonexec']} {s['fallback']}\n".encode())
            os.close(fd)

        atexit.register(_dump)
