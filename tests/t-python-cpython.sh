#!/bin/bash
# SPDX-License-Identifier: MIT
# CPython's own test_subprocess (Debian's libpython3.11-testsuite), run
# twice at the same time: stock, and with clonexec.subprocess_backend
# installed in the test process and in every Python child it starts (a
# sitecustomize on PYTHONPATH). Fails if a test that passes stock does not
# pass with the backend, or if the spawns did not go through libclonexec.
# Takes about a minute (the suite's own length; both runs overlap).
: "${CX_BUILD:?CX_BUILD must name the build directory}"
PY=${PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
suite=$("$PY" -c 'import test.test_subprocess as t; print(t.__file__)' 2>/dev/null)
if [ -z "$suite" ]; then
	echo "1..1"
	echo "not ok 1 - test.test_subprocess importable (apt-get install libpython3.11-testsuite; make deps-check does)"
	exit 1
fi
T=$(mktemp -d /tmp/cx-pysuite.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/stock" "$T/backend" "$T/counts"
export PYTHONPATH=$here/python:$CX_BUILD/python
# Both runs see the same environment but for the switch.
(cd "$T/stock" && CX_PY_BACKEND=0 exec "$PY" "$here/python/cpython_suite.py" "$T/stock.json") \
	>"$T/stock.log" 2>&1 &
stock=$!
(cd "$T/backend" && CX_PY_BACKEND=1 CX_PY_COUNTS=$T/counts exec "$PY" \
	"$here/python/cpython_suite.py" "$T/backend.json") >"$T/backend.log" 2>&1
wait $stock
echo "# $suite"
for run in stock backend; do
	if [ ! -s "$T/$run.json" ]; then
		echo "1..1"
		echo "not ok 1 - the $run run wrote its results"
		sed 's/^/# /' "$T/$run.log" | tail -40
		exit 1
	fi
done
"$PY" "$here/python/compare_suites.py" "$T/stock.json" "$T/backend.json" "$T/counts"
rc=$?
if [ $rc -ne 0 ]; then
	for run in stock backend; do
		echo "# --- $run: failures"
		grep -E -A25 '^(FAIL|ERROR):' "$T/$run.log" | sed 's/^/# /' | head -150
	done
fi
exit $rc
