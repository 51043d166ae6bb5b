# SPDX-License-Identifier: MIT
"""clonexec: start programs with any mix of what Linux offers a new process.

The Python face of libclonexec (linked statically into the extension):

- :func:`spawn` starts a program with namespaces, id maps, credentials,
  ambient capabilities, a cgroup, an fd plan, a root and working directory,
  sessions and terminals, a parent-death signal, signal mask and defaults,
  resource limits, and returns a :class:`Process` (pid, pidfd, wait,
  signals). The child runs raw system calls on a ``CLONE_VM|CLONE_VFORK``
  clone: the cost does not grow with the parent's memory.
- :func:`explain` lists the steps a spawn would run, without running it.
- :class:`SpawnError` names the failed step; it is also the matching OSError
  subclass (FileNotFoundError, PermissionError, ...).
- :mod:`clonexec.subprocess_backend` makes every ``subprocess.Popen`` of
  the process spawn through libclonexec.
"""
import collections
import errno
import os
import resource
import select
import signal as _signal
import subprocess
import threading
import time

from . import _clonexec
from ._errors import SpawnError

__all__ = ["spawn", "explain", "Process", "Status", "Step", "SpawnError", "version",
           "NAMESPACES"]

#: Namespace names accepted by ``namespaces=`` and ``unshare=``.
NAMESPACES = {
    "user": _clonexec.NEWUSER, "pid": _clonexec.NEWPID, "mount": _clonexec.NEWNS,
    "mnt": _clonexec.NEWNS, "net": _clonexec.NEWNET, "uts": _clonexec.NEWUTS,
    "ipc": _clonexec.NEWIPC, "cgroup": _clonexec.NEWCGROUP, "time": _clonexec.NEWTIME,
}

_RLIMITS = {_clonexec.rlimit_name(r): r for r in range(64) if _clonexec.rlimit_name(r)}


def version():
    """The libclonexec version linked in ("0.2.0")."""
    return _clonexec.version()


Step = collections.namedtuple("Step", "index step step_name who text")
Step.__doc__ = """One step of a spawn, as explain() lists it: index from 1, the
step number and name, who runs it ("parent" or "child"), a description."""


class Status:
    """How a process ended (cx_status): ``exited`` and ``exit_code``, or
    ``signal`` (and ``core_dumped``); ``rusage`` is a resource.struct_rusage;
    ``returncode`` follows subprocess (exit code, or -signal)."""

    __slots__ = ("exited", "exit_code", "signal", "core_dumped", "rusage")

    def __init__(self, exited, exit_code, sig, core_dumped, rusage):
        self.exited = bool(exited)
        self.exit_code = exit_code if exited else None
        self.signal = None if exited else sig
        self.core_dumped = bool(core_dumped)
        self.rusage = resource.struct_rusage(rusage)

    @property
    def returncode(self):
        return self.exit_code if self.exited else -self.signal

    def __repr__(self):
        how = f"exit_code={self.exit_code}" if self.exited else f"signal={self.signal}"
        return f"<clonexec.Status {how}>"


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


def _signum(s):
    if isinstance(s, str):
        name = s.upper()
        return int(_signal.Signals[name if name.startswith("SIG") else "SIG" + name])
    return int(s)


def _uid(u):
    if isinstance(u, str):
        import pwd
        return pwd.getpwnam(u).pw_uid
    return int(u)


def _gid(g):
    if isinstance(g, str):
        import grp
        return grp.getgrnam(g).gr_gid
    return int(g)


def _fd(v):
    if v is None:
        return -1
    return v if isinstance(v, int) else v.fileno()


def _as_is(fd, close_fds):
    """What a child fd the plan does not name would be without a plan."""
    if close_fds and fd >= 3:
        return -1
    if hasattr(_clonexec, "FD_KEEP"):  # libclonexec 0.2: a sparse plan
        return _clonexec.FD_KEEP
    try:
        return fd if os.get_inheritable(fd) else -1
    except OSError:
        return -1


def _files(fds, close_fds):
    plan = {int(k): _fd(v) for k, v in fds.items()}
    if any(k < 0 for k in plan):
        raise ValueError("fds: child fds are >= 0")
    n = max(max(plan, default=-1) + 1, 3)
    return [plan[i] if i in plan else _as_is(i, close_fds) for i in range(n)]


def _ns(names, what):
    flags = 0
    for n in (names.split(",") if isinstance(names, str) else names):
        if isinstance(n, int):
            flags |= n
            continue
        try:
            flags |= NAMESPACES[n]
        except KeyError:
            raise ValueError(f"{what}: unknown namespace {n!r} "
                             f"(known: {', '.join(NAMESPACES)})") from None
    return flags


