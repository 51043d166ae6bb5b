#!/bin/sh
# SPDX-License-Identifier: MIT
# The same ratios measured two ways in one `make bench` run: spawnbench
# (time slices in level processes; 0 GiB, 1 thread) and xcheck (batches in
# one process, bench/xcheck.c). They agree when they differ by at most 0.10.
#   bench/agree.sh RESULTS_DIR
R=${1:?usage: bench/agree.sh RESULTS_DIR}
sb=$R/bench.csv xc=$R/xcheck.csv
if [ ! -f "$sb" ] || [ ! -f "$xc" ]; then
	echo "agree: $sb or $xc missing: no cross-check"
	exit 0
fi
awk -F, '
	FNR == 1 { next }
	FILENAME == ARGV[1] && $3 == 0 && $5 == 1 { sb[$1] = $8 }
	FILENAME == ARGV[2] { xc[$1] = $3 }
	END {
		n = split("cx-userpid/floor-userpid-sm cx/floor cx/posix_spawn floor-userpid-sm/floor", pairs, " ")
		print "Cross-check: the same ratio by spawnbench (slices) and by xcheck (batches, one process):"
		bad = 0
		for (i = 1; i <= n; i++) {
			split(pairs[i], ab, "/")
			a = ab[1]; b = ab[2]
			if (!(a in sb) || !(b in sb) || !(a in xc) || !(b in xc) || sb[b] == 0 || xc[b] == 0) {
				printf "  %-30s not measured by both\n", pairs[i]
				continue
			}
			x = sb[a] / sb[b]; y = xc[a] / xc[b]; d = x - y
			ok = d <= 0.10 && d >= -0.10
			bad += !ok
			printf "  %-30s spawnbench %.2f (%.1f/%.1f us)  xcheck %.2f (%.1f/%.1f us)  %s\n",
				pairs[i], x, sb[a], sb[b], y, xc[a], xc[b], ok ? "AGREE" : "DISAGREE"
		}
		exit bad ? 1 : 0
	}' "$sb" "$xc" | tee "$R/agree.txt"
