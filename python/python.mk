# The Python binding (python/): `make python` builds the package into
# $(O)/python (PYTHONPATH=$(O)/python), against the system Python's headers
# and with libclonexec linked in statically. Included from the Makefile.
#   make python             build
#   make check-python-valgrind   the module's short tests under valgrind
#   make python-install DESTDIR= PYTHON_SITEDIR=   the package into
#       $(DESTDIR)$(PYTHON_SITEDIR)/clonexec (default: Debian's
#       $(PREFIX)/lib/python3/dist-packages; debian/rules uses it)
PYTHON ?= /usr/bin/python3
PYTHON_CONFIG ?= $(PYTHON)-config
PY_OUT := $(O)/python
PY_SRCS := $(wildcard python/src/*.c)
PY_OBJS := $(PY_SRCS:python/src/%.c=$(O)/python-obj/%.o)
PY_FILES := $(wildcard python/clonexec/*.py python/clonexec/*.pyi python/clonexec/py.typed)
PY_COPIES := $(PY_FILES:python/clonexec/%=$(PY_OUT)/clonexec/%)
# python3-config is a shell script: no interpreter start at every make.
PY_EXT_SUFFIX := $(shell $(PYTHON_CONFIG) --extension-suffix 2>/dev/null)
PY_EXT := $(PY_OUT)/clonexec/_clonexec$(PY_EXT_SUFFIX)

PYTHON_SITEDIR ?= $(PREFIX)/lib/python3/dist-packages

.PHONY: python check-python-valgrind python-install
python: $(PY_EXT) $(PY_COPIES)

$(O)/python-obj/%.o: python/src/%.c python/src/ext.h include/clonexec.h | $(O)/python-obj
	$(CC) $(CPPFLAGS) $$($(PYTHON_CONFIG) --includes) $(CFLAGS) $(WARN) \
		-Wno-missing-field-initializers -fPIC -fvisibility=hidden -c $< -o $@

# --exclude-libs: libclonexec's symbols stay inside the module.
$(PY_EXT): $(PY_OBJS) $(O)/libclonexec.a | $(PY_OUT)/clonexec
	@test -n "$(PY_EXT_SUFFIX)" || { echo "python: $(PYTHON_CONFIG) missing (python3-dev)"; exit 1; }
	$(CC) $(CFLAGS) -shared -Wl,--exclude-libs,ALL -o $@ $(PY_OBJS) $(O)/libclonexec.a -lcap

$(PY_OUT)/clonexec/%: python/clonexec/% | $(PY_OUT)/clonexec
	cp $< $@

$(O)/python-obj $(PY_OUT)/clonexec:
	mkdir -p $@

# The files make python made, nothing the tests left (no __pycache__):
# byte-compiling is the installer's business (dh_python3's py3compile).
python-install: python
	install -d $(DESTDIR)$(PYTHON_SITEDIR)/clonexec
	install -m 644 $(PY_COPIES) $(PY_EXT) $(DESTDIR)$(PYTHON_SITEDIR)/clonexec/

# make check builds the binding; tests/t-python-*.sh run it. Not under
# SANITIZE=1: an ASan library cannot load into an uninstrumented python3
# (the scripts skip there).
check-run: $(if $(filter 1,$(SANITIZE)),,python)

check-valgrind: check-python-valgrind
check-python-valgrind: python
	CX_BUILD=$(abspath $(O)) CX_VALGRIND=1 $(PROVE) $(PROVE_FLAGS) --exec tests/run-one \
		tests/t-python-module.sh