def _caps(caps):
    bits = 0
    for c in ((caps,) if isinstance(caps, (str, int)) else caps):
        if isinstance(c, str):
            c = c.lower()
            n = _clonexec.cap_number(c if c.startswith("cap_") else "cap_" + c)
        else:
            n = int(c)
        bits |= 1 << n
    return bits


def _limit(v):
    if v is None or v == resource.RLIM_INFINITY:
        return _clonexec.RLIM_INFINITY
    return int(v)


def _rlimits(limits):
    out = []
    for name, v in limits.items():
        if isinstance(name, str):
            key = name.lower().removeprefix("rlimit_")
            if key not in _RLIMITS:
                raise ValueError(f"rlimits: unknown resource {name!r} "
                                 f"(known: {', '.join(_RLIMITS)})")
            res = _RLIMITS[key]
        else:
            res = int(name)
        soft, hard = (v, v) if v is None or isinstance(v, int) else v
        out.append((res, _limit(soft), _limit(hard)))
    return out


def _idmap(m):
    if m is None:
        return None
    if len(m) == 3 and all(isinstance(x, int) for x in m):
        m = [m]
    return [tuple(int(x) for x in r) for r in m]


def _prepare(args, executable, env, kw):
    """(path, argv, envp, attrs dict, search, fds to close afterwards)."""
    if isinstance(args, (str, bytes, os.PathLike)):
        args = [args]
    args = [os.fsencode(a) for a in args]
    if not args:
        raise ValueError("args is empty")
    path = os.fsencode(executable) if executable is not None else args[0]
    envp = None
    if env is not None:
        envp = []
        for k, v in env.items():
            k = os.fsencode(k)
            if b"=" in k:
                raise ValueError("illegal environment variable name")
            envp.append(k + b"=" + os.fsencode(v))
    return path, args, envp, _attrs(**kw)


