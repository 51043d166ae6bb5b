#!/bin/bash
# SPDX-License-Identifier: MIT
# Signals sent to clonexec reach the child; the parent-death signal fires
# when clonexec is killed (plain, after --uid, in a new pid namespace).
. "$(dirname "$0")/lib/cli-tap.sh"

# Background jobs of a script start with SIGINT and SIGQUIT ignored, and a
# shell cannot trap a signal ignored at its start: give them back.
bg_cx() {
	env --default-signal=INT,QUIT "$CX" "$@" &
	cxpid=$!
}

# A child that reports a signal by name and exits 3; it gives up after 20 s.
catcher='trap "echo got-$1 > $0.got; exit 3" $1; touch $0.ready; i=0
while [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done; exit 9'

for sig in INT TERM HUP QUIT USR1 USR2; do
	rm -f "$T/s.ready" "$T/s.got"
	bg_cx -- sh -c "$catcher" "$T/s" "$sig"
	wait_for "$T/s.ready"
	kill -s "$sig" "$cxpid"
	wait "$cxpid"
	rc=$?
	is "$rc $(cat "$T/s.got" 2>/dev/null)" "3 got-$sig" "SIG$sig sent to clonexec reaches the child"
done

# A child without a handler dies of the forwarded signal: 128+N.
rm -f "$T/s.ready"
bg_cx -- sh -c 'touch $0.ready; exec sleep 20' "$T/s"
wait_for "$T/s.ready"
sleep 0.2 # let sh exec sleep (a signal before that kills sh: the same result)
kill -TERM "$cxpid"
wait "$cxpid"
is "$?" 143 "a child killed by the forwarded SIGTERM: clonexec exits 143"

# Signals that are not forwarded (SIGKILL aside): SIGWINCH is ignored by
# default, clonexec stays and so does the child.
rm -f "$T/s.ready"
bg_cx -- sh -c 'touch $0.ready; i=0; while [ $i -lt 10 ]; do sleep 0.1; i=$((i+1)); done; exit 4' "$T/s"
wait_for "$T/s.ready"
kill -WINCH "$cxpid"
wait "$cxpid"
is "$?" 4 "SIGWINCH does not disturb clonexec or the child"

# The child gets the signal mask clonexec was started with, not the mask
# clonexec uses while waiting.
out=$("$CX" "$PROBE" status)
is "$(field SigBlk "$out")" 0000000000000000 "the child's signal mask is clonexec's original (empty)"
out=$(perl -e 'use POSIX; sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGUSR1)); exec @ARGV' \
	"$CX" "$PROBE" status)
is "$(field SigBlk "$out")" 0000000000000200 "the child's signal mask is clonexec's original (USR1)"

# --pdeathsig: kill clonexec with SIGKILL, the child gets the signal.
pdeath() { # pdeath DESCRIPTION ARGS...: ARGS are clonexec options
	local what=$1
	shift
	rm -f "$T/p.ready" "$T/p.got"
	"$CX" "$@" -- sh -c "$catcher" "$T/p" USR1 &
	cxpid=$!
	wait_for "$T/p.ready"
	{ kill -KILL "$cxpid"; wait "$cxpid"; } 2>/dev/null
	wait_for "$T/p.got" 100
	is "$(cat "$T/p.got" 2>/dev/null)" "got-USR1" "$what"
}
chmod 1777 "$T"
pdeath "--pdeathsig USR1: the child gets it when clonexec is killed" --pdeathsig USR1
pdeath "--pdeathsig SIGUSR1 after --uid 65534" --pdeathsig SIGUSR1 --uid 65534 --gid 65534
pdeath "--pdeathsig 10 with a new pid namespace (-p)" --pdeathsig 10 -p
pdeath "--pdeathsig usr1 with -r -p --uid 0 (a user namespace)" --pdeathsig usr1 -r -p --uid 0

# Without --pdeathsig the child outlives clonexec (the test can fail).
rm -f "$T/p.ready" "$T/p.got"
"$CX" -- sh -c 'echo $$ > $0.pid; touch $0.ready; i=0
while [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done' "$T/p" &
cxpid=$!
wait_for "$T/p.ready"
{ kill -KILL "$cxpid"; wait "$cxpid"; } 2>/dev/null
sleep 0.3
child=$(cat "$T/p.pid")
ok "$(gone "$child" 1 && echo 1 || echo 0)" "without --pdeathsig the child outlives clonexec"
kill "$child" 2>/dev/null
cli_done
