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

# Mounts and names imply their namespaces in place too: the host sees
# neither the tmpfs nor the hostname.
mkdir "$T/m"
host_name=$(hostname)
run --exec --tmpfs "$T/m" --hostname cx-exec-t -- sh -c "grep -c ' $T/m ' /proc/self/mountinfo; hostname"
is "$rc $(echo $out)" "0 1 cx-exec-t" "--tmpfs and --hostname in place: the program sees them"
is "$(grep -c " $T/m " /proc/self/mountinfo)" 0 "--tmpfs in place: nothing mounted on the host"
is "$(hostname)" "$host_name" "--hostname in place: the host's name unchanged"
run --exec --explain --tmpfs "$T/m" -- true
like "$out" "self +unshare mount" "--explain --exec --tmpfs: a mount namespace by unshare"

# Confinement and process attributes in place (issue 13: every attribute
# that works in place, seen in the program). The pid stays clonexec's: the
# shell execs clonexec, which becomes the probe.
CP=$T/prog/confine-probe
run --exec --cap-drop ALL --cap-add net_bind_service -- "$CP" status CapEff status CapBnd
is "$(field CapEff "$out") $(field CapBnd "$out")" "0000000000000400 0000000000000400" \
	"--cap-drop ALL --cap-add net_bind_service in place: CapEff and CapBnd 0x400"
run --exec --securebits +noroot,+noroot_locked -- "$CP" securebits
is "$(field securebits "$out")" 3 "--securebits in place"
run --exec --no-new-privs -- "$CP" status NoNewPrivs
is "$(field NoNewPrivs "$out")" 1 "--no-new-privs in place"
mkdir -p "$T/w"
run --exec --seccomp-deny mkdir,mkdirat:EXDEV -- "$CP" mkdir "$T/w/c" write "$T/w/f" status Seccomp
is "$(field mkdir "$out") $(field write "$out") $(field Seccomp "$out")" "18 0 2" \
	"--seccomp-deny in place: EXDEV for mkdir, writes work, filter mode 2"
if [ -z "${CX_VALGRIND:-}" ]; then
	mkdir -p "$T/in" "$T/out"
	run --exec --landlock-ro / --landlock-rw "$T/in" -- "$CP" write "$T/in/f" write "$T/out/f"
	is "$(printf '%s\n' "$out" | tr '\n' ' ')" "write=0 write=13 " \
		"--landlock-ro/--landlock-rw in place: written inside, refused outside"
fi
# --setsid: the program leads a new session, with clonexec's pid.
out=$(sh -c 'echo $$; exec "$0" --exec --setsid -- sh -c "echo \$\$; ps -o sid= -p \$\$"' "$CX" 2>"$T/stderr")
rc=$?
set -- $out
is "$rc $1 $2 $3" "0 $1 $1 $1" "--setsid in place: same pid, and it leads its session"
set --
run --exec --nice 7 --oom-score-adj 345 -- sh -c 'cut -d" " -f19 /proc/self/stat; cat /proc/self/oom_score_adj'
is "$rc $(echo $out)" "0 7 345" "--nice and --oom-score-adj in place"
run --exec --sched batch --cpus 0 -- "$CP" status Cpus_allowed_list
is "$(field Cpus_allowed_list "$out")" 0 "--cpus in place: Cpus_allowed_list 0"
run --exec --sched batch -- sh -c 'chrt -p $$'
like "$out" "SCHED_BATCH" "--sched batch in place"
# A new root in place: user and mount namespaces by unshare, pivot_root
# into a tmpfs that holds only /usr and the probe's directory.
echo in-the-new-root > "$T/prog/mark"
run --exec -r --new-root --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \
	--symlink usr/lib64 /lib64 --ro-bind "$T/prog" "$T/prog" -- "$PROBE" cat "$T/prog/mark" cat /etc/passwd
is "$rc $out" "0 in-the-new-root" "--new-root in place: the program runs and sees what was bound"
case $out in *root:x:0:0*) ok 1 "--new-root in place: the host's /etc is not there" ;;
*) ok 0 "--new-root in place: the host's /etc is not there" ;; esac
is "$(grep -c " $T/prog " /proc/self/mountinfo)" 0 "--new-root in place: nothing left mounted on the host"

# --explain --exec: every step is clonexec's own.
run --exec --explain -r -- true
like "$out" "self +unshare user" "--explain --exec: unshare by clonexec itself"
if printf '%s\n' "$out" | grep -Eq 'clone3?[[:space:]]|parent|child'; then ok 1 "--explain --exec: no clone"; else ok 0 "--explain --exec: no clone"; fi

# What needs a new process, refused before anything starts.
rejects "--exec with a new PID namespace" "-p: a new PID namespace takes a new process" --exec -p
rejects "--exec with --clone pid" "--clone user,pid: a new PID namespace takes a new process" \
	--exec --clone user,pid
rejects "--exec with --timeout" "--exec: not with --timeout" --exec --timeout 5
rejects "--exec with --kill-tree" "--exec: not with --kill-tree" --exec --kill-tree
rejects "--exec with --init" "--exec: not with --init" --exec --init
rejects "--exec with -p --init" "--exec: not with --init" --exec -p --init
rejects "--exec with a cgroup of its own" \
	"--cgroup-parent /sys/fs/cgroup/unified: a cgroup of the program's own is removed by its spawner" \
	--exec --cgroup-parent /sys/fs/cgroup/unified
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
