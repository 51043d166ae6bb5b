# make stress: the stress test at a long size (included by the top Makefile).
#   make stress                                   4 threads x 20000 spawns
#   make stress STRESS_SPAWNS=100000 STRESS_THREADS=8
# `make check` runs the same program at its default size (4 x 1000).
STRESS_SPAWNS ?= 20000
STRESS_THREADS ?= 4

.PHONY: stress
stress: tests
	CX_BUILD=$(abspath $(O)) CX_STRESS_SPAWNS=$(STRESS_SPAWNS) \
		CX_STRESS_THREADS=$(STRESS_THREADS) $(O)/tests/t-hard-stress
