# clonexec: plain make.
#   make                 library (.so + .a), CLI, tests
#   make check           run every test through prove (as root)
#   make demo            the README's main job
#   make install PREFIX=/usr/local DESTDIR=   (runs ldconfig when DESTDIR is empty, as root)
#   make check-asan      the suite under AddressSanitizer + UBSan
#   make check-valgrind  the suite under valgrind memcheck
#   make deb             Debian packages into $(O)/deb/ (make check runs in the build)
#   make check-deb       make deb, then install, use and purge them on this machine (root)
#   make check-musl      the library and its C tests built with musl-gcc
#   make bench / bench-quick, make fuzz, make stress: see their .mk files
#
# Build dependencies (scripts/deps.sh): `make` names the Debian packages a
# bare machine lacks and stops; `make demo` and the check targets install
# them when run as root. NO_DEPS_INSTALL=1 turns installing off (a package
# build has no network): the packages are named and make stops.
# Tests: CX_TEST_TIMEOUT=seconds per test (default 60; x10 under valgrind,
# x3 under ASan), see tests/run-one.

# One version source: the public header.
hdr_version = $(shell sed -n 's/^\#define CX_VERSION_$(1) //p' include/clonexec.h)
MAJOR := $(call hdr_version,MAJOR)
MINOR := $(call hdr_version,MINOR)
PATCH := $(call hdr_version,PATCH)
VERSION := $(MAJOR).$(MINOR).$(PATCH)

CC ?= cc
O ?= build
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror
CPPFLAGS += -D_GNU_SOURCE -Iinclude
ARCH := $(shell $(CC) -dumpmachine | cut -d- -f1)

ifeq ($(SANITIZE),1)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

SONAME := libclonexec.so.$(MAJOR)
LIB_SRCS := $(wildcard src/*.c)
# src/child/: what runs between clone and execve, built with CHILD_CFLAGS
# and combined into one object that check-child inspects.
CHILD_SRCS := $(wildcard src/child/*.c)
CHILD_OBJS := $(CHILD_SRCS:src/child/%.c=$(O)/lib/child/%.o)
LIB_OBJS := $(LIB_SRCS:src/%.c=$(O)/lib/%.o) $(O)/lib/child.o $(O)/lib/clone.o
LIB_HDRS := include/clonexec.h $(wildcard src/*.h) $(wildcard src/child/*.h) \
	$(wildcard src/arch/*/*.h)

# The child runs between clone and execve in the parent's memory: no
# sanitizer (its shadow memory and TLS belong to the parent), no stack
# protector (a TLS read), no loop-to-memset rewriting (a libc call), no
# LTO (-flto in CFLAGS, as from dpkg-buildflags' optimize=+lto, would leave
# child.o as compiler IR: check-child could see nothing and the link could
# mix it with code built with the flags above).
cc_has = $(shell $(CC) $(1) -Werror -E -x c /dev/null >/dev/null 2>&1 && echo $(1))
# Its stack is CX_CHILD_STACK (16 KiB, src/spawn.c) and the deepest path is
# three frames: no function may take more than 2 KiB (enforced here), and no
# LTO, so that check-child inspects the code that runs.
CHILD_CFLAGS := -fno-sanitize=all -fno-stack-protector -fno-builtin -fno-exceptions \
	-fno-asynchronous-unwind-tables $(call cc_has,-fno-tree-loop-distribute-patterns) \
	-fno-lto -Wstack-usage=2048 -Wframe-larger-than=2048

