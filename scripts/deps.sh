#!/bin/sh
# What `make demo` and `make check` need beyond a compiler and make, checked
# in a blink; on a fresh Debian machine, as root, the missing packages are
# installed with apt-get, otherwise their names are printed.
#   scripts/deps.sh [check]     (check: also what the tests use)
missing=
need() { # need PACKAGE TEST...
	pkg=$1
	shift
	"$@" >/dev/null 2>&1 || missing="$missing $pkg"
}
has_header() { printf '#include <%s>\n' "$1" | ${CC:-cc} -E -x c - ; }

need libcap-dev has_header sys/capability.h
need libseccomp-dev has_header seccomp.h
need procps command -v ps
if [ "${1:-}" = check ]; then
	need prove command -v prove
	need pkg-config command -v pkg-config
	need jq command -v jq
	need strace command -v strace
	need man-db command -v man
	need groff-base command -v groff
	need valgrind has_header valgrind/valgrind.h
	need bash-completion test -f /usr/share/bash-completion/bash_completion
	need libcap2-bin test -x /usr/sbin/capsh
	need "python3-dev python3-setuptools libpython3.11-testsuite" sh -c 'test -e /usr/include/python3.11/Python.h && test -d /usr/lib/python3/dist-packages/setuptools && test -e /usr/lib/python3.11/test/test_subprocess.py'
fi
[ -z "$missing" ] && exit 0

# prove comes with perl.
missing=$(echo "$missing" | sed 's/ prove/ perl/')
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	apt-get install -y -qq $missing >/dev/null 2>&1 ||
		{ apt-get update -qq && apt-get install -y -qq $missing >/dev/null; } || exit 1
	exit 0
fi
echo "deps: missing Debian packages:$missing (apt-get install$missing)" >&2
exit 1
