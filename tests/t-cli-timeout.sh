#!/bin/bash
# SPDX-License-Identifier: MIT
# --timeout, --kill-after, --timeout-signal (issue 11), as timeout(1):
# exit 124 when the deadline passed, TERM unless told otherwise, KILL after
# --kill-after for a program that ignores TERM, and the child's whole
# process group gone afterwards. No timed assert for speed: the deadlines
# are short, the bounds (5 s over a deadline, 20 s) catch a missed deadline
# or a hang.
. "$(dirname "$0")/lib/cli-tap.sh"

last() { printf '%s\n' "$err" | tail -n 1; }
have_jq=$(command -v jq >/dev/null && echo 1)
# group_gone PGID: no process left in it (generous bound against a hang).
group_gone() {
	local i=0
	while kill -0 -- "-$1" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	! kill -0 -- "-$1" 2>/dev/null
}

start=$(date +%s)
run --timeout 0.2 sleep 100
is "$rc" 124 "--timeout 0.2 sleep 100: exit 124"
ok "$([ $(($(date +%s) - start)) -lt 20 ] && echo 0 || echo 1)" "and it did not hang"

# Within the deadline plus a margin: the bounds are generous (5 s over)
# because a loaded 2-CPU CI machine can hold a process off the CPU for
# seconds; they catch a deadline missed or doubled, not a slow run. The
# lower bounds are exact: a timer never fires early.
ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(ms)
run --timeout 0.5 -- sleep 30
t=$(($(ms) - t0))
is "$rc" 124 "--timeout 0.5 sleep 30: exit 124"
ok "$([ "$t" -ge 500 ] && [ "$t" -lt 5500 ]; echo $?)" "after 0.5 s, before 0.5 s + 5 s (${t} ms)"
t0=$(ms)
run --timeout 0.5 --kill-after 0.5 -- sh -c 'trap "" TERM; echo $$ > "$0/ign"; exec sleep 30' "$T"
t=$(($(ms) - t0))
is "$rc" 124 "ignores TERM, --timeout 0.5 --kill-after 0.5: exit 124"
# (The lower bound holds once the TERM is ignored: the file says so.)
ok "$({ [ ! -s "$T/ign" ] || [ "$t" -ge 1000 ]; } && [ "$t" -lt 6000 ]; echo $?)" \
	"killed after 0.5 s + 0.5 s, before 0.5 s + 0.5 s + 5 s (${t} ms)"
ok "$(kill -0 "$(cat "$T/ign")" 2>/dev/null && echo 1 || echo 0)" "and gone when clonexec returns"

run --timeout 30 -- sh -c 'exit 3'
is "$rc" 3 "ends in time: its own status"
run --timeout 0 -- sh -c 'sleep 0.1; exit 4'
is "$rc" 4 "--timeout 0: no deadline (as timeout(1))"

# A program ignoring TERM, with a job in its group ignoring it too.
run --timeout 0.2 --kill-after 0.3 --json -- sh -c \
	'trap "" TERM; sleep 100 & echo $! > "$0/bg"; echo $$ > "$0/pgid"; wait; wait' "$T"
is "$rc" 124 "ignores TERM, --kill-after 0.3: exit 124"
bg=$(cat "$T/bg")
pgid=$(cat "$T/pgid")
ok "$(gone "$bg" && echo 0 || echo 1)" "its background job is gone"
ok "$(group_gone "$pgid" && echo 0 || echo 1)" "its process group ($pgid) is gone"
ok "$([ "$pgid" != "$(ps -o pgid= $$ | tr -d ' ')" ] && echo 0 || echo 1)" \
	"it had a process group of its own"
if [ -n "$have_jq" ]; then
	is "$(last | jq -c '[.signal.name, .timeout]')" \
		'["SIGKILL",{"timed_out":true,"signal":{"name":"SIGTERM","number":15},"killed":true}]' \
		"--json: timed out, TERM, then KILL"
