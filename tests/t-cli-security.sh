#!/bin/bash
# SPDX-License-Identifier: MIT
# Security properties of clonexec(1) (issue 5, section 6): it never
# re-executes itself through /proc/self/exe (the runc CVE-2019-5736 class),
# nested or not; the man page tells when to use --setsid (TIOCSTI) and that
# only fds 0-2 are kept by default.
. "$(dirname "$0")/lib/cli-tap.sh"

if ! command -v strace >/dev/null; then
	echo "1..0 # SKIP strace not installed"
	exit 77
fi

# LeakSanitizer cannot run under ptrace (check-asan builds).
ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=execve,execveat -o "$T/trace" \
	"$CX" -r -p -- "$CX" -- /bin/true
ok $? "clonexec -r -p clonexec true runs under strace"
execs=$(grep -c 'execve' "$T/trace")
ok "$([ "$execs" -eq 3 ]; echo $?)" "exactly three execs: clonexec, the nested clonexec, true (got $execs)"
ok "$(! grep -q '/proc/self/exe\|/proc/[0-9]*/exe\|execveat' "$T/trace"; echo $?)" \
	"no exec through /proc/self/exe or an fd"
ok "$(! grep -aq '/proc/self/exe' "$CX"; echo $?)" "the binary does not even name /proc/self/exe"

man=$(MANWIDTH=200 man -l "$(dirname "$0")/../man/clonexec.1" 2>/dev/null)
like "$man" "TIOCSTI" "the man page explains TIOCSTI"
like "$man" "CVE-2017-5226" "and names CVE-2017-5226"
like "$man" "--setsid" "and says to use --setsid"
like "$man" "only.*0.*1.*2|0, 1 and 2|0-2" "and that only fds 0-2 are kept by default"
cli_done
