#!/bin/bash
# SPDX-License-Identifier: MIT
# The bash completion (bash-completion/clonexec), called as readline calls
# it (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT, then the function that
# `complete -p` names) on top of bash-completion's helpers: every option of
# --help, every argument kind, the program after the options, and the check
# that each option's arguments have a kind (it fails naming what to add).
#   CX_COMPLETION=installed [CX_COMPLETION_CMD=clonexec]: test the installed
#   completion, found by bash-completion's loader (make check-deb).
. "$(dirname "$0")/lib/cli-tap.sh"
src=$(cd "$(dirname "$0")/.." && pwd)

bc=/usr/share/bash-completion/bash_completion
if [ ! -f "$bc" ]; then
	echo "1..0 # SKIP bash-completion is not installed ($bc)"
	exit 77
fi
. "$bc"
if [ "${CX_COMPLETION:-}" = installed ]; then
	CX=${CX_COMPLETION_CMD:-clonexec}
	_completion_loader clonexec
	ok "$([ "$(declare -F _clonexec_check)" ] && echo 0 || echo 1)" \
		"bash-completion's loader finds the installed completion"
else
	. "$src/bash-completion/clonexec"
fi
is "$(complete -p clonexec)" "complete -F _clonexec clonexec" "registered for clonexec"

# comp LINE: what completing at the end of LINE offers, sorted, one a line.
# LINE is split into COMP_WORDS as readline splits it (COMP_WORDBREAKS).
comp() {
	local line=$1 w= t= nt c i spec
	COMP_WORDS=()
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if [[ $c == [[:space:]] ]]; then
			[[ $w ]] && COMP_WORDS+=("$w")
			w= t=
			continue
		fi
		nt=word
		[[ $COMP_WORDBREAKS == *"$c"* ]] && nt=break
		if [[ $w && $nt != "$t" ]]; then
			COMP_WORDS+=("$w")
			w=
		fi
		w+=$c t=$nt
	done
	COMP_WORDS+=("$w")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	spec=$(complete -p "${COMP_WORDS[0]##*/}")
	spec=${spec#*-F }
	${spec%% *} "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sort -u | sed '/^$/d'
}

# has LINE WORD DESCRIPTION / lacks LINE WORD DESCRIPTION
has() {
	local got
	got=$(comp "$1")
	ok "$(printf '%s\n' "$got" | grep -qxF -- "$2" && echo 0 || echo 1)" "$3"
	printf '%s\n' "$got" | grep -qxF -- "$2" || diag "'$1' offers: $(echo $got | cut -c1-200)"
}
lacks() {
	ok "$(comp "$1" | grep -qxF -- "$2" && echo 1 || echo 0)" "$3"
}
# offers LINE "WORD..." DESCRIPTION: exactly these words.
offers() {
	is "$(comp "$1" | tr '\n' ' ' | sed 's/ $//')" "$(printf '%s\n' $2 | sort -u | tr '\n' ' ' |
		sed 's/ $//')" "$3"
}

# ---------- the option table ----------
check=$(_clonexec_check "$CX")
is "$?:$check" "0:" "every option of --help has argument kinds the completion knows"
bad=
for k in "${!_clonexec_kinds[@]}"; do
	for v in ${_clonexec_kinds[$k]}; do
		[[ $v == - || " $_clonexec_kind_names " == *" $v "* ]] || bad+=" [$k]=$v"
	done
done
is "$bad" "" "every entry of _clonexec_kinds names a kind"
help=$("$CX" --help)
# Read --help independently of the completion's parser.
want=$(printf '%s\n' "$help" | awk '/^ +-/ {
	if ($1 ~ /,$/) { s = $1; sub(/,$/, "", s); print s; l = $2 } else l = $1
	sub(/\[=.*/, "", l); if (l ~ /^-/) print l }' | sort -u)
nwant=$(printf '%s\n' "$want" | wc -l)
ok "$([ "$nwant" -ge 40 ] && echo 0 || echo 1)" "--help shows $nwant option spellings"
is "$(comp "$CX -")" "$want" "'-' offers every option and letter of --help"
is "$(comp "$CX --")" "$(printf '%s\n' "$want" | grep -- '^--')" "'--' offers every long option"
offers "$CX --chd" "--chdir" "a prefix offers its options"

# A newer clonexec, with options of kinds this file does not know yet.
mkdir -p "$T/bin" "$T/tree/d1" "$T/tree/d2"
: >"$T/tree/f1"
cat >"$T/bin/clonexec" <<EOF
#!/bin/sh
cat <<'HELP'
$help
      --bind SRC DEST              bind SRC on DEST
      --frob-list LIST             frobnicate these
      --frobnicate WIDGET          frobnicate
      --speed fast|slow            how fast
  -Z, --an-option-whose-name-is-very-long X and too wide
HELP
EOF
chmod +x "$T/bin/clonexec"
new=$T/bin/clonexec
check=$(_clonexec_check "$new")
rc=$?
is "$rc" 1 "the check fails on a --help with unknown argument kinds"
like "$check" "--frob-list LIST: add \['LIST'\]=KIND or \['--frob-list'\]=KIND to _clonexec_kinds" \
	"and names the entry to add for an ambiguous argument name"
like "$check" "--frobnicate WIDGET: add \['WIDGET'\]=KIND" "and for an unknown one"
like "$check" "cannot read the help line '  -Z, --an-option" "and names a help line too wide to read"
ok "$(printf '%s\n' "$check" | grep -Eq -- '--bind|--speed' && echo 1 || echo 0)" \
	"two known arguments and a choice list need no entry"
has "$new --bind $T/tree/f" "$T/tree/f1" "a two-argument option: the first is a file"
has "$new --bind $T/tree/f1 $T/tree/d" "$T/tree/d1" "and so is the second"
has "$new --bind a b tr" "true" "after both arguments comes the program"
offers "$new --speed " "fast slow" "a choice list offers its words"
has "$new --frob-list $T/tr" "$T/tree" "an argument of unknown kind gets files meanwhile"

# ---------- argument kinds ----------
cd "$T" || exit 1
offers "$CX --chdir tree/" "tree/d1 tree/d2" "--chdir DIR: directories only"
offers "$CX -w tree/" "tree/d1 tree/d2" "-w DIR"
offers "$CX -rw tree/" "tree/d1 tree/d2" "-rw DIR (letters, the last takes the argument)"
offers "$CX --chdir=tree/" "tree/d1 tree/d2" "--chdir=DIR"
offers "$CX --root tree/" "tree/d1 tree/d2" "--root DIR"
offers "$CX --cgroup tree/" "tree/d1 tree/d2" "--cgroup DIR"
is "$(comp "$CX --uid ")" "$(compgen -u | sort -u)" "--uid: the user names"
is "$(comp "$CX --gid ")" "$(compgen -g | sort -u)" "--gid: the group names"
is "$(comp "$CX --groups ")" "$(compgen -g | sort -u)" "--groups: the group names"
lacks "$CX --groups root,ro" "root,root" "--groups: a listed group is not offered again"
has "$CX --pdeathsig SIGK" SIGKILL "--pdeathsig SIG: signal names"
has "$CX --pdeathsig KI" KILL "without SIG when it is not typed"
has "$CX --pdeathsig SIGRTMIN+" SIGRTMIN+1 "real-time signals"
offers "$CX --rlimit nof" "nofile=" "--rlimit: limit names, then ="
offers "$CX --rlimit nofile=" "" "no guess at the values"
ok "$(comp "$CX --rlimit " | wc -l | grep -qx "$(prlimit --noheadings -o RESOURCE | wc -l)" &&
	echo 0 || echo 1)" "--rlimit offers every limit prlimit(1) names"
