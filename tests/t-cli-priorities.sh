#!/bin/bash
# SPDX-License-Identifier: MIT
# --nice, --sched, --reset-on-fork, --cpus, --ioprio, --oom-score-adj
# (issue 11): each value read back by the child about itself, as root, as
# root changing to nobody (raised before the setuid), and as nobody, where a
# raise fails at its named step; bad words rejected before anything starts.
. "$(dirname "$0")/lib/cli-tap.sh"

# The shell clonexec starts reports on itself ($$), not on a child of it.
report='echo nice=$(cut -d" " -f19 /proc/$$/stat)
chrt -p $$ | sed -n "s/.*policy: /chrt=/p; s/.*priority: /rtprio=/p"
echo child_policy=$(sed -n "s/^policy *: *//p" /proc/self/sched)
sed -n "s/^Cpus_allowed_list:[[:space:]]*/cpus=/p" /proc/$$/status
echo ioprio=$(ionice -p $$)
echo oom=$(cat /proc/$$/oom_score_adj)
echo uid=$(id -u)'
rep() { # rep ARGS...: clonexec ARGS sh -c "$report"; output in $out
	out=$("$CX" "$@" -- sh -c "$report" 2>"$T/stderr")
	rc=$?
	err=$(cat "$T/stderr")
}
nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }
last_cpu=$(sed 's/.*[-,]//' /sys/devices/system/cpu/possible)

rep --nice 7
is "$rc $(field nice "$out")" "0 7" "--nice 7 (nice -n 7)"
rep --nice -5
is "$(field nice "$out")" "-5" "--nice -5 as root"
rep --sched batch --nice 3
is "$(field chrt "$out")/$(field nice "$out")" "SCHED_BATCH/3" "--sched batch keeps --nice 3"
rep --sched idle
is "$(field chrt "$out")" "SCHED_IDLE" "--sched idle"
rep --sched other
is "$(field chrt "$out")" "SCHED_OTHER" "--sched other"
rep --sched fifo:10
is "$(field chrt "$out")/$(field rtprio "$out")" "SCHED_FIFO/10" "--sched fifo:10 (chrt -f 10)"
rep --sched RR
is "$(field chrt "$out")/$(field rtprio "$out")" "SCHED_RR/1" "--sched RR: priority 1 by default"
rep --sched rr:5 --reset-on-fork
is "$(field chrt "$out")/$(field child_policy "$out")" "SCHED_RR|SCHED_RESET_ON_FORK/0" \
	"--reset-on-fork (chrt -R): the child's own children are SCHED_OTHER"
rep --cpus 0
is "$(field cpus "$out")" "0" "--cpus 0 (taskset -c 0)"
rep --cpus "0-$last_cpu"
is "$(field cpus "$out")" "0-$last_cpu" "--cpus 0-$last_cpu"
rep --cpus "0-$last_cpu:2"
is "$(field cpus "$out")" "$(seq -s, 0 2 "$last_cpu")" "--cpus with a stride"
rep --ioprio idle
is "$(field ioprio "$out")" "idle" "--ioprio idle (ionice -c 3)"
rep --ioprio realtime:2
is "$(field ioprio "$out")" "realtime: prio 2" "--ioprio realtime:2 (ionice -c 1 -n 2)"
rep --ioprio best-effort
is "$(field ioprio "$out")" "best-effort: prio 4" "--ioprio best-effort: level 4 by default"
rep --oom-score-adj 500
is "$(field oom "$out")" "500" "--oom-score-adj 500 (choom -n 500)"

# As root changing to nobody: raised first, then the setuid.
rep --uid 65534 --gid 65534 --nice -3 --sched fifo:2 --ioprio realtime:0 --oom-score-adj 10
is "$rc $(field uid "$out") $(field nice "$out") $(field chrt "$out") $(field oom "$out")" \
	"0 65534 -3 SCHED_FIFO 10" "raised as root, then --uid 65534"
is "$(field ioprio "$out")" "realtime: prio 0" "and the realtime I/O class"
"$CX" --explain --uid 65534 --nice -3 -- true > "$T/explain"
n=$(grep -n 'child  set nice ' "$T/explain" | cut -d: -f1)
u=$(grep -n 'child  setuid ' "$T/explain" | cut -d: -f1)
ok "$([ -n "$n" ] && [ -n "$u" ] && [ "$n" -lt "$u" ] && echo 0 || echo 1)" \
	"--explain lists set nice before setuid"
like "$(cat "$T/explain")" "set nice -3 \\(a raise needs CAP_SYS_NICE: before setuid" \
	"--explain says why"

# As nobody: lowering works, raising fails at its step; nothing ran.
out=$(nobody "$CX" --nice 4 --sched idle --ioprio best-effort:7 --oom-score-adj 50 -- sh -c "$report")
is "$(field nice "$out") $(field chrt "$out") $(field oom "$out")" "4 SCHED_IDLE 50" \
	"as nobody: lowering works"
is "$(field ioprio "$out")" "best-effort: prio 7" "as nobody: best-effort 7"
for c in "--nice -1|set nice -1: Permission denied" \
	"--sched fifo:1|set scheduling policy fifo priority 1: Operation not permitted" \
	"--ioprio realtime|set I/O priority realtime level 4: Operation not permitted" \
	"--oom-score-adj -1|write oom_score_adj -1: Permission denied"; do
	opt=${c%%|*}
	# shellcheck disable=SC2086
	err=$(nobody "$CX" $opt -- sh -c 'echo ran' 2>&1)
	is "$? $err" "125 clonexec: ${c#*|}" "as nobody, $opt fails at its step"
done

# Bad input: nothing starts.
for c in "--nice 20|nice: 20 is not in -20..19: Invalid argument" \
	"--nice -21|nice: -21 is not in -20..19: Invalid argument" \
	"--nice x|--nice: 'x' is not a number" \
	"--sched deadline|--sched: unknown policy 'deadline'" \
	"--sched fifo:0|sched_priority: 0 is not in 1..99: Invalid argument" \
	"--sched fifo:100|sched_priority: 100 is not in 1..99: Invalid argument" \
	"--sched batch:3|sched_priority: must be 0 for other, batch and idle: Invalid argument" \
	"--reset-on-fork|sched_reset_on_fork without a policy: Invalid argument" \
	"--cpus $((last_cpu + 1))|cpus: CPU $((last_cpu + 1)) is beyond this machine's (0-$last_cpu): Invalid argument" \
	"--cpus 3-1|--cpus: '3-1' is not a CPU list (0,2-3,8-15:2; CPUs up to 65535)" \
	"--cpus 0,,1|--cpus: '0,,1' is not a CPU list (0,2-3,8-15:2; CPUs up to 65535)" \
	"--cpus 99999|--cpus: '99999' is not a CPU list (0,2-3,8-15:2; CPUs up to 65535)" \
	"--ioprio fast|--ioprio: unknown I/O class 'fast'" \
	"--ioprio best-effort:8|ioprio_level: 8 is not in 0..7: Invalid argument" \
	"--ioprio idle:3|ioprio_level: the none and idle classes have no level: Invalid argument" \
	"--oom-score-adj 1001|oom_score_adj: 1001 is not in -1000..1000: Invalid argument"; do
	opt=${c%%|*}
	# shellcheck disable=SC2086
	run $opt -- sh -c "echo ran"
	is "$rc $out$err" "125 clonexec: ${c#*|}" "rejected before anything starts: $opt"
done
cli_done
