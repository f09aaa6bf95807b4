#!/bin/bash
# The Makefile on a fresh machine: reading it must not run the cross
# compiler (on a fresh Debian 12 machine it is installed by the `setup`
# prerequisite, after the Makefile has been read; a path asked for at
# parse time comes back empty and the first build fails). A cross
# compiler that does not exist stands in for the missing one: if anything
# runs it while the Makefile is read or a target is resolved, make says so
# on stderr. `make fresh-check` proves the same end to end in a new
# Debian 12 chroot.
set -u
NAME=makefile
# shellcheck source=tests/tools/lib.sh
. "$(dirname "$0")/lib.sh"
fake=/nonexistent-toolchain/riscv64-unknown-elf-
tmp=$WORK

# 1. Reading the Makefile (and every mk/*.mk) with no compiler present.
make -s --no-print-directory CROSS_COMPILE="$fake" no-such-target >"$tmp/out" 2>"$tmp/err"
if grep -q nonexistent-toolchain "$tmp/err"; then
	bad_show "reading the Makefile runs no cross compiler" "$tmp/err"
else
	ok "reading the Makefile runs no cross compiler"
fi
if grep -q "No rule to make target 'no-such-target'" "$tmp/err"; then
	ok "the Makefile was read to the end (make looked for the target)"
else
	bad_show "the Makefile was read to the end (make looked for the target)" "$tmp/err"
fi

# 2. The dry run of a build into an empty directory: the compile commands
# are printed (recipes are expanded only when run), and the setup step
# comes before the first of them.
make -n --no-print-directory CROSS_COMPILE="$fake" B="$tmp/b" "$tmp/b/hyp/hyp/core/main.o" \
	>"$tmp/dry" 2>"$tmp/err"
first_setup=$(grep -n 'scripts/setup.sh build' "$tmp/dry" | head -n 1 | cut -d: -f1)
first_cc=$(grep -n "${fake}gcc" "$tmp/dry" | head -n 1 | cut -d: -f1)
if [ -n "$first_setup" ] && [ -n "$first_cc" ] && [ "$first_setup" -lt "$first_cc" ]; then
	ok "setup runs before the first compile"
else
	bad_show "setup runs before the first compile (setup line ${first_setup:-none}, compile line ${first_cc:-none})" "$tmp/dry"
fi

# 3. A quiet build: one short line per file made, the command only with
# V=1, and nothing at all under make -s (how make test builds). Built
# with the host compiler (the tvtrace tool), which every machine has.
quiet() { # NAME WANT-LINE-REGEX MAKE-ARGS...
	local name="$1" want="$2"
	shift 2
	rm -rf "$tmp/q"
	if make --no-print-directory B="$tmp/q" "$@" "$tmp/q/host/tvtrace" >"$tmp/out" 2>&1 &&
		[ "$(wc -l <"$tmp/out")" -le 1 ] && grep -Eq -- "$want" "$tmp/out"; then
		ok "$name"
	else
		bad_show "$name" "$tmp/out"
	fi
}
quiet "quiet build: one short line per file" "^  HOSTCC  $tmp/q/host/tvtrace\$"
quiet "V=1: the command in full" "^cc .* -o $tmp/q/host/tvtrace\$" V=1 HOSTCC=cc
rm -rf "$tmp/q"
make -s --no-print-directory B="$tmp/q" "$tmp/q/host/tvtrace" >"$tmp/out" 2>&1
if [ -x "$tmp/q/host/tvtrace" ] && [ ! -s "$tmp/out" ]; then
	ok "make -s: built, nothing printed"
else
	bad_show "make -s: built, nothing printed" "$tmp/out"
fi

