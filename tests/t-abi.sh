#!/bin/bash
# The shared library's ABI: only cx_* symbols, all in a version node; a
# program built against the installed header, library and pkg-config file
# links with the soname and runs.
set -u
b=${CX_BUILD:-build}
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

hdr=$(dirname "$0")/../include/clonexec.h
ver=$(for p in MAJOR MINOR PATCH; do sed -n "s/^#define CX_VERSION_$p //p" "$hdr"; done | paste -sd.)
syms=$(nm -D --defined-only "$b/libclonexec.so" | awk '{print $3}')
bad=$(echo "$syms" | grep -v -e '^CLONEXEC_' -e '^cx_[a-z_0-9]*@@CLONEXEC_[0-9.]*$' || true)
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "exports only versioned cx_* symbols${bad:+ (not: $bad)}"
# Each function in the node of the version script that names it, no more.
want=$(awk '/^CLONEXEC_/ { node = $1 } /^\t\tcx_/ { sub(";", "", $1); print $1 "@@" node }' \
	"$(dirname "$0")/../src/libclonexec.map" | sort)
got=$(echo "$syms" | grep '^cx_' | sort)
ok "$([ "$want" = "$got" ] && echo 0 || echo 1)" \
	"the exports are the version script's $(echo "$want" | wc -l) functions, each in its node"
[ "$want" = "$got" ] || diff <(echo "$want") <(echo "$got") | sed 's/^/# /'
soname=$(readelf -d "$b/libclonexec.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
ok "$([ "$soname" = libclonexec.so.0 ] && echo 0 || echo 1)" "soname is libclonexec.so.0 (got $soname)"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# LDCONFIG: a stand-in that notes each run.
printf '#!/bin/sh\necho "$*" >> %s/ldconfig.ran\n' "$stage" > "$stage/ldconfig"
chmod +x "$stage/ldconfig"
make -s O="$b" SANITIZE="${CX_SANITIZE:-}" install PREFIX=/usr DESTDIR="$stage" \
	LDCONFIG="$stage/ldconfig" >/dev/null 2>&1
ok $? "make install PREFIX=/usr DESTDIR=..."
ok "$([ ! -e "$stage/ldconfig.ran" ] && echo 0 || echo 1)" "a staged install (DESTDIR) runs no ldconfig"
pc=$stage/usr/lib/pkgconfig/clonexec.pc
ok "$(grep -qx 'prefix=/usr' "$pc" && grep -qx "Version: $ver" "$pc" && echo 0 || echo 1)" \
	"clonexec.pc names the prefix and version"
for f in usr/include/clonexec.h usr/lib/libclonexec.a usr/lib/libclonexec.so.0 \
	usr/bin/clonexec usr/share/man/man1/clonexec.1 usr/share/man/man3/cx_spawn.3 \
	usr/share/man/man7/libclonexec.7 usr/share/bash-completion/completions/clonexec; do
	[ -e "$stage/$f" ]
	ok $? "installed $f"
done

cat > "$stage/use.c" <<'C'
#include <clonexec.h>
#include <string.h>
int main(void)
{
	char *argv[] = { "true", NULL };
	struct cx_process *p;
	struct cx_status st;

	if (cx_spawnp("true", argv, NULL, NULL, &p, NULL) < 0)
		return 2;
	if (cx_process_wait(p, -1, &st) < 0 || !st.exited || st.exit_code)
		return 3;
	cx_process_release(p);
	return strcmp(cx_version(), CX_VERSION_STRING) != 0;
}
C
sed -i "s/CX_VERSION_STRING/\"$ver\"/" "$stage/use.c"
flags=$(PKG_CONFIG_SYSROOT_DIR="$stage" PKG_CONFIG_LIBDIR="$stage/usr/lib/pkgconfig" \
	pkg-config --cflags --libs clonexec)
${CC:-cc} ${CX_SANFLAGS:-} -o "$stage/use" "$stage/use.c" $flags
ok $? "a program builds with pkg-config's flags ($flags)"
needed=$(readelf -d "$stage/use" | sed -n 's/.*NEEDED.*\[\(libclonexec[^]]*\)\]/\1/p')
ok "$([ "$needed" = libclonexec.so.0 ] && echo 0 || echo 1)" "it needs libclonexec.so.0"
LD_LIBRARY_PATH=$stage/usr/lib "$stage/use"
ok $? "and runs against the installed shared library"

# An install into the live system runs ldconfig, with a private cache and
# configuration (this machine's cache stays as it is): the cache it writes
# names the soname in the new LIBDIR.
live=$stage/live
mkdir -p "$live/etc"
echo "$live/lib" > "$live/etc/ld.so.conf"
ldc="ldconfig -X -C $live/etc/ld.so.cache -f $live/etc/ld.so.conf"
make -s O="$b" SANITIZE="${CX_SANITIZE:-}" install PREFIX="$live" LDCONFIG="$ldc" >"$live/out" 2>&1
ok $? "make install PREFIX=... (no DESTDIR)"
cached=$(ldconfig -p -C "$live/etc/ld.so.cache" | grep -F "libclonexec.so.0 ")
ok "$(printf '%s' "$cached" | grep -qF "=> $live/lib/libclonexec.so.0" && echo 0 || echo 1)" \
	"it ran ldconfig: the cache names $live/lib/libclonexec.so.0 ($(tr '\n\t' '  ' <"$live/out"))"

# The same for real, as a user does it: make install (PREFIX=/usr/local),
# then a program linked with -lclonexec starts, with no LD_LIBRARY_PATH,
# with the library of /usr/local/lib (this machine may have another, from
# a package), and not without the ldconfig. In a private mount namespace:
# /usr/local is an empty tmpfs, /etc an overlay whose changes go to a
# tmpfs; ldconfig -X, so that it makes no link in the system's library
# directories (make install made the soname's link).
real_install() { # real_install LDCONFIG: the loader's choice, then the program's status
	unshare -m --propagation private sh -c '
		mount -t tmpfs none "$1" && mkdir "$1/up" "$1/work" &&
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/up,workdir=$1/work" /etc &&
		mount -t tmpfs none /usr/local || exit 99
		make -s O="$2" SANITIZE="$3" install LDCONFIG="$4" >/dev/null 2>&1 || exit 98
		${CC:-cc} $5 -o "$1/use" "$6" -L/usr/local/lib -lclonexec || exit 97
		ldd "$1/use" | sed -n "s/^[[:space:]]*libclonexec.so.0 => \(.*\)/\1/p" | sed "s/ (0x.*//"
		"$1/use"' - "$stage/ns" "$b" "${CX_SANITIZE:-}" "$1" "${CX_SANFLAGS:-}" "$stage/use.c"
}
mkdir "$stage/ns"
lib=$(real_install "ldconfig -X" 2>"$stage/ns.err")
rc=$?
if [ "$rc" = 99 ]; then
	n=$((n + 1))
	echo "ok $n # SKIP no private mount namespace with overlayfs here: $(cat "$stage/ns.err")"
else
	ok "$([ "$rc $lib" = "0 /usr/local/lib/libclonexec.so.0" ] && echo 0 || echo 1)" \
		"make install: a program linked with -lclonexec starts with /usr/local/lib's library ($rc, $lib)"
	lib=$(real_install true 2>"$stage/ns.err")
	rc=$?
	ok "$([ "$lib" != /usr/local/lib/libclonexec.so.0 ] && echo 0 || echo 1)" \
		"without the ldconfig it would not (loader's choice: ${lib:-none}, status $rc)"
fi
echo "1..$n"
exit $fail
