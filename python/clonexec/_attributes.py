# SPDX-License-Identifier: MIT
"""From spawn()'s keywords to the dict the extension reads (names turned
into numbers, flags combined). Validation is the library's: a bad value
gets its own error (step "check attributes") and reason."""
import os
import resource
import signal as _signal
import struct

from . import _clonexec
from . import _mounts
#: Namespace names accepted by ``namespaces=`` and ``unshare=``.
NAMESPACES = {
    "user": _clonexec.NEWUSER, "pid": _clonexec.NEWPID, "mount": _clonexec.NEWNS,
    "mnt": _clonexec.NEWNS, "net": _clonexec.NEWNET, "uts": _clonexec.NEWUTS,
    "ipc": _clonexec.NEWIPC, "cgroup": _clonexec.NEWCGROUP, "time": _clonexec.NEWTIME,
}

_RLIMITS = {_clonexec.rlimit_name(r): r for r in range(64) if _clonexec.rlimit_name(r)}

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


def prepare(args, executable, env, kw):
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
    return path, args, envp, attrs(**kw)


def attrs(*, cwd=None, fds=None, close_fds=True, user=None, group=None, groups=None,
           namespaces=(), unshare=(), uid_map=None, gid_map=None, setgroups=False,
           ambient_caps=(), cgroup=None, root=None, new_session=False, process_group=None,
           foreground=False, ctty=None, setctty=False, noctty=False, pdeathsig=None,
           rlimits=None, umask=None, sigmask=None, sigdefault=(), restore_signals=True,
           no_new_privs=False, keep_propagation=False, ptrace=False, require_pidfd=False,
           join=(), join_pidfd=None, join_namespaces=(), cap_bounding=None,
           cap_inheritable=None, cap_keep=None, securebits=None, seccomp_filter=None,
           landlock_rules=None, landlock_handled=0, landlock_strict=False, landlock_fd=None,
           monotonic_offset=0, boottime_offset=0, mounts=(), new_root=False, hostname=None,
           domainname=None, init=False, nice=None, sched_policy=None, sched_priority=None,
           sched_reset_on_fork=False, cpus=None, ioprio_class=None, ioprio_level=None,
           oom_score_adj=None, cgroup_parent=None, cgroup_limits=None, chdir_first=False,
           programs=None, _close=None):
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
    # The filesystem view (library 0.2, issue 9).
    if mounts:
        a["mounts"] = _mounts.plan(mounts)
    flag(new_root, C.ATTR_NEW_ROOT)
    a["hostname"] = hostname
    a["domainname"] = domainname
    flag(init, C.ATTR_INIT)
    # Resources (library 0.2, issue 11).
    _resources(a, nice, sched_policy, sched_priority, sched_reset_on_fork, cpus,
               ioprio_class, ioprio_level, oom_score_adj)
    if cgroup_limits and cgroup_parent is None:
        raise ValueError("cgroup_limits: needs cgroup_parent (the cgroup they apply to)")
    a["cgroup_parent"] = cgroup_parent
    if cgroup_limits:
        a["cgroup_limits"] = [(os.fsencode(f), _cgroup_value(v))
                              for f, v in cgroup_limits.items()]
    # Issue 8: the rest of the exec-side API.
    flag(chdir_first, C.ATTR_CHDIR_FIRST)
    if programs is not None:
        a["programs"] = [os.fsencode(p) for p in programs]
    return a


_POLICIES = {"other": _clonexec.SCHED_OTHER, "batch": _clonexec.SCHED_BATCH,
             "idle": _clonexec.SCHED_IDLE, "fifo": _clonexec.SCHED_FIFO,
             "rr": _clonexec.SCHED_RR}
#: I/O classes accepted by ``ioprio_class=`` (ionice(1)'s words).
IOPRIO_CLASSES = {"none": _clonexec.IOPRIO_CLASS_NONE, "realtime": _clonexec.IOPRIO_CLASS_RT,
                  "rt": _clonexec.IOPRIO_CLASS_RT, "best-effort": _clonexec.IOPRIO_CLASS_BE,
                  "be": _clonexec.IOPRIO_CLASS_BE, "idle": _clonexec.IOPRIO_CLASS_IDLE}
# os.SCHED_RESET_ON_FORK, or'ed into a policy as os.sched_setscheduler takes it.
_RESET_ON_FORK = getattr(os, "SCHED_RESET_ON_FORK", 0x40000000)
_WORD_BITS = 8 * struct.calcsize("L")


def _named(v, names, what, prefix=""):
    if isinstance(v, str):
        key = v.lower().removeprefix(prefix)
        if key not in names:
            raise ValueError(f"{what}: unknown {v!r} (known: {', '.join(names)})")
        return names[key]
    return int(v)


def _cpu_mask(cpus):
    """sched_setaffinity's mask of a set of CPU numbers, as unsigned longs."""
    cpus = {int(c) for c in cpus}
    if any(c < 0 for c in cpus):
        raise ValueError("cpus: CPU numbers are >= 0")
    words = [0] * (max(cpus, default=0) // _WORD_BITS + 1)
    for c in cpus:
        words[c // _WORD_BITS] |= 1 << (c % _WORD_BITS)
    return struct.pack(f"{len(words)}L", *words)


def _cgroup_value(v):
    if v is None:
        return b"max"
    return str(v).encode() if isinstance(v, int) else os.fsencode(v)


def _resources(a, nice, policy, priority, reset_on_fork, cpus, ioclass, level, oom):
    C = _clonexec
    if nice is not None:
        a["flags"] |= C.ATTR_NICE
        a["nice"] = int(nice)
    if policy is None and (priority is not None or reset_on_fork):
        raise ValueError("sched_priority, sched_reset_on_fork: need sched_policy")
    if policy is not None:
        policy = _named(policy, _POLICIES, "sched_policy", "sched_")
        if policy & _RESET_ON_FORK:
            policy &= ~_RESET_ON_FORK
            reset_on_fork = True
        if priority is None:  # chrt's default for the real-time policies
            priority = 1 if policy in (C.SCHED_FIFO, C.SCHED_RR) else 0
        a["flags"] |= C.ATTR_SCHED | (C.ATTR_SCHED_RESET_ON_FORK if reset_on_fork else 0)
        a["sched_policy"] = policy
        a["sched_priority"] = int(getattr(priority, "sched_priority", priority))
    if cpus is not None:
        a["flags"] |= C.ATTR_CPUS
        a["cpus"] = _cpu_mask(cpus)
    if ioclass is None and level is not None:
        raise ValueError("ioprio_level: needs ioprio_class")
    if ioclass is not None:
        ioclass = _named(ioclass, IOPRIO_CLASSES, "ioprio_class")
        if level is None:  # ionice's default level
            level = 4 if ioclass in (C.IOPRIO_CLASS_RT, C.IOPRIO_CLASS_BE) else 0
        a["flags"] |= C.ATTR_IOPRIO
        a["ioprio_class"] = ioclass
        a["ioprio_level"] = int(level)
    if oom is not None:
        a["flags"] |= C.ATTR_OOM_SCORE_ADJ
        a["oom_score_adj"] = int(oom)


