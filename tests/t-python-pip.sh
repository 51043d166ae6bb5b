#!/bin/bash
# SPDX-License-Identifier: MIT
# `pip install ./python` works offline (Debian's setuptools, no index) and
# gives a module that needs no libclonexec.so: linked statically. Without
# pip (python3-pip is not a build dependency), setup.py builds it directly.
: "${CX_BUILD:?CX_BUILD must name the build directory}"
if [ "${CX_SANITIZE:-}" = 1 ]; then
	echo "1..0 # SKIP the extension is not built with AddressSanitizer (python3 loads no ASan runtime)"
	exit 77
fi
PY=${PYTHON:-/usr/bin/python3}
top=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/cx-pip.XXXXXX)
trap 'rm -rf "$T"' EXIT
n=0
failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}
echo "1..4"
export CX_BUILD_DIR=$CX_BUILD
if "$PY" -m pip --version >/dev/null 2>&1; then
	how="pip install --no-index --target"
	"$PY" -m pip install -q --no-index --no-warn-script-location --target "$T/site" \
		"$top/python" >"$T/log" 2>&1
	rc=$?
	site=$T/site
else
	how="setup.py build (no pip here)"
	(cd "$top/python" && "$PY" setup.py -q build --build-base "$T/build") >"$T/log" 2>&1
	rc=$?
	site=$(echo "$T"/build/lib.*)
fi
ok $rc "$how ./python, offline"
[ $rc -eq 0 ] || sed 's/^/# /' "$T/log" | tail -30
so=$(echo "$site"/clonexec/_clonexec*.so)
[ -e "$so" ]
ok $? "the extension is there ($so)"
! ldd "$so" 2>/dev/null | grep -q libclonexec
ok $? "no libclonexec.so needed: linked statically"
out=$(cd /tmp && PYTHONPATH=$site "$PY" -c '
import clonexec, clonexec.subprocess_backend as b, subprocess
assert clonexec.__file__.startswith("'"$site"'"), clonexec.__file__
b.install()
r = subprocess.run(["sh", "-c", "echo $0", "spawned"], capture_output=True, text=True)
print(r.stdout.strip(), b.stats()["clonexec"])' 2>&1)
[ "$out" = "spawned 1" ]
ok $? "the installed package spawns through libclonexec ($out)"
exit $failed
