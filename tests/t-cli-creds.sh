#!/bin/bash
# SPDX-License-Identifier: MIT
# Credentials and capabilities, seen in /proc/self/status of the child.
. "$(dirname "$0")/lib/cli-tap.sh"

st() { # st ARGS...: the child's status in $out
	out=$("$CX" "$@" "$PROBE" status)
	rc=$?
}
ids() { printf '%s/%s/%s' "$(field Uid "$out" | awk '{print $1,$2,$3,$4}')" \
	"$(field Gid "$out" | awk '{print $1,$2,$3,$4}')" "$(field Groups "$out" | sed 's/ *$//')"; }

st --uid 65534
is "$rc $(ids)" "0 65534 65534 65534 65534/0 0 0 0/" "--uid 65534: uid changed, gid kept, groups cleared"
st --uid nobody --gid nogroup
is "$(ids)" "65534 65534 65534 65534/65534 65534 65534 65534/" "--uid NAME --gid NAME"
st --gid 100
is "$(ids)" "0 0 0 0/100 100 100 100/" "--gid 100 alone: uid kept"
st --groups 1,2,nogroup
is "$(ids)" "0 0 0 0/0 0 0 0/1 2 65534" "--groups 1,2,nogroup (numbers and names)"
st --uid 65534 --groups 7
is "$(ids)" "65534 65534 65534 65534/0 0 0 0/7" "--uid with --groups"

# Supplementary groups: cleared, kept or inherited.
out=$("$CX" --groups 5,6 -- "$CX" --uid 65534 "$PROBE" status)
is "$(field Groups "$out" | sed 's/ *$//')" "" "a credential option clears the groups"
out=$("$CX" --groups 5,6 -- "$CX" --uid 65534 --keep-groups "$PROBE" status)
is "$(field Groups "$out" | sed 's/ *$//')" "5 6" "--keep-groups keeps them"
out=$("$CX" --groups 5,6 -- "$CX" --keep-groups "$PROBE" status)
is "$(ids)" "0 0 0 0/0 0 0 0/5 6" "--keep-groups alone: ids kept too"
out=$("$CX" --groups 5,6 -- "$CX" --groups '' "$PROBE" status)
is "$(field Groups "$out" | sed 's/ *$//')" "" "--groups '' clears them"
out=$("$CX" --groups 5,6 -- "$CX" "$PROBE" status)
is "$(field Groups "$out" | sed 's/ *$//')" "5 6" "no credential option: groups inherited"

# Capabilities.
st --uid 65534
is "$(field CapEff "$out")/$(field CapPrm "$out")/$(field CapAmb "$out")" \
	"0000000000000000/0000000000000000/0000000000000000" "--uid 65534: no capabilities left"
st --uid 65534 --ambient-caps net_bind_service,CAP_SYSLOG,25
is "$(field CapAmb "$out")" 0000000402000400 "--ambient-caps name,CAP_NAME,number: ambient set"
is "$(field CapEff "$out")" 0000000402000400 "--ambient-caps: effective after execve as nobody"
st --uid 65534 --ambient-caps Cap_Sys_Time
is "$(field CapAmb "$out")" 0000000002000000 "--ambient-caps: any case"
st --ambient-caps chown
is "$(field CapAmb "$out")" 0000000000000001 "--ambient-caps as root without --uid"

st --no-new-privs
is "$(field NoNewPrivs "$out")" 1 "--no-new-privs"
st
is "$(field NoNewPrivs "$out")" 0 "no_new_privs off by default"
st --umask 027
is "$(field Umask "$out")" 0027 "--umask 027"
st --umask 0
is "$(field Umask "$out")" 0000 "--umask 0"

# In a user namespace, an unspecified uid or gid is clonexec's own as the
# namespace sees it: 0 with -r.
st -r --gid 0
is "$rc $(ids)" "0 0 0 0 0/0 0 0 0/" "-r --gid 0: the uid stays the mapped one (0)"
st -U --uid-map 0:0:1 --uid-map 1000:100000:10 --gid-map 0:0:1 --uid 1005
is "$rc $(field Uid "$out" | awk '{print $1}')" "0 1005" "--uid inside a multi-range map"
run -U --uid-map 0:0:1 --gid-map 0:0:1 --uid 5 true
is "$rc $err" "125 clonexec: setuid 5: Invalid argument" "--uid not in the map: setuid fails, 125"
cli_done
