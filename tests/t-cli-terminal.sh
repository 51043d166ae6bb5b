#!/bin/bash
# SPDX-License-Identifier: MIT
# Sessions, process groups and the terminal, under a pseudo-terminal.
. "$(dirname "$0")/lib/cli-tap.sh"

# pty ARGS...: run clonexec ARGS... on a new pty (clonexec leads the
# session); the output in $out, the status in $rc.
pty() {
	out=$("$PTY" "$CX" "$@" 2>&1)
	rc=$?
}

pty "$PROBE" stat
pid=$(field pid "$out")
ppid=$(field ppid "$out")
is "$rc" 0 "plain run under a pty: exit 0"
is "$(field session "$out")" "$ppid" "plain: the child is in clonexec's session"
is "$(field pgrp "$out")" "$ppid" "plain: the child is in clonexec's process group"
ok "$([ "$(field tty_nr "$out")" != 0 ]; echo $?)" "plain: the child has the controlling terminal"

pty --setsid "$PROBE" stat
pid=$(field pid "$out")
is "$rc" 0 "--setsid: exit 0"
is "$(field session "$out")" "$pid" "--setsid: the child leads a new session"
is "$(field pgrp "$out")" "$pid" "--setsid: and a new process group"
is "$(field tty_nr "$out")" 0 "--setsid: no controlling terminal"

pty --setpgid "$PROBE" stat
pid=$(field pid "$out")
is "$rc" 0 "--setpgid: exit 0"
is "$(field pgrp "$out")" "$pid" "--setpgid: the child leads a new process group"
is "$(field session "$out")" "$(field ppid "$out")" "--setpgid: in clonexec's session"
ok "$([ "$(field tty_nr "$out")" != 0 ]; echo $?)" "--setpgid: keeps the terminal"

# --setpgid=PGID joins an existing group: that of a first child.
rm -f "$T/g.pid"
"$CX" --setpgid -- sh -c 'echo $$ > $0.pid; i=0; while [ $i -lt 100 ] && [ ! -e $0.done ]; do
	sleep 0.1; i=$((i + 1)); done' "$T/g" &
wait_for "$T/g.pid"
leader=$(cat "$T/g.pid")
out=$("$CX" --setpgid="$leader" "$PROBE" stat)
is "$(field pgrp "$out")" "$leader" "--setpgid=PGID: the child joins process group PGID"
touch "$T/g.done"
wait

pty --noctty "$PROBE" stat
is "$rc" 0 "--noctty: exit 0"
is "$(field tty_nr "$out")" 0 "--noctty: no controlling terminal"
is "$(field session "$out")" "$(field ppid "$out")" "--noctty: still in clonexec's session"

pty --foreground "$PROBE" stat
pid=$(field pid "$out")
is "$rc" 0 "--foreground: exit 0"
is "$(field pgrp "$out")" "$pid" "--foreground: a new process group"
is "$(field tpgid "$out")" "$pid" "--foreground: it is the terminal's foreground group"

# After the child, clonexec gives the terminal back to its own group.
out=$("$PTY" bash -c '"$1" --foreground "$2" stat >/dev/null; "$2" stat' - "$CX" "$PROBE" 2>&1)
is "$(field tpgid "$out")" "$(field pgrp "$out")" "--foreground: the terminal is given back afterwards"

pty --setsid --setctty "$PROBE" stat
pid=$(field pid "$out")
is "$rc" 0 "--setsid --setctty: exit 0"
is "$(field session "$out")" "$pid" "--setsid --setctty: new session"
ok "$([ "$(field tty_nr "$out")" != 0 ]; echo $?)" "--setctty: the terminal is the child's controlling terminal"
is "$(field tpgid "$out")" "$pid" "--setctty: the child is its foreground group"

pty --fd 0=- --fd 5=0 --setsid --setctty --ctty 5 "$PROBE" stat fds
is "$rc" 0 "--ctty 5: exit 0"
ok "$([ "$(field tty_nr "$out")" != 0 ]; echo $?)" "--ctty 5: the terminal on child fd 5 became the controlling terminal"
is "$(field fds "$out")" "1,2,5" "--ctty 5: stdin closed, fd 5 open"

# Without a terminal the steps fail, and say so.
run --foreground "$PROBE" stat </dev/null
like "$rc $err" "^125 clonexec: set foreground group.*Inappropriate ioctl" \
	"--foreground without a terminal: 125 naming the step"
run --setsid --setctty true </dev/null
like "$rc $err" "^125 clonexec: set controlling terminal 0: Inappropriate ioctl" \
	"--setctty without a terminal: 125 naming the step"

# ^C on the terminal reaches the child once: directly when it shares
# clonexec's process group, forwarded by clonexec when it does not. The
# child waits up to 20 s for it (a loaded machine delivers late), then 1 s
# more for a second one.
child='trap "echo INT >> $0.ints; i=190" INT; touch $0.ready; i=0
while [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done; exit 7'
for opt in "" --setpgid; do
	rm -f "$T/c.ints" "$T/c.ready"
	out=$("$PTY" -w "$T/c.ready" "$CX" $opt -- sh -c "$child" "$T/c" 2>&1)
	rc=$?
	is "$rc $(cat "$T/c.ints" 2>/dev/null | wc -l)" "7 1" "^C reaches the child exactly once (${opt:-same group})"
done
cli_done
