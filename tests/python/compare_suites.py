# SPDX-License-Identifier: MIT
"""Compare cpython_suite.py results, as TAP:

    compare_suites.py --stock A.json... --backend B.json... --counts DIR
                      [--retry R.json] [--regressions-to FILE]

Prints both summaries, the tests whose outcome differs, the spawns that
went through libclonexec (summed over every process of the backend run).
Fails if a test that passes stock does not pass with the backend (unless
it passed when run again alone with the backend, --retry: a timing-flaky
test, reported as such), or if too few spawns went through libclonexec.
--regressions-to writes the regressed test ids, one per line."""
import argparse
import collections
import json
import os
import sys


def load(files):
    """Several partial runs as one."""
    out = {"seconds": 0, "testsRun": 0, "outcomes": {}}
    for name in files:
        with open(name) as f:
            r = json.load(f)
        out["seconds"] = max(out["seconds"], r["seconds"])
        out["testsRun"] += r["testsRun"]
        out["outcomes"].update(r["outcomes"])
    return out

PASS = ("ok", "xfail")


def summary(name, r):
    c = collections.Counter(r["outcomes"].values())
    return (f"{name}: {r['testsRun']} run, {c['ok']} passed, {c['skip']} skipped, "
            f"{c['fail']} failed, {c['error']} errors, {c['xfail']} expected failures, "
            f"{c['xpass']} unexpected successes ({r['seconds']} s)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stock", nargs="+", required=True)
    ap.add_argument("--backend", nargs="+", required=True)
    ap.add_argument("--counts", required=True)
    ap.add_argument("--retry")
    ap.add_argument("--regressions-to")
    a = ap.parse_args()
    stock = load(a.stock)
    backend = load(a.backend)
    retry = load([a.retry])["outcomes"] if a.retry else {}
    counts = [0, 0]
    files = os.listdir(a.counts)
    for n in files:
        with open(os.path.join(a.counts, n)) as f:
            through, fallback = f.read().split()
            counts[0] += int(through)
            counts[1] += int(fallback)
    print("# " + summary("stock  ", stock))
    print("# " + summary("backend", backend))
    print(f"# spawns through libclonexec: {counts[0]}, through CPython's own (preexec_fn and the like): "
          f"{counts[1]}, in {len(files)} Python processes")
    regressions = []
    for t, o in sorted(stock["outcomes"].items()):
        b = backend["outcomes"].get(t, "missing")
        if o != b:
            print(f"# {t}: stock {o}, backend {b}")
        if o in PASS and b not in PASS:
            if retry.get(t) in PASS:
                print(f"# {t}: passed when run again with the backend (timing-flaky)")
            else:
                regressions.append(t)
    if a.regressions_to:
        with open(a.regressions_to, "w") as f:
            f.write("".join(t + "\n" for t in regressions))
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
