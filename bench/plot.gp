# bench/plot.gp: draw spawnbench's results.
#   gnuplot -e "dir='bench/results'" bench/plot.gp
# Left: median µs per spawn against parent memory (1 thread), log scale.
# Middle: spawns per second against threads spawning at once (first memory level).
# Second row left: the rows of issues 9-11 (sandbox, join, caps, Landlock, seccomp,
# resources, own cgroup) against parent memory, cx beside them.
# Bottom left (when livebench ran): µs per spawn and per reap against live children.
# Bottom right (when xcheck ran its ladder): the floor plus one thing at a time, up to cx.
if (!exists("dir")) dir = "bench/results"
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
	set terminal pngcairo size 1600,1650 font ",10"
} else {
	set terminal png size 1600,1650
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
live = system("test -s ".dir."/plot-live.dat && echo 1 || echo 0") + 0
ladder = system("grep -q '^f+pidfd,' ".dir."/xcheck.csv 2>/dev/null && echo 1 || echo 0") + 0
attr = system("test -s ".dir."/plot-attr.dat && echo 1 || echo 0") + 0
set multiplot layout 3,2 title "spawn + reap of a no-op static program (median)"
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
unset logscale y
if (attr) {
	stats dir."/plot-attr.dat" using 1 nooutput
	nattr = STATS_blocks
	set title "issues 9-11: each attribute mix against parent memory (1 thread)"
	set xlabel "parent resident memory (GiB, touched)"
	set ylabel "µs per spawn (log)"
	set logscale y
	set xtics 1
	set xrange [-0.2:*]
	set autoscale xfixmax
	set offsets 0, 0.2, 0, 0
	set style line 31 lc rgb "#0072B2" lw 3 pt 7 dt 1
	set style line 32 lc rgb "#7B3294" lw 2 pt 5 dt 1
	set style line 33 lc rgb "#009E73" lw 2 pt 9 dt 1
	set style line 34 lc rgb "#D55E00" lw 2 pt 11 dt 1
	set style line 35 lc rgb "#E69F00" lw 2 pt 13 dt 1
	set style line 36 lc rgb "#56B4E9" lw 2 pt 15 dt 1
	set style line 37 lc rgb "#CC79A7" lw 2 pt 4 dt 1
	set style line 38 lc rgb "#666666" lw 2 pt 6 dt 1
	plot for [i=0:nattr-1] dir."/plot-attr.dat" index i using 1:2 with linespoints \
		ls 31 + (i % 8) title columnheader(1)
	unset logscale y
}
if (live) {
	stats dir."/plot-live.dat" using 1 nooutput
	nlive = STATS_blocks
	set title "N children alive at once, then killed and reaped (1 thread)"
	set xlabel "live children N (log)"
	set ylabel "µs (median per spawn: solid; per reap: dashed)"
	set logscale x
	set logscale y
	set xrange [0.7:15000]
	set xtics ("1" 1, "10" 10, "100" 100, "1,000" 1000, "10,000" 10000)
	set style line 21 lc rgb "#0072B2" lw 3 pt 7
	set style line 22 lc rgb "#D55E00" lw 2 pt 4
	set style line 23 lc rgb "#E69F00" lw 2 pt 8
	set style line 24 lc rgb "#009E73" lw 2 pt 9
	set style line 25 lc rgb "#666666" lw 2 pt 1
	plot for [i=0:nlive-1] dir."/plot-live.dat" index i using 1:2 with linespoints \
		ls 21 + i title columnheader(1)." spawn", \
		for [i=0:nlive-1] dir."/plot-live.dat" index i using 1:3 with linespoints \
		ls 21 + i dt 2 title columnheader(1)." reap"
	unset logscale x
}
if (ladder) {
	reset
	set datafile separator ","
	set termoption noenhanced
	set title "from the floor to cx, one addition at a time (xcheck, 1 thread, 0 GiB)"
	set ylabel "median µs per spawn + reap"
	set style fill solid 0.7 border -1
	set boxwidth 0.8
	set grid ytics
	set xtics rotate by -35 left font ",9"
	set yrange [0:*]
	set xrange [-1:19]
	set offsets 0, 0, graph 0.3, 0
	set key top left
	# xcheck.csv: rows 1-8 the plain ladder, 9-16 the user+pid one, 17 posix_spawn.
	plot dir."/xcheck.csv" every ::1::8 using 0:3:xtic(1) with boxes lc rgb "#0072B2" \
		title "no namespaces", \
	     "" every ::9::16 using ($0 + 9):3:xtic(1) with boxes lc rgb "#CC79A7" \
		title "CLONE_NEWUSER|CLONE_NEWPID, child writes maps", \
	     "" every ::17::17 using ($0 + 18):3:xtic(1) with boxes lc rgb "#D55E00" \
		title "glibc posix_spawn"
}
unset multiplot
