# The benchmark (issue 4), included by the top Makefile.
#   make bench         full run: 0, 1 and 4 GiB; 1, 2, 4 threads; 100,000-spawn memory check
#   make bench-quick   0 and 1 GiB, short slices, 10,000-spawn memory check
# Results go to bench/results/ (git-ignored): bench.txt, bench.csv, memcheck.csv,
# bench.png, cli.txt, cli.csv. Extra spawnbench options: make bench BENCH_FLAGS='--only cx,floor'.

BENCH_O := $(O)/bench
BENCH_RESULTS := bench/results
BENCH_SRCS := bench/spawnbench.c bench/level.c bench/methods.c bench/floor.c bench/report.c \
	bench/stats.c bench/memcheck.c tests/lib/cxt.c
BENCH_FLAGS ?=
CLI_FLAGS ?=

.PHONY: bench bench-quick bench-build bench-cli-build

# pngcairo when gnuplot has it, else png (bench/plot.gp chooses).
BENCH_PLOT = @if command -v gnuplot >/dev/null 2>&1; then \
	gnuplot -e "dir='$(BENCH_RESULTS)'" bench/plot.gp && echo "plot: $(BENCH_RESULTS)/bench.png"; \
	else echo "bench: gnuplot not installed: no plot"; fi

bench-build: $(BENCH_O)/spawnbench $(BENCH_O)/noop $(BENCH_O)/cmdtime $(BENCH_O)/xcheck \
	$(BENCH_O)/livebench $(BENCH_O)/sleeper

$(BENCH_O) $(BENCH_RESULTS):
	mkdir -p $@

# No libc, no loader, no build id: exec has as little to do as possible.
$(BENCH_O)/noop: bench/noop.S | $(BENCH_O)
	$(CC) -nostdlib -static -Wl,--build-id=none -s -o $@ $<

# -Isrc for sys.h only: the raw system calls the floor's child makes;
# tests/lib/cxt.c for its fd count.
$(BENCH_O)/spawnbench: $(BENCH_SRCS) bench/spawnbench.h $(O)/libclonexec.a | $(BENCH_O)
	$(CC) $(CPPFLAGS) -Isrc -Itests/lib $(CFLAGS) $(WARN) -o $@ $(BENCH_SRCS) $(O)/libclonexec.a -lpthread

# The independent cross-check (bench/README.md): its own spawn code; from the
# library only the clone trampolines (src/arch) besides the public API.
$(BENCH_O)/xcheck: bench/xcheck.c bench/stats.c bench/spawnbench.h $(O)/libclonexec.a | $(BENCH_O)
	$(CC) $(CPPFLAGS) -Isrc $(CFLAGS) $(WARN) -o $@ bench/xcheck.c bench/stats.c \
		$(O)/libclonexec.a -lpthread

# Live children (issue 14 section 3) and the child they keep alive.
$(BENCH_O)/livebench: bench/live.c bench/stats.c bench/spawnbench.h $(O)/libclonexec.a | $(BENCH_O)
	$(CC) $(CPPFLAGS) -Isrc $(CFLAGS) $(WARN) -o $@ bench/live.c bench/stats.c $(O)/libclonexec.a

$(BENCH_O)/sleeper: bench/sleeper.S | $(BENCH_O)
	$(CC) -nostdlib -static -Wl,--build-id=none -s -o $@ $<

$(BENCH_O)/cmdtime: bench/cmdtime.c bench/stats.c bench/spawnbench.h | $(BENCH_O)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ bench/cmdtime.c bench/stats.c

# The CLI may be under construction: build it if it builds, the script says
# what it skips.
bench-cli-build:
	@$(MAKE) --no-print-directory O=$(O) tools >/dev/null 2>&1 || \
		echo "bench: the clonexec CLI did not build; its comparisons will be skipped"

bench: bench-build bench-cli-build | $(BENCH_RESULTS)
	$(BENCH_O)/spawnbench --out $(BENCH_RESULTS) $(BENCH_FLAGS)
	$(BENCH_PLOT)
	bench/cli.sh $(O) $(BENCH_RESULTS) $(CLI_FLAGS)

bench-quick: bench-build bench-cli-build | $(BENCH_RESULTS)
	$(BENCH_O)/spawnbench --quick --out $(BENCH_RESULTS) $(BENCH_FLAGS)
	$(BENCH_PLOT)
	bench/cli.sh $(O) $(BENCH_RESULTS) --quick $(CLI_FLAGS)
