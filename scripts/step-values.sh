#!/bin/sh
# Renumber the "CX_STEP_X = N" lines of man/cx_step_name.3 from the order of
# enum cx_step in include/clonexec.h (after steps are added or merged;
# tests/t-lib-steps checks the page).
set -eu
cd "$(dirname "$0")/.."
awk '
	FNR == NR {
		if ($0 ~ /^enum cx_step \{/) inside = 1
		else if (inside && $0 ~ /^\};/) inside = 0
		else if (inside && match($0, /CX_STEP_[A-Z0-9_]+/)) {
			name = substr($0, RSTART, RLENGTH)
			if (name != "CX_STEP_MAX_") value[name] = n++
		}
		next
	}
	match($0, /^\.BR CX_STEP_[A-Z0-9_]+ " = [0-9]+:/) {
		split($2, w, " ")
		name = $2
		if (name in value) sub(/= [0-9]+:/, "= " value[name] ":")
	}
	{ print }
' include/clonexec.h man/cx_step_name.3 > man/cx_step_name.3.new
mv man/cx_step_name.3.new man/cx_step_name.3
