# SPDX-License-Identifier: MIT
"""clonexec: start programs with any mix of what Linux offers a new process.

The Python face of libclonexec (linked statically into the extension):

- :func:`spawn` starts a program with namespaces, id maps, credentials,
  ambient capabilities, a cgroup, an fd plan, a root and working directory,
  sessions and terminals, a parent-death signal, signal mask and defaults,
  resource limits, and returns a :class:`Process` (pid, pidfd, wait,
  signals). The child runs raw system calls on a ``CLONE_VM|CLONE_VFORK``
  clone: the cost does not grow with the parent's memory.
  The same call builds sandboxes (a mount plan, a new root, hostname, a
  pid-1 init) and sets priorities and a cgroup of the child's own
  (nice, scheduling policy, CPU affinity, I/O priority, OOM score,
  cgroup limits); :meth:`Process.supervise` waits with a deadline.
- :func:`exec` runs the same steps in this process and replaces it with
  the program (unshare(1), nsenter(1), setpriv(1) in one call).
- :func:`explain` lists the steps a spawn would run, without running it.
- :class:`SpawnError` names the failed step; it is also the matching OSError
  subclass (FileNotFoundError, PermissionError, ...).
- :mod:`clonexec.subprocess_backend` makes every ``subprocess.Popen`` of
  the process spawn through libclonexec.
"""
import collections
import os
import resource
import select
import signal as _signal
import subprocess
import threading
import time

from . import _clonexec, _mounts
from ._attributes import IOPRIO_CLASSES, NAMESPACES
from ._attributes import attrs as _attrs
from ._attributes import prepare as _prepare
from ._errors import SpawnError
from ._mounts import (Bind, Chmod, Dev, Dir, Mount, Mqueue, Proc, RemountReadOnly, Symlink,
                      Tmpfs)

__all__ = ["spawn", "explain", "Process", "Status", "Step", "SpawnError", "version",
           "NAMESPACES", "IOPRIO_CLASSES", "FD_KEEP", "Mount", "Bind", "Tmpfs", "Proc", "Dev",
           "Mqueue", "Dir", "Symlink", "RemountReadOnly", "Chmod"]

#: In ``fds``: leave this child fd as it is (the inherited fd of the same
#: number, close-on-exec or not), even with ``close_fds=True``.
FD_KEEP = _clonexec.FD_KEEP


def version():
    """The libclonexec version linked in ("0.2.0")."""
    return _clonexec.version()


Step = collections.namedtuple("Step", "index step step_name who text")
Step.__doc__ = """One step of a spawn, as explain() lists it: index from 1, the
step number and name, who runs it ("parent" or "child"), a description."""


class Status:
    """How a process ended (cx_status): ``exited`` and ``exit_code``, or
    ``signal`` (and ``core_dumped``); ``rusage`` is a resource.struct_rusage;
    ``returncode`` follows subprocess (exit code, or -signal).

    After :meth:`Process.supervise`: ``timed_out`` (the deadline passed and
    ``timeout_signal`` was sent) and ``killed`` (the grace period passed
    too: SIGKILL). With a cgroup of its own (``cgroup_parent``), what the
    cgroup counted by the time the process was reaped: ``oom_kill``
    (processes the OOM killer ended), ``oom`` (allocations that hit
    memory.max), ``memory_max`` (times usage reached memory.max),
    ``pids_max`` (forks refused at pids.max); all 0 otherwise."""

    __slots__ = ("exited", "exit_code", "signal", "core_dumped", "rusage", "timed_out",
                 "killed", "timeout_signal", "oom_kill", "oom", "memory_max", "pids_max")

    def __init__(self, exited, exit_code, sig, core_dumped, rusage, supervision=0,
                 timeout_signal=0, oom_kill=0, oom=0, memory_max=0, pids_max=0):
        self.exited = bool(exited)
        self.exit_code = exit_code if exited else None
        self.signal = None if exited else sig
        self.core_dumped = bool(core_dumped)
        self.rusage = resource.struct_rusage(rusage)
        self.timed_out = bool(supervision & _clonexec.SUPERVISION_TIMED_OUT)
        self.killed = bool(supervision & _clonexec.SUPERVISION_KILLED)
        self.timeout_signal = timeout_signal or None
        self.oom_kill, self.oom = oom_kill, oom
        self.memory_max, self.pids_max = memory_max, pids_max

    @property
    def returncode(self):
        return self.exit_code if self.exited else -self.signal

    def __repr__(self):
        how = f"exit_code={self.exit_code}" if self.exited else f"signal={self.signal}"
        extra = "".join(f" {k}={getattr(self, k)!r}" for k in
                        ("timed_out", "killed", "oom_kill", "pids_max") if getattr(self, k))
        return f"<clonexec.Status {how}{extra}>"


