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
