# SPDX-License-Identifier: MIT
# Shared TAP helpers for the clonexec(1) tests (tests/t-cli-*.sh).
# Source it; it sets CX (the CLI), PROBE (the probe helper), PTY (the
# pseudo-terminal helper), T (a private temporary directory, removed at
# exit; the helpers are all in $T/prog) and counts tests for cli_done.

: "${CX_BUILD:?CX_BUILD must name the build directory}"
if [ ! -x "$CX_BUILD/clonexec" ]; then
	echo "1..0 # SKIP $CX_BUILD/clonexec not built"
	exit 77
fi
T=$(mktemp -d /tmp/cx-cli.XXXXXX)
chmod 755 "$T"
# At exit: end what the test left running in the background, then remove T.
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT
_cli_n=0
_cli_failed=0

# The programs run from copies in T (0755, owned by root): a child that
# runs as nobody must execute them, and the checkout may sit under a
# directory nobody may enter (/root is 0700 on Debian).
mkdir "$T/prog"
cp "$CX_BUILD/clonexec" "$T/prog/" || exit 1
# The helpers, when there is a build (not for an installed clonexec).
for h in "$CX_BUILD"/tests/helpers/*; do
	[ -e "$h" ] || continue
	cp "$h" "$T/prog/" || exit 1
done
chmod 755 "$T/prog" "$T/prog/"*
CX=$T/prog/clonexec
PROBE=$T/prog/probe
PTY=$T/prog/cli-pty

ok() { # ok COND-STATUS DESCRIPTION
	_cli_n=$((_cli_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_cli_n - $2"
	else
		echo "not ok $_cli_n - $2"
		_cli_failed=$((_cli_failed + 1))
	fi
}

diag() { printf '# %s\n' "$@"; }

is() { # is GOT EXPECTED DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "got:      '$1'" "expected: '$2'"
	fi
}

# like GOT REGEX DESCRIPTION: a line of GOT matches REGEX (grep -E); a REGEX
# of several lines matches as many consecutive lines of GOT (grep would take
# each line for a pattern of its own and pass when any one matched).
like() {
	local m
	if [[ $2 == *$'\n'* ]]; then
		printf '%s' "$1" | RE=$2 perl -0777 -ne 'exit(/$ENV{RE}/m ? 0 : 1)'
	else
		printf '%s' "$1" | grep -Eq -- "$2"
	fi
	m=$?
	if [ "$m" -eq 0 ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "got:      '$1'" "expected to match: '$2'"
	fi
}

# field KEY TEXT: the value of "KEY=value" or "KEY:<tab>value" in TEXT.
field() {
	printf '%s\n' "$2" | sed -n "s/^$1[=:][[:space:]]*//p" | head -n 1
}

# run ARGS...: run clonexec, stdout in $out, stderr in $err, status in $rc.
run() {
	out=$("$CX" "$@" 2>"$T/stderr")
	rc=$?
	err=$(cat "$T/stderr")
}

# wait_for FILE [TENTHS]: wait until FILE exists (default 20 s).
wait_for() {
	local i=0 n=${2:-200}
	while [ ! -e "$1" ] && [ $i -lt "$n" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -e "$1" ]
}

# gone PID [TENTHS]: wait until PID has exited (gone or a zombie).
gone() {
	local i=0 n=${2:-200} state
	while [ $i -lt "$n" ]; do
		state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)
		[ -z "$state" ] || [ "$state" = Z ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# rejects DESCRIPTION REGEX ARGS...: clonexec ARGS... -- touch MARKER must
# exit 125 with one line on stderr matching REGEX, and start nothing.
rejects() {
	local what=$1 re=$2
	shift 2
	rm -f "$T/marker"
	run "$@" -- touch "$T/marker"
	if [ "$rc" -eq 125 ] && [ ! -e "$T/marker" ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
		printf '%s' "$err" | grep -Eq -- "^clonexec: .*$re"; then
		ok 0 "rejected: $what ($err)"
	else
		ok 1 "rejected: $what"
		diag "rc=$rc err='$err' marker=$([ -e "$T/marker" ] && echo created || echo absent)"
	fi
}

cli_done() {
	echo "1..$_cli_n"
	[ "$_cli_failed" -eq 0 ]
	exit $?
}
