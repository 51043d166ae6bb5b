#!/bin/bash
# clonexec(1)'s join-and-confine options (issue 10), each next to the tool
# it replaces where that tool is installed: nsenter, setpriv, bwrap, unshare.
. "$(dirname "$0")/lib/cli-tap.sh"
CP=$T/prog/confine-probe

# --- capabilities -------------------------------------------------------
run --cap-drop ALL --cap-add net_bind_service -- "$CP" status CapEff status CapBnd status CapPrm
is "$(field CapEff "$out")" 0000000000000400 "--cap-drop ALL --cap-add net_bind_service: CapEff 0x400"
is "$(field CapBnd "$out")" 0000000000000400 "... and CapBnd 0x400"
if command -v bwrap >/dev/null; then
	# (bwrap 0.8 run as root leaves the bounding set as it is.)
	b=$(bwrap --dev-bind / / --cap-drop ALL --cap-add cap_net_bind_service -- "$CP" status CapEff 2>/dev/null)
	is "$(field CapEff "$out")" "$(field CapEff "$b")" \
		"the same CapEff as bwrap --cap-drop ALL --cap-add cap_net_bind_service"
fi
run --uid 65534 --gid 65534 --cap-drop ALL --cap-add net_bind_service -- "$CP" status CapAmb status CapEff
is "$(field CapAmb "$out") $(field CapEff "$out")" "0000000000000400 0000000000000400" \
	"as nobody: net_bind_service ambient and effective"
run --bounding-set -all,+chown,+kill --inh-caps +kill -- "$CP" status CapBnd status CapInh
is "$(field CapBnd "$out") $(field CapInh "$out")" "0000000000000021 0000000000000020" \
	"--bounding-set -all,+chown,+kill --inh-caps +kill"
if command -v setpriv >/dev/null; then
	s=$(setpriv --bounding-set -all,+chown,+kill --inh-caps +kill -- "$CP" status CapBnd status CapInh)
	is "$(field CapBnd "$s") $(field CapInh "$s")" "0000000000000021 0000000000000020" \
		"the same as setpriv's"
fi
run --securebits +noroot,+noroot_locked -- "$CP" securebits status CapEff
is "$(field securebits "$out") $(field CapEff "$out")" "3 0000000000000000" \
	"--securebits +noroot,+noroot_locked: set, and root gets nothing at execve"
rejects "unknown capability" "unknown capability 'cap_nonsense'" --cap-add cap_nonsense
rejects "bounding list without sign" "does not start with" --bounding-set chown
rejects "unknown securebit" "unknown securebit 'nosuch'" --securebits +nosuch
rejects "keep_caps securebit" "keep_caps is cleared" --securebits +keep_caps
rejects "capability beyond the last" "beyond this kernel's last" --cap-add 63

# --- seccomp ------------------------------------------------------------
"$CP" filter "$T/filter"
mkdir -p "$T/w" && chmod 777 "$T/w"
run --seccomp 3 -- "$CP" mkdir "$T/w/a" getpid 3<"$T/filter"
is "$(field mkdir "$out")" 13 "--seccomp FD: mkdir fails with the filter's EACCES"
like "$(field getpid "$out")" '^[0-9]+$' "--seccomp FD: getpid works"
if command -v bwrap >/dev/null; then
	b=$(bwrap --dev-bind / / --seccomp 3 -- "$CP" mkdir "$T/w/b" 3<"$T/filter")
	is "$(field mkdir "$b")" 13 "the same file with bwrap --seccomp: the same EACCES"
fi
run --seccomp-deny mkdir,mkdirat:EXDEV -- "$CP" mkdir "$T/w/c" write "$T/w/f"
is "$(field mkdir "$out") $(field write "$out")" "18 0" "--seccomp-deny mkdir,mkdirat:EXDEV: EXDEV, writes work"
run --seccomp-deny mkdirat --seccomp-deny mkdir -- "$CP" mkdir "$T/w/d"
is "$(field mkdir "$out")" 1 "--seccomp-deny twice, default EPERM"
head -c 12 "$T/filter" > "$T/short"
rejects "a filter of 12 bytes" "not a whole number of 8-byte instructions" --seccomp 3 3<"$T/short"
: > "$T/empty"
rejects "an empty filter" "seccomp_filter: no instructions" --seccomp 3 3<"$T/empty"
head -c 32776 /dev/zero > "$T/big"
rejects "4097 instructions" "at most 4096" --seccomp 3 3<"$T/big"
rejects "an unknown system call" "'nosuchcall' is not a system call" --seccomp-deny open,nosuchcall
rejects "an unknown errno" "is not an errno" --seccomp-deny open:ENOPE
rejects "--seccomp with --seccomp-deny" "one filter only" --seccomp-deny open --seccomp 3 3<"$T/filter"

# --- Landlock -----------------------------------------------------------
if [ -n "${CX_VALGRIND:-}" ]; then
	echo "# skip Landlock: valgrind does not know its system calls"
