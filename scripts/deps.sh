#!/bin/sh
# What a make target needs beyond make itself, checked in a blink; on a
# Debian machine, as root, the missing packages are installed with apt-get,
# otherwise (or with NO_DEPS_INSTALL=1, as a package build wants: it has no
# network) their names are printed and the check fails.
#   scripts/deps.sh WHAT...
#     build   make (all): a C compiler, libcap-dev and libseccomp-dev for the command
#     demo    make demo: build, and ps
#     check   make check: demo, and what the tests use
#     deb     make deb and check-deb: check, and the package tools (dpkg-dev,
#             debhelper, dh-python, lintian)
#     musl    make check-musl: musl-gcc and prove
missing=
need() { # need PACKAGE TEST...
	pkg=$1
	shift
	case " $missing " in *" $pkg "*) return ;; esac
	"$@" >/dev/null 2>&1 || missing="$missing $pkg"
}
cc=${CC:-cc}
has_header() { printf '#include <%s>\n' "$1" | ${2:-$cc} -E -x c - ; }

build() {
	# A compiler of another name (CC=clang) is the caller's choice.
	case $cc in
	cc | gcc) need build-essential command -v "$cc" ;;
	*) command -v "${cc%% *}" >/dev/null || { echo "deps: no compiler $cc" >&2; exit 1; } ;;
	esac
	if ! has_header sys/capability.h >/dev/null 2>&1 && [ "$cc" != cc ] &&
		has_header sys/capability.h cc >/dev/null 2>&1; then
		# libcap-dev is there, for the system's C library only (musl-gcc).
		echo "deps: $cc finds no <sys/capability.h>, which the command needs: build the library and its tests alone (make CC=\"$cc\" lib tests)" >&2
		exit 1
	fi
	need libcap-dev has_header sys/capability.h
	need libseccomp-dev has_header seccomp.h
}

check_all() {
	for what; do
		case $what in
		build) build ;;
		demo) build; need procps command -v ps ;;
		check)
			build
			need procps command -v ps
			need perl command -v prove
			need pkg-config command -v pkg-config
			need jq command -v jq
			need strace command -v strace
			need man-db command -v man
			need groff-base command -v groff
			need valgrind has_header valgrind/valgrind.h
			need bash-completion test -f /usr/share/bash-completion/bash_completion
			need libcap2-bin test -x /usr/sbin/capsh
			need "python3-dev python3-setuptools libpython3.11-testsuite" sh -c 'test -e /usr/include/python3.11/Python.h && test -d /usr/lib/python3/dist-packages/setuptools && test -e /usr/lib/python3.11/test/test_subprocess.py'
			;;
		deb)
			check_all check
			need dpkg-dev command -v dpkg-buildpackage
			need debhelper command -v dh
			need dh-python test -e /usr/share/perl5/Debian/Debhelper/Sequence/python3.pm
			need lintian command -v lintian
			;;
		musl)
			need musl-tools command -v musl-gcc
			need perl command -v prove
			;;
		*) echo "deps: unknown set $what" >&2; exit 2 ;;
		esac
	done
}

[ $# -gt 0 ] || set -- demo
check_all "$@"
[ -z "$missing" ] && exit 0

if [ "${NO_DEPS_INSTALL:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$missing (NO_DEPS_INSTALL=1 to only name them)"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	apt-get install -y -qq $missing >/dev/null 2>&1 ||
		{ apt-get update -qq && apt-get install -y -qq $missing >/dev/null; } || exit 1
	installed=$missing
	missing=
	check_all "$@"
	[ -z "$missing" ] && exit 0
	echo "deps: installed$installed, still missing:$missing" >&2
	exit 1
fi
echo "deps: missing Debian packages:$missing (apt-get install$missing)" >&2
exit 1
