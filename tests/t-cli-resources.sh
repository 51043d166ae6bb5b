#!/bin/bash
# SPDX-License-Identifier: MIT
# --rlimit and --cgroup.
. "$(dirname "$0")/lib/cli-tap.sh"

rl() { # rl ARGS...: the child's rlimit_NAME lines in $out
	out=$("$CX" "$@" "$PROBE" rlimits)
	rc=$?
}
rl --rlimit nofile=100
is "$rc $(field rlimit_nofile "$out")" "0 100:100" "--rlimit nofile=100: soft and hard"
rl --rlimit nofile=100:200
is "$(field rlimit_nofile "$out")" "100:200" "--rlimit nofile=100:200"
rl --rlimit core=unlimited
is "$(field rlimit_core "$out")" "-1:-1" "--rlimit core=unlimited"
# (no raise of a hard limit: this machine's root may lack CAP_SYS_RESOURCE)
rl --rlimit NPROC=50:1000 --rlimit cpu=7 --rlimit as=1000000000:
is "$(field rlimit_nproc "$out")/$(field rlimit_cpu "$out")/$(field rlimit_as "$out")" \
	"50:1000/7:7/1000000000:$(ulimit -Hv | sed 's/unlimited/-1/')" \
	"several --rlimit, any case, SOFT: keeps the hard limit"
soft=$(ulimit -Sn)
rl --rlimit nofile=:"$soft"
is "$(field rlimit_nofile "$out")" "$soft:$soft" "--rlimit nofile=:HARD keeps the soft limit"
rl --rlimit nofile=10 --rlimit nofile=20
is "$(field rlimit_nofile "$out")" "20:20" "a later --rlimit replaces an earlier one"
# Sizes as prlimit users write them (issue 11).
rl --rlimit as=1G
is "$(field rlimit_as "$out")" "1073741824:1073741824" "--rlimit as=1G"
rl --rlimit as=1G:2G --rlimit core=4KiB --rlimit stack=8m
is "$(field rlimit_as "$out")/$(field rlimit_core "$out")/$(field rlimit_stack "$out")" \
	"1073741824:2147483648/4096:4096/8388608:8388608" "--rlimit with G, KiB, m suffixes, soft and hard"
for v in 1Q 1GB 1.5G G 16E; do
	run --rlimit "as=$v" true
	is "$rc $err" "125 clonexec: --rlimit: 'as=$v' is not NAME=SOFT[:HARD]" "--rlimit as=$v rejected"
done
run --rlimit nofile=2000000000 true
like "$rc $err" "^125 clonexec: setrlimit nofile" "a limit the kernel refuses: 125 naming the step"

# --cgroup: the child starts in the cgroup.
cg=/sys/fs/cgroup/unified/cx-cli-test.$$
if mkdir "$cg" 2>/dev/null; then
	out=$("$CX" --cgroup "$cg" -- cat /proc/self/cgroup | grep '^0::')
	is "$out" "0::/cx-cli-test.$$" "--cgroup DIR: the child starts in DIR"
	out=$("$CX" --cgroup "$cg" -- sh -c 'grep -qx $$ "$0/cgroup.procs" && echo listed' "$cg")
	is "$out" listed "--cgroup: the child is in DIR's cgroup.procs"
	rmdir "$cg"
else
	ok 1 "cannot create a cgroup under /sys/fs/cgroup/unified"
fi
run --cgroup /tmp true
like "$rc $err" "^125 clonexec: --cgroup /tmp: not a cgroup v2 directory" "--cgroup of a non-cgroup directory: 125, the directory named"
run --cgroup /etc/passwd true
is "$rc $err" "125 clonexec: --cgroup /etc/passwd: Not a directory" "--cgroup of a file: 125"
cli_done