else
	mkdir -p "$T/in" "$T/out"
	run --landlock-ro / --landlock-rw "$T/in" -- "$CP" write "$T/in/f" write "$T/out/f" read /etc/passwd
	is "$(printf '%s\n' "$out" | tr '\n' ' ')" "write=0 write=13 read=0 " \
		"--landlock-ro / --landlock-rw DIR: written inside, refused outside, read elsewhere"
	run --landlock-access fs --landlock-rule path-beneath:read-file,read-dir,execute:/ \
		--landlock-rule "path-beneath:write-file,make-reg,truncate:$T/in" -- "$CP" write "$T/in/g" write "$T/out/g"
	is "$(printf '%s\n' "$out" | tr '\n' ' ')" "write=0 write=13 " "setpriv's --landlock-access/--landlock-rule"
	if command -v setpriv >/dev/null && setpriv --help 2>&1 | grep -q landlock; then
		s=$(setpriv --landlock-access fs --landlock-rule path-beneath:read-file,read-dir,execute:/ \
			--landlock-rule "path-beneath:write-file,make-reg,truncate:$T/in" -- "$CP" write "$T/in/g" write "$T/out/g")
		is "$s" "$out" "the same as setpriv's"
	fi
	rejects "a missing path" "make landlock ruleset /nonexistent: No such file" --landlock-ro /nonexistent
	rejects "an unknown right" "unknown Landlock right 'fly'" --landlock-rule path-beneath:fly:/
	rejects "a rule without path" "is not path-beneath" --landlock-rule path-beneath:read-file
	rejects "-ro with --landlock-access" "not with --landlock-ro" --landlock-ro / --landlock-access fs
fi

# --- joining ------------------------------------------------------------
"$CX" --clone uts,net,pid,mount -- sh -c "hostname cx-target; touch $T/ready; exec sleep 60" &
tpid=$!
wait_for "$T/ready"
target=$(pgrep -P "$tpid" sleep || pgrep -f "^sleep 60$" | tail -1)
run --join "$target" -- "$CP" ns uts ns net ns pid ns mnt hostname getpid
for n in uts net pid mnt; do
	is "$(field "ns_$n" "$out")" "$(readlink "/proc/$target/ns/$n")" "--join PID: the $n namespace is the target's"
done
is "$(field hostname "$out")" cx-target "--join PID: the target's hostname"
if command -v nsenter >/dev/null; then
	n=$(nsenter -a -t "$target" -- "$CP" ns uts ns pid hostname 2>/dev/null)
	is "$(field ns_pid "$out") $(field hostname "$out")" "$(field ns_pid "$n") $(field hostname "$n")" \
		"the same as nsenter -a -t PID"
fi
run --join "$target" --join-ns uts -- "$CP" ns uts ns net
is "$(field ns_net "$out")" "$(readlink /proc/self/ns/net)" "--join-ns uts: the net namespace stays ours"
is "$(field ns_uts "$out")" "$(readlink "/proc/$target/ns/uts")" "--join-ns uts: the uts namespace is the target's"
run --join-file "uts=/proc/$target/ns/uts" --join-file "net=/proc/$target/ns/net" -- "$CP" hostname ns net
is "$(field hostname "$out") $(field ns_net "$out")" "cx-target $(readlink "/proc/$target/ns/net")" \
	"--join-file uts=... --join-file net=..."
run --join "$target" -- sh -c 'exit 7'
is "$rc" 7 "--join with a PID namespace: the exit status is the program's"
rejects "a process that does not exist" "--join: process 999999: No such process" --join 999999
rejects "a missing namespace file" "--join-file: /nonexistent: No such file" --join-file net=/nonexistent
rejects "a file that is no namespace" "--join-file net=/etc/passwd: fd [0-9]* is not a namespace" \
	--join-file net=/etc/passwd
rejects "a namespace of another type" "--join-file net=/proc/$target/ns/uts: .*another type of namespace" \
	--join-file "net=/proc/$target/ns/uts"
fifo=$(mktemp -u "${TMPDIR:-/tmp}/cx-fifo.XXXXXX")
mkfifo "$fifo"
rejects "a FIFO given as a namespace file (no hang)" "--join-file net=$fifo: .*not a namespace" \
	--join-file "net=$fifo"
rm -f "$fifo"
rejects "--join-ns without --join" "needs --join" --join-ns net
rejects "joining our own namespaces" "shares all its namespaces" --join $$
kill -KILL "$target" 2>/dev/null
wait "$tpid" 2>/dev/null

# --- time offsets -------------------------------------------------------
up=$(cut -d. -f1 /proc/uptime)
run --monotonic 86400 --boottime 172800 -- "$CP" uptime monotonic ns time
[ "$(field uptime "$out")" -ge $((up + 172800)) ] && [ "$(field uptime "$out")" -le $((up + 172800 + 60)) ]
ok $? "--boottime 172800: /proc/uptime shifted by two days ($(field uptime "$out"))"
is "$(field ns_time "$out" | grep -c "$(readlink /proc/self/ns/time)")" 0 "--monotonic implies a new time namespace"
if unshare --help 2>&1 | grep -q -- --boottime; then
	u=$(field uptime "$(unshare -T --boottime 172800 -- "$CP" uptime)")
	[ -n "$u" ] && [ $((u - $(field uptime "$out"))) -le 60 ] && [ $(($(field uptime "$out") - u)) -le 60 ]
	ok $? "the same shift as unshare -T --boottime 172800 ($u)"
fi
rejects "offsets for a time namespace made by clone" "made by clone cannot take offsets" -T --monotonic 5
rejects "a bad number" "is not a number of seconds" --monotonic 5x

# --- explain ------------------------------------------------------------
run --explain --cap-drop ALL --cap-add net_bind_service --seccomp-deny mkdir --monotonic 1 true
like "$out" "write timens_offsets" "--explain shows the time offsets"
like "$out" "drop bounding set" "--explain shows the bounding set"
like "$out" "install seccomp filter [0-9]+ instructions" "--explain shows the seccomp filter"
cli_done
