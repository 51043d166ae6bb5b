# The benchmark (issues 4 and 14), included by the top Makefile.
#   make bench         full run: spawnbench (0, 1 and 4 GiB; 1, 2, 4 threads; 100,000-spawn
#                      memory check), xcheck with its ladder and the cross-check, livebench
#                      (1, 1,000, 10,000 live children), the plot, the CLI comparison (with
#                      the sandbox beside bwrap: sandboxcmp), subprocess.run stock vs backend
#   make bench-quick   the same, smaller
# Results go to bench/results/ (git-ignored): bench.txt, bench.csv, memcheck.csv, slices.csv,
# xcheck.txt, xcheck.csv, agree.txt, live.txt, live.csv, bench.png, cli.txt, cli.csv,
# python.txt, python.csv.
# Extra spawnbench options: make bench BENCH_FLAGS='--only cx,floor'.

BENCH_O := $(O)/bench
BENCH_RESULTS := bench/results
BENCH_SRCS := bench/spawnbench.c bench/level.c bench/methods.c bench/rows.c bench/sandbox.c \
	bench/floor.c bench/report.c bench/stats.c bench/memcheck.c bench/selfmap.c tests/lib/cxt.c
BENCH_FLAGS ?=
CLI_FLAGS ?=

.PHONY: bench bench-quick bench-build bench-cli-build bench-deps bench-python-build

# pngcairo when gnuplot has it, else png (bench/plot.gp chooses).
BENCH_PLOT = @if command -v gnuplot >/dev/null 2>&1; then \
	gnuplot -e "dir='$(BENCH_RESULTS)'" bench/plot.gp && echo "plot: $(BENCH_RESULTS)/bench.png"; \
	else echo "bench: gnuplot not installed: no plot"; fi

bench-build: $(BENCH_O)/spawnbench $(BENCH_O)/noop $(BENCH_O)/cmdtime $(BENCH_O)/xcheck \
	$(BENCH_O)/livebench $(BENCH_O)/sleeper $(O)/examples/pidfd-epoll $(BENCH_O)/sandboxcmp

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
$(BENCH_O)/xcheck: bench/xcheck.c bench/stats.c bench/selfmap.c bench/spawnbench.h \
		$(O)/libclonexec.a | $(BENCH_O)
	$(CC) $(CPPFLAGS) -Isrc $(CFLAGS) $(WARN) -o $@ bench/xcheck.c bench/stats.c bench/selfmap.c \
		$(O)/libclonexec.a -lpthread

# Live children (issue 14 section 3) and the child they keep alive.
$(BENCH_O)/livebench: bench/live.c bench/live-ways.c bench/live.h bench/stats.c bench/spawnbench.h $(O)/libclonexec.a | $(BENCH_O)
	$(CC) $(CPPFLAGS) -Isrc $(CFLAGS) $(WARN) -o $@ bench/live.c bench/live-ways.c bench/stats.c $(O)/libclonexec.a

$(BENCH_O)/sleeper: bench/sleeper.S | $(BENCH_O)
	$(CC) -nostdlib -static -Wl,--build-id=none -s -o $@ $<

# The epoll-on-pidfds pattern of cx_process_pidfd(3); run by make bench.
$(O)/examples/pidfd-epoll: examples/pidfd-epoll.c include/clonexec.h $(O)/libclonexec.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(O)/libclonexec.a

# The library's sandbox in-process beside bwrap, the CLI and unshare (bench/cli.sh).
$(BENCH_O)/sandboxcmp: bench/sandboxcmp.c bench/sandbox.c bench/cmd.c bench/stats.c \
		bench/spawnbench.h $(O)/libclonexec.a | $(BENCH_O)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ bench/sandboxcmp.c bench/sandbox.c bench/cmd.c \
		bench/stats.c $(O)/libclonexec.a

$(BENCH_O)/cmdtime: bench/cmdtime.c bench/cmd.c bench/stats.c bench/spawnbench.h | $(BENCH_O)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ bench/cmdtime.c bench/cmd.c bench/stats.c

# The CLI may be under construction: build it if it builds, the script says
# what it skips.
bench-cli-build:
	@$(MAKE) --no-print-directory O=$(O) tools >/dev/null 2>&1 || \
		echo "bench: the clonexec CLI did not build; its comparisons will be skipped"

# Issue 12: subprocess.run stock vs clonexec's backend (python/bench/subprocess_run.py),
# with the module `make python` builds; skipped, saying so, when it does not build.
BENCH_PY = @if [ -e $(O)/python/clonexec/__init__.py ] && ls $(O)/python/clonexec/_clonexec*.so \
		>/dev/null 2>&1; then \
	PYTHONPATH=$(O)/python $(PYTHON) python/bench/subprocess_run.py \
		--csv $(BENCH_RESULTS)/python.csv $(1) | tee $(BENCH_RESULTS)/python.txt; \
	else echo "bench: the Python module did not build: no Python benchmark" | \
		tee $(BENCH_RESULTS)/python.txt; fi

bench-python-build:
	@$(MAKE) --no-print-directory O=$(O) python >/dev/null 2>&1 || \
		echo "bench: the Python module did not build (python3-dev?)"

# gnuplot, unshare, bwrap: installed on Debian as root, else named.
bench-deps:
	@bench/deps.sh

# xcheck measures again, its own way, rows spawnbench measured (bench/README.md,
# "Two methods"), with the same 100 extra inheritable fds spawnbench keeps open;
# agree.sh sets the ratios side by side.
XCHECK_FULL := --ladder --rounds 101 --batch 50 --extra-fds 100
XCHECK_QUICK := --rounds 21 --batch 30 --extra-fds 100

bench: bench-deps bench-build bench-cli-build bench-python-build | $(BENCH_RESULTS)
	$(BENCH_O)/spawnbench --out $(BENCH_RESULTS) --slices $(BENCH_RESULTS)/slices.csv $(BENCH_FLAGS)
	$(BENCH_O)/xcheck $(XCHECK_FULL) --csv $(BENCH_RESULTS)/xcheck.csv | tee $(BENCH_RESULTS)/xcheck.txt
	bench/agree.sh $(BENCH_RESULTS)
	$(BENCH_O)/livebench --out $(BENCH_RESULTS)
	$(O)/examples/pidfd-epoll 1000
	$(BENCH_PLOT)
	bench/cli.sh $(O) $(BENCH_RESULTS) $(CLI_FLAGS)
	$(call BENCH_PY,-n 200 0 2)

bench-quick: bench-deps bench-build bench-cli-build bench-python-build | $(BENCH_RESULTS)
	$(BENCH_O)/spawnbench --quick --out $(BENCH_RESULTS) --slices $(BENCH_RESULTS)/slices.csv \
		$(BENCH_FLAGS)
	$(BENCH_O)/xcheck $(XCHECK_QUICK) --csv $(BENCH_RESULTS)/xcheck.csv | tee $(BENCH_RESULTS)/xcheck.txt
	bench/agree.sh $(BENCH_RESULTS)
	$(BENCH_O)/livebench --quick --out $(BENCH_RESULTS)
	$(O)/examples/pidfd-epoll 100
	$(BENCH_PLOT)
	bench/cli.sh $(O) $(BENCH_RESULTS) --quick $(CLI_FLAGS)
	$(call BENCH_PY,-n 60 --blocks 5 0 1)
