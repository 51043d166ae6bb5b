#!/bin/bash
# SPDX-License-Identifier: MIT
# Every bad value exits 125, names the option in one line, and starts nothing.
. "$(dirname "$0")/lib/cli-tap.sh"

rejects "unknown option" "unknown option '--bogus'" --bogus
rejects "unknown letter" "unknown option '-Z'" -Z
run true --chdir
is "$rc" 0 "options after the program are the program's"
run --chdir
is "$rc $err" "125 clonexec: --chdir: needs an argument" "missing argument: 125"
run -w
is "$rc $err" "125 clonexec: --chdir: needs an argument" "missing argument to a letter: 125"
rejects "argument to a flag" "--setsid: takes no argument" --setsid=1
rejects "unknown namespace in --clone" "--clone: unknown namespace 'bogus'" --clone user,bogus
rejects "unknown namespace in --unshare" "--unshare: unknown namespace 'network'" --unshare network
rejects "empty namespace list" "--clone: unknown namespace ''" --clone ''
rejects "unknown capability" "--ambient-caps: unknown capability 'foo'" --ambient-caps foo
rejects "capability beyond the kernel's last" "--ambient-caps: capability '63'" --ambient-caps 63
rejects "capability list with a hole" "--ambient-caps: unknown capability ''" --ambient-caps chown,,kill
rejects "unknown signal" "--pdeathsig: unknown signal 'SIGBOGUS'" --pdeathsig SIGBOGUS
rejects "signal 0" "--pdeathsig: unknown signal '0'" --pdeathsig 0
rejects "signal out of range" "--pdeathsig: unknown signal '65'" --pdeathsig 65
rejects "unknown user" "--uid: unknown user 'no-such-user-cx'" --uid no-such-user-cx
rejects "uid -1" "--uid: '4294967295' is out of range \\(0 to 4294967294\\)" --uid 4294967295
rejects "uid beyond 32 bits" "--uid: '99999999999' is out of range" --uid 99999999999
rejects "gid beyond 32 bits" "--gid: '99999999999' is out of range" --gid 99999999999
rejects "unknown group" "--gid: unknown group 'no-such-group-cx'" --gid no-such-group-cx
rejects "unknown group in --groups" "--groups: unknown group 'no-such-group-cx'" --groups 0,no-such-group-cx
rejects "trailing comma in --groups" "--groups: bad group list" --groups 0,
rejects "--groups with --keep-groups" "--keep-groups: not with --groups" --groups 0 --keep-groups
rejects "unknown rlimit" "--rlimit: unknown resource 'bogus'" --rlimit bogus=1
rejects "rlimit without value" "--rlimit: 'nofile' is not NAME=SOFT" --rlimit nofile
rejects "rlimit bad number" "--rlimit: 'nofile=12x' is not" --rlimit nofile=12x
rejects "rlimit size suffix a space" "--rlimit: 'nofile=1 ' is not" --rlimit "nofile=1 "
rejects "rlimit soft above hard" "--rlimit nofile=10:5: soft limit above hard" --rlimit nofile=10:5
rejects "map syntax" "--uid-map: '0:1000' is not INSIDE:OUTSIDE:COUNT" -U --uid-map 0:1000
rejects "map syntax (letters)" "--gid-map: '0:x:1' is not" -U --gid-map 0:x:1
rejects "map count 0" "--uid-map 0:1000:0: count is 0" -U --uid-map 0:1000:0
rejects "map overflowing 2^32" "--uid-map 4294967295:0:2: goes beyond" -U --uid-map 4294967295:0:2
rejects "map value overflowing 32 bits" "--uid-map: '4294967296:0:1' is not" -U --uid-map 4294967296:0:1
rejects "overlapping ranges (inside)" "--uid-map 5:2000:10: overlaps 0:1000:10" \
	-U --uid-map 0:1000:10 --uid-map 5:2000:10
rejects "overlapping ranges (outside)" "--gid-map 100:1005:10: overlaps 0:1000:10" \
	-U --gid-map 0:1000:10 --gid-map 100:1005:10
