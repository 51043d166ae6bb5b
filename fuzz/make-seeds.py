#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write fuzz/corpus/fuzz-attr/: one seed per scenario, encoded the way
fuzz-attr.c decodes its bytes (keep the two in step). Run from the repo
root: python3 fuzz/make-seeds.py. The fuzz-cli seeds are plain argument
lists separated by NUL bytes and are written by hand."""
import os
import struct

NEWUSER, NEWPID, NEWNS, NEWNET = 0x10000000, 0x20000000, 0x20000, 0x40000000
NEWUTS, NEWIPC, NEWCGROUP, NEWTIME = 0x04000000, 0x08000000, 0x02000000, 0x80
F = {n: 1 << i for i, n in enumerate(
    "setsid setpgid foreground setctty noctty ptrace credential no_setgroups setgroups_allow "
    "close_others keep_propagation cgroup sigmask sigdefault require_pidfd no_new_privs "
    "umask".split())}


def u8(v): return struct.pack("<B", v & 0xff)
def u16(v): return struct.pack("<H", v & 0xffff)
def u32(v): return struct.pack("<I", v & 0xffffffff)
def u64(v): return struct.pack("<Q", v & 0xffffffffffffffff)


def small(v):
    """fz_small_int: a selector below 200 gives sel % 24 - 2 (-2..21)."""
    if -2 <= v <= 21:
        return u8(v + 2)
    return u8(255) + u32(v)


def string(s):
    if s is None:
        return u8(0xff)
    b = s.encode()
    return u8(len(b)) + b


def strv(items):
    if items is None:
        return u8(0xff)
    return u8(len(items)) + b"".join(string(s) for s in items)


def biased(v, raw=False):
    """160: v & mask; 200: zero; 255: v as is."""
    return u8(255 if raw else 0) + u64(v)


def seed(mode=0, tail=0, path=None, argv=("true",), envp=None, stop_at=None, flags=0,
         dir=None, chroot=None, files=None, nfiles=None, ctty=0, uid=0, gid=0, groups=(),
         clone=0, unshare=0, uid_map=(), gid_map=(), caps=0, cgroup_fd=0, pgid=0,
         pdeathsig=0, umask=0, sigmask=0, sigdefault=0, rlimits=(), raw_flags=False,
         size=None, tail_bytes=b""):
    if path is not None:
        mode |= 2
    if envp is not None:
        mode |= 4
    if stop_at is not None:
        mode |= 8
    b = u8(mode) + u8(tail)
    if mode & 0xc0 == 0xc0:
        b += u8(0x40)  # an unknown cx_explain flag
    if path is not None:
        b += string(path)
    b += strv(list(argv) if argv is not None else None)
    if envp is not None:
        b += strv(envp)
    if stop_at is not None:
        b += u8(stop_at)
    b += biased(flags, raw_flags) + string(dir)
    b += u8(200 if chroot is not None else 0) + (string(chroot) if chroot is not None else b"")
    n = len(files) if files is not None else (nfiles or 0)
    b += u8(n) + u8(255 if files is not None else 0)
    if files is not None:
        b += b"".join(small(f) for f in files)
    b += small(ctty) + small(uid) + small(gid)
    b += u8(len(groups))
    b += b"".join(u32(g) for g in groups) if groups else u8(0) + u8(0)
    b += biased(clone) + biased(unshare)
    for m in (uid_map, gid_map):
        b += u16(len(m) if len(m) < 6 else 60000 + len(m))  # 60000+: n % 400
        b += b"".join(u32(i) + u32(o) + u32(c) for i, o, c in m) if m else u8(0)
    b += biased(caps) + small(cgroup_fd) + small(pgid)
    b += (u8(1) + small(pdeathsig)) if pdeathsig else u8(0)
    b += u16(umask) + u64(sigmask) + u64(sigdefault)
    b += u8(len(rlimits))
    for res, soft, hard in rlimits:
        b += small(res) + biased(soft, True) + biased(hard, True)
    if size is not None:
        b += u8(size)
    return b + tail_bytes


SEEDS = {
    "plain": seed(),
    "search-path": seed(mode=1),
    "search-path-missing": seed(mode=1, path="no-such-program-here"),
    "null-attr": seed(mode=0x20),
    "short-size": seed(mode=0x10, size=8),
    "tail-zero": seed(mode=0x30, tail=16),
    "tail-nonzero": seed(mode=0x70, tail=8, tail_bytes=b"\1" * 8),
    "explain-bad-flag": seed(mode=0xc0),
    "stop-early": seed(stop_at=2),
    "env": seed(envp=["A=B", "PATH=/bin"]),
    "null-argv": seed(argv=None),
    "empty-argv": seed(argv=[]),
    "empty-path": seed(path=""),
    "dir-chroot": seed(dir="/tmp", chroot="/"),
    "fd-plan": seed(files=[0, 1, 2, 1, -1, 0], flags=F["close_others"]),
    "fd-cycle": seed(files=[2, 0, 1]),
    "fd-bad": seed(files=[0, -2, 19]),
    "fd-none": seed(files=[]),
    "close-others": seed(flags=F["close_others"]),
    "setsid-setctty": seed(flags=F["setsid"] | F["setctty"], files=[0, 1, 2], ctty=0),
    "foreground": seed(flags=F["foreground"], files=[0, 1, 2], ctty=2),
    "foreground-out": seed(flags=F["foreground"], files=[0, 1], ctty=7),
    "noctty": seed(flags=F["noctty"], ctty=1),
    "setpgid": seed(flags=F["setpgid"], pgid=0),
    "credential": seed(flags=F["credential"], uid=21, gid=21, groups=[1, 2, 3]),
    "credential-keep-groups": seed(flags=F["credential"] | F["no_setgroups"], uid=5, gid=5),
    "credential-minus-one": seed(flags=F["credential"], uid=-1),
    "caps": seed(flags=F["credential"], uid=20, caps=(1 << 10) | (1 << 21)),
    "caps-high": seed(caps=1 << 45),
    "userns-maps": seed(clone=NEWUSER, uid_map=[(0, 1000, 1)], gid_map=[(0, 1000, 1)]),
    "userns-maps-allow": seed(clone=NEWUSER, flags=F["setgroups_allow"],
                              uid_map=[(0, 100000, 65536)], gid_map=[(0, 100000, 65536)]),
    "unshare-userns-maps": seed(unshare=NEWUSER | NEWNS, uid_map=[(0, 0, 1)],
                                gid_map=[(0, 0, 1)]),
    "map-overlap": seed(clone=NEWUSER, uid_map=[(0, 10, 5), (3, 100, 5)]),
    "map-wrap": seed(clone=NEWUSER, uid_map=[(0xffffffff, 0, 2)]),
    "map-many": seed(clone=NEWUSER, uid_map=[(i, 50000 + i, 1) for i in range(40)]),
    "all-namespaces": seed(clone=NEWUSER | NEWPID | NEWNS | NEWNET | NEWUTS | NEWIPC | NEWCGROUP
                           | NEWTIME),
    "mount-keep-propagation": seed(clone=NEWNS, flags=F["keep_propagation"]),
    "cgroup": seed(flags=F["cgroup"], cgroup_fd=1),
    "pdeathsig": seed(pdeathsig=15),
    "pdeathsig-pidns": seed(pdeathsig=17, clone=NEWPID),
    "pdeathsig-bad": seed(pdeathsig=65),
    "signals": seed(flags=F["sigmask"] | F["sigdefault"], sigmask=0x5555, sigdefault=0xffff),
    "umask": seed(flags=F["umask"] | F["no_new_privs"] | F["ptrace"] | F["require_pidfd"],
                  umask=0o27),
    "umask-bad": seed(flags=F["umask"], umask=0o1777),
    "rlimits": seed(rlimits=[(7, 64, 128), (4, 0, 0), (9, 2**64 - 1, 2**64 - 1)]),
    "rlimit-dup": seed(rlimits=[(4, 0, 0), (4, 0, 0)]),
    "rlimit-soft-above": seed(rlimits=[(0, 10, 5)]),
    "unknown-flags": seed(flags=1 << 40, raw_flags=True),
    "everything": seed(flags=F["setsid"] | F["credential"] | F["close_others"] | F["umask"],
                       dir="/", files=[0, 1, 2, 2], uid=7, gid=7, groups=[7],
                       clone=NEWUSER | NEWNS | NEWPID, uid_map=[(0, 1000, 1), (7, 2000, 1)],
                       gid_map=[(0, 1000, 1), (7, 2000, 1)], caps=1 << 12, pdeathsig=9,
                       umask=0o22, rlimits=[(7, 32, 64)]),
}

if __name__ == "__main__":
    out = "fuzz/corpus/fuzz-attr"
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{len(SEEDS)} seeds in {out}")