class Process:
    """A started program. ``pid``; ``pidfd`` (also ``fileno()``, so the
    process can be registered with selectors and asyncio's add_reader: it
    becomes readable when the process ends); ``wait()``, ``poll()``,
    ``send_signal()``, ``terminate()``, ``kill()``. As a context manager it
    waits for the process at the end of the block, or kills and reaps it if
    the block raised, then releases the handle."""

    def __init__(self, handle, args):
        self._h = handle
        self._lock = threading.Lock()
        self.args = args
        self.pid = handle.pid
        self.status = None

    @property
    def pidfd(self):
        """The pidfd (owned by the Process; -1 on kernels without pidfds)."""
        return self._h.pidfd

    def fileno(self):
        return self._h.pidfd

    @property
    def returncode(self):
        return None if self.status is None else self.status.returncode

    def _collect(self, timeout_ms):
        with self._lock:
            if self.status is None:
                st = self._h.wait(timeout_ms)
                if st is not None:
                    self.status = Status(*st)
            return self.status

    def poll(self):
        """The return code if the process has ended (reaping it), else None."""
        st = self._collect(0)
        return None if st is None else st.returncode

    def wait(self, timeout=None):
        """Wait for the end of the process and return its :class:`Status`;
        subprocess.TimeoutExpired after timeout seconds. Interruptible."""
        if self.status is not None:
            return self.status
        fd = self._h.pidfd
        deadline = None if timeout is None else time.monotonic() + timeout
        if fd < 0:  # no pidfd (kernel before 5.3): poll the pid
            delay = 0.0005
            while self._collect(0) is None:
                if deadline is not None and time.monotonic() >= deadline:
                    raise subprocess.TimeoutExpired(self.args, timeout)
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
            return self.status
        p = select.poll()
        p.register(fd, select.POLLIN)
        while True:
            left = None if deadline is None else max(0, deadline - time.monotonic())
            if p.poll(None if left is None else left * 1000) or self.status is not None:
                st = self._collect(0)
                if st is not None:
                    return st
            elif deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(self.args, timeout)

    def supervise(self, timeout, signal=_signal.SIGTERM, *, kill_after=None, group=False,
                  tree=False):
        """Wait up to ``timeout`` seconds (None: no deadline); then send
        ``signal``; if the process still runs ``kill_after`` seconds later
        (None: wait as long as it takes), SIGKILL it. As timeout(1) with
        --signal and --kill-after, by cx_process_wait_deadline(3).
        ``group``: signal its process group too (for a process that leads
        one: ``new_session``, ``process_group=0``); ``tree``: every process
        of its own cgroup (``cgroup_parent``). Returns the :class:`Status`
        once it is reaped; ``timed_out`` and ``killed`` say what happened.
        The wait runs without the GIL and is not interrupted by signals."""
        with self._lock:
            if self.status is not None:
                return self.status
            flags = (_clonexec.WAIT_PGROUP if group else 0) | (_clonexec.WAIT_TREE if tree else 0)
            ms = (lambda t: -1 if t is None else max(0, round(t * 1000)))
            st = self._h.wait_deadline(ms(timeout), int(signal), ms(kill_after), flags)
            self.status = Status(*st)
            return self.status

    @property
    def cgroup(self):
        """The process's own cgroup directory (``cgroup_parent``), or None.
        It is removed at release() once empty."""
        return self._h.cgroup

    def kill_tree(self, signal=_signal.SIGKILL):
        """Send ``signal`` to every process in the process's own cgroup
        (``cgroup_parent``): cgroup.kill for SIGKILL, else freeze, signal
        each, thaw. OSError(ENOMEDIUM) without such a cgroup."""
        self._h.kill_tree(int(signal))

    def send_signal(self, sig):
        """Send sig through the pidfd (no pid-reuse race); nothing once the
        process has been reaped, as subprocess.Popen."""
        if self.status is not None:
            return
        try:
            self._h.send_signal(int(sig))
        except ProcessLookupError:
            pass

    def terminate(self):
        self.send_signal(_signal.SIGTERM)

    def kill(self):
        self.send_signal(_signal.SIGKILL)

    def release(self):
        """Close the pidfd. A process not yet waited for stays a child of
        this process (reap it with os.waitpid(pid))."""
        self._h.release()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is not None and self.status is None:
                self.kill()
            self.wait()
        finally:
            self.release()

    def __repr__(self):
        state = "running" if self.status is None else repr(self.status)
        return f"<clonexec.Process pid={self.pid} {state}>"


