# SPDX-License-Identifier: MIT
import os
import resource
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple, NoReturn, Protocol, TypedDict, Union

from typing_extensions import Unpack

from ._errors import SpawnError as SpawnError
from ._mounts import Bind as Bind
from ._mounts import Chmod as Chmod
from ._mounts import Dev as Dev
from ._mounts import Dir as Dir
from ._mounts import Mount as Mount
from ._mounts import Mqueue as Mqueue
from ._mounts import Proc as Proc
from ._mounts import RemountReadOnly as RemountReadOnly
from ._mounts import Symlink as Symlink
from ._mounts import Tmpfs as Tmpfs

__all__ = ["spawn", "explain", "Process", "Status", "Step", "SpawnError", "version",
           "NAMESPACES", "IOPRIO_CLASSES", "FD_KEEP", "Mount", "Bind", "Tmpfs", "Proc", "Dev",
           "Mqueue", "Dir", "Symlink", "RemountReadOnly", "Chmod"]

_Path = Union[str, bytes, os.PathLike[str], os.PathLike[bytes]]
_Arg = _Path
_Sig = Union[int, str]
_Id = Union[int, str]

class _HasFileno(Protocol):
    def fileno(self) -> int: ...

_Fd = Union[int, _HasFileno, None]
_Limit = Union[int, None, tuple[Union[int, None], Union[int, None]]]
_IdRange = tuple[int, int, int]

NAMESPACES: dict[str, int]
IOPRIO_CLASSES: dict[str, int]
FD_KEEP: int

def version() -> str: ...

class Step(NamedTuple):
    index: int
    step: int
    step_name: str
    who: str
    text: str

class Status:
    exited: bool
    exit_code: int | None
    signal: int | None
    core_dumped: bool
    rusage: resource.struct_rusage
    timed_out: bool
    killed: bool
    timeout_signal: int | None
    oom_kill: int
    oom: int
    memory_max: int
    pids_max: int
    @property
    def returncode(self) -> int: ...

class Process:
    args: Sequence[_Arg] | _Arg
    pid: int
    status: Status | None
    @property
    def pidfd(self) -> int: ...
    @property
    def returncode(self) -> int | None: ...
    def fileno(self) -> int: ...
    def poll(self) -> int | None: ...
    def wait(self, timeout: float | None = ...) -> Status: ...
    def supervise(self, timeout: float | None, signal: int = ..., *,
                  kill_after: float | None = ..., group: bool = ...,
                  tree: bool = ...) -> Status: ...
    @property
    def cgroup(self) -> str | None: ...
    def kill_tree(self, signal: int = ...) -> None: ...
    def send_signal(self, sig: int) -> None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...
    def release(self) -> None: ...
    def __enter__(self) -> Process: ...
    def __exit__(self, *exc: object) -> None: ...

class _Attributes(TypedDict, total=False):
    cwd: _Path | None
    root: _Path | None
    fds: Mapping[int, _Fd] | None
    close_fds: bool
    user: _Id | None
    group: _Id | None
    groups: Iterable[_Id] | None
    namespaces: Iterable[str | int] | str
    unshare: Iterable[str | int] | str
    uid_map: Sequence[_IdRange] | _IdRange | None
    gid_map: Sequence[_IdRange] | _IdRange | None
    setgroups: bool
    ambient_caps: Iterable[str | int] | str | int
    cgroup: _Path | int | None
    new_session: bool
    process_group: int | None
    foreground: bool
    ctty: _Fd
    setctty: bool
    noctty: bool
    pdeathsig: _Sig | None
    rlimits: Mapping[str | int, _Limit] | None
    umask: int | None
    sigmask: Iterable[_Sig] | None
    sigdefault: Iterable[_Sig]
    restore_signals: bool
    no_new_privs: bool
    keep_propagation: bool
    ptrace: bool
    require_pidfd: bool
    join: Iterable[_Path | int | tuple[_Path | int, str]]
    join_pidfd: int | _HasFileno | None
    join_namespaces: Iterable[str | int] | str
    cap_bounding: Iterable[str | int] | str | int | None
    cap_inheritable: Iterable[str | int] | str | int | None
    cap_keep: Iterable[str | int] | str | int | None
    securebits: int | None
    seccomp_filter: bytes | None
    landlock_rules: Iterable[tuple[_Path, int]] | None
    landlock_handled: int
    landlock_strict: bool
    landlock_fd: int | None
    monotonic_offset: int
    boottime_offset: int
    mounts: Sequence[Mount]
    new_root: bool
    hostname: str | bytes | None
    domainname: str | bytes | None
    init: bool
    nice: int | None
    sched_policy: int | str | None
    sched_priority: int | os.sched_param | None
    sched_reset_on_fork: bool
    cpus: Iterable[int] | None
    ioprio_class: int | str | None
    ioprio_level: int | None
    oom_score_adj: int | None
    cgroup_parent: _Path | None
    cgroup_limits: Mapping[str, int | str | None] | None
    chdir_first: bool
    programs: Sequence[_Path] | None

def spawn(
    args: Sequence[_Arg] | _Arg,
    *,
    executable: _Path | None = ...,
    env: Mapping[str | bytes, str | bytes] | None = ...,
    search_path: bool = ...,
    **attributes: Unpack[_Attributes],
) -> Process: ...

def exec(
    args: Sequence[_Arg] | _Arg,
    *,
    executable: _Path | None = ...,
    env: Mapping[str | bytes, str | bytes] | None = ...,
    search_path: bool = ...,
    **attributes: Unpack[_Attributes],
) -> NoReturn: ...

def explain(
    args: Sequence[_Arg] | _Arg,
    *,
    executable: _Path | None = ...,
    env: Mapping[str | bytes, str | bytes] | None = ...,
    search_path: bool = ...,
    **attributes: Unpack[_Attributes],
) -> list[Step]: ...
