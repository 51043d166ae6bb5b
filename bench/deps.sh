#!/bin/sh
# SPDX-License-Identifier: MIT
# What `make bench` needs beyond the build: gnuplot (the PNG), unshare and
# bwrap (the CLI comparison). On Debian as root the missing packages are
# installed with apt-get; elsewhere their names are printed and the bench
# runs without what they give (it says so).
missing=
need() { # need PACKAGE COMMAND
	command -v "$2" >/dev/null 2>&1 || missing="$missing $1"
}
need gnuplot-nox gnuplot
need util-linux unshare
need bubblewrap bwrap
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "bench: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	apt-get install -y -qq $missing >/dev/null 2>&1 ||
		{ apt-get update -qq && apt-get install -y -qq $missing >/dev/null; } ||
		echo "bench: could not install$missing: going on without" >&2
	exit 0
fi
echo "bench: missing Debian packages:$missing (apt-get install$missing); going on without" >&2
exit 0
