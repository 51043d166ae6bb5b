# SPDX-License-Identifier: MIT
"""Run CPython's own test.test_subprocess and write each test's outcome.

    python3 cpython_suite.py OUT.json [unittest names...]

Outcomes: ok, fail, error, skip, xfail, xpass. A test with a failing
subtest is "fail". Prints unittest's usual summary on stderr."""
import json
import sys
import time
import unittest


class Recorder(unittest.TextTestResult):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.outcomes = {}
        self.seconds = {}

    def startTest(self, test):
        super().startTest(test)
        self._t0 = time.monotonic()

    def stopTest(self, test):
        super().stopTest(test)
        self.seconds[test.id()] = round(time.monotonic() - self._t0, 2)

    def _set(self, test, outcome):
        tid = test.id()
        # A failure beats anything recorded before (subtests, cleanups).
        if self.outcomes.get(tid) not in ("fail", "error"):
            self.outcomes[tid] = outcome

    def addSuccess(self, test):
        super().addSuccess(test)
        self._set(test, "ok")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._set(test, "fail")

    def addError(self, test, err):
        super().addError(test, err)
        self._set(test, "error")

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._set(test, "skip")

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._set(test, "xfail")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._set(test, "xpass")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._set(test, "fail")


def main():
    out = sys.argv[1]
    names = sys.argv[2:] or ["test.test_subprocess"]
    suite = unittest.defaultTestLoader.loadTestsFromNames(names)
    runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=1, resultclass=Recorder)
    t0 = time.monotonic()
    result = runner.run(suite)
    with open(out, "w") as f:
        json.dump({"seconds": round(time.monotonic() - t0, 1),
                   "testsRun": result.testsRun,
                   "outcomes": result.outcomes,
                   "test_seconds": result.seconds}, f, indent=0, sort_keys=True)


if __name__ == "__main__":
    main()
