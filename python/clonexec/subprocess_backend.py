# SPDX-License-Identifier: MIT
"""Make every subprocess.Popen of this process spawn through libclonexec.

    import clonexec.subprocess_backend
    clonexec.subprocess_backend.install()
    subprocess.run(["id"], user=65534, group=65534, extra_groups=[])  # no fork

:func:`install` replaces ``_posixsubprocess.fork_exec`` (and the copy
``subprocess`` imported) with a function of the same signature and
semantics built on libclonexec, and turns off subprocess's posix_spawn
shortcut so that every Popen goes through it. The child runs raw system
calls only, so ``user=``, ``group=`` and ``extra_groups=`` no longer force
a fork of the whole address space. Calls with ``preexec_fn`` (Python code
in the child) go to CPython's own implementation. :func:`stats` counts
both kinds.
"""
import re
import sys
import threading

import _posixsubprocess
import subprocess

from . import _clonexec

# fork_exec's argument count per CPython version whose signature and
# child semantics this module reproduces.
KNOWN_SIGNATURES = {(3, 11): 23}

_lock = threading.Lock()
_saved = None  # (fork_exec, subprocess._fork_exec, subprocess._USE_POSIX_SPAWN)


class UnsupportedPython(RuntimeError):
    """This Python's fork_exec is not one clonexec knows how to replace."""


def _check_signature(fork_exec):
    version = sys.version_info[:2]
    nargs = KNOWN_SIGNATURES.get(version)
    if sys.implementation.name != "cpython" or nargs is None:
        raise UnsupportedPython(
            f"clonexec.subprocess_backend: fork_exec of {sys.implementation.name} "
            f"{version[0]}.{version[1]} is not known (known: "
            + ", ".join(f"CPython {a}.{b}" for a, b in KNOWN_SIGNATURES) + ")")
    # Ask the function itself: argument clinic names its arity.
    try:
        fork_exec()
    except TypeError as e:
        m = re.search(r"takes exactly (\d+) arguments", str(e))
        if m and int(m.group(1)) == nargs:
            return
        raise UnsupportedPython(
            f"clonexec.subprocess_backend: unexpected fork_exec signature ({e})") from None
    raise UnsupportedPython("clonexec.subprocess_backend: fork_exec() accepted no arguments")


def install():
    """Route subprocess through libclonexec; idempotent.

    Raises UnsupportedPython on a Python whose fork_exec signature is not
    known, or when fork_exec was already replaced by someone else."""
    global _saved
    with _lock:
        if _saved is not None:
            return
        orig = _posixsubprocess.fork_exec
        if orig is _clonexec.fork_exec or subprocess._fork_exec is not orig:
            raise UnsupportedPython(
                "clonexec.subprocess_backend: subprocess._fork_exec is not "
                "_posixsubprocess.fork_exec (replaced by someone else?)")
        _check_signature(orig)
        _clonexec._set_original(orig)
        _saved = (orig, subprocess._fork_exec, subprocess._USE_POSIX_SPAWN)
        _posixsubprocess.fork_exec = _clonexec.fork_exec
        subprocess._fork_exec = _clonexec.fork_exec
        subprocess._USE_POSIX_SPAWN = False


def uninstall():
    """Restore CPython's fork_exec (and the posix_spawn shortcut)."""
    global _saved
    with _lock:
        if _saved is None:
            return
        orig, sub, posix_spawn = _saved
        _posixsubprocess.fork_exec = orig
        subprocess._fork_exec = sub
        subprocess._USE_POSIX_SPAWN = posix_spawn
        _saved = None


def installed():
    """True between install() and uninstall()."""
    return _saved is not None


def stats():
    """{'clonexec': n, 'fallback': m}: fork_exec calls of this process that
    spawned through libclonexec, and those passed to CPython (preexec_fn)."""
    return _clonexec.backend_stats()