else
	ok 0 "# SKIP jq is not installed"
fi

# Without --kill-after the ignored TERM is all it gets: here the program
# ends by itself after the deadline.
run --timeout 0.2 -- sh -c 'trap "" TERM; sleep 1'
is "$rc" 124 "ignores TERM, no --kill-after: ends on its own, still 124"

# After the deadline clonexec still forwards signals: a program that
# ignores the timeout's signal can still be stopped through clonexec.
"$CX" --timeout 0.2 -- sh -c 'trap "" TERM; : > "$0/ready"; exec sleep 100' "$T" 2>/dev/null &
cx=$!
# (The guard's sleep ends with it: a killed subshell leaves its child.)
( trap 'kill "$s" 2>/dev/null; exit 0' TERM; sleep 20 & s=$!; wait "$s"; kill -KILL "$cx" 2>/dev/null ) &
guard=$!
wait_for "$T/ready"
sleep 0.5
kill -USR1 "$cx"
wait "$cx"
is "$?" 124 "after the deadline a forwarded SIGUSR1 still ends it: 124"
kill "$guard" 2>/dev/null
rm -f "$T/ready"

run --timeout 0.2 --timeout-signal INT --json -- sleep 100
is "$rc" 124 "--timeout-signal INT: exit 124"
if [ -n "$have_jq" ]; then
	is "$(last | jq -r '[.signal.name, .timeout.signal.name, .timeout.killed] | join(" ")')" \
		"SIGINT SIGINT false" "--json: died of SIGINT, the timeout signal, no KILL"
	run --timeout 30 --json -- true
	is "$(last | jq -c .timeout)" '{"timed_out":false,"killed":false}' \
		"--json: in time, timed_out false"
	run --json -- true
	is "$(last | jq -r 'has("timeout")')" false "--json: no timeout object without --timeout"
else
	ok 0 "# SKIP jq is not installed"
	ok 0 "# SKIP jq is not installed"
	ok 0 "# SKIP jq is not installed"
fi
run --timeout 0.1s --timeout-signal KILL -- sleep 100
is "$rc" 124 "--timeout-signal KILL: 124 (timeout(1) kills itself too and shows 137)"

# The whole group gets the signal, not only the child.
run --timeout 0.3 -- sh -c 'sleep 100 & echo $! > "$0/bg"; wait' "$T"
is "$rc" 124 "a job in the background"
ok "$(gone "$(cat "$T/bg")" && echo 0 || echo 1)" "got the signal too"

# Durations.
for d in 0.1 .1 0.1s 0.002m; do
	run --timeout "$d" sleep 100
	is "$rc" 124 "--timeout $d"
done
run --timeout 1m --kill-after 1h -- true
is "$rc" 0 "--timeout 1m --kill-after 1h"
run --timeout 1d -- true
is "$rc" 0 "--timeout 1d"
for d in 1x -1 inf nan 1e3 0x10 "" 1.5.2 1ss s; do
	run --timeout "$d" -- sh -c 'echo ran'
	is "$rc $out$err" "125 clonexec: --timeout: '$d' is not a duration (a number with s, m, h or d)" \
		"--timeout '$d' rejected before anything starts"
done
run --timeout 99999999999999d true
is "$rc $err" "125 clonexec: --timeout: '99999999999999d' is too long" "an absurd duration"
run --kill-after 1 -- sh -c 'echo ran'
is "$rc $out$err" "125 clonexec: --kill-after: needs --timeout" "--kill-after without --timeout"
run --timeout-signal TERM -- sh -c 'echo ran'
is "$rc $out$err" "125 clonexec: --timeout-signal: needs --timeout" "--timeout-signal without --timeout"
run --timeout 1 --timeout-signal NOPE -- true
is "$rc $err" "125 clonexec: --timeout-signal: unknown signal 'NOPE'" "an unknown signal"
cli_done
