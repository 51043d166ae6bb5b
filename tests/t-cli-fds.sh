#!/bin/bash
# SPDX-License-Identifier: MIT
# The child's fds: 0-2 by default, --fd plans, --keep-fds.
. "$(dirname "$0")/lib/cli-tap.sh"

# Default: only 0, 1, 2, whatever clonexec has open.
out=$("$CX" "$PROBE" fds 5</dev/null 7>"$T/seven" 9</dev/null)
is "$out" "fds=0,1,2" "default: the child has fds 0, 1, 2 only"
out=$("$CX" "$PROBE" fds 0<&-)
is "$out" "fds=1,2" "default: an fd clonexec lacks stays closed"

# (the shell running the test may hold fds of its own: compare with them)
want=$("$PROBE" fds 5</dev/null 7>"$T/seven")
out=$("$CX" --keep-fds "$PROBE" fds 5</dev/null 7>"$T/seven")
is "$out" "$want" "--keep-fds: every open fd is inherited"
like "$out" "^fds=0,1,2,5,7" "--keep-fds: including 5 and 7"

# --fd CHILD=PARENT: the child fd is a copy of the parent's.
out=$("$CX" --fd 4=5 "$PROBE" fds write-fd 4 hello 5>"$T/five")
is "$out $(cat "$T/five")" "fds=0,1,2,4 hello" "--fd 4=5: child fd 4 writes to clonexec's fd 5"
out=$("$CX" --fd 1=- "$PROBE" fds 2>&1)
is "$out" "" "--fd 1=-: stdout closed (nothing printed)"
"$CX" --fd 1=- --fd 3=1 "$PROBE" fds write-fd 3 x >"$T/out"
is "$(cat "$T/out")" "x" "--fd 3=1 with 1 closed: fd 3 is stdout"
"$CX" --fd 1=- --fd 3=1 -- sh -c 'r=; for f in 0 1 2 3 4; do [ -e /proc/$$/fd/$f ] && r="$r$f "; done; echo "$r" >&3' >"$T/out"
is "$(cat "$T/out")" "0 2 3 " "--fd 1=- --fd 3=1: the child has 0, 2, 3"

# Permutations: swap stdout and stderr.
"$CX" --fd 1=2 --fd 2=1 -- sh -c 'echo to-out; echo to-err >&2' >"$T/o" 2>"$T/e"
is "$(cat "$T/o")/$(cat "$T/e")" "to-err/to-out" "--fd 1=2 --fd 2=1 swaps stdout and stderr"
# A three-way rotation with fds above 2: 0=6 1=5 2=0.
echo input >"$T/in"
"$CX" --fd 0=6 --fd 1=5 --fd 2=0 -- sh -c 'read l; echo "$l-out"; echo "err" >&2' \
	6<"$T/in" 5>"$T/five" 0>"$T/zero"
is "$(cat "$T/five")/$(cat "$T/zero")" "input-out/err" "--fd 0=6 --fd 1=5 --fd 2=0"
out=$("$CX" --fd 0=6 --fd 1=5 --fd 2=0 "$PROBE" fds 6<"$T/in" 5>&1 0>/dev/null)
is "$out" "fds=0,1,2" "--fd rotation: the sources themselves are not inherited"

# High fds and gaps: the gap is closed.
out=$("$CX" --fd 10=1 "$PROBE" fds write-fd 10 "" 3</dev/null)
is "$out" "fds=0,1,2,10" "--fd 10=1: fds 3-9 closed"
out=$("$CX" --keep-fds --fd 10=1 "$PROBE" fds 3</dev/null 4</dev/null)
like "$out" "^fds=0,1,2,3,4,10(,|$)" "--keep-fds --fd 10=1: open fds in the gap stay"
out=$("$CX" --fd 3=3 "$PROBE" fds 3</dev/null)
is "$out" "fds=0,1,2,3" "--fd 3=3: an fd as itself"

# An fd is checked when parsed; the error names the option.
run --fd 3=3 true
is "$rc $err" "125 clonexec: --fd: fd 3 is not open" "--fd of a closed fd: 125"
cli_done
