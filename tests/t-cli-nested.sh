#!/bin/bash
# SPDX-License-Identifier: MIT
# clonexec as an unprivileged user starting clonexec in a user namespace.
. "$(dirname "$0")/lib/cli-tap.sh"

nobody() { "$CX" --uid 65534 --gid 65534 -- "$CX" "$@"; }

out=$(nobody -r -- id -u)
is "$out" 0 "as nobody: clonexec -r gives uid 0"
out=$(nobody -r -- cat /proc/self/uid_map /proc/self/gid_map | awk '{$1 = $1; print}' | tr '\n' '|')
is "$out" "0 65534 1|0 65534 1|" "as nobody: -r maps 65534 to 0"
out=$(nobody -c -- id -u)
is "$out" 65534 "as nobody: -c keeps uid 65534"
out=$(nobody -r -p -n -u -i -m -- sh -c 'echo $$; hostname cx-nested && hostname')
is "$(printf '%s' "$out" | tr '\n' ' ')" "1 cx-nested" "as nobody: a full namespace set works"
out=$(nobody -r --gid 0 "$PROBE" status)
is "$(field Uid "$out" | awk '{print $1}')" 0 "as nobody: an unspecified uid is the mapped one (0, not 65534)"
out=$(nobody -c --groups '' "$PROBE" status)
is "$(field Uid "$out" | awk '{print $1}')/$(field Groups "$out" | sed 's/ *$//')" "65534/" \
	"as nobody: --groups '' with setgroups denied: setgroups skipped"
out=$(nobody -r -- "$CX" -r -- id -u)
is "$out" 0 "nested twice: clonexec -r inside clonexec -r"

# What nobody may not do fails with the step named.
run --uid 65534 --gid 65534 -- "$CX" -r --setgroups allow true
is "$rc $err" "125 clonexec: write gid_map (setgroups is not denied: without CAP_SETGID a gid map needs setgroups deny first): Operation not permitted" \
	"as nobody: --setgroups allow makes the gid map fail"
run --uid 65534 --gid 65534 -- "$CX" -U --uid-map 0:0:1 true
like "$rc $err" "^125 clonexec: write uid_map \\(the uid map has ids other than your own uid 65534: .*newuidmap\\(1\\).*\\): Operation not permitted$" \
	"as nobody: mapping root outside fails at write uid_map"
run --uid 65534 --gid 65534 -- "$CX" --uid 0 true
like "$rc $err" "^125 clonexec: (setgroups|setgid|setuid).*: Operation not permitted" "as nobody: --uid 0 fails"
cli_done
