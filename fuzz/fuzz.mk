# libFuzzer targets (included by the top Makefile).
#   make fuzz                  build every target and run each for FUZZ_SECONDS (default 60)
#   make fuzz-build            build only
#   make fuzz FUZZ_SECONDS=600 FUZZ_JOBS=2
# Targets live in fuzz/fuzz-*.c, seeds in fuzz/corpus/<target>/ (committed);
# the corpus a run grows goes to build-fuzz/corpus/<target>/ so the repo's
# seeds stay small. fuzz-cli is built only once tools/options.[ch] exist.
#
# The library is compiled again here with the fuzzing flags (clang only);
# src/child/ without sanitizers or coverage, as in the main build: it runs
# between clone and execve, which no fuzz target reaches (cx_explain
# starts nothing).

FUZZ_CC ?= clang
FUZZ_O ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?=
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_CHILD_CFLAGS := -O1 -g -fno-sanitize=all -fno-stack-protector -fno-builtin \
	-fno-exceptions -fno-asynchronous-unwind-tables

FUZZ_LIB_OBJS := $(LIB_SRCS:src/%.c=$(FUZZ_O)/lib/%.o) $(FUZZ_O)/lib/child.o $(FUZZ_O)/lib/clone.o
FUZZ_TARGETS := $(FUZZ_O)/fuzz-attr
ifneq ($(wildcard tools/options.h),)
ifneq ($(wildcard tools/options.c),)
FUZZ_TARGETS += $(FUZZ_O)/fuzz-cli
# Everything of the CLI but the file with its main().
FUZZ_CLI_SRCS := $(filter-out $(shell grep -l '^int main' tools/*.c),$(TOOL_SRCS))
endif
endif

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_TARGETS)

$(FUZZ_O)/lib $(FUZZ_O)/lib/child $(FUZZ_O)/corpus:
	mkdir -p $@

$(FUZZ_O)/lib/%.o: src/%.c $(LIB_HDRS) | $(FUZZ_O)/lib
	$(FUZZ_CC) $(CPPFLAGS) -Isrc $(FUZZ_CFLAGS) $(WARN) -c $< -o $@

$(FUZZ_O)/lib/child/%.o: src/child/%.c $(LIB_HDRS) | $(FUZZ_O)/lib/child
	$(FUZZ_CC) $(CPPFLAGS) -Isrc $(FUZZ_CHILD_CFLAGS) $(WARN) -c $< -o $@

$(FUZZ_O)/lib/child.o: $(CHILD_SRCS:src/child/%.c=$(FUZZ_O)/lib/child/%.o)
	$(LD) -r -o $@ $^

$(FUZZ_O)/lib/clone.o: src/arch/$(ARCH)/clone.S | $(FUZZ_O)/lib
	$(FUZZ_CC) -c $< -o $@

$(FUZZ_O)/fuzz-attr: fuzz/fuzz-attr.c fuzz/fuzz-input.h $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(CPPFLAGS) -Ifuzz $(FUZZ_CFLAGS) -fsanitize=fuzzer $(WARN) -o $@ \
		fuzz/fuzz-attr.c $(FUZZ_LIB_OBJS)

$(FUZZ_O)/fuzz-cli: fuzz/fuzz-cli.c fuzz/fuzz-input.h $(FUZZ_CLI_SRCS) $(wildcard tools/*.h) \
		$(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(CPPFLAGS) -Ifuzz -Itools $(FUZZ_CFLAGS) -fsanitize=fuzzer $(WARN) -o $@ \
		fuzz/fuzz-cli.c $(FUZZ_CLI_SRCS) $(FUZZ_LIB_OBJS) $(TOOL_LIBS)

# Each target: a fresh working corpus seeded from the repo, a bounded run,
# and the execution count from libFuzzer's final stats.
fuzz: fuzz-build | $(FUZZ_O)/corpus
	@set -e; for t in $(notdir $(FUZZ_TARGETS)); do \
		mkdir -p $(FUZZ_O)/corpus/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
		$(FUZZ_O)/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix=$(FUZZ_O)/$$t- $(FUZZ_FLAGS) \
			$(FUZZ_O)/corpus/$$t fuzz/corpus/$$t > $(FUZZ_O)/$$t.log 2>&1 \
			|| { tail -60 $(FUZZ_O)/$$t.log; echo "fuzz: $$t FAILED (log: $(FUZZ_O)/$$t.log)"; exit 1; }; \
		echo "fuzz: $$t: $$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_O)/$$t.log) executions," \
			"$$(sed -n 's/^stat::new_units_added: *//p' $(FUZZ_O)/$$t.log) new units," \
			"corpus $$(ls $(FUZZ_O)/corpus/$$t | wc -l) files"; \
	done
