#!/bin/bash
# SPDX-License-Identifier: MIT
# Namespaces by clone and by unshare, id maps, setgroups, mount propagation.
. "$(dirname "$0")/lib/cli-tap.sh"

self=$("$PROBE" ns)
differs() { # differs NS OUT: the child's NS namespace is not ours
	[ -n "$(field "ns_$1" "$2")" ] && [ "$(field "ns_$1" "$2")" != "$(field "ns_$1" "$self")" ]
}
same_except() { # same_except "NS..." OUT: every other namespace is ours
	local n
	for n in user pid mnt net uts ipc cgroup time; do
		case " $1 " in *" $n "*) continue ;; esac
		[ "$(field "ns_$n" "$2")" = "$(field "ns_$n" "$self")" ] || return 1
	done
}

out=$("$CX" "$PROBE" ns)
ok "$(same_except "" "$out"; echo $?)" "no option: every namespace is clonexec's"

for pair in U:user p:pid m:mnt n:net u:uts i:ipc C:cgroup T:time; do
	letter=${pair%%:*} ns=${pair#*:}
	out=$("$CX" -"$letter" "$PROBE" ns)
	ok "$(differs "$ns" "$out" && same_except "$ns" "$out"; echo $?)" "-$letter: a new $ns namespace only"
done
for ns in user pid mount mnt net uts ipc cgroup time; do
	want=$ns
	[ "$ns" = mount ] && want=mnt
	out=$("$CX" --clone "$ns" "$PROBE" ns)
	ok "$(differs "$want" "$out" && same_except "$want" "$out"; echo $?)" "--clone $ns"
	# (unshare's new pid namespace is for the child's children)
	out=$("$CX" --unshare "$ns" -- sh -c '"$0" ns; :' "$PROBE")
	ok "$(differs "$want" "$out" && same_except "$want" "$out"; echo $?)" "--unshare $ns"
done
out=$("$CX" --clone net,uts --unshare ipc "$PROBE" ns)
ok "$(differs net "$out" && differs uts "$out" && differs ipc "$out" &&
	same_except "net uts ipc" "$out"; echo $?)" "--clone net,uts --unshare ipc"

# pid by clone: the child is pid 1; by unshare: its children are.
out=$("$CX" -p "$PROBE" stat)
is "$(field pid "$out")" 1 "-p: the child is pid 1"
out=$("$CX" --unshare pid -- sh -c 'sh -c "echo \$\$"')
is "$out" 1 "--unshare pid: the child's first child is pid 1"
out=$("$CX" -rpnuim --setenv CXHOST=cx-test -- sh -c 'hostname "$CXHOST"; hostname')
is "$out/$(hostname)" "cx-test/$(hostname)" "-u: the hostname changes inside only"
out=$("$CX" -n -- cat /proc/net/dev | awk 'NR > 2 { sub(":", "", $1); print $1 }')
is "$out" lo "-n: only the loopback device"

# Maps.
out=$("$CX" -r "$PROBE" status uid_map)
is "$(field Uid "$out" | awk '{print $1}')/$(printf '%s\n' "$out" | awk '$1 == 0 && NF == 3 {print $2, $3}')" \
	"0/$(id -u) 1" "-r: uid 0 inside, mapped to clonexec's uid"
out=$("$CX" --map-root-user -- cat /proc/self/gid_map /proc/self/setgroups | awk '{$1 = $1; print}')
is "$(printf '%s' "$out" | tr '\n' '|')" "0 $(id -g) 1|deny" "--map-root-user: gid map and setgroups deny"
out=$("$CX" -c -- cat /proc/self/uid_map | awk '{print $1, $2, $3}')
is "$out" "$(id -u) $(id -u) 1" "-c: uid mapped to itself"
out=$("$CX" --map-current-user "$PROBE" ns)
ok "$(differs user "$out"; echo $?)" "-c implies a new user namespace"
out=$("$CX" -r --unshare user -- cat /proc/self/uid_map | awk '{print $1, $2, $3}')
is "$out" "0 $(id -u) 1" "-r with --unshare user: the map goes to that namespace"
out=$("$CX" -U --uid-map 0:100000:1000 --uid-map 1000:0:1 --gid-map 0:100000:65536 \
	-- cat /proc/self/uid_map /proc/self/gid_map | awk '{print $1 ":" $2 ":" $3}' | tr '\n' ' ')
is "$out" "0:100000:1000 1000:0:1 0:100000:65536 " "--uid-map and --gid-map, several ranges"
out=$("$CX" -U --gid-map 0:0:10 --setgroups allow -- cat /proc/self/setgroups)
is "$out" allow "--setgroups allow"
out=$("$CX" -U --gid-map 0:0:10 --setgroups deny -- cat /proc/self/setgroups)
is "$out" deny "--setgroups deny"
out=$("$CX" -U --uid-map 0:0:1 --gid-map 0:0:10 --setgroups allow --groups 1,2 "$PROBE" status)
is "$(field Groups "$out" | sed 's/ *$//')" "1 2" "--setgroups allow lets --groups work in the namespace"
run -U --uid-map 0:0:1 --gid-map 0:0:10 --groups 1,2 true
is "$rc $err" "125 clonexec: setgroups 1,2: Operation not permitted" \
	"--groups with setgroups denied: 125 naming the step"

# A new mount namespace is private unless --keep-propagation.
mkdir -p "$T/shared" "$T/src"
mount --bind "$T/shared" "$T/shared"
mount --make-shared "$T/shared"
touch "$T/src/file"
"$CX" -m -- mount --bind "$T/src" "$T/shared"
ok "$([ ! -e "$T/shared/file" ]; echo $?)" "-m: a mount inside does not propagate out"
"$CX" -m --keep-propagation -- mount --bind "$T/src" "$T/shared"
ok "$([ -e "$T/shared/file" ]; echo $?)" "-m --keep-propagation: it does"
umount "$T/shared" 2>/dev/null
umount "$T/shared" 2>/dev/null
umount "$T/shared" 2>/dev/null
cli_done
