# SPDX-License-Identifier: MIT
"""subprocess.run(["true"]) with CPython's fork_exec and with clonexec's
backend, with and without user=/group=/extra_groups=, in a parent holding
GIB GiB of touched memory; the four variants interleaved in random order, the
sizes taking turns in blocks of rounds (--blocks).

    PYTHONPATH=build/python /usr/bin/python3 python/bench/subprocess_run.py \
        [-n N] [--blocks B] [--csv FILE] [GIB...]

Prints, per memory size, the median and p90 wall time in µs, the mean CPU
time of the parent and the child per call (steadier on a shared machine),
and the ratios; then the targets of issue 12 as TARGET lines (PASS/MISS)
on the medians: backend / stock without credentials <= 1.0 at every size,
with them <= 1/20 at the largest size, and the backend flat (largest /
smallest size <= 1.2). make bench runs it (bench/bench.mk)."""
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
    ap.add_argument("--blocks", type=int, default=10,
                    help="the sizes take turns this many times (n / blocks rounds each)")
    ap.add_argument("--csv", help="write the table as CSV here")
    ap.add_argument("gib", nargs="*", type=float, default=[0, 2])
    a = ap.parse_args()
    os.environ["PATH"] = "/usr/bin:/bin"
    variants = [(on, cred) for on in (False, True) for cred in (False, True)]
    a.blocks = max(1, min(a.blocks, a.n))
    print(f"# {a.n} runs per variant and size, interleaved; the sizes in turn, "
          f"{a.blocks} blocks; PATH={os.environ['PATH']}; "
          f"load {os.getloadavg()[0]:.1f}")
    print("| parent memory | variant | median µs | p90 µs | CPU µs (mean, parent + child) |")
    print("| ---: | --- | ---: | ---: | ---: |")
    meds, rows = {}, []
    times = {g: {v: [] for v in variants} for g in a.gib}
    # The sizes in turn, in blocks of rounds, so that a change of the
    # machine's load falls on every size alike (flatness compares them).
    for b in range(a.blocks):
        per = a.n // a.blocks + (b < a.n % a.blocks)
        for k in range(len(a.gib)):
            gib = a.gib[(b + k) % len(a.gib)]
            mem = bytearray(int(gib * (1 << 30)))
            mem[::4096] = b"\1" * len(range(0, len(mem), 4096))  # touch every page
            for v in variants:  # warm up
                run_once(*v)
            for _ in range(per):
                order = variants[:]
                random.shuffle(order)
                for v in order:
                    times[gib][v].append(run_once(*v))
            del mem
    for gib in a.gib:
        med = {v: statistics.median(w for w, _ in t) for v, t in times[gib].items()}
        cpu = {v: statistics.mean(c for _, c in t) for v, t in times[gib].items()}
        for v in variants:
            p90 = statistics.quantiles([w for w, _ in times[gib][v]], n=10)[-1]
            name = ("clonexec backend" if v[0] else "CPython fork_exec") + \
                (", user/group/extra_groups" if v[1] else "")
            print(f"| {gib:g} GiB | {name} | {med[v]:.0f} | {p90:.0f} | {cpu[v]:.0f} |")
            rows.append((gib, "backend" if v[0] else "stock", int(v[1]), med[v], p90, cpu[v]))
        meds[gib] = med
        r = [med[(True, c)] / med[(False, c)] for c in (False, True)]
        rc = [cpu[(True, c)] / cpu[(False, c)] for c in (False, True)]
        print(f"| {gib:g} GiB | backend/stock: plain, creds | {r[0]:.2f}, {r[1]:.3f} | "
              f"| {rc[0]:.2f}, {rc[1]:.3f} |")
    backend.uninstall()
    if a.csv:
        with open(a.csv, "w", encoding="utf-8") as f:
            f.write("gib,spawner,credentials,median_us,p90_us,cpu_us\n")
            for r in rows:
                f.write("%g,%s,%d,%.1f,%.1f,%.1f\n" % r)
    targets(meds)


def verdict(what, x, bound, where, tally):
    ok = x <= bound
    tally[ok] += 1
    print(f"TARGET {what:<52} <= {bound:.2f}: measured {x:.3f}  {'PASS' if ok else 'MISS'}")
    print(f"       {where}")


def targets(meds):
    """Issue 12's targets, on medians of wall time measured in this run."""
    tally = {True: 0, False: 0}
    lo, hi = min(meds), max(meds)
    print("Targets (issue 12); medians of wall time:")
    worst = max(meds, key=lambda g: meds[g][(True, False)] / meds[g][(False, False)])
    m = meds[worst]
    verdict("backend / stock, no credentials", m[(True, False)] / m[(False, False)], 1.0,
            f"(worst of all sizes: at {worst:g} GiB, {m[(True, False)]:.0f} vs "
            f"{m[(False, False)]:.0f} us)", tally)
    m = meds[hi]
    verdict(f"backend / stock, user/group/extra_groups at {hi:g} GiB",
            m[(True, True)] / m[(False, True)], 1 / 20,
            f"({m[(True, True)]:.0f} vs {m[(False, True)]:.0f} us)", tally)
    if hi > lo:
        for cred in (False, True):
            x, y = meds[hi][(True, cred)], meds[lo][(True, cred)]
            verdict(f"backend{', credentials,' if cred else ''} at {hi:g} GiB / at {lo:g} GiB",
                    x / y, 1.2, f"({x:.0f} vs {y:.0f} us)", tally)
    print(f"Python benchmark: {tally[True]} PASS, {tally[False]} MISS; "
          f"load average at end: {' '.join('%.2f' % x for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
