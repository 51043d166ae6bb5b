#!/bin/bash
# SPDX-License-Identifier: MIT
# The test runner itself (tests/run-one): a test that hangs fails after
# CX_TEST_TIMEOUT seconds, named, with each of its processes and what it
# waits in, and nothing of it is left; a test that leaves a process
# running fails and the process is ended; the test ends with the runner;
# 77 (skip) becomes 0; CX_STAGE is
# a 0755 directory, removed afterwards.
. "$(dirname "$0")/lib/cli-tap.sh"
runner=$(dirname "$0")/run-one
# The limits below are the plain ones, whatever suite runs this script.
unset CX_SANITIZE CX_VALGRIND

gone_all() { # gone_all CMDLINE: no process runs exactly CMDLINE
	! pgrep -f "^$1\$" >/dev/null
}

# A test that hangs in wait(2) on a child that sleeps.
cat >"$T/t-hang.sh" <<'EOF'
echo "ok 1 - started"
sleep 3001 &
wait
EOF
start=$(date +%s)
CX_TEST_TIMEOUT=1 "$runner" "$T/t-hang.sh" >"$T/out" 2>"$T/err"
rc=$?
took=$(($(date +%s) - start))
is "$rc" 1 "a hanging test fails"
like "$(head -n 1 "$T/err")" "^t-hang: timed out after 1 s" "its name and the limit are printed"
like "$(cat "$T/err")" "t-hang:   pid [0-9]+ .* in hrtimer_nanosleep: sleep 3001" \
	"each process is named with the kernel function it waits in"
like "$(cat "$T/err")" "t-hang:   pid [0-9]+ .* in do_wait: bash .*t-hang.sh" "the test itself too"
ok "$(gone_all "sleep 3001" && echo 0 || echo 1)" "nothing of it is left (${took} s in all)"

# A process that escaped its test (double fork: re-parented to the runner).
cat >"$T/t-leave.sh" <<'EOF'
echo "ok 1 - fine"
echo "1..1"
(sleep 3002 &)
EOF
"$runner" "$T/t-leave.sh" >"$T/out" 2>"$T/err"
is "$? $(head -n 1 "$T/err")" "1 t-leave: left running after its end:" \
	"a test that leaves a process running fails"
ok "$(gone_all "sleep 3002" && echo 0 || echo 1)" "and the process is ended"

# An orphan that ended is reaped at once (a zombie would still count in
# its process group).
cat >"$T/t-orphan.sh" <<'EOF'
(sh -c 'echo $$ > "$0.pid"' "$0" &)
i=0; while [ ! -s "$0.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
[ -e "/proc/$(cat "$0.pid")" ] && echo "still there" || echo gone
EOF
is "$("$runner" "$T/t-orphan.sh" 2>&1)" gone "an orphan that ended is reaped while the test runs"

# The runner itself ended (an interrupted prove, a cancelled job).
printf 'touch "$0.ready"\nsleep 3003\n' >"$T/t-ended.sh"
"$runner" "$T/t-ended.sh" >"$T/out" 2>"$T/err" &
wait_for "$T/t-ended.sh.ready"
sleep 0.2
kill -TERM $!
wait $!
is "$?" 143 "run-one ended by SIGTERM: 143"
ok "$(gone_all "sleep 3003" && echo 0 || echo 1)" "and its test is ended with it"

# Started with SIGINT and SIGQUIT ignored (make check &): the test gets
# them at their default.
printf 'sed -n "s/^SigIgn:[[:space:]]*//p" /proc/self/status\n' >"$T/t-sigs.sh"
ign=$(bash -c 'trap "" INT QUIT; exec "$1" "$2"' - "$runner" "$T/t-sigs.sh" 2>&1)
is "$(( 0x$ign & 6 ))" 0 "SIGINT and SIGQUIT ignored by the caller are default in the test (SigIgn $ign)"

# Skip, and the staging directory.
cat >"$T/t-skip.sh" <<'EOF'
stat -c '%a %F' "$CX_STAGE" > "$0.stage"
echo "$CX_STAGE" >> "$0.stage"
echo "1..0 # SKIP on purpose"
exit 77
EOF
"$runner" "$T/t-skip.sh" >"$T/out" 2>"$T/err"
is "$?" 0 "a skip (77) is 0 for prove"
is "$(head -n 1 "$T/t-skip.sh.stage")" "755 directory" "CX_STAGE is a directory of mode 0755"
ok "$([ ! -e "$(sed -n 2p "$T/t-skip.sh.stage")" ] && echo 0 || echo 1)" "removed after the test"
cli_done