def _call(fn, args, executable, env, search_path, attributes):
    """fn(path, argv, envp, attrs, search), closing the fds opened for it."""
    close = []
    try:
        path, argv, envp, attrs = _prepare(args, executable, env,
                                           dict(attributes, _close=close))
        return fn(path, argv, envp, attrs, search_path)
    except SpawnError as e:
        _mounts.name_files(e, attributes.get("mounts") or ())
        raise
    finally:
        for fd in close:
            os.close(fd)


def spawn(args, *, executable=None, env=None, search_path=True, **attributes):
    """Start ``args`` (a sequence; args[0] is the program unless
    ``executable`` is given) with libclonexec and return a :class:`Process`.

    A program without a slash is searched in this process's PATH (before
    the clone, as cx_spawnp) unless ``search_path=False``. ``env``: a
    mapping, or None for this process's environment.

    Attributes (all keyword-only; the defaults change nothing but fds):

    - ``cwd``: working directory (after ``root``); ``root``: chroot.
    - ``fds``: {child_fd: parent_fd, file object, or None to close}; child
      fds not named stay as they are (0, 1, 2 included).
      ``close_fds=True`` (default, as subprocess) closes every other fd
      from 3 up (or above the highest named fd).
    - ``user``, ``group`` (ids or names), ``groups`` (supplementary;
      None leaves them): setgroups, setgid, setuid in the child.
    - ``namespaces``: names from NAMESPACES ("user", "pid", "mount", "net",
      "uts", "ipc", "cgroup", "time") created by the clone; ``unshare``:
      created by the child with unshare(2).
    - ``uid_map``, ``gid_map``: [(inside, outside, count), ...];
      ``setgroups=True`` writes "allow" instead of "deny".
    - ``ambient_caps``: capability names ("net_bind_service") or numbers.
    - ``cgroup``: a cgroup v2 directory (path or fd) to start in.
    - ``new_session`` (setsid), ``process_group`` (setpgid; 0: new group),
      ``foreground`` (make it the terminal's foreground group),
      ``ctty`` (the terminal, a child fd), ``setctty``, ``noctty``.
    - ``pdeathsig``: signal when the calling thread ends.
    - ``rlimits``: {"nofile": (soft, hard), "core": 0, ...}; None or
      resource.RLIM_INFINITY is unlimited.
    - ``umask``; ``sigmask`` (signals blocked in the program; default: the
      caller's mask); ``sigdefault`` (signals reset to SIG_DFL);
      ``restore_signals=True`` also resets SIGPIPE and SIGXFSZ, as
      subprocess does.
    - ``no_new_privs``, ``keep_propagation``, ``ptrace``, ``require_pidfd``.
    - ``join``: namespaces to enter first: [path or fd, or (path or fd,
      "net"), ...] (/proc/PID/ns/net, /run/netns/NAME); ``join_pidfd``
      (a pidfd or Process) with ``join_namespaces`` (names): its
      namespaces in one setns.
    - ``cap_bounding``, ``cap_inheritable``, ``cap_keep`` (effective and
      permitted): capability names or numbers; ``securebits``: SECBIT_* bits.
    - ``seccomp_filter``: bytes of struct sock_filter, installed just
      before execve.
    - ``landlock_rules``: [(path, LANDLOCK_ACCESS_FS_* bits), ...] with
      ``landlock_handled`` (rights denied unless a rule allows; 0: all the
      kernel knows) and ``landlock_strict``; or ``landlock_fd``, a ruleset.
    - ``monotonic_offset``, ``boottime_offset``: seconds, for a time
      namespace from ``unshare=("time",)``.

    The filesystem view (a new mount namespace is implied):

    - ``mounts``: the mount plan, run in order: :class:`Bind` (``readonly``,
      ``devices``, ``missing_ok``), :class:`Tmpfs` (``size``, ``mode``),
      :class:`Proc`, :class:`Dev`, :class:`Mqueue`, :class:`Dir`,
      :class:`Symlink`, :class:`RemountReadOnly`, :class:`Chmod`.
    - ``new_root=True``: start from an empty tmpfs root that ``mounts``
      populate (targets are paths in it, bind sources this process's),
      made / by pivot_root. ``hostname``, ``domainname``: in the child's
      UTS namespace (a new one implied).
    - ``init=True``: with a new pid namespace, pid 1 is a minimal init
      (a copy of this process) that forwards signals, reaps orphans and
      exits with the program's status.

    Resources, set by the child before any credential change:

    - ``nice`` (-20..19); ``sched_policy`` (os.SCHED_* or "other",
      "batch", "idle", "fifo", "rr"; os.SCHED_RESET_ON_FORK may be or'ed
      in) with ``sched_priority`` (an int or os.sched_param; default 1 for
      fifo and rr, else 0) and ``sched_reset_on_fork``.
    - ``cpus``: the CPU affinity, an iterable of CPU numbers as
      os.sched_setaffinity takes (any number of CPUs).
    - ``ioprio_class`` ("none", "realtime", "best-effort", "idle" or a
      number) with ``ioprio_level`` (0..7, default 4 as ionice).
    - ``oom_score_adj`` (-1000..1000).
    - ``cgroup_parent``: a cgroup v2 directory in which the child gets a
      new cgroup of its own, with ``cgroup_limits`` ({"memory.max":
      64 << 20, "pids.max": 32, "cpu.max": "50000 100000"}; None: "max")
      written first; see :meth:`Process.supervise`, :meth:`Process.kill_tree`
      and the cgroup counts in :class:`Status`. Not with ``cgroup``.

    Program lookup and order:

    - ``programs``: candidate paths tried in the child in order (execvp's
      rule) instead of the looked-up program, as the child sees the tree.
    - ``chdir_first=True``: enter ``cwd`` before the credential change (a
      directory only the caller may enter; subprocess's order) rather than
      after it (the new user must be able to enter it).
    - ``fds`` values may be :data:`FD_KEEP`: leave that fd as inherited.

    Raises :class:`SpawnError` (also FileNotFoundError, PermissionError...)
    naming the step that failed; nothing is left running then.
    """
    return Process(_call(_clonexec.spawn, args, executable, env, search_path, attributes), args)


