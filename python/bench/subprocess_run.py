# SPDX-License-Identifier: MIT
"""subprocess.run(["true"]) with CPython's fork_exec and with clonexec's
backend, with and without user=/group=/extra_groups=, in a parent holding
GIB GiB of touched memory; the four variants interleaved in random order.

    PYTHONPATH=build/python /usr/bin/python3 python/bench/subprocess_run.py [-n N] [GIB...]

Prints, per memory size, the median and p90 wall time in µs, the mean CPU
time of the parent and the child per call (steadier on a shared machine),
and the ratios."""
import argparse
import os
import random
import resource
import statistics
import subprocess
import time

import clonexec.subprocess_backend as backend

CRED = dict(user=65534, group=65534, extra_groups=[])


def cpu_us():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime) * 1e6


def run_once(on, cred):
    """(wall µs, CPU µs of this process and the child) of one call."""
    (backend.install if on else backend.uninstall)()
    c0, t0 = cpu_us(), time.perf_counter_ns()
    subprocess.run(["true"], **(CRED if cred else {}))
    return (time.perf_counter_ns() - t0) / 1000, cpu_us() - c0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=200)
    ap.add_argument("gib", nargs="*", type=float, default=[0, 2])
    a = ap.parse_args()
    os.environ["PATH"] = "/usr/bin:/bin"
    variants = [(on, cred) for on in (False, True) for cred in (False, True)]
    print(f"# {a.n} runs per variant, interleaved; PATH={os.environ['PATH']}; "
          f"load {os.getloadavg()[0]:.1f}")
    print("| parent memory | variant | median µs | p90 µs | CPU µs (mean, parent + child) |")
    print("| ---: | --- | ---: | ---: | ---: |")
    for gib in a.gib:
        mem = bytearray(int(gib * (1 << 30)))
        mem[::4096] = b"\1" * len(range(0, len(mem), 4096))  # touch every page
        times = {v: [] for v in variants}
        for v in variants:  # warm up
            run_once(*v)
        for _ in range(a.n):
            order = variants[:]
            random.shuffle(order)
            for v in order:
                times[v].append(run_once(*v))
        med = {v: statistics.median(w for w, _ in t) for v, t in times.items()}
        cpu = {v: statistics.mean(c for _, c in t) for v, t in times.items()}
        for v in variants:
            p90 = statistics.quantiles([w for w, _ in times[v]], n=10)[-1]
            name = ("clonexec backend" if v[0] else "CPython fork_exec") + \
                (", user/group/extra_groups" if v[1] else "")
            print(f"| {gib:g} GiB | {name} | {med[v]:.0f} | {p90:.0f} | {cpu[v]:.0f} |")
        r = [med[(True, c)] / med[(False, c)] for c in (False, True)]
        rc = [cpu[(True, c)] / cpu[(False, c)] for c in (False, True)]
        print(f"| {gib:g} GiB | backend/stock: plain, creds | {r[0]:.2f}, {r[1]:.3f} | "
              f"| {rc[0]:.2f}, {rc[1]:.3f} |")
        del mem
    backend.uninstall()


if __name__ == "__main__":
    main()
