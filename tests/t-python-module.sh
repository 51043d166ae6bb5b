#!/bin/bash
# SPDX-License-Identifier: MIT
# The clonexec Python module's own tests (tests/python/test_module.py with
# test_sandbox.py, test_resources.py and test_exec.py; TAP).
# With CX_VALGRIND=1 (make check-valgrind): a short subset with the whole
# interpreter under valgrind memcheck; definite leaks and errors fail.
: "${CX_BUILD:?CX_BUILD must name the build directory}"
if [ "${CX_SANITIZE:-}" = 1 ]; then
	echo "1..0 # SKIP the extension is not built with AddressSanitizer (python3 loads no ASan runtime)"
	exit 77
fi
PY=${PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -e "$CX_BUILD/python/clonexec/__init__.py" ]; then
	echo "1..1"
	echo "not ok 1 - the module is built (make python)"
	exit 1
fi
export PYTHONPATH=$CX_BUILD/python
cd /tmp || exit 1
if [ "${CX_VALGRIND:-0}" = 1 ]; then
	# pymalloc's arenas look like errors to memcheck: plain malloc.
	PYTHONMALLOC=malloc exec valgrind --quiet --leak-check=full --show-leak-kinds=definite \
		--errors-for-leak-kinds=definite --error-exitcode=1 \
		"$PY" "$here/python/test_module.py" --quick
fi
exec "$PY" "$here/python/test_module.py"
