#!/bin/bash
# SPDX-License-Identifier: MIT
# make check-deb: the packages of DIR (from make deb) as a user gets them.
# Lintian (no errors), then, as root on this machine: dpkg -i of
# libclonexec0, libclonexec-dev, clonexec and python3-clonexec (nothing
# fetched: their dependencies must be installed already), a program built
# with `pkg-config --cflags --libs clonexec` (and one with the static
# library), `clonexec --version` and a run, the man pages, the completion
# test against the installed completion, the Python module (a spawn, a
# subprocess_backend round trip); then dpkg --purge, and a check that dpkg's view
# of the machine is what it was. It refuses to start when one of these
# packages is installed and was not installed by an interrupted check-deb.
#   scripts/check-deb.sh DIR
set -u
dir=${1:?usage: scripts/check-deb.sh DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
pkgs="libclonexec0 libclonexec-dev clonexec python3-clonexec"
# Written before dpkg -i, removed after the purge: a leftover names an
# interrupted run, whose packages may be purged.
marker=/var/tmp/clonexec-check-deb.installed
n=0
failed=0
ok() { # ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
	return "$1"
}
die() {
	echo "check-deb: $*" >&2
	exit 1
}
installed() { # the packages of $pkgs dpkg knows in any state but not-installed
	local p s
	for p in $pkgs; do
		s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || continue
		[ -n "$s" ] && [ "$s" != not-installed ] && echo "$p"
	done
}
dpkg_state() { # what is on the machine (a purged package may stay known as not-installed)
	dpkg-query -W -f='${db:Status-Status} ${Package}:${Architecture} ${Version}\n' |
		grep -v '^not-installed ' | sort
}

[ "$(id -u)" = 0 ] || die "run as root: it installs and purges packages"
for t in dpkg lintian pkg-config cc; do
	command -v "$t" >/dev/null || die "needs $t (apt-get install dpkg lintian pkg-config gcc)"
done
debs=()
for p in $pkgs; do
	f=$(ls "$dir/${p}_"*.deb 2>/dev/null | head -n 1)
	[ -n "$f" ] || die "no ${p}_*.deb in $dir (make deb)"
	debs+=("$f")
done
version=$(dpkg-deb -f "${debs[0]}" Version)

left=$(installed)
if [ -n "$left" ]; then
	[ -f "$marker" ] || die "installed, not by check-deb: $(echo $left); remove them or test elsewhere"
	echo "# purging what an interrupted check-deb left: $(echo $left)"
	# shellcheck disable=SC2086
	dpkg --purge $left >/dev/null || die "cannot purge $(echo $left)"
fi

# ---------- lintian ----------
changes=$(ls "$dir"/*.changes 2>/dev/null | head -n 1)
if [ -n "$changes" ]; then
	lint=$(lintian --allow-root --fail-on error --display-info --pedantic "$changes" 2>&1)
	rc=$?
	count() { printf '%s\n' "$lint" | grep -c "^$1:"; }
	ok $rc "lintian: no error ($(count E) E, $(count W) W, $(count I) I, $(count P) P)"
	printf '%s\n' "$lint" | grep -E '^[EWIP]:' | sed 's/^/# /'
else
	ok 1 "lintian: no .changes in $dir"
fi

# ---------- install ----------
before=$(dpkg_state)
tmp=$(mktemp -d)
cleanup() {
	rm -rf "$tmp"
	left=$(installed)
	# shellcheck disable=SC2086
	[ -z "$left" ] || dpkg --purge $left >/dev/null
	[ -n "$(installed)" ] || rm -f "$marker"
}
trap cleanup EXIT
echo "$version" >"$marker"
dpkg -i "${debs[@]}" >"$tmp/dpkg.log" 2>&1
ok $? "dpkg -i $(echo $pkgs) $version" || sed 's/^/# /' "$tmp/dpkg.log"

ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
[ -e "/usr/lib/$ma/libclonexec.so.0" ]
ok $? "libclonexec.so.0 in /usr/lib/$ma"

cat >"$tmp/use.c" <<'C'
#include <clonexec.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	char *av[] = { "sh", "-c", "test \"$(id -u)\" = 65534", NULL };
	struct cx_attr attr = { .size = sizeof(attr), .flags = CX_ATTR_CREDENTIAL,
				.uid = 65534, .gid = 65534 };
	struct cx_process *p;
	struct cx_status st;

	if (cx_spawnp("sh", av, NULL, &attr, &p, NULL) < 0)
		return 2;
	if (cx_process_wait(p, -1, &st) < 0 || !st.exited || st.exit_code)
		return 3;
	cx_process_release(p);
	return argc > 1 && strcmp(cx_version(), argv[1]) != 0;
}
C
flags=$(env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR pkg-config --cflags --libs clonexec)
# shellcheck disable=SC2086
cc -Wall -Werror -o "$tmp/use" "$tmp/use.c" $flags
ok $? "a program builds with \`pkg-config --cflags --libs clonexec\` ($flags)"
lib=$(ldd "$tmp/use" 2>/dev/null | sed -n 's/.*libclonexec\.so\.0 => \([^ ]*\).*/\1/p')
# /lib is /usr/lib on a merged-/usr system.
ok "$([ -n "$lib" ] && [ "$(readlink -f "$lib")" = "$(readlink -f "/usr/lib/$ma/libclonexec.so.0")" ] &&
	echo 0 || echo 1)" \
	"it loads /usr/lib/$ma/libclonexec.so.0 (got: $lib)"
"$tmp/use" "$version"
ok $? "it runs a program as uid 65534, and cx_version() is $version"
# shellcheck disable=SC2046
cc -Wall -Werror -o "$tmp/use-static" "$tmp/use.c" $(pkg-config --cflags clonexec) \
	-Wl,-Bstatic $(pkg-config --static --libs clonexec) -Wl,-Bdynamic
ok $? "and builds with the static library"
! readelf -d "$tmp/use-static" | grep -q 'NEEDED.*libclonexec' && "$tmp/use-static" "$version"
ok $? "which it does not need at run time"

is_cmd=$(command -v clonexec)
ok "$([ "$is_cmd" = /usr/bin/clonexec ] && echo 0 || echo 1)" "clonexec is /usr/bin/clonexec (got: $is_cmd)"
got=$(clonexec --version)
ok "$([ "$got" = "clonexec $version" ] && echo 0 || echo 1)" "clonexec --version: $got"
got=$(clonexec --uid 65534 --gid 65534 -- id -u)
ok "$([ "$got" = 65534 ] && echo 0 || echo 1)" "clonexec --uid 65534 --gid 65534 -- id -u: $got"
for page in "1 clonexec" "3 cx_spawn" "7 libclonexec"; do
	# shellcheck disable=SC2086
	man -w $page >/dev/null 2>&1
	ok $? "man $page"
done

mkdir "$tmp/bin"
ln -s /usr/bin/clonexec "$tmp/bin/clonexec"
CX_BUILD=$tmp/bin CX_COMPLETION=installed CX_COMPLETION_CMD=clonexec \
	bash "$top/tests/t-completion.sh" >"$tmp/completion.tap" 2>&1
rc=$?
ok $rc "the completion test against the installed completion ($(grep -c '^ok' "$tmp/completion.tap") ok, $(grep -c '^not ok' "$tmp/completion.tap") not ok)"
[ $rc -eq 0 ] || grep -A3 '^not ok' "$tmp/completion.tap" | sed 's/^/# /'

# ---------- python3-clonexec ----------
# The system's python3 with nothing of the checkout's on its path.
py() { env -u PYTHONPATH -u PYTHONHOME /usr/bin/python3 -I "$@"; }
got=$(cd / && py -c 'import clonexec; print(clonexec.__file__)' 2>&1)
ok "$([ "$got" = /usr/lib/python3/dist-packages/clonexec/__init__.py ] && echo 0 || echo 1)" \
	"python3 imports clonexec from /usr/lib/python3/dist-packages (got: $got)"
got=$(cd / && py -c 'import clonexec; print(clonexec.version(), clonexec.spawn(["true"]).wait().returncode)' 2>&1)
ok "$([ "$got" = "$version 0" ] && echo 0 || echo 1)" \
	"python3 -c 'import clonexec; clonexec.spawn([\"true\"]).wait()': $got"
got=$(cd / && py - <<'PY' 2>&1
import subprocess
import clonexec.subprocess_backend as b
b.install()
n = b.stats()["clonexec"]
out = subprocess.run(["sh", "-c", "id -u"], capture_output=True, text=True, user=65534).stdout
spawned = b.stats()["clonexec"] - n
b.uninstall()
print(out.strip(), spawned, b.installed(), subprocess._fork_exec is not b._clonexec.fork_exec)
PY
)
ok "$([ "$got" = "65534 1 False True" ] && echo 0 || echo 1)" \
	"subprocess_backend: install(), a Popen through libclonexec as uid 65534, uninstall() (got: $got)"

# ---------- purge ----------
files=$(dpkg -L $pkgs 2>/dev/null | while read -r f; do [ -d "$f" ] || echo "$f"; done)
# shellcheck disable=SC2086
dpkg --purge $pkgs >"$tmp/dpkg.log" 2>&1
ok $? "dpkg --purge $(echo $pkgs)" || sed 's/^/# /' "$tmp/dpkg.log"
rm -f "$marker"
stay=$(for f in $files; do [ -e "$f" ] || [ -L "$f" ] && echo "$f"; done)
ok "$([ -z "$stay" ] && echo 0 || echo 1)" "no file of theirs is left${stay:+: $stay}"
after=$(dpkg_state)
ok "$([ "$before" = "$after" ] && echo 0 || echo 1)" "dpkg's package list is as it was"
[ "$before" = "$after" ] || diff <(echo "$before") <(echo "$after") | sed 's/^/# /'

echo "1..$n"
exit $failed
