#!/bin/bash
# SPDX-License-Identifier: MIT
# --json and --json-fd: one valid JSON object, checked with jq.
. "$(dirname "$0")/lib/cli-tap.sh"

if ! command -v jq >/dev/null; then
	echo "1..0 # SKIP jq is not installed"
	exit 77
fi

last() { printf '%s\n' "$err" | tail -n 1; }

run --json -- sh -c 'echo $$; echo to-stderr >&2; exit 3'
j=$(last)
is "$rc" 3 "--json: the exit status is the program's"
is "$(printf '%s' "$j" | jq -r '.exit_code')" 3 "--json: exit_code"
is "$(printf '%s' "$j" | jq -r '.pid')" "$out" "--json: pid is the child's"
is "$(printf '%s' "$j" | jq -r '.core_dumped, has("signal")' | tr '\n' ' ')" "false false " \
	"--json: core_dumped false, no signal"
is "$(printf '%s' "$j" | jq -r '[.wall_s, .user_s, .system_s, .max_rss_kb] | map(type == "number" and . >= 0) | all')" \
	true "--json: wall_s, user_s, system_s, max_rss_kb are numbers"
is "$(printf '%s' "$j" | jq -r '.max_rss_kb > 0')" true "--json: max_rss_kb is positive"
is "$(printf '%s\n' "$err" | head -n 1)" to-stderr "--json: the child's stderr comes first"

# CPU time is the child's.
run --json -- sh -c 'i=0; while [ $i -lt 200000 ]; do i=$((i + 1)); done'
is "$(last | jq -r '.user_s + .system_s > 0 and .wall_s >= .user_s / 2')" true "--json: user and system time counted"

run --json -- sh -c 'kill -TERM $$'
is "$rc" 143 "--json, killed: 143"
is "$(last | jq -c '.signal')" '{"name":"SIGTERM","number":15}' "--json: signal name and number"
is "$(last | jq -r 'has("exit_code")')" false "--json: no exit_code when killed"

run --json --rlimit core=unlimited -w "$T" -- sh -c 'kill -SEGV $$'
is "$(last | jq -r '.signal.name')" SIGSEGV "--json: SIGSEGV"
pattern=$(cat /proc/sys/kernel/core_pattern)
if [ "${pattern#|}" = "$pattern" ]; then
	is "$(last | jq -r '.core_dumped')" true "--json: core_dumped true"
else
	# A piped core_pattern may decline to write; the kernel still says
	# whether it dumped, and clonexec reports that.
	like "$(last | jq -r '.core_dumped')" "^(true|false)$" "--json: core_dumped is a boolean (piped core_pattern)"
fi
rm -f "$T"/core*

# --json-fd: elsewhere; stderr stays the child's alone.
run --json-fd 3 -- sh -c 'exit 4' 3>"$T/json"
is "$rc $err" "4 " "--json-fd 3: nothing on stderr"
is "$(jq -r .exit_code "$T/json")" 4 "--json-fd 3: the object is on fd 3"
out=$("$CX" --json-fd 3 "$PROBE" fds 3>/dev/null)
is "$out" "fds=0,1,2" "--json-fd: the JSON fd is not passed to the child"

# Setup failures: an error object.
run --json -R "$T/nonexistent" true
is "$rc" 125 "--json, failed chroot: 125"
is "$(last | jq -c '.error | [.step, .errno, .errno_name]')" '["chroot",2,"ENOENT"]' "--json: error step, errno, errno_name"
is "$(last | jq -r '.error.message')" "chroot $T/nonexistent: No such file or directory" "--json: error message"
run --json no-such-program-cx
is "$rc $(last | jq -c '.error | [.step, .errno_name]')" '127 ["look up program","ENOENT"]' "--json: lookup failure"
run --json --uid no-such-user-cx true
is "$rc $(last | jq -c '.error | [.step, .errno_name]')" '125 ["options","ENOENT"]' "--json: bad option"
is "$(last | jq -r '.error.message')" "--uid: unknown user 'no-such-user-cx'" "--json: bad option message"

# Strings are escaped: quotes, backslashes, control bytes, invalid UTF-8.
bad=$(printf '%s/a"b\\c\td\001e\377f\303\251' "$T")
run --json -R "$bad" true
is "$(last | jq -r '.error.message')" "$(printf 'chroot %s/a"b\\c\td\001e\357\277\275f\303\251: No such file or directory' "$T")" \
	"--json: strings escaped into valid JSON (invalid UTF-8 as U+FFFD)"
cli_done
