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
	if awk -v r="$ratio" -v b="$bound" 'BEGIN { exit !(r <= b) }'; then
		verdict=PASS npass=$((npass + 1))
	else
		verdict=MISS nmiss=$((nmiss + 1))
	fi
	{
		awk -F'\t' -v a="$ca" -v b="$cb" -v na="$na" '$1 != "ratio" {
			printf "%-46s %10.1f %10.1f %6d\n", ($1 == na ? a : b), $2, $3, $4 }' <<<"$out"
		printf 'TARGET %s / %s <= %s: measured %s  %s\n\n' "$na" "$nb" "$bound" "$ratio" \
			"$verdict"
	} | tee -a "$txt"
	awk -F'\t' -v r="$ratio" -v bd="$bound" -v v="$verdict" '$1 != "ratio" {
		printf "%s,%s,%s,%s,%s,%s,%s\n", $1, $2, $3, $4, r, bd, v }' <<<"$out" >>"$csv"
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
say "CLI: $npass PASS, $nmiss MISS"
