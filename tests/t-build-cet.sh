#!/bin/bash
# A distribution build with control-flow protection (-fcf-protection on
# x86_64, -mbranch-protection on arm64) gets a marked library: every object
# of it, clone.S's too, carries the GNU property note (one unmarked object
# and the linker drops the marking from the whole .so), and clone.S's entry
# points begin with endbr64 / bti c. The .so itself is checked where the
# toolchain's own start files are marked (Debian 12's crti.o is not: any
# shared object linked there loses the marking).
set -u
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
top=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-cc}
case $(uname -m) in
x86_64) flags=-fcf-protection=full want='IBT, SHSTK' entry=endbr64 ;;
aarch64) flags=-mbranch-protection=standard want='BTI, PAC' entry='bti	c' ;;
*) echo "1..0 # SKIP no control-flow protection for $(uname -m)"; exit 77 ;;
esac
if ! $cc $flags -E -x c /dev/null >/dev/null 2>&1; then
	echo "1..0 # SKIP $cc takes no $flags"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s -C "$top" O="$tmp/b" CC="$cc" CFLAGS="-O2 $flags" lib >"$tmp/log" 2>&1
ok $? "make lib CFLAGS='-O2 $flags'" || sed 's/^/# /' "$tmp/log"
unmarked=
for o in "$tmp"/b/lib/*.o; do
	readelf -n "$o" | grep -q "feature: $want" || unmarked="$unmarked $(basename "$o")"
done
ok "$([ -z "$unmarked" ] && echo 0 || echo 1)" \
	"every object of the library carries '$want'${unmarked:+ (not:$unmarked)}"
readelf -n "$tmp/b/lib/clone.o" | grep -q "feature: $want"
ok $? "clone.o carries it"
for f in cx_arch_clone cx_arch_clone3; do
	objdump -d --no-show-raw-insn "$tmp/b/lib/clone.o" | grep -A1 "<$f>:" | tail -1 |
		grep -q "$entry"
	ok $? "$f begins with $entry"
done
echo 'int f(void) { return 1; }' >"$tmp/t.c"
$cc -O2 $flags -shared -fPIC -o "$tmp/t.so" "$tmp/t.c"
if readelf -n "$tmp/t.so" | grep -q "feature: $want"; then
	readelf -n "$tmp/b/libclonexec.so" | grep -q "feature: $want"
	ok $? "libclonexec.so is marked '$want'"
else
	n=$((n + 1))
	echo "ok $n - libclonexec.so is marked # SKIP this toolchain's start files are unmarked (a one-line .so is not either)"
fi
echo "1..$n"
exit $fail
