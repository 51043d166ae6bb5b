#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo: run a shell in new user, pid, net, uts, ipc and mount
# namespaces with root mapped, show what it sees, then its --json status.
# Usage: tools/demo.sh path/to/clonexec
set -e
cx=${1:-build/clonexec}

echo "outside: uid $(id -u), pid $$, hostname $(hostname)"
echo "\$ clonexec -r -p -n -u -i -m --setenv HOST=clonexec-demo --json-fd 3 -- sh -c '...' 3>&1"
"$cx" -r -p -n -u -i -m --setenv HOST=clonexec-demo --json-fd 3 -- sh -c '
	hostname "$HOST"
	echo "inside:  uid $(id -u) (mapped to $(awk "{print \$2}" /proc/self/uid_map) outside)"
	echo "         pid $$"
	echo "         hostname $(hostname)"
	echo "         network devices: $(awk "NR > 2 { sub(\":\", \"\", \$1); print \$1 }" /proc/net/dev)"
	echo "the status clonexec reports (--json) once the child has ended:"
' 3>&1
echo "outside again: hostname $(hostname)"

# Issue 9: a bubblewrap-style sandbox: an empty root with /usr read-only,
# its own /proc, /dev and /tmp, a minimal init as pid 1: ps sees only it.
echo
echo "\$ clonexec -r -p -i -u -n --init --new-root --ro-bind /usr /usr --symlink usr/bin /bin \\"
echo "    --symlink usr/lib /lib --symlink usr/lib64 /lib64 --proc /proc --dev /dev --tmpfs /tmp \\"
echo "    --hostname sandbox -- /bin/sh -c '...'"
"$cx" -r -p -i -u -n --init --new-root --ro-bind /usr /usr --symlink usr/bin /bin \
	--symlink usr/lib /lib --symlink usr/lib64 /lib64 --proc /proc --dev /dev --tmpfs /tmp \
	--hostname sandbox -- /bin/sh -c '
	echo "inside:  / holds: $(ls / | tr "\n" " ")"
	echo "         hostname $(hostname); writing /usr: $(touch /usr/x 2>&1 | sed "s/.*: //")"
	echo "         ps -e sees:"
	ps -e -o pid=,comm= | sed "s/^/          /"
'