rejects "-r overlapping --uid-map" "--map-root-user: overlaps 0:5000:1" --uid-map 0:5000:1 -r
rejects "maps without a user namespace" "--uid-map 0:0:1: needs a new user namespace" --uid-map 0:0:1
rejects "gid map without a user namespace" "--gid-map 0:0:1: needs a new user namespace" -p --gid-map 0:0:1
rejects "maps with two new user namespaces" "--uid-map 0:0:1: two new user namespaces" \
	-U --unshare user --uid-map 0:0:1
rejects "more map ranges than the kernel takes" "--uid-map 340:340:1: more than 340 ranges" \
	-U $(for i in $(seq 0 340); do printf -- '--uid-map %d:%d:1 ' "$i" "$i"; done)
rejects "-r with -c" "--map-root-user: not with --map-current-user" -r -c
rejects "--setgroups bad value" "--setgroups: 'maybe' is not allow or deny" -r --setgroups maybe
rejects "--setgroups without a gid map" "--setgroups: needs a gid map" -U --setgroups allow
rejects "--setctty without --setsid" "--setctty: needs --setsid" --setctty
rejects "--setctty with --foreground" "--setctty: not with --foreground" --setsid --setctty --foreground
rejects "--ctty alone" "--ctty: needs --foreground, --setctty or --noctty" --ctty 0
rejects "--ctty not a child fd" "--ctty: fd 7 is not open in the child" --noctty --ctty 7
rejects "--ctty closed by --fd" "--ctty: fd 0 is not open in the child" --fd 0=- --noctty
rejects "--ctty not a number" "--ctty: 'x' is not an fd number" --ctty x --noctty
rejects "--fd parent not open" "--fd: fd 57 is not open" --fd 3=57
rejects "--fd child given twice" "--fd: child fd 1 given twice" --fd 1=2 --fd 1=-
rejects "--fd syntax" "--fd: '3' is not CHILD=PARENT" --fd 3
rejects "--fd negative" "--fd: '-1' is not an fd number" --fd -1=0
rejects "--fd beyond the plan's limit" "--fd: '1048576' is not an fd number" --fd 1048576=1
rejects "--json-fd not open" "--json-fd: fd 58 is not open" --json-fd 58
rejects "--setpgid bad value" "--setpgid: 'abc' is not a process group id" --setpgid=abc
rejects "--umask not octal" "--umask: '0999' is not an octal mode" --umask 0999
rejects "--umask too big" "--umask: '01777' is not an octal mode" --umask 01777
rejects "--setenv without =" "--setenv: 'FOO' is not NAME=VALUE" --setenv FOO
rejects "--setenv empty name" "--setenv: '=x' is not NAME=VALUE" --setenv =x
rejects "--unsetenv with =" "--unsetenv: 'A=B' is not a variable name" --unsetenv A=B
rejects "--chdir empty" "--chdir: empty directory" --chdir ''
rejects "--root empty" "--root: empty directory" --root ''
rejects "--cgroup missing" "--cgroup $T/no-such-cgroup: No such file or directory" \
	--cgroup "$T/no-such-cgroup"
rejects "--cgroup not a cgroup" "--cgroup /tmp: not a cgroup v2 directory" --cgroup /tmp
rejects "--groups beyond 32 bits" "--groups: '99999999999' is out of range" --groups 99999999999
rejects "unshare'd maps of other ids" "--uid-map 0:4242:1: a user namespace made by unshare can map only" \
	--unshare user --uid-map 0:4242:1

run
is "$rc $err" "125 clonexec: no program given" "no program: 125"
run --
is "$rc $err" "125 clonexec: no program given" "only --: 125"

# Setup steps that fail in the child: 125 and the step with its object.
run -R /nonexistent-cx true
is "$rc" 125 "chroot failure: 125"
is "$err" "clonexec: chroot /nonexistent-cx: No such file or directory" "chroot failure names step and object"
run -w /nonexistent-cx true
is "$rc $err" "125 clonexec: chdir /nonexistent-cx: No such file or directory" "chdir failure"
run --uid 65534 -- "$CX" --uid 0 true
like "$rc $err" "^125 clonexec: setgroups.*Operation not permitted" "setgroups as nobody: 125"
run --setpgid=999999 true
like "$rc $err" "^125 clonexec: setpgid group 999999: " "setpgid to a missing group: 125"
cli_done
