#!/bin/bash
# The shared library's ABI: only cx_* symbols, all in a version node; a
# program built against the installed header, library and pkg-config file
# links with the soname and runs.
set -u
b=${CX_BUILD:-build}
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

syms=$(nm -D --defined-only "$b/libclonexec.so" | awk '{print $3}')
bad=$(echo "$syms" | grep -v -e '^CLONEXEC_' -e '^cx_[a-z_]*@@CLONEXEC_0\.[12]$' || true)
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "exports only versioned cx_* symbols${bad:+ (not: $bad)}"
ok "$(echo "$syms" | grep -c '^cx_' | grep -qx 15 && echo 0 || echo 1)" "15 public functions exported"
for f in cx_attr_init cx_process_release_mode cx_process_pidfd_take; do
	echo "$syms" | grep -qx "$f@@CLONEXEC_0.2"
	ok $? "$f is in CLONEXEC_0.2"
done
soname=$(readelf -d "$b/libclonexec.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
ok "$([ "$soname" = libclonexec.so.0 ] && echo 0 || echo 1)" "soname is libclonexec.so.0 (got $soname)"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
make -s O="$b" SANITIZE="${CX_SANITIZE:-}" install PREFIX=/usr DESTDIR="$stage" >/dev/null 2>&1
ok $? "make install PREFIX=/usr DESTDIR=..."
pc=$stage/usr/lib/pkgconfig/clonexec.pc
ok "$(grep -qx 'prefix=/usr' "$pc" && grep -qx 'Version: 0.1.0' "$pc" && echo 0 || echo 1)" \
	"clonexec.pc names the prefix and version"
for f in usr/include/clonexec.h usr/lib/libclonexec.a usr/lib/libclonexec.so.0 \
	usr/bin/clonexec usr/share/man/man1/clonexec.1 usr/share/man/man3/cx_spawn.3 \
	usr/share/man/man7/libclonexec.7; do
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
	return strcmp(cx_version(), "0.1.0") != 0;
}
C
flags=$(PKG_CONFIG_SYSROOT_DIR="$stage" PKG_CONFIG_LIBDIR="$stage/usr/lib/pkgconfig" \
	pkg-config --cflags --libs clonexec)
${CC:-cc} ${CX_SANFLAGS:-} -o "$stage/use" "$stage/use.c" $flags
ok $? "a program builds with pkg-config's flags ($flags)"
needed=$(readelf -d "$stage/use" | sed -n 's/.*NEEDED.*\[\(libclonexec[^]]*\)\]/\1/p')
ok "$([ "$needed" = libclonexec.so.0 ] && echo 0 || echo 1)" "it needs libclonexec.so.0"
LD_LIBRARY_PATH=$stage/usr/lib "$stage/use"
ok $? "and runs against the installed shared library"
echo "1..$n"
exit $fail
