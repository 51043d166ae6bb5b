#!/bin/bash
# SPDX-License-Identifier: MIT
# The CLI against the tools people use for the same job, timed over many
# alternating runs by cmdtime (A B, B A, ...; posix_spawnp + waitpid each,
# output to /dev/null):
#   clonexec -r true                          vs  unshare -Ur true
#   clonexec -r -p -m -n -u -i -C true        vs  bwrap --unshare-all --bind / / true
# (bwrap --unshare-all: user, ipc, pid, net, uts, cgroup, plus its mount namespace.)
#   clonexec --exec -r noop                    vs  unshare -Ur noop      (both become noop)
#   clonexec --exec --uid 65534 ... noop       vs  setpriv --reuid 65534 ... noop
#   clonexec --join PID true                   vs  nsenter -a -t PID true
#   clonexec --cap-drop ALL --cap-add ... true vs  setpriv --bounding-set -all,+... true
#   clonexec --landlock-ro ... noop            vs  setpriv --landlock-access ... noop (util-linux
#                                                  2.40+; else against plain clonexec, info)
# and, by sandboxcmp (the same alternation, with the library in-process beside
# the commands), issue 9's sandbox: the library, clonexec and bwrap (targets
# 0.25 and 0.5 of bwrap), unshare -r -p -f --mount-proc beside them.
#
# usage: bench/cli.sh BUILD_DIR RESULTS_DIR [--quick]
set -u
O=${1:?usage: bench/cli.sh BUILD_DIR RESULTS_DIR [--quick]}
R=${2:?usage: bench/cli.sh BUILD_DIR RESULTS_DIR [--quick]}
runs=400 warmup=20
if [ "${3:-}" = --quick ]; then
	runs=60 warmup=5
fi
cmdtime=$O/bench/cmdtime
cli=$O/clonexec
txt=$R/cli.txt
csv=$R/cli.csv
mkdir -p "$R"
: >"$txt"
echo "name,median_us,p99_us,runs,ratio,bound,verdict" >"$csv"

say() { echo "$*" | tee -a "$txt"; }

if [ ! -x "$cmdtime" ]; then
	say "cli: $cmdtime missing (make bench-build)"; exit 1
fi
if [ ! -x "$cli" ]; then
	say "cli: SKIP: $cli is missing (the clonexec CLI is not built yet): no CLI comparison"
	exit 0
fi

# The options we use must be in the CLI's help, else say so and skip.
help=$("$cli" --help 2>&1)
for opt in -r -p -m -n -u -i -C; do
	if ! grep -qE "^ +$opt[, ]" <<<"$help"; then
		say "cli: SKIP: '$cli --help' does not list $opt: no CLI comparison"
		exit 0
	fi
done

npass=0 nmiss=0
# compare NAME_A 'CMD A' NAME_B 'CMD B' BOUND: is median(A) / median(B) <= BOUND?
# BOUND info: print the ratio, no target.
compare() {
	local na=$1 ca=$2 nb=$3 cb=$4 bound=$5 out ratio verdict c
	for c in "$ca" "$cb"; do
		if ! $c >/dev/null 2>&1; then
			say "cli: SKIP $na vs $nb: '$c' fails here"
			return
		fi
	done
	if ! out=$("$cmdtime" -n "$runs" -w "$warmup" "$na" "$ca" "$nb" "$cb"); then
		say "cli: $na vs $nb: cmdtime failed"
		nmiss=$((nmiss + 1))
		return
	fi
	ratio=$(awk -F'\t' '$1 == "ratio" { print $2 }' <<<"$out")
	if [ "$bound" = info ]; then
		verdict=info
	elif awk -v r="$ratio" -v b="$bound" 'BEGIN { exit !(r <= b) }'; then
		verdict=PASS npass=$((npass + 1))
	else
		verdict=MISS nmiss=$((nmiss + 1))
	fi
	{
		awk -F'\t' -v a="$ca" -v b="$cb" -v na="$na" '$1 != "ratio" {
			printf "%-46s %10.1f %10.1f %6d\n", ($1 == na ? a : b), $2, $3, $4 }' <<<"$out"
		if [ "$verdict" = info ]; then
			printf 'info   %s / %s (no target): %s\n\n' "$na" "$nb" "$ratio"
		else
			printf 'TARGET %s / %s <= %s: measured %s  %s\n\n' "$na" "$nb" "$bound" \
				"$ratio" "$verdict"
		fi
	} | tee -a "$txt"
	awk -F'\t' -v r="$ratio" -v bd="$bound" -v v="$verdict" '$1 != "ratio" {
		printf "%s,%s,%s,%s,%s,%s,%s\n", $1, $2, $3, $4, r, bd, v }' <<<"$out" >>"$csv"
}

