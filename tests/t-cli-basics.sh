#!/bin/bash
# SPDX-License-Identifier: MIT
# Running a program: exit statuses, PATH, argv0, directories, environment,
# --help, --version, --explain.
. "$(dirname "$0")/lib/cli-tap.sh"

run true
is "$rc" 0 "true: 0"
run "$PROBE" exit 42
is "$rc" 42 "the program's exit code is clonexec's"
run sh -c 'kill -USR2 $$'
is "$rc" $((128 + 12)) "killed by SIGUSR2: 140"
run sh -c 'kill -KILL $$'
is "$rc" 137 "killed by SIGKILL: 137"
run no-such-program-cx
is "$rc $err" "127 clonexec: look up program no-such-program-cx: No such file or directory" \
	"not found in PATH: 127"
run "$T/no-such-program"
is "$rc $err" "127 clonexec: execve $T/no-such-program: No such file or directory" \
	"not found by path: 127"
printf 'plain text\n' >"$T/notexec"
run "$T/notexec"
like "$rc $err" "^126 clonexec: execve $T/notexec: Permission denied" "not executable: 126"
chmod +x "$T/notexec"
printf '\177ELF garbage' >"$T/notexec"
run "$T/notexec"
like "$rc $err" "^126 clonexec: execve $T/notexec: Exec format error" "bad format: 126"
run "$T"
like "$rc $err" "^126 clonexec: execve $T: Permission denied" "a directory: 126"

# The program is looked up in PATH when it has no slash; options after it
# are its own.
mkdir "$T/bin"
printf '#!/bin/sh\necho "mine $*"\n' >"$T/bin/cx-mine"
chmod +x "$T/bin/cx-mine"
out=$(PATH=$T/bin:$PATH "$CX" cx-mine -r --uid 0)
is "$out" "mine -r --uid 0" "PATH lookup; the program's options stay the program's"
out=$("$CX" --setenv PATH="$T/bin" cx-mine x)
is "$out" "mine x" "the program is looked up in the PATH it will get (--setenv PATH=)"
run --clearenv cx-mine
is "$rc" 127 "--clearenv: no PATH, the default /bin:/usr/bin has no cx-mine"

out=$("$CX" --argv0 renamed -- sh -c 'echo $0')
is "$out" renamed "--argv0 sets argv[0]"
out=$("$CX" --argv0 other "$PROBE" root)
is "$out" "root=/" "--argv0 keeps the program that runs"

out=$("$CX" -w /tmp "$PROBE" cwd)
is "$out" "cwd=/tmp" "-w /tmp"
out=$("$CX" --chdir "$T" "$PROBE" cwd)
is "$out" "cwd=$T" "--chdir DIR"

# A root holding a shell and the probe with their libraries.
mkdir -p "$T/root/bin" "$T/root/cxbin"
cp "$PROBE" "$T/root/cxbin/probe"
cp /bin/sh "$T/root/bin/sh"
for lib in $(ldd "$PROBE" /bin/sh | awk '/=>/ { print $3 } /^\t\// { print $1 }' | sort -u); do
	mkdir -p "$T/root$(dirname "$lib")"
	cp "$lib" "$T/root$lib"
done
touch "$T/root/IN_ROOT"
out=$("$CX" -R "$T/root" -w / /bin/sh -c 'test -e /IN_ROOT && echo inside')
is "$out" inside "-R DIR: the child's / is DIR"
run --root "$T/root" -w /cxbin /bin/sh -c 'pwd -P'
is "$rc $out" "0 /cxbin" "--root with --chdir: the directory is inside the root"
run --root "$T/root" probe
# The child searches after its chroot: every absolute PATH entry is tried.
n=$(echo "$PATH" | tr ':' '\n' | grep -c '^/')
is "$rc $err" "127 clonexec: execve probe ($n candidates): No such file or directory" \
	"--root: PATH is searched inside the root"
PATH=/nowhere:/cxbin "$CX" --root "$T/root" probe exit 5
is "$?" 5 "--root: a PATH entry is found inside the root"

# Environment, applied in order.
out=$(CXA=1 CXB=2 "$CX" --setenv CXC=3 --unsetenv CXA --setenv CXB=two env | grep '^CX[ABC]=' | sort | tr '\n' ' ')
is "$out" "CXB=two CXC=3 " "--setenv, --unsetenv replace and remove"
out=$(CXA=1 "$CX" --clearenv --setenv ONLY=1 env | tr '\n' ' ')
is "$out" "ONLY=1 " "--clearenv then --setenv: only that"
out=$("$CX" --setenv X=1 --clearenv env | wc -l)
is "$out" 0 "--setenv then --clearenv: empty"
out=$(CXA=1 "$CX" env | grep -c '^CXA=1$')
is "$out" 1 "without options the environment is clonexec's"
out=$("$CX" --setenv 'A=x=y z' -- sh -c 'echo "$A"')
is "$out" "x=y z" "--setenv splits at the first ="

# --help lists every option, one line each; --version.
run --help
is "$rc" 0 "--help: 0"
for o in -w --chdir -R --root --argv0 --setenv --unsetenv --clearenv --fd --keep-fds --uid --gid \
	--groups --keep-groups --ambient-caps --no-new-privs --umask --clone --unshare -U -p -m -n -u \
	-i -C -T --uid-map --gid-map -r --map-root-user -c --map-current-user --setgroups \
	--keep-propagation --setsid --setpgid --noctty --foreground --setctty --ctty --pdeathsig \
	--cgroup --rlimit --json --json-fd --explain -h --help -V --version; do
	n=$(printf '%s\n' "$out" | grep -cE -- "(^|[ ,])$o([ ,=[]|$)")
	[ "$n" -ge 1 ] || diag "--help lacks $o"
	[ "$n" -ge 1 ] || break
done
ok "$([ "$n" -ge 1 ]; echo $?)" "--help names every option"
# ... and so does the man page, option for option.
page=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$(dirname "$0")/../man/clonexec.1")
missing=
for o in $(printf '%s\n' "$out" | grep -oE -- '--[a-z0-9-]+' | sort -u); do
	printf '%s\n' "$page" | grep -q -- "$o" || missing="$missing $o"
done
is "$missing" "" "man/clonexec.1 describes every long option of --help"
run -h
is "$rc $(printf '%s\n' "$out" | head -n 1)" "0 Usage: clonexec [options] [--] program [argument...]" "-h"
run --version
like "$rc $out" "^0 clonexec [0-9]+\.[0-9]+\.[0-9]+$" "--version prints the library version"
run -V
like "$out" "^clonexec [0-9]" "-V"

# --explain prints the numbered steps and starts nothing.
rm -f "$T/marker"
run --explain -r -p --chdir / -- touch "$T/marker"
is "$rc" 0 "--explain: 0"
ok "$([ ! -e "$T/marker" ]; echo $?)" "--explain starts nothing"
like "$out" "^ 1\. parent +clone3 new user,pid namespaces" "--explain: step 1 is the clone"
like "$out" "child +write uid_map /proc/self/uid_map \"0 $(id -u) 1\"" "--explain: -r maps its own ids from inside the child"
like "$out" "chdir /" "--explain: chdir"
like "$(printf '%s\n' "$out" | tail -n 1)" "child +execve /usr/bin/touch" \
	"--explain: the last step is execve of the looked-up path"
run --explain no-such-program-cx
is "$rc" 127 "--explain of a missing program: 127"
cli_done