def exec(args, *, executable=None, env=None, search_path=True, **attributes):
    """Run the steps :func:`spawn` would run with the same arguments in
    this process, then execve the program in place: no new process, the
    pid stays (cx_exec(3); os.execve with attributes). Returns only by
    raising :class:`SpawnError`.

    The attributes are spawn's, except that a new pid namespace cannot be
    entered in place (EINVAL, before any change), a new user namespace
    maps only this process's own ids, ``cgroup`` moves this process, and
    ``require_pidfd`` is refused; ``close_fds`` defaults to False (os.execve
    keeps inheritable fds; Python opens its own close-on-exec). Not in
    ``__all__``: ``from clonexec import *`` leaves the builtin exec alone.
    Every input is checked before the first
    change; a step that fails after others leaves them done (ids, signal
    handlers, namespaces): report the error and ``os._exit``. Python's
    buffered files are not flushed (as os.execve). The credential steps
    change the calling thread alone until the execve ends the others:
    call it from a process with one thread."""
    # As os.execve: inherited fds pass (this process's own are close-on-exec).
    attributes.setdefault("close_fds", False)
    _call(_clonexec.exec, args, executable, env, search_path, attributes)
    raise AssertionError("cx_exec returned without an error")  # pragma: no cover


def explain(args, *, executable=None, env=None, search_path=True, **attributes):
    """The steps :func:`spawn` with the same arguments would run, as a list
    of :class:`Step`, without starting anything. Invalid attributes raise
    the same SpawnError spawn would."""
    steps = _call(_clonexec.explain, args, executable, env, search_path, attributes)
    return [Step(i, s, _clonexec.step_name(s), who, text) for i, s, who, text in steps]