# Issue 9's sandbox (bench/sandbox.c) by the library, the CLI and bwrap, with
# unshare -r -p -f --mount-proc (no new root) beside them, by sandboxcmp.
sandbox_rows() {
	local sc=$O/bench/sandboxcmp ndir bw cx out m tgt c
	ndir=$(cd "$O/bench" && pwd)
	bw="bwrap --unshare-user --unshare-pid --unshare-ipc --unshare-uts --ro-bind /usr /usr"
	bw="$bw --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64"
	bw="$bw --proc /proc --dev /dev --tmpfs /tmp --ro-bind $ndir $ndir $ndir/noop"
	cx="-r -p -i -u --new-root --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib"
	cx="$cx --symlink usr/lib64 /lib64 --proc /proc --dev /dev --tmpfs /tmp --ro-bind $ndir $ndir"
	if [ ! -x "$sc" ]; then
		say "cli: $sc missing: no sandbox comparison"; nmiss=$((nmiss + 1)); return
	fi
	for c in "$bw" "$cli $cx -- $ndir/noop" "$cli $cx --init -- $ndir/noop" \
		"unshare -r -p -f --mount-proc $ndir/noop"; do
		if ! $c >/dev/null 2>&1; then
			say "cli: SKIP the sandbox comparison: '$c' fails here"; return
		fi
	done
	if ! out=$("$sc" -n "$runs" -w "$warmup" "clonexec sandbox" "$cli $cx -- $ndir/noop" \
		"clonexec sandbox --init" "$cli $cx --init -- $ndir/noop" "bwrap sandbox" "$bw" \
		"unshare -r -p -f --mount-proc" "unshare -r -p -f --mount-proc $ndir/noop"); then
		say "cli: sandboxcmp failed"; nmiss=$((nmiss + 1)); return
	fi
	say ""
	say "Sandbox (issue 9): user, pid, ipc, uts, mount ns; new root: ro /usr, 3 symlinks, proc, dev,"
	say "tmpfs /tmp, ro-bind of $ndir; $runs rounds, each entry once a round, first rotating."
	say "library: cx_spawn + wait in sandboxcmp's own process (no process start);"
	say "library+process: 'sandboxcmp --once' run as a command (a process start + that spawn)"
	awk -F'\t' '{ printf "%-46s %10.1f %10.1f %6d\n", $1, $2, $3, $4 }' <<<"$out" | tee -a "$txt"
	m=$(awk -F'\t' '$1 == "bwrap sandbox" { print $2 }' <<<"$out")
	# name, bound (info: none)
	while read -r tgt; do
		local name=${tgt% *} bound=${tgt##* } x ratio verdict
		x=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' <<<"$out")
		ratio=$(awk -v a="$x" -v b="$m" 'BEGIN { printf "%.3f", a / b }')
		if [ "$bound" = info ]; then
			verdict=info
			say "info   $name / bwrap sandbox (no target): $ratio"
		else
			if awk -v r="$ratio" -v b="$bound" 'BEGIN { exit !(r <= b) }'; then
				verdict=PASS npass=$((npass + 1))
			else
				verdict=MISS nmiss=$((nmiss + 1))
			fi
			say "TARGET $name / bwrap sandbox <= $bound: measured $ratio  $verdict"
		fi
		awk -F'\t' -v n="$name" -v r="$ratio" -v bd="$bound" -v v="$verdict" '$1 == n {
			printf "%s,%s,%s,%s,%s,%s,%s\n", $1, $2, $3, $4, r, bd, v }' <<<"$out" >>"$csv"
	done <<-EOF
		library 0.25
		library+process info
		clonexec sandbox 0.5
		clonexec sandbox --init info
		unshare -r -p -f --mount-proc info
	EOF
	awk -F'\t' '$1 == "bwrap sandbox" { printf "%s,%s,%s,%s,,,\n", $1, $2, $3, $4 }' \
		<<<"$out" >>"$csv"
	say ""
}

say "CLI: $runs alternating runs of each command after $warmup warm-up pairs; output to /dev/null"
say "$(printf '%-46s %10s %10s %6s' command median_us p99_us runs)"
compare "clonexec -r" "$cli -r true" "unshare -Ur" "unshare -Ur true" 0.8
compare "clonexec full set" "$cli -r -p -m -n -u -i -C true" \
	"bwrap --unshare-all" "bwrap --unshare-all --bind / / true" 0.5
noop=$(cd "$O" && pwd)/bench/noop
compare "clonexec --exec -r" "$cli --exec -r -- $noop" "unshare -Ur" "unshare -Ur $noop" 0.8
compare "clonexec --exec --uid" "$cli --exec --uid 65534 --gid 65534 --groups= -- $noop" \
	"setpriv --reuid" "setpriv --reuid 65534 --regid 65534 --clear-groups $noop" 0.8
# A process in its own user, uts, ipc and net namespaces to join.
unshare -U -r -u -i -n sleep 600 &
target=$!
for _ in $(seq 100); do
	[ "$(readlink /proc/$target/ns/net 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ] &&
		[ "$(readlink /proc/$target/exe 2>/dev/null)" != "$(command -v unshare)" ] && break
	sleep 0.05
done
compare "clonexec --join" "$cli --join $target -- $noop" "nsenter -a" "nsenter -a -t $target $noop" 1.0
kill "$target" 2>/dev/null
wait "$target" 2>/dev/null
compare "clonexec --cap-drop/--cap-add" "$cli --cap-drop ALL --cap-add net_bind_service -- $noop" \
	"setpriv --bounding-set" "setpriv --bounding-set -all,+net_bind_service --inh-caps -all $noop" 1.0

# Landlock: setpriv has it from util-linux 2.40 (--landlock-access, --landlock-rule).
ndir=$(dirname "$noop")
ll="--landlock-ro /usr --landlock-ro $ndir --landlock-rw /tmp --landlock-rw /dev"
if setpriv --help 2>&1 | grep -q -- --landlock-access; then
	ro=execute,read-file,read-dir
	compare "clonexec --landlock" "$cli $ll -- $noop" "setpriv --landlock" \
		"setpriv --landlock-access fs --landlock-rule path-beneath:$ro:/usr --landlock-rule path-beneath:$ro:$ndir --landlock-rule path-beneath:all:/tmp --landlock-rule path-beneath:all:/dev $noop" 1.0
else
	say "cli: setpriv $(setpriv --version 2>&1 | awk '{ print $NF }') has no --landlock-access (util-linux 2.40+): Landlock against plain clonexec, no target"
	compare "clonexec --landlock" "$cli $ll -- $noop" "clonexec" "$cli -- $noop" info
fi

sandbox_rows
say "CLI: $npass PASS, $nmiss MISS"
