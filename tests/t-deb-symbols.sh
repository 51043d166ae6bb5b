#!/bin/bash
# SPDX-License-Identifier: MIT
# debian/ follows the library: the symbols file is what debian/gen-symbols
# makes of src/libclonexec.map and lists exactly the versioned symbols the
# built library exports; a new version node gets its own minimum version;
# the package name and version are the header's. (No dpkg needed; the
# package build checks the same with dpkg-gensymbols -c4.)
set -u
cd "$(dirname "$0")/.." || exit 1
b=${CX_BUILD:-build}
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pkg=$(debian/gen-symbols --package)
debian/gen-symbols >"$tmp/symbols"
ok $? "debian/gen-symbols runs"
diff -u "debian/$pkg.symbols" "$tmp/symbols" >"$tmp/diff"
ok $? "debian/$pkg.symbols is src/libclonexec.map's (else: make deb-symbols)"
sed 's/^/# /' "$tmp/diff"

nm -D --defined-only "$b/libclonexec.so" | awk '{ if (!sub(/@@/, "@", $3)) $3 = $3 "@" $3; print $3 }' | sort >"$tmp/exported"
sed -n 's/^ \([^ ]*\) .*/\1/p' "$tmp/symbols" | sort >"$tmp/listed"
diff "$tmp/exported" "$tmp/listed" >"$tmp/diff"
ok $? "it lists exactly the $(wc -l <"$tmp/exported") symbols $b/libclonexec.so exports"
sed 's/^/# /' "$tmp/diff"
grep -qx "Package: $pkg" debian/control
ok $? "debian/control has $pkg, the header's soname"
cl=$(sed -n '1s/^clonexec (\([^)]*\)).*/\1/p' debian/changelog)
ok "$([ "$cl" = "$(debian/gen-symbols --version)" ] && echo 0 || echo 1)" \
	"debian/changelog's version ($cl) is the header's"

# A later release adds a node; a node must carry a version.
{
	cat src/libclonexec.map
	printf 'CLONEXEC_0.2 {\n\tglobal:\n\t\tcx_new_thing;\n} CLONEXEC_0.1;\n'
	printf 'CLONEXEC_0.2.1 {\n\tglobal:\n\t\tcx_fix;\n} CLONEXEC_0.2;\n'
} >"$tmp/map"
out=$(CX_MAP=$tmp/map debian/gen-symbols)
ok "$(printf '%s\n' "$out" | grep -qx ' cx_new_thing@CLONEXEC_0.2 0.2.0' &&
	printf '%s\n' "$out" | grep -qx ' CLONEXEC_0.2@CLONEXEC_0.2 0.2.0' &&
	printf '%s\n' "$out" | grep -qx ' cx_fix@CLONEXEC_0.2.1 0.2.1' &&
	printf '%s\n' "$out" | grep -qx ' cx_spawn@CLONEXEC_0.1 0.1.0' && echo 0 || echo 1)" \
	"a new node's symbols get its version as their minimum"
printf 'CLONEXEC_NEXT {\n\tglobal:\n\t\tcx_x;\n};\n' >"$tmp/bad"
CX_MAP=$tmp/bad debian/gen-symbols >/dev/null 2>&1
ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "a node without a version is an error"
echo "1..$n"
exit $fail
