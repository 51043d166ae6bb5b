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
set termoption noenhanced
# Styles in spawnbench's row order: libclonexec solid, baselines dashed, floors dotted
# (the namespace rows and their floors in purples).
set style line 1 lc rgb "#0072B2" lw 3 pt 7 dt 1
set style line 2 lc rgb "#56B4E9" lw 2 pt 5 dt 1
set style line 3 lc rgb "#009E73" lw 2 pt 9 dt 1
set style line 4 lc rgb "#66C2A5" lw 2 pt 11 dt 1
set style line 5 lc rgb "#CC79A7" lw 2 pt 13 dt 1
set style line 6 lc rgb "#7B3294" lw 2 pt 15 dt 1
set style line 7 lc rgb "#D55E00" lw 2 pt 4 dt 2
set style line 8 lc rgb "#000000" lw 2 pt 6 dt 2
set style line 9 lc rgb "#E69F00" lw 2 pt 8 dt 2
set style line 10 lc rgb "#666666" lw 2 pt 1 dt 3
set style line 11 lc rgb "#B07AA1" lw 2 pt 2 dt 3
set style line 12 lc rgb "#E7A6D1" lw 2 pt 3 dt 3
set style line 13 lc rgb "#9E6EBD" lw 2 pt 12 dt 3
set style line 14 lc rgb "#C9A3E0" lw 2 pt 14 dt 3
set key outside right top vertical font ",8" spacing 0.9
set grid
# One block per method in each .dat file, its name on the block's first line.
stats dir."/plot-mem.dat" using 1 nooutput
nblocks = STATS_blocks
set multiplot layout 1,2 title "spawn + reap of a no-op static program (median)"
set title "cost against parent memory (1 thread)"
set xlabel "parent resident memory (GiB, touched)"
set ylabel "µs per spawn (log)"
set logscale y
set xtics 1
set xrange [-0.2:*]
set autoscale xfixmax
set offsets 0, 0.2, 0, 0
plot for [i=0:nblocks-1] dir."/plot-mem.dat" index i using 1:2 with linespoints \
	ls (i % 14) + 1 title columnheader(1)
unset logscale y
set title "throughput against threads spawning at once"
set xlabel "threads"
set ylabel "spawns per second"
set xtics (1, 2, 4)
set offsets 0, 0, 0, 0
set xrange [0.8:4.2]
set logscale y
plot for [i=0:nblocks-1] dir."/plot-threads.dat" index i using 1:2 with linespoints \
	ls (i % 14) + 1 title columnheader(1)
unset multiplot