offers "$CX --ambient-caps net_bind" "net_bind_service" "--ambient-caps: capability names"
offers "$CX --ambient-caps cap_net_bind" "cap_net_bind_service" "with cap_ when it is typed"
offers "$CX --ambient-caps chown,ki" "chown,kill" "the last item of a list"
ncaps=$(($(cat /proc/sys/kernel/cap_last_cap) + 1))
is "$(comp "$CX --ambient-caps " | wc -l)" "$ncaps" "every capability of the kernel ($ncaps)"
offers "$CX --bounding-set +net_bind" "+net_bind_service" "--bounding-set (+|-)CAP: the sign kept"
offers "$CX --inh-caps -net_bind" "-net_bind_service" "--inh-caps: -CAP"
offers "$CX --inh-caps +cap_net_bind" "+cap_net_bind_service" "with cap_ when it is typed after the sign"
offers "$CX --bounding-set -all,+ki" "-all,+kill" "the last change of a list"
offers "$CX --bounding-set -al" "-all" "-all"
offers "$CX --bounding-set=-setuid,-set" "-setuid,-setfcap -setuid,-setgid -setuid,-setpcap" \
	"--bounding-set=: a listed change is not offered again"
is "$(comp "$CX --bounding-set " | wc -l)" "$((2 * (ncaps + 1)))" \
	"every capability and all, with either sign ($((2 * (ncaps + 1))))"
nslist=$(printf '%s\n' "$help" | sed -n 's/^LIST of namespaces: //p' | tr -d '(),.' |
	sed 's/or //')
offers "$CX --clone " "$nslist" "--clone: the namespaces --help lists ($nslist)"
offers "$CX --clone user,p" "user,pid" "--clone: the last item of a list"
offers "$CX --unshare user,pid,u" "user,pid,uts" "--unshare: a listed one is not offered again"
offers "$CX -U --unshare m" "mnt mount" "--unshare after a letter"
offers "$CX --setgroups " "allow deny" "--setgroups allow|deny"
export CX_COMP_TEST_VAR=1
offers "$CX --setenv CX_COMP_TEST_V" "CX_COMP_TEST_VAR=" "--setenv NAME=VALUE: variable names, then ="
offers "$CX --unsetenv CX_COMP_TEST_V" "CX_COMP_TEST_VAR" "--unsetenv NAME: variable names"
has "$CX --fd 5=" "-" "--fd CHILD=PARENT|-: - after ="
has "$CX --fd 5=" "2" "and the fds the shell has"
has "$CX --json-fd " "1" "--json-fd FD: the shell's fds"
offers "$CX --umask " "" "--umask MODE: nothing to guess"
offers "$CX --argv0 " "" "--argv0 NAME: nothing to guess"

# ---------- where the options end ----------
has "$CX -r tr" "true" "the first word that is not an option: a command"
lacks "$CX -r tr" "--chdir" "and no option"
has "$CX --uid root tr" "true" "after an option's argument: the program"
has "$CX --setpgid tr" "true" "an optional argument takes only --opt=ARG"
has "$CX --rlimit nofile=1:2 --fd 3=1 --ch" "--chdir" "arguments with = and : count as one word"
has "$CX -- tr" "true" "after --: the program"
has "$CX -r -- $CX --ch" "--chdir" "the program's arguments by its own completion"
lacks "$CX -r true --ch" "--chdir" "after the program, clonexec's options are not offered"
offers "$CX -r true tree/f" "tree/f1" "but the program's arguments are (files here)"

cli_done
