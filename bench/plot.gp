# bench/plot.gp: draw spawnbench's results.
#   gnuplot -e "dir='bench/results'" bench/plot.gp
# Left: median µs per spawn against parent memory (1 thread), log scale.
# Right: spawns per second against threads spawning at once (first memory level).
if (!exists("dir")) dir = "bench/results"
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
	set terminal pngcairo size 1400,600 font ",10"
} else {
	set terminal png size 1400,600
}
set output dir."/bench.png"
set datafile separator whitespace
set key outside right top vertical font ",8" spacing 0.9
set grid
# One block per method in each .dat file, its name on the block's first line.
nmem = 0
stats dir."/plot-mem.dat" using 1 nooutput
nblocks = STATS_blocks
set multiplot layout 1,2 title "spawn + reap of a no-op static program (median)"
set title "cost against parent memory (1 thread)"
set xlabel "parent resident memory (GiB, touched)"
set ylabel "µs per spawn (log)"
set logscale y
set xtics (0, 1, 2, 3, 4)
plot for [i=0:nblocks-1] dir."/plot-mem.dat" index i using 1:2 with linespoints \
	lw 2 pt (i % 13) + 1 title columnheader(1)
unset logscale y
set title "throughput against threads spawning at once"
set xlabel "threads"
set ylabel "spawns per second"
set xtics (1, 2, 4)
set logscale y
plot for [i=0:nblocks-1] dir."/plot-threads.dat" index i using 1:2 with linespoints \
	lw 2 pt (i % 13) + 1 title columnheader(1)
unset multiplot
