# SPDX-License-Identifier: MIT
"""The mount plan of spawn(mounts=[...]): one small frozen dataclass per
operation of libclonexec's struct cx_mount, run in the order given in the
child's new mount namespace (implied), before chroot and the credential
change. Targets are absolute paths, inside the new root with
``new_root=True``; bind sources are paths of this process's tree.

Argument order follows os where it has the operation: ``Symlink(src,
dst)`` as os.symlink (the link text, then the link), ``Chmod(path,
mode)`` as os.chmod. ``missing_ok=True`` (pathlib's word) is bubblewrap's
``--bind-try``: a missing source skips the operation."""
import dataclasses
import os

from . import _clonexec as _C

__all__ = ["Mount", "Bind", "Tmpfs", "Proc", "Dev", "Mqueue", "Dir", "Symlink",
           "RemountReadOnly", "Chmod"]


def _path(p):
    return None if p is None else os.fsencode(p)


class Mount:
    """Base of the mount operations; ``plan()`` is the struct cx_mount
    tuple (kind, flags, source, target, mode, size) the extension takes."""

    __slots__ = ()

    def plan(self):  # pragma: no cover - every operation has its own
        raise NotImplementedError

    def _filenames(self):
        """(filename, filename2) for an OSError of this operation."""
        return os.fsdecode(self.target), None


def _mode(mode):
    return (0, 0) if mode is None else (_C.MOUNT_MODE, int(mode))


@dataclasses.dataclass(frozen=True, slots=True)
class Bind(Mount):
    """Bind ``source`` on ``target`` (default: the same path), recursively,
    nosuid and nodev. ``readonly``: read-only, submounts included;
    ``devices``: device nodes usable (bubblewrap's --dev-bind);
    ``missing_ok``: skip it when source is missing."""
    source: str | bytes | os.PathLike
    target: str | bytes | os.PathLike | None = None
    readonly: bool = False
    devices: bool = False
    missing_ok: bool = False

    def plan(self):
        if self.readonly and self.devices:
            raise ValueError("Bind: readonly and devices are two kinds; choose one")
        kind = (_C.MOUNT_RO_BIND if self.readonly else
                _C.MOUNT_DEV_BIND if self.devices else _C.MOUNT_BIND)
        target = self.source if self.target is None else self.target
        return (kind, _C.MOUNT_TRY if self.missing_ok else 0, _path(self.source),
                _path(target), 0, 0)

    def _filenames(self):
        target = self.source if self.target is None else self.target
        return os.fsdecode(self.source), os.fsdecode(target)


@dataclasses.dataclass(frozen=True, slots=True)
class Tmpfs(Mount):
    """A tmpfs on ``target`` (nosuid, nodev): ``size`` in bytes (None: the
    kernel's default), ``mode`` (None: 0755)."""
    target: str | bytes | os.PathLike
    size: int | None = None
    mode: int | None = None

    def plan(self):
        flags, mode = _mode(self.mode)
        return (_C.MOUNT_TMPFS, flags, None, _path(self.target), mode, int(self.size or 0))


@dataclasses.dataclass(frozen=True, slots=True)
class Proc(Mount):
    """A new procfs (nosuid, nodev, noexec) of the child's pid namespace;
    unshare(1)'s --mount-proc is ``mounts=[Proc()]``."""
    target: str | bytes | os.PathLike = "/proc"

    def plan(self):
        return (_C.MOUNT_PROC, 0, None, _path(self.target), 0, 0)


@dataclasses.dataclass(frozen=True, slots=True)
class Dev(Mount):
    """A minimal /dev: a tmpfs with null, zero, full, random, urandom and
    tty bound from the host, a new devpts with ptmx, shm, the fd symlinks."""
    target: str | bytes | os.PathLike = "/dev"

    def plan(self):
        return (_C.MOUNT_DEV, 0, None, _path(self.target), 0, 0)


@dataclasses.dataclass(frozen=True, slots=True)
class Mqueue(Mount):
    """An mqueue filesystem (needs a new ipc namespace in a user namespace)."""
    target: str | bytes | os.PathLike = "/dev/mqueue"

    def plan(self):
        return (_C.MOUNT_MQUEUE, 0, None, _path(self.target), 0, 0)


@dataclasses.dataclass(frozen=True, slots=True)
class Dir(Mount):
    """A directory (``mode``, None: 0755), parents made as needed."""
    target: str | bytes | os.PathLike
    mode: int | None = None

    def plan(self):
        flags, mode = _mode(self.mode)
        return (_C.MOUNT_DIR, flags, None, _path(self.target), mode, 0)


@dataclasses.dataclass(frozen=True, slots=True)
class Symlink(Mount):
    """A symlink at ``target`` whose text is ``source``, as os.symlink(src,
    dst); no error when the same link is already there."""
    source: str | bytes | os.PathLike
    target: str | bytes | os.PathLike

    def plan(self):
        return (_C.MOUNT_SYMLINK, 0, _path(self.source), _path(self.target), 0, 0)


@dataclasses.dataclass(frozen=True, slots=True)
class RemountReadOnly(Mount):
    """Make the mount at ``target`` read-only (not its submounts)."""
    target: str | bytes | os.PathLike

    def plan(self):
        return (_C.MOUNT_REMOUNT_RO, 0, None, _path(self.target), 0, 0)


@dataclasses.dataclass(frozen=True, slots=True)
class Chmod(Mount):
    """chmod ``target`` to ``mode``, as os.chmod(path, mode)."""
    target: str | bytes | os.PathLike
    mode: int

    def plan(self):
        return (_C.MOUNT_CHMOD, 0, None, _path(self.target), int(self.mode), 0)


def plan(mounts):
    """The extension's tuples of a sequence of Mount operations."""
    out = []
    for i, m in enumerate(mounts):
        if not isinstance(m, Mount):
            raise TypeError(f"mounts[{i}]: a clonexec.Mount (Bind, Tmpfs, Proc...), "
                            f"not {type(m).__name__}")
        out.append(m.plan())
    return out


#: The steps a mount operation can fail at.
STEPS = {"bind", "bind read-only", "bind with devices", "mount tmpfs", "mount proc",
         "mount devpts", "mount mqueue", "make directory", "make symlink",
         "remount read-only", "chmod"}


def name_files(err, mounts):
    """Give a SpawnError of a mount step the filename (and filename2, for a
    bind: source, target) of the operation it names."""
    if err.step_name not in STEPS:
        return
    for m in mounts:
        src, dst = m._filenames()
        if (dst is not None and err.object == f"{src} on {dst}") or err.object == src \
                or err.object.startswith(src + " "):
            err.filename, err.filename2 = src, dst
            return
