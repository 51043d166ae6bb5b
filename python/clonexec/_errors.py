# SPDX-License-Identifier: MIT
"""clonexec.SpawnError: an OSError that names the step that failed."""
import errno as _errno

from . import _clonexec


class SpawnError(OSError):
    """A spawn failed at a step of libclonexec.

    Each instance is also of the OSError subclass its errno maps to
    (FileNotFoundError, PermissionError, ...), so ``except
    FileNotFoundError`` catches a missing program as with subprocess.

    Attributes beyond OSError's ``errno``, ``strerror`` and ``filename``:

    - ``step``: the libclonexec step number (enum cx_step);
    - ``step_name``: its stable name ("chdir", "setuid", "execve", ...);
    - ``index``: its position in :func:`clonexec.explain`'s list, from 1
      (0: before the list, e.g. "check attributes");
    - ``object``: what the step worked on, or why the input was refused.
    """

    step: int
    step_name: str
    index: int
    object: str
    message: str

    def __str__(self):
        return self.message


_classes = {}


def error_class(code):
    """The SpawnError class for errno code: also a FileNotFoundError for
    ENOENT, a PermissionError for EACCES and EPERM, and so on."""
    base = type(OSError(code, ""))
    if base is OSError:
        return SpawnError
    cls = _classes.get(base)
    if cls is None:
        cls = type("SpawnError", (SpawnError, base),
                   {"__module__": "clonexec", "__qualname__": "SpawnError",
                    "__doc__": f"SpawnError that is also a {base.__name__}."})
        _classes[base] = cls
    return cls


def make(code, step, index, obj, message, filename):
    """Called by the extension for a failed spawn or explain."""
    import os
    e = error_class(code)(code, os.strerror(code), filename)
    e.step = step
    e.step_name = _clonexec.step_name(step) or str(step)
    e.index = index
    e.object = obj
    e.message = message
    return e


_clonexec._set_error_factory(make)
del _errno
