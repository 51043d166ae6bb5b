#!/bin/bash
# SPDX-License-Identifier: MIT
# Check the man pages: each renders without a groff warning, and each
# EXAMPLES program (an .EX/.EE block with a main) compiles warning-free
# against include/ and the static library, then runs and exits 0.
#   man/check-examples.sh [--no-run] [BUILD_DIR]     (default BUILD_DIR: build)
# Run from the top of the tree, as root (the examples use namespaces and
# credentials).
set -u

run=1
if [ "${1:-}" = "--no-run" ]; then
	run=0
	shift
fi
build=${1:-build}
cc=${CC:-cc}
lib=$build/libclonexec.a
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "$lib" ]; then
	echo "check-examples: $lib missing (make O=$build lib)" >&2
	exit 2
fi

# Undo the roff escapes the pages use inside examples.
unescape() {
	sed -e 's/\\e/\\/g' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' -e 's/\\&//g'
}

for page in man/*.3 man/*.7; do
	[ -f "$page" ] || continue
	name=$(basename "$page")

	# A .so stub is a redirect: nothing more to check.
	if head -n 3 "$page" | grep -q '^\.so '; then
		target=man/$(sed -n 's/^\.so man[0-9]\///p' "$page")
		if [ ! -f "$target" ]; then
			echo "not ok $name: .so target $target missing"
			fail=1
		else
			echo "ok $name (.so $target)"
		fi
		continue
	fi

	warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
	if [ -n "$warn" ]; then
		echo "not ok $name renders with warnings:"
		echo "$warn" | sed 's/^/    /'
		fail=1
		continue
	fi
	# Every .EX block of the EXAMPLES section that holds a main().
	awk -v dir="$tmp" -v base="${name%.*}" '
		/^\.SH / { in_ex = ($0 ~ /^\.SH EXAMPLES/) }
		in_ex && /^\.EX/ { n++; file = dir "/" base "-" n ".c"; grab = 1; text = ""; next }
		grab && /^\.EE/ { grab = 0; if (text ~ /main\(/) printf "%s", text > file; next }
		grab { text = text $0 "\n" }
	' "$page"

	found=0
	for src in "$tmp/${name%.*}"-*.c; do
		[ -f "$src" ] || continue
		found=1
		unescape < "$src" > "$src.c"
		bin=${src%.c}
		if ! out=$($cc -std=gnu11 -Wall -Wextra -Werror -Iinclude -o "$bin" "$src.c" "$lib" 2>&1)
		then
			echo "not ok $name: example $(basename "$src") does not compile:"
			echo "$out" | sed 's/^/    /'
			fail=1
			continue
		fi
		if [ "$run" = 1 ]; then
			if ! out=$(timeout 30 "$bin" 2>&1 </dev/null); then
				echo "not ok $name: example $(basename "$src") failed:"
				echo "$out" | sed 's/^/    /'
				fail=1
				continue
			fi
		fi
		echo "ok $name: example $(basename "$src")"
	done
	[ "$found" = 1 ] || echo "ok $name (no example program)"
done
exit $fail
