# SPDX-License-Identifier: MIT
"""Run as a spawned child (python3 -I -S observe.py): print, as JSON, what
the process sees of itself, for tests/python/test_module.py."""
import ctypes
import json
import os
import resource
import sys


def status():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def stat_fields():
    with open("/proc/self/stat") as f:
        s = f.read()
    return s[s.rindex(")") + 2:].split()


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError as e:
        return f"error {e.errno}"


def open_fds():
    fds = []
    for fd in range(1100):
        try:
            os.fstat(fd)
        except OSError:
            continue
        fds.append(fd)
    return fds


def main():
    fds = open_fds()  # first: before anything opens a file
    libc = ctypes.CDLL(None, use_errno=True)
    sig = ctypes.c_int(0)
    libc.prctl(2, ctypes.byref(sig), 0, 0, 0)  # PR_GET_PDEATHSIG
    secbits = libc.prctl(27, 0, 0, 0, 0)  # PR_GET_SECUREBITS
    st = stat_fields()
    um = os.umask(0)
    out = {
        "argv0": open("/proc/self/cmdline", "rb").read().split(b"\0")[0].decode(),
        "pid": os.getpid(), "ppid": os.getppid(),
        "uid": os.getuid(), "gid": os.getgid(), "euid": os.geteuid(),
        "groups": sorted(os.getgroups()),
        "cwd": os.getcwd(), "env": dict(os.environ), "umask": um,
        "fds": fds,
        "fdlinks": {},
        "sid": os.getsid(0), "pgrp": os.getpgrp(), "tty_nr": int(st[4]), "tpgid": int(st[5]),
        "status": status(), "pdeathsig": sig.value, "securebits": secbits,
        "nofile": resource.getrlimit(resource.RLIMIT_NOFILE),
        "core": resource.getrlimit(resource.RLIMIT_CORE),
        "ns": {n: os.readlink(f"/proc/self/ns/{n}") for n in
               ("user", "pid", "mnt", "net", "uts", "ipc", "cgroup")},
        "uid_map": read("/proc/self/uid_map"), "gid_map": read("/proc/self/gid_map"),
        "setgroups": read("/proc/self/setgroups").strip(),
        "cgroup": read("/proc/self/cgroup").strip(),
        "nice": os.getpriority(os.PRIO_PROCESS, 0),
        "sched_policy": os.sched_getscheduler(0),
        "sched_priority": os.sched_getparam(0).sched_priority,
        "cpus": sorted(os.sched_getaffinity(0)),
        "oom_score_adj": int(read("/proc/self/oom_score_adj")),
        "uname": list(os.uname()[:2]),
        "domainname": read("/proc/sys/kernel/domainname").strip(),
        "mounts": [l.split()[4] for l in read("/proc/self/mountinfo").splitlines()],
        "root_shared": any(l.split()[4] == "/" and "shared:" in l
                           for l in read("/proc/self/mountinfo").splitlines()),
    }
    for fd in out["fds"]:
        try:
            out["fdlinks"][str(fd)] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            pass
    if len(sys.argv) > 1:
        print(json.dumps(out), file=open(int(sys.argv[1]), "w", closefd=False))
    else:
        print(json.dumps(out))


main()