# 4. make run's variables and scripts/run.sh's options: a value they
# cannot use stops them before anything runs, naming it (no QEMU starts:
# make -n, and run.sh refuses before it looks for the platform's QEMU).
refused() { # NAME PATTERN COMMAND...
	local name="$1" want="$2"
	shift 2
	if "$@" >"$tmp/out" 2>&1; then
		bad_show "$name: accepted" "$tmp/out"
	elif grep -Fq -- "$want" "$tmp/out"; then
		ok "$name"
	else
		bad_show "$name: the message lacks '$want'" "$tmp/out"
	fi
}
refused "make run GUEST=foo" "GUEST='foo' is not a guest" make -n run GUEST=foo
refused "make run VMS=5" "VMS='5' must be 2, 3 or 4" make -n run VMS=5
refused "make run VMS=2 SMP=4" "choose one of GUEST=NAME, IMAGE=FILE, VMS=N and SMP=N" make -n run VMS=2 SMP=4
refused "make run SMP=abc" "SMP='abc' must be 1 to 8" make -n run SMP=abc
refused "make run BIOS=nope" "BIOS='nope' must be default, fw_jump or fw_dynamic" make -n run BIOS=nope
refused "run-all.sh with an argument" "run-all.sh: takes no arguments" tests/run-all.sh --bogus
refused "setup.sh with two targets" "setup.sh: one target at a time" scripts/setup.sh build extra
refused "lint.sh -j without a number" "lint: -j needs a number" scripts/lint.sh -j
refused "lint.sh on a missing file" "lint: /nonexistent.c: no such file" scripts/lint.sh /nonexistent.c
refused "fetch-platform.sh --cache without a directory" "--cache needs a directory" scripts/fetch-platform.sh --cache
refused "fresh-check.sh --bogus" "fresh-check: unknown option '--bogus'" scripts/fresh-check.sh --bogus
refused "make run GUEST=linux IMAGE=x" "choose one of" make -n run GUEST=linux IMAGE=x
refused "make run INITRD without IMAGE" "INITRD=x goes with IMAGE=FILE" make -n run INITRD=x
refused "make run LIVE=bogus" "LIVE='bogus' must start with a view" make -n run LIVE=bogus
if make -n run LIVE="records --hart 0" 2>/dev/null | grep -q -- '--summary --live "records --hart 0"'; then
	ok "make run LIVE=records --hart 0 hands the live view to run.sh"
else
	bad_show "make run LIVE=records --hart 0 hands the live view to run.sh" /dev/null
fi
refused "run.sh --live bogus" "run.sh: --live takes a view, summary (or 1), records, text or explain" \
	scripts/run.sh --live bogus
refused "run.sh --live with a filter tvtrace refuses" "run.sh: --live 'text --hart x': tvtrace: --hart" \
	scripts/run.sh --live "text --hart x"
refused "run.sh --live with a picture" "--follow and --html do not go together" scripts/run.sh --live "records --html x.html"
if make -n run GUEST=hostile 2>/dev/null | grep -q 'tv.guest=hostile'; then
	ok "make run GUEST=hostile runs the hostile guest"
else
	bad_show "make run GUEST=hostile runs the hostile guest" /dev/null
fi
: >"$tmp/empty.img"
refused "run.sh --smp without a value" "run.sh: --smp needs a value" scripts/run.sh --smp
refused "run.sh --smp abc" "--smp must be a number of harts from 1 to 8 (got 'abc')" scripts/run.sh --smp abc
refused "run.sh --timeout abc" "--timeout must be a number of seconds" scripts/run.sh --timeout abc
refused "run.sh --seed abc" "run.sh: --seed must be a number, 0 or more (got 'abc')" scripts/run.sh --seed abc
refused "run.sh --seed twice" "run.sh: --seed given twice ('1', then '2'): it takes one value" scripts/run.sh --seed 1 --seed 2
refused "linux-native.sh --seed -1" "linux-native: --seed must be a number, 0 or more (got '-1')" scripts/linux-native.sh --seed -1
refused "run.sh --mem 0" "--mem '0' is not a size" scripts/run.sh --mem 0
refused "run.sh --mem 4 (QEMU cannot place the firmware)" "--mem '4' is less than 8 MiB" scripts/run.sh --mem 4
refused "run.sh --mem 1.5G" "--mem '1.5G' is not a size" scripts/run.sh --mem 1.5G
refused "run.sh --image of a directory" "not a regular file" scripts/run.sh --image "$tmp"
refused "run.sh --image of an empty file" "empty file: there is no guest in it" scripts/run.sh --image "$tmp/empty.img"
refused "run.sh unknown option" "unknown option '--bogus'" scripts/run.sh --bogus
refused "run.sh --aia 8 (QEMU virt has at most 7 guest files)" "--aia takes the number of guest interrupt files per hart, 0 to 7 (got '8')" scripts/run.sh --aia 8
refused "run.sh --aia without a value" "run.sh: --aia needs a value" scripts/run.sh --aia
if scripts/run.sh --help >/dev/null 2>&1; then ok "run.sh --help exits 0"; else bad_show "run.sh --help exits 0" /dev/null; fi
# An option given twice is refused naming both values: run.sh used to
# keep the last one silently (two --smp ran on the second; two --image
# booted the second; two --append dropped the first's tv.* words).
# --hyp /nonexistent.bin after them stops a run.sh that lets them by
# before anything boots, with a message these checks do not accept.
nohyp=(--hyp /nonexistent.bin)
refused "run.sh --smp twice" "run.sh: --smp given twice ('2', then '4'): it takes one value" \
	scripts/run.sh --smp 2 --smp 4 "${nohyp[@]}"
refused "run.sh --image twice" "run.sh: --image given twice ('$tmp/a.img', then '$tmp/b.img')" \
	scripts/run.sh --image "$tmp/a.img" --image "$tmp/b.img" "${nohyp[@]}"
