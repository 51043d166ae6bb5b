# SPDX-License-Identifier: MIT
"""Compare two cpython_suite.py results: STOCK.json BACKEND.json COUNTS_DIR, as TAP.

Prints both summaries, the tests whose outcome differs, the spawns that
went through libclonexec (summed over every process of the backend run);
exits 1 if a test that passes stock does not pass with the backend, or if
no spawn went through libclonexec."""
import collections
import json
import os
import sys

PASS = ("ok", "xfail")


def summary(name, r):
    c = collections.Counter(r["outcomes"].values())
    return (f"{name}: {r['testsRun']} run, {c['ok']} passed, {c['skip']} skipped, "
            f"{c['fail']} failed, {c['error']} errors, {c['xfail']} expected failures, "
            f"{c['xpass']} unexpected successes ({r['seconds']} s)")


def main():
    stock = json.load(open(sys.argv[1]))
    backend = json.load(open(sys.argv[2]))
    counts = [0, 0]
    files = os.listdir(sys.argv[3])
    for n in files:
        with open(os.path.join(sys.argv[3], n)) as f:
            a, b = f.read().split()
            counts[0] += int(a)
            counts[1] += int(b)
    print("# " + summary("stock  ", stock))
    print("# " + summary("backend", backend))
    print(f"# spawns through libclonexec: {counts[0]}, through CPython (preexec_fn): "
          f"{counts[1]}, in {len(files)} Python processes")
    regressions = []
    for t, o in sorted(stock["outcomes"].items()):
        b = backend["outcomes"].get(t, "missing")
        if o != b:
            print(f"# {t}: stock {o}, backend {b}")
        if o in PASS and b not in PASS:
            regressions.append(t)
    n = failed = 0

    def ok(cond, what):
        nonlocal n, failed
        n += 1
        failed += not cond
        print(("ok" if cond else "not ok") + f" {n} - {what}")

    ok(stock["testsRun"] > 0 and any(o == "ok" for o in stock["outcomes"].values()),
       "the stock run ran tests")
    ok(not regressions, "no test that passes stock fails with the backend"
       + (": " + ", ".join(regressions) if regressions else ""))
    ok(backend["testsRun"] == stock["testsRun"], "both runs ran the same tests")
    ok(counts[0] >= 200, f"the backend spawned through libclonexec ({counts[0]} >= 200)")
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