TOOL_SRCS := $(wildcard tools/*.c)
# libcap linked statically when its archive exists: one shared object less
# to load at every start of the command.
LIBCAP_A := $(shell $(CC) -print-file-name=libcap.a)
TOOL_LIBS := $(if $(wildcard $(LIBCAP_A)),$(LIBCAP_A),-lcap)
# libseccomp compiles --seccomp-deny (issue 10); the library needs it not.
LIBSECCOMP_A := $(shell $(CC) -print-file-name=libseccomp.a)
TOOL_LIBS += $(if $(wildcard $(LIBSECCOMP_A)),$(LIBSECCOMP_A),-lseccomp)
TEST_LIB_SRCS := $(wildcard tests/lib/*.c)
TEST_SRCS := $(wildcard tests/t-*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(O)/tests/%)
TEST_HELPER_SRCS := $(wildcard tests/helpers/*.c)
TEST_HELPERS := $(TEST_HELPER_SRCS:tests/helpers/%.c=$(O)/tests/helpers/%)
TEST_SCRIPTS := $(wildcard tests/t-*.sh)

.PHONY: all lib tools tests check demo install clean check-asan check-valgrind check-child check-man \
	deps deps-check check-run deb deb-symbols check-deb completion-install check-musl \
	check-musl-run
all: lib tools tests

# A fresh Debian machine lacks libcap-dev and the like: name it before a
# build fails on it (`make`, `make tools`, `make install`: at parse time,
# so before anything is built), or install it as root (demo, checks).
NO_DEPS_INSTALL ?=
DEPS = @NO_DEPS_INSTALL="$(NO_DEPS_INSTALL)" CC="$(CC)" scripts/deps.sh
ifneq ($(filter all tools install,$(or $(MAKECMDGOALS),all)),)
ifneq ($(shell NO_DEPS_INSTALL=1 CC="$(CC)" scripts/deps.sh build >&2 || echo missing),)
$(error build dependencies missing (above); `make demo` and `make check` install them as root)
endif
endif
deps:
	$(DEPS) demo
deps-check:
	$(DEPS) check

lib: $(O)/libclonexec.a $(O)/$(SONAME) $(O)/libclonexec.so $(O)/clonexec.pc

$(O)/lib/%.o: src/%.c $(LIB_HDRS) | $(O)/lib
	$(CC) $(CPPFLAGS) -Isrc $(CFLAGS) $(WARN) $(SANFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(O)/lib/child/%.o: src/child/%.c $(LIB_HDRS) | $(O)/lib/child
	$(CC) $(CPPFLAGS) -Isrc $(CFLAGS) $(WARN) $(CHILD_CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(O)/lib/child.o: $(CHILD_OBJS)
	$(LD) -r -o $@ $^

# With the C flags and CPPFLAGS: -fcf-protection / -mbranch-protection
# decide clone.S's endbr64 / bti and its property note.
$(O)/lib/clone.o: src/arch/$(ARCH)/clone.S | $(O)/lib
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -c $< -o $@

$(O)/libclonexec.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(O)/libclonexec.so.$(VERSION): $(LIB_OBJS) src/libclonexec.map
	$(CC) $(CFLAGS) $(SANFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script,src/libclonexec.map -Wl,-z,defs -o $@ $(LIB_OBJS)

$(O)/$(SONAME): $(O)/libclonexec.so.$(VERSION)
	ln -sf libclonexec.so.$(VERSION) $@

$(O)/libclonexec.so: $(O)/$(SONAME)
	ln -sf $(SONAME) $@

$(O)/clonexec.pc: src/clonexec.pc.in include/clonexec.h | $(O)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' $< > $@

tools: $(if $(TOOL_SRCS),$(O)/clonexec)

$(O)/clonexec: $(TOOL_SRCS) $(wildcard tools/*.h) $(O)/libclonexec.a
	$(CC) $(CPPFLAGS) -Itools $(CFLAGS) $(WARN) $(SANFLAGS) -o $@ $(TOOL_SRCS) \
		$(O)/libclonexec.a $(TOOL_LIBS)

tests: $(TEST_BINS) $(TEST_HELPERS)

$(O)/tests/%: tests/%.c $(TEST_LIB_SRCS) $(wildcard tests/lib/*.h) $(O)/libclonexec.a | $(O)/tests
	$(CC) $(CPPFLAGS) -Isrc -Itests/lib $(CFLAGS) $(WARN) $(SANFLAGS) -o $@ $< \
		$(TEST_LIB_SRCS) $(O)/libclonexec.a -lpthread

$(O)/tests/helpers/%: tests/helpers/%.c | $(O)/tests/helpers
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $<

$(O) $(O)/lib $(O)/lib/child $(O)/tests $(O)/tests/helpers:
	mkdir -p $@

# The child objects together may call nothing: any undefined symbol is a
# libc call. But for our own clone (clone.S, raw), which the child calls to
# make the program in a joined PID namespace (issue 10).
check-child: $(O)/lib/child.o
	@undef=$$(nm -u $< | grep -v -e '_GLOBAL_OFFSET_TABLE_' -e ' cx_arch_clone$$' || true); \
	if [ -n "$$undef" ]; then echo "child.o calls out: $$undef"; exit 1; fi; \
	echo "child.o: no undefined symbols"

# Tests find the build through CX_BUILD; prove runs programs and scripts.
PROVE ?= prove
PROVE_FLAGS ?=
# Every man page renders without warnings; every EXAMPLES program builds and runs.
check-man: lib
	CC="$(CC) $(SANFLAGS)" man/check-examples.sh $(O)

check: deps-check
	$(MAKE) --no-print-directory check-run

check-run: all check-child check-man
	CX_BUILD=$(abspath $(O)) CX_SRC=$(CURDIR) CX_SANITIZE=$(SANITIZE) CX_SANFLAGS="$(SANFLAGS)" \
		$(PROVE) $(PROVE_FLAGS) --exec tests/run-one $(TEST_BINS) $(TEST_SCRIPTS)

check-asan:
	$(MAKE) O=build-asan SANITIZE=1 CC=$(CC) check

check-valgrind: deps-check
	$(MAKE) --no-print-directory all
	CX_BUILD=$(abspath $(O)) CX_SRC=$(CURDIR) CX_VALGRIND=1 $(PROVE) $(PROVE_FLAGS) --exec tests/run-one \
		$(TEST_BINS)

# The library and its C tests built with musl-gcc (Debian's musl-tools),
# in build-musl. The command and its shell tests (t-cli-*.sh, t-abi.sh)
# need libcap, which has no musl build: they are left out.
# musl-gcc sees musl's headers only, and the tests use the kernel's too
# (linux/seccomp.h, linux/audit.h, from linux-libc-dev): a directory of
# links to those alone, so that none of glibc's headers come in.
MUSL_CC ?= musl-gcc
MUSL_KHDRS = $(abspath build-musl/kernel-headers)
check-musl:
	$(DEPS) musl
	mkdir -p $(MUSL_KHDRS)
	ln -sfn /usr/include/linux /usr/include/asm-generic $(MUSL_KHDRS)/
	ln -sfn /usr/include/$$(cc -print-multiarch)/asm $(MUSL_KHDRS)/asm
	CPPFLAGS="$$CPPFLAGS -isystem $(MUSL_KHDRS)" \
		$(MAKE) --no-print-directory O=build-musl CC=$(MUSL_CC) check-musl-run

check-musl-run: lib tests check-child
	CX_BUILD=$(abspath $(O)) CX_SRC=$(CURDIR) $(PROVE) $(PROVE_FLAGS) --exec tests/run-one $(TEST_BINS)

demo: deps
	$(MAKE) --no-print-directory all
	./tools/demo.sh $(O)/clonexec

install: lib tools completion-install
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man7
	install -m 644 include/clonexec.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(O)/libclonexec.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(O)/libclonexec.so.$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libclonexec.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libclonexec.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' src/clonexec.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/clonexec.pc
	if [ -x $(O)/clonexec ]; then install -m 755 $(O)/clonexec $(DESTDIR)$(BINDIR)/; fi
	for m in man/*.1; do [ -f "$$m" ] && install -m 644 "$$m" $(DESTDIR)$(MANDIR)/man1/; done; true
	for m in man/*.3; do [ -f "$$m" ] && install -m 644 "$$m" $(DESTDIR)$(MANDIR)/man3/; done; true
	for m in man/*.7; do [ -f "$$m" ] && install -m 644 "$$m" $(DESTDIR)$(MANDIR)/man7/; done; true
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then $(LDCONFIG_RUN); fi

# Into the live system the loader must learn of the new soname, or a
# program linked with -lclonexec cannot start; a staged install (DESTDIR)
# leaves that to its package (dpkg's ldconfig trigger). LDCONFIG is there
# for tests/t-abi.sh, which must not touch this machine's cache.
LDCONFIG ?= ldconfig
LDCONFIG_RUN = echo $(LDCONFIG) && $(LDCONFIG) && \
	{ $(LDCONFIG) -p | grep -q '^[[:space:]]*$(SONAME) ' || \
	echo "note: $(LIBDIR) is not in the dynamic loader's search path: add it to a file in /etc/ld.so.conf.d/ and run ldconfig, or set LD_LIBRARY_PATH"; }

completion-install:
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 bash-completion/clonexec $(DESTDIR)$(BASHCOMPDIR)/clonexec

# dpkg-buildpackage writes to the parent directory: build in a copy of the
# tree (its files known to git, or all but the build directories), under
# $(O)/deb, without this make's variables. DEB_BUILD_OPTIONS=nocheck skips
# make check.
DEB_JOBS ?= 2
deb:
	@scripts/deps.sh deb
	rm -rf $(O)/deb
	mkdir -p $(O)/deb/clonexec-$(VERSION)
	if git rev-parse --show-toplevel >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | \
			tar --null -T - --ignore-failed-read -cf - 2>/dev/null; \
	else \
		tar --exclude=./build --exclude='./build-*' --exclude=./.git -cf - .; \
	fi | tar -xf - -C $(O)/deb/clonexec-$(VERSION)
	cd $(O)/deb/clonexec-$(VERSION) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		dpkg-buildpackage -us -uc -b -j$(DEB_JOBS)
	rm -rf $(O)/deb/clonexec-$(VERSION)
	@ls -1 $(O)/deb/*.deb

deb-symbols:
	debian/gen-symbols > debian/$$(debian/gen-symbols --package).symbols

check-deb: deb
	scripts/check-deb.sh $(O)/deb

clean:
	rm -rf build build-asan build-fuzz build-musl

-include bench/bench.mk
-include fuzz/fuzz.mk
-include tests/stress.mk
-include python/python.mk