refused "run.sh --append twice" "run.sh: --append given twice ('tv.vcpus=2', then 'tv.ring=64')" \
	scripts/run.sh --append tv.vcpus=2 --append tv.ring=64 "${nohyp[@]}"
refused "run.sh --mem twice, the same value" "run.sh: --mem given twice ('1G', then '1G')" \
	scripts/run.sh --mem 1G --mem 1G "${nohyp[@]}"
refused "run.sh --no-h then --cpu" "run.sh: --no-h and --cpu 'rv64,v=true' both choose the CPU" \
	scripts/run.sh --no-h --cpu rv64,v=true "${nohyp[@]}"
refused "run.sh --cpu then --no-h" "run.sh: --no-h and --cpu 'rv64' both choose the CPU" \
	scripts/run.sh --cpu rv64 --no-h "${nohyp[@]}"
# --load repeats (one file per address): two pass the option check and
# reach the --hyp check.
refused "run.sh --load twice is taken" "run.sh: --hyp /nonexistent.bin: no such file" \
	scripts/run.sh --load "$tmp/empty.img@0x90000000" --load "$tmp/empty.img@0x90001000" "${nohyp[@]}"

# 5. make run's log keeps the run before it: runs that fail to start
# (here: QEMU refuses its -cpu), one or several in a row, leave the last
# trace as console.log.prev. A log named with --log is left to its caller.
mkdir -p "$tmp/prevlog/scripts" "$tmp/prevlog/build"
cp scripts/run.sh scripts/fetch-platform.sh "$tmp/prevlog/scripts/"
printf '%s\n' "the last run's trace" "~TV1:AAAA" >"$tmp/prevlog/build/console.log"
: >"$tmp/prevlog/hyp.bin"
for run in 1 2; do
	"$tmp/prevlog/scripts/run.sh" --timeout 5 --hyp "$tmp/prevlog/hyp.bin" --cpu no-such-cpu \
		>/dev/null 2>&1
	if grep -q "the last run's trace" "$tmp/prevlog/build/console.log.prev" 2>/dev/null; then
		ok "make run's log: the trace before $run failed start(s) is kept as console.log.prev"
	else
		bad_show "make run's log: the trace before $run failed start(s) is kept as console.log.prev" \
			"$tmp/prevlog/build/console.log"
	fi
done
# A log that cannot be written is refused before QEMU starts (the trace
# would go nowhere); so are options that would be dropped or misread.
refused "run.sh --log of a directory" "--log $tmp is a directory" \
	"$tmp/prevlog/scripts/run.sh" --hyp "$tmp/prevlog/hyp.bin" --log "$tmp"
refused "run.sh --log under a file" "cannot create its directory" \
	"$tmp/prevlog/scripts/run.sh" --hyp "$tmp/prevlog/hyp.bin" --log "$tmp/prevlog/hyp.bin/x.log"
refused "run.sh --smp --log x" "--smp needs a value, not the option '--log'" scripts/run.sh --smp --log x
refused "run.sh --linux --image" "--image and --initrd do not go with them" \
	scripts/run.sh --linux --image "$tmp/empty.img"
refused "run.sh --hyp missing" "--hyp /nonexistent.bin: no such file" scripts/run.sh --hyp /nonexistent.bin
refused "run.sh --mem too large" "is more than 1 TiB" scripts/run.sh --mem 9999999999999999G
refused "run.sh --progress too large" "from 0 to 3600000" scripts/run.sh --progress 99999999999999999999
refused "run.sh --dtb of a directory" "not a regular file" scripts/run.sh --dtb "$tmp"
# An image larger than the machine's RAM above the firmware and the
# hypervisor: named with its size and the --mem (and tv.guest_mem) that
# would hold it, before QEMU, which said only "Cannot load specified
# image". (A sparse file: no disk space taken.)
truncate -s 300M "$tmp/big.img"
truncate -s 200M "$tmp/big.initrd"
refused "run.sh --image larger than the machine's RAM" \
	"run.sh: $tmp/big.img (314572800 bytes) does not fit in the machine's RAM (--mem 256M) above the firmware and the hypervisor (0x80000000-0x821fffff): give --mem 640M or more, and --append tv.guest_mem=304M to hold it" \
	"$tmp/prevlog/scripts/run.sh" --timeout 5 --hyp "$tmp/prevlog/hyp.bin" --image "$tmp/big.img"
refused "run.sh --image and --initrd larger than the machine's RAM" \
	"and $tmp/big.initrd (209715200 bytes) do not fit in the machine's RAM (--mem 512M)" \
	"$tmp/prevlog/scripts/run.sh" --timeout 5 --hyp "$tmp/prevlog/hyp.bin" --image "$tmp/big.img" \
	--initrd "$tmp/big.initrd" --mem 512M --log "$tmp/big.log"
finish
