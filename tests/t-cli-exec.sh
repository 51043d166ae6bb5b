#!/bin/bash
# SPDX-License-Identifier: MIT
# --exec: clonexec becomes the program (same pid, no supervisor), with every
# attribute that works in place; what needs a new process is refused first.
. "$(dirname "$0")/lib/cli-tap.sh"

# The pid before and after: sh prints its own, then execs clonexec, which
# becomes the inner sh.
run_pids() {
	out=$(sh -c 'echo $$; exec "$0" --exec "$@"' "$CX" "$@" -- sh -c 'echo $$' 2>"$T/stderr")
	rc=$?
	err=$(cat "$T/stderr")
}
run_pids
is "$rc $(echo "$out" | sort -u | wc -l)" "0 1" "the program has clonexec's pid"
run_pids -r -u -m
is "$rc $(echo "$out" | sort -u | wc -l)" "0 1" "the same pid with new user, uts and mount namespaces"

# Attributes seen by the program.
run --exec -r -u -- "$PROBE" ns status
like "$(field ns_user "$out")" '^user:' "-r: the program reports its user namespace"
[ "$(field ns_user "$out")" != "$(readlink /proc/self/ns/user)" ]
ok $? "-r: a new user namespace"
[ "$(field ns_uts "$out")" != "$(readlink /proc/self/ns/uts)" ]
ok $? "-u: a new uts namespace"
like "$(field Uid "$out")" '^0[[:space:]]' "-r: uid 0 inside"
if [ "$(id -u)" = 0 ]; then
	run --exec --uid 65534 --gid 65534 --groups '' -- "$PROBE" status
	like "$(field Uid "$out") $(field Gid "$out")" '^65534.*65534' "--uid/--gid as root"
fi
run --exec -w / --setenv CX_EXEC_T=1 --rlimit nofile=77 -- sh -c 'pwd; echo $CX_EXEC_T; ulimit -n'
is "$rc $(echo $out)" "0 / 1 77" "--chdir, --setenv, --rlimit in place"
run --exec --umask 027 -- sh -c 'umask'
is "$out" "0027" "--umask in place"
run --exec -- sh -c 'exit 7'
is "$rc" 7 "the exit status is the program's own"

# --explain --exec: every step is clonexec's own.
run --exec --explain -r -- true
like "$out" "self +unshare user" "--explain --exec: unshare by clonexec itself"
if printf '%s\n' "$out" | grep -Eq 'clone3?[[:space:]]|parent|child'; then ok 1 "--explain --exec: no clone"; else ok 0 "--explain --exec: no clone"; fi

# What needs a new process, refused before anything starts.
rejects "--exec with a new PID namespace" "-p: a new PID namespace takes a new process" --exec -p
rejects "--exec with --clone pid" "--clone user,pid: a new PID namespace takes a new process" \
	--exec --clone user,pid
run --exec --json -- touch "$T/marker"
like "$rc $(echo "$err" | head -n 1)" "^125 clonexec: --exec: not with --json" "--exec with --json: 125, says why"
[ ! -e "$T/marker" ]
ok $? "--exec with --json: nothing started"
rejects "--exec with maps of other ids" "--uid-map 0:4242:1: in place, a new user namespace can map only" \
	--exec -U --uid-map 0:4242:1

# Failures in place: the step named, the exit codes of the supervised mode.
run --exec -w /nonexistent-cx -- true
is "$rc $err" "125 clonexec: chdir /nonexistent-cx: No such file or directory" "a failing step: 125 and its name"
run --exec -- /nonexistent-cx/prog
is "$rc" 127 "a missing program: 127"
printf '#!/bin/sh\n' > "$T/noexec"
chmod 644 "$T/noexec"
run --exec -- "$T/noexec"
is "$rc" 126 "a program that cannot run: 126"
cli_done