def _attrs(*, cwd=None, fds=None, close_fds=True, user=None, group=None, groups=None,
           namespaces=(), unshare=(), uid_map=None, gid_map=None, setgroups=False,
           ambient_caps=(), cgroup=None, root=None, new_session=False, process_group=None,
           foreground=False, ctty=None, setctty=False, noctty=False, pdeathsig=None,
           rlimits=None, umask=None, sigmask=None, sigdefault=(), restore_signals=True,
           no_new_privs=False, keep_propagation=False, ptrace=False, require_pidfd=False,
           join=(), join_pidfd=None, join_namespaces=(), cap_bounding=None,
           cap_inheritable=None, cap_keep=None, securebits=None, seccomp_filter=None,
           landlock_rules=None, landlock_handled=0, landlock_strict=False, landlock_fd=None,
           monotonic_offset=0, boottime_offset=0, _close=None):
    C = _clonexec
    a = {"flags": 0}

    def flag(cond, f):
        if cond:
            a["flags"] |= f

    a["dir"] = cwd
    a["chroot"] = root
    if fds is not None:
        a["files"] = _files(fds, close_fds)
    flag(close_fds, C.ATTR_CLOSE_OTHER_FDS)
    a["cloneflags"] = _ns(namespaces, "namespaces")
    a["unshareflags"] = _ns(unshare, "unshare")
    a["uid_map"] = _idmap(uid_map)
    a["gid_map"] = _idmap(gid_map)
    flag(setgroups, C.ATTR_SETGROUPS_ALLOW)
    if hasattr(C, "ATTR_SET_UID") and (user is None or group is None):
        # libclonexec 0.2: each id alone. Both ids keep CREDENTIAL, which
        # leaves out an empty setgroups a "deny" namespace would refuse.
        flag(user is not None, C.ATTR_SET_UID)
        flag(group is not None, C.ATTR_SET_GID)
        flag(groups is not None, C.ATTR_SET_GROUPS)
        a["uid"] = _uid(user) if user is not None else 0
        a["gid"] = _gid(group) if group is not None else 0
        a["groups"] = None if groups is None else [_gid(g) for g in groups]
    elif user is not None or group is not None or groups is not None:
        userns = (a["cloneflags"] | a["unshareflags"]) & C.NEWUSER
        if userns and (user is None or group is None):
            raise ValueError("in a new user namespace give both user= and group=")
        a["flags"] |= C.ATTR_CREDENTIAL
        a["uid"] = _uid(user) if user is not None else os.geteuid()
        a["gid"] = _gid(group) if group is not None else os.getegid()
        if groups is None:
            a["flags"] |= C.ATTR_NO_SETGROUPS
        else:
            a["groups"] = [_gid(g) for g in groups]
    a["ambient_caps"] = _caps(ambient_caps)
    if cgroup is not None:
        if isinstance(cgroup, int):
            a["cgroup_fd"] = cgroup
        else:
            fd = os.open(cgroup, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
            _close.append(fd)
            a["cgroup_fd"] = fd
        a["flags"] |= C.ATTR_CGROUP
    flag(new_session, C.ATTR_SETSID)
    if process_group is not None or foreground:
        a["flags"] |= C.ATTR_FOREGROUND if foreground else C.ATTR_SETPGID
        a["pgid"] = int(process_group or 0)
    if ctty is not None:
        a["ctty_fd"] = _fd(ctty)
    flag(setctty, C.ATTR_SETCTTY)
    flag(noctty, C.ATTR_NOCTTY)
    if pdeathsig is not None:
        a["pdeathsig"] = _signum(pdeathsig)
    if rlimits:
        a["rlimits"] = _rlimits(rlimits)
    if umask is not None:
        a["flags"] |= C.ATTR_UMASK
        a["umask"] = int(umask)
    if sigmask is not None:
        a["flags"] |= C.ATTR_SIGMASK
        a["sigmask"] = [_signum(s) for s in sigmask]
    defaults = [_signum(s) for s in sigdefault]
    if restore_signals:  # as subprocess: what Python ignores at start-up
        defaults += [_signal.SIGPIPE, _signal.SIGXFSZ]
    if defaults:
        a["flags"] |= C.ATTR_SIGDEFAULT
        a["sigdefault"] = defaults
    flag(no_new_privs, C.ATTR_NO_NEW_PRIVS)
    flag(keep_propagation, C.ATTR_KEEP_PROPAGATION)
    flag(ptrace, C.ATTR_PTRACE)
    flag(require_pidfd, C.ATTR_REQUIRE_PIDFD)
    # Join and confine (library 0.2).
    joins = []
    for j in join:
        target, ns = (j, 0) if isinstance(j, (int, str, bytes, os.PathLike)) else j
        ns = _ns((ns,), "join") if ns else 0
        if not isinstance(target, int):
            target = os.open(target, os.O_RDONLY | os.O_CLOEXEC)
            _close.append(target)
        joins.append((target, ns))
    a["join_fds"] = joins or None
    if join_pidfd is not None:
        a["flags"] |= C.ATTR_JOIN_PIDFD
        a["join_pidfd"] = _fd(join_pidfd)
        a["join_ns"] = _ns(join_namespaces, "join_namespaces")
    for name, caps, f in (("cap_bounding", cap_bounding, C.ATTR_CAP_BOUNDING),
                          ("cap_inheritable", cap_inheritable, C.ATTR_CAP_INHERITABLE),
                          ("cap_keep", cap_keep, C.ATTR_CAP_KEEP)):
        if caps is not None:
            a["flags"] |= f
            a[name] = _caps(caps)
    if securebits is not None:
        a["flags"] |= C.ATTR_SECUREBITS
        a["securebits"] = int(securebits)
    if seccomp_filter is not None:
        a["seccomp_filter"] = bytes(seccomp_filter)
    if landlock_rules is not None:
        a["landlock_rules"] = [(os.fsencode(p), int(acc)) for p, acc in landlock_rules]
    a["landlock_handled"] = int(landlock_handled)
    flag(landlock_strict, C.ATTR_LANDLOCK_STRICT)
    if landlock_fd is not None:
        a["flags"] |= C.ATTR_LANDLOCK_FD
        a["landlock_fd"] = int(landlock_fd)
    a["monotonic_offset"] = int(monotonic_offset)
    a["boottime_offset"] = int(boottime_offset)
    return a


def _call(fn, args, executable, env, search_path, attributes):
    """fn(path, argv, envp, attrs, search), closing the fds opened for it."""
    close = []
    try:
        path, argv, envp, attrs = _prepare(args, executable, env,
                                           dict(attributes, _close=close))
        return fn(path, argv, envp, attrs, search_path)
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

    Raises :class:`SpawnError` (also FileNotFoundError, PermissionError...)
    naming the step that failed; nothing is left running then.
    """
    return Process(_call(_clonexec.spawn, args, executable, env, search_path, attributes), args)


def explain(args, *, executable=None, env=None, search_path=True, **attributes):
    """The steps :func:`spawn` with the same arguments would run, as a list
    of :class:`Step`, without starting anything. Invalid attributes raise
    the same SpawnError spawn would."""
    steps = _call(_clonexec.explain, args, executable, env, search_path, attributes)
    return [Step(i, s, _clonexec.step_name(s), who, text) for i, s, who, text in steps]


del errno
