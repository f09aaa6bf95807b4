#!/bin/bash
# Boot tracevisor in QEMU and capture the console.
#
# scripts/run.sh [--hyp FILE] [--bios default|fw_jump|fw_dynamic]
#                [--platform system|qemu10]
#                [--append ARGS] [--no-h] [--cpu MODEL] [--smp N] [--mem SIZE]
#                [--aia GUESTS]
#                [--log FILE] [--timeout SECS] [--icount] [--seed N] [--summary]
#                [--debug] [--linux] [--image FILE [--initrd FILE]]
#                [--uboot] [--uboot-cmd CMD] [--shell] [--progress MS]
#                [--live VIEW] [--dtb FILE] [--dumpdtb FILE] [--load FILE@ADDR]
# --platform picks the QEMU and the OpenSBI (default $TV_PLATFORM, else
# system): system is Debian 12's QEMU 7.2 and OpenSBI; qemu10 is QEMU 10.0
# + OpenSBI 1.5 from bookworm-backports in the cache, where
# scripts/fetch-platform.sh puts them (run here when they are not there
# yet). One line on stderr names the QEMU version and firmware file used.
# --image FILE boots your own guest: an ELF file (segments at their
# physical addresses, entered at the lowest, as QEMU virt enters one), a
# RISC-V Linux Image (at RAM base + text_offset) or a flat binary (2 MiB
# into guest RAM, 0x80200000, as virt places one), recognised from the file's first bytes here and again by
# the hypervisor, which checks it. --initrd FILE adds an initramfs. Both
# are placed by QEMU's -device loader at the top of host RAM and named by
# tv.image= and tv.initrd= (see place_images); the guest's vCPUs follow
# --smp. A Linux Image gets a 1 GiB machine unless --mem says otherwise.
# --linux boots the Linux guest: --image build/linux/Image --initrd
# build/linux/initramfs.cpio.gz (scripts/fetch-linux.sh makes both) with
# a larger trace ring and the kernel's console on the UART.
# --shell boots the Linux guest to a busybox shell on the console (make
# shell): what is typed goes to the guest (Ctrl-C too), the console input is
# polled while the guest idles (tv.input_poll=10), there is no time limit
# unless --timeout gives one, and Ctrl-A x stops the guest through the
# hypervisor, which dumps the trace (QEMU's own quit key would lose it).
# --uboot boots OpenSBI -> Debian's S-mode U-Boot -> tracevisor: QEMU puts
# the hypervisor image at UBOOT_HYP_ADDR and scripts/console-expect.py
# stops autoboot and types `booti UBOOT_HYP_ADDR - ${fdtcontroladdr}`
# (--uboot-cmd CMD types CMD instead, e.g. "setenv bootargs ...; booti ...").
# --progress MS: the hypervisor writes a line "~TVP:<VM exits so far>"
# every MS ms (tv.progress; hyp/core/progress.h), which the screen of
# --summary hides and counts in its alive line; default 5000 with
# --summary, else off (0). Each tick is an HS timer exit of its own.
# --live VIEW: a live trace next to the console, like `perf kvm stat
# live` (make run LIVE=VIEW): the hypervisor dumps its rings every second
# (tv.dump_every=1000; an --append value wins) and the screen of
# --summary (implied) shows, between the console's lines, what
# build/host/tvtrace --follow decodes of each dump as it ends. VIEW is
# summary (or 1: each second's exits by reason), records, text or
# explain, optionally followed by tvtrace's filters, one string:
# --live "records --reason ECALL_VS --hart 0". The summary and pictures
# after the run cover every dump as one trace (tvtrace --join); tvtrace
# --all LOG shows each dump on its own.
# --aia GUESTS gives the machine the RISC-V Advanced Interrupt Architecture
# in place of the PLIC (QEMU's -M virt,aia=aplic-imsic,aia-guests=GUESTS):
# an APLIC and, per hart, an IMSIC with GUESTS guest interrupt files
# (0-7), which QEMU makes the hart's GEILEN. The hypervisor uses neither
# interrupt controller itself; the validation suite drives hgeip through
# the guest files (docs/validation.md).
# --dumpdtb FILE writes the device tree QEMU makes for this machine (the
# same --smp, --mem, --cpu) and exits: as source when FILE ends in .dts,
# else as a blob. Its /chosen/rng-seed is left out (a saved seed is no
# entropy: the hypervisor would pass the same one to every boot's guests).
# Add nodes to it (e.g. VMs under /chosen, docs/vms-device-tree.md),
# compile it with dtc and boot it with --dtb FILE (QEMU's -dtb, for the
# same machine options). QEMU 7.2 and 10.0 both write --append's words
# into its /chosen/bootargs when there are any, else keep its own.
# --load FILE@ADDR puts FILE at host address ADDR with QEMU's
# -device loader (raw bytes, force-raw=on), e.g. a VM's image that a
# module node of the device tree names; repeatable.
# --seed N seeds QEMU's guest randomness (-seed N): its /chosen/rng-seed,
# from which the hypervisor derives its guests' seeds, and the Zkr seed
# CSR; with --icount, a boot then repeats instruction for instruction
# (make bench boots Linux with seeds 1, 2, 3 under each).
# Each option is given once: one given twice (--smp 2 --smp 4, --image
# twice, --append twice) is refused, naming both values, rather than one
# of them silently dropped; --load alone repeats. --no-h is --cpu
# rv64,h=false, so it does not go with --cpu (give --cpu MODEL,h=false).
# Exit status: QEMU's (0 when the guest shut down with success), 124 on
# timeout, 2 for options it cannot use (nothing runs then).
set -u
here="$(cd "$(dirname "$0")/.." && pwd)"
hyp="$here/build/hyp.bin"
bios=default
append=""
cpu="rv64"
smp=1
mem=256M
log="$here/build/console.log"
log_given=0
timeout=120
timeout_given=0
shell=0
icount=""
seed_args=()
summary=0
progress= # --progress MS; empty: the default
live= # --live VIEW [FILTERS]; empty: no live trace
debug=0
linux=0
platform="${TV_PLATFORM:-system}"
image=""
initrd=""
mem_given=0
aia=""
uboot=0
uboot_cmd=""
dtb=""
dumpdtb=""
loads=()
UBOOT_BIN=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
# Where the hypervisor image waits for booti: above U-Boot's pre-relocation
# copy at 0x80200000 and fw_jump's FDT copy at 0x82200000, below U-Boot's
# own kernel_addr_r (0x84000000).
UBOOT_HYP_ADDR=0x83000000

usage() { sed -n '2,/^set -u/p' "$0" | sed -n 's/^# \{0,1\}//p'; exit "${1:-2}"; }
# An option that takes a value must have one (not the end of the line).
value_options=" --hyp --bios --platform --append --cpu --smp --mem --aia --log --timeout --seed --progress --live --image --initrd --uboot-cmd --dtb --dumpdtb --load "
# The value each option was given (an option given twice is refused: a
# run with one of two --smp, --image or --append values dropped would
# pass for the run asked for; --load repeats).
declare -A given=()
while [ $# -gt 0 ]; do
	case "$value_options" in
	*" $1 "*)
		[ $# -ge 2 ] || { echo "run.sh: $1 needs a value ('$0 --help' lists the options)" >&2; exit 2; }
		# "--smp --log x": the value was forgotten (--append's may be
		# anything the guest takes, "-- init args" too)
		case "$1:$2" in
		--append:* | --live:*) ;;
		*:--*) echo "run.sh: $1 needs a value, not the option '$2'" >&2; exit 2 ;;
		esac
		if [ "$1" != --load ] && [ -n "${given[$1]+set}" ]; then
			echo "run.sh: $1 given twice ('${given[$1]}', then '$2'): it takes one value" >&2
			exit 2
		fi
		given[$1]=$2 ;;
	esac
	# --no-h and --cpu both choose the CPU model: one would be lost.
	[ "$1" = --no-h ] && given[--no-h]=1
	case "$1" in
	--no-h | --cpu)
		if [ -n "${given[--no-h]+set}" ] && [ -n "${given[--cpu]+set}" ]; then
			echo "run.sh: --no-h and --cpu '${given[--cpu]}' both choose the CPU: give --cpu MODEL,h=false alone" >&2
			exit 2
		fi ;;
	esac
	case "$1" in
	--hyp) hyp="$2"; shift ;;
	--bios) bios="$2"; shift ;;
	--platform) platform="$2"; shift ;;
	--append) append="$2"; shift ;;
	--no-h) cpu="rv64,h=false" ;;
	--cpu) cpu="$2"; shift ;;
	--smp) smp="$2"; shift ;;
	--mem) mem="$2"; mem_given=1; shift ;;
	--aia) aia="$2"; shift ;;
	--log) log="$2"; log_given=1; shift ;;
	--timeout) timeout="$2"; timeout_given=1; shift ;;
	--shell) linux=1; shell=1 ;;
	--icount) icount="-icount shift=0,sleep=off" ;;
	--seed) seed_args=(-seed "$2"); shift ;;
	--summary) summary=1 ;;
	--progress) progress="$2"; shift ;;
	--live) live="$2"; summary=1; shift ;;
	--debug) debug=1 ;;
	--linux) linux=1 ;;
	--image) image="$2"; shift ;;
	--initrd) initrd="$2"; shift ;;
	--uboot) uboot=1 ;;
	--uboot-cmd) uboot=1; uboot_cmd="$2"; shift ;;
	--dtb) dtb="$2"; shift ;;
	--dumpdtb) dumpdtb="$2"; shift ;;
	--load) loads+=("$2"); shift ;;
	-h|--help) usage 0 ;;
	*) echo "run.sh: unknown option '$1' ('$0 --help' lists the options)" >&2; exit 2 ;;
	esac
	shift
done

case "$platform" in
system|qemu10) ;;
*) echo "run.sh: --platform must be system or qemu10 (got '$platform')" >&2; exit 2 ;;
esac
# Numbers are checked here, where the option is named, not by QEMU or
# bash arithmetic later.
case "$smp" in
[1-8]) ;;
*) echo "run.sh: --smp must be a number of harts from 1 to 8 (got '$smp')" >&2; exit 2 ;;
esac
case "$timeout" in
"" | *[!0-9]* | 0) echo "run.sh: --timeout must be a number of seconds, 1 or more (got '$timeout')" >&2; exit 2 ;;
esac
case "${seed_args[1]:-0}" in
*[!0-9]*) echo "run.sh: --seed must be a number, 0 or more (got '${seed_args[1]}')" >&2; exit 2 ;;
esac
# --live VIEW [FILTERS]: the tvtrace --follow command the screen runs
# (console-view.py --live), checked here, before QEMU starts: a view it
# does not know, or filters tvtrace refuses, stop the run.
live_cmd=""
if [ -n "$live" ]; then
	tvtrace="$here/build/host/tvtrace"
	[ -x "$tvtrace" ] || { echo "run.sh: --live needs $tvtrace (make builds it)" >&2; exit 2; }
	read -r -a live_words <<<"$live"
	case "${live_words[0]:-}" in
	1 | summary) live_view=--summary ;;
	records | text | explain) live_view=--${live_words[0]} ;;
	*) echo "run.sh: --live takes a view, summary (or 1), records, text or explain, and tvtrace's filters after it (got '$live')" >&2; exit 2 ;;
	esac
	live_args=(--follow "$live_view" "${live_words[@]:1}")
	if "$tvtrace" "${live_args[@]}" </dev/null 2>&1 | grep -q "^Try 'tvtrace --help'"; then
		echo "run.sh: --live '$live': $("$tvtrace" "${live_args[@]}" </dev/null 2>&1 | head -n 1)" >&2
		exit 2
	fi
	live_cmd=$(printf '%q ' "$tvtrace" "${live_args[@]}")
	append="tv.dump_every=1000 $append"
fi

# The machine: QEMU virt, with the AIA when --aia says how many guest
# interrupt files (QEMU 7.2 and 10.0 both take 0 to 7).
machine=virt
case "$aia" in
"") ;;
[0-7]) machine="virt,aia=aplic-imsic,aia-guests=$aia" ;;
*) echo "run.sh: --aia takes the number of guest interrupt files per hart, 0 to 7 (got '$aia')" >&2; exit 2 ;;
esac
# The platform's settings (scripts/fetch-platform.sh --print): QEMU (the
# command to run), QEMU_VERSION, FW_DIR (fw_jump.bin, fw_dynamic.bin) and
# FW_DEFAULT (what -bios default loads). For qemu10, QEMU is the cache's
# wrapper that gives the unpacked QEMU 10 "-L <its data dir>", so that
# -bios default loads the unpacked OpenSBI 1.5 rather than the system's 1.1.
fetch_platform="$here/scripts/fetch-platform.sh"
if ! settings=$("$fetch_platform" --print "$platform" 2>/dev/null); then
	if ! "$fetch_platform" "$platform" >&2 ||
	   ! settings=$("$fetch_platform" --print "$platform"); then
		echo "run.sh: platform $platform is not available (scripts/fetch-platform.sh $platform failed)" >&2
		exit 2
	fi
fi
QEMU="" QEMU_VERSION="" FW_DIR="" FW_DEFAULT=""
eval "$settings"
fw_dir=$FW_DIR

case "$bios" in
default) bios_arg=(-bios default); fw_file=$FW_DEFAULT ;;
fw_jump|fw_dynamic) bios_arg=(-bios "$fw_dir/$bios.bin"); fw_file=$fw_dir/$bios.bin ;;
*) echo "run.sh: --bios must be default, fw_jump or fw_dynamic (got '$bios')" >&2; exit 2 ;;
esac

# mem_mib SIZE: QEMU's -m size (plain MiB, or with an M or G suffix) in
# MiB, at most 1 TiB (checked before any arithmetic can overflow).
mem_mib() {
	local n=${1%[GgMm]} mib
	case "$n" in
	"" | *[!0-9]* | 0*) echo "run.sh: --mem '$1' is not a size (a whole number of MiB, 1 or more, or with M or G: 128M, 1G)" >&2; exit 2 ;;
	esac
	[ "${#n}" -le 7 ] || { echo "run.sh: --mem '$1' is more than 1 TiB" >&2; exit 2; }
	case "$1" in
	*[Gg]) mib=$(( n * 1024 )) ;;
	*) mib=$n ;;
	esac
	[ "$mib" -le 1048576 ] || { echo "run.sh: --mem '$1' is more than 1 TiB" >&2; exit 2; }
	# below 8 MiB QEMU cannot place the firmware and the device tree
	# ("Some ROM regions are overlapping"); from 8 the hypervisor says
	# what its guest RAM needs
	[ "$mib" -ge 8 ] || { echo "run.sh: --mem '$1' is less than 8 MiB, too little for the firmware and the device tree (the default guest needs 128M)" >&2; exit 2; }
	echo "$mib"
}
mem_mib "$mem" >/dev/null || exit 2

# image_format FILE: elf, linux or flat, from the file's magic numbers
# (ELF: "\x7fELF" at 0; RISC-V Linux Image: "RSC\x05" at 0x38, or in a
# header 0.1 "RISCV" at 0x30, lib/boot_image.h). Only used here to size
# the machine; the hypervisor reads the format itself.
image_format() {
	local magic
	magic=$(od -An -N4 -tx1 "$1" | tr -d ' \n')
	if [ "$magic" = 7f454c46 ]; then echo elf; return; fi
	magic=$(od -An -j48 -N12 -tx1 "$1" | tr -d ' \n')
	case "$magic" in
	????????????????52534305 | 5249534356000000*) echo linux; return ;;
	esac
	echo flat
}

# place_images: where the image (and the initramfs) wait for the
# hypervisor, from the machine's RAM size. QEMU virt puts RAM at
# 0x80000000 and its device tree in the top 2 MiB; QEMU's own -initrd
# would go to the middle of a small RAM (hw/riscv/boot.c), splitting it,
# so both files are placed with -device loader just below the device
# tree, initramfs on top, image below it (force-raw: QEMU must not load an
# ELF file's segments itself). The hypervisor's free RAM then stays one
# block. A Linux guest gets 256 MiB of RAM when the machine has 512 MiB
# or more, else tv.guest_mem=max (the largest free block; the hypervisor
# prints the size it chose); other images the hypervisor's default.
place_images() {
	local mib size isize top mb2=$((2 * 1024 * 1024))
	mib=$(mem_mib "$mem") || exit 2
	top=$(( 0x80000000 + mib * 1024 * 1024 - mb2 ))
	image_args=()
	if [ -n "$initrd" ]; then
		isize=$(stat -c %s "$initrd")
		top=$(( (top - isize) & ~4095 ))
		image_args+=(-device "loader,file=$initrd,addr=$(printf '%#x' "$top"),force-raw=on")
		IMAGE_APPEND="tv.initrd=$(printf '%#x,%d' "$top" "$isize")"
	else
		IMAGE_APPEND=""
	fi
	size=$(stat -c %s "$image")
	top=$(( (top - size) & ~4095 ))
	# Below 0x82200000 lie the firmware, the hypervisor (linked at
	# 0x80200000; scripts/check-image.sh keeps it below there) and
	# fw_jump's device tree: files placed there would overwrite them, or
	# lie outside RAM, which QEMU refuses without saying why ("Cannot
	# load specified image"). Said here, with a --mem that leaves room
	# for them and for a guest RAM that holds them (the hypervisor's
	# 64 MiB, or a tv.guest_mem of the files' size + 4 MiB: where a flat
	# binary goes, 2 MiB in, and the guest's device tree).
	if [ "$top" -lt $((0x82200000)) ]; then
		local files=$(( (size + ${isize:-0} + (1 << 20) - 1) >> 20 )) guest need verb=does
		guest=$(( files + 4 > 64 ? (files + 4 + 1) / 2 * 2 : 64 ))
		need=$(( (34 + 2 + files + guest + 127) / 128 * 128 ))
		[ -n "$initrd" ] && verb="do"
		echo "run.sh: $image ($size bytes)${initrd:+ and $initrd ($isize bytes)} $verb not fit in the machine's RAM (--mem $mem) above the firmware and the hypervisor (0x80000000-0x821fffff): give --mem ${need}M or more$([ "$guest" -gt 64 ] && echo ", and --append tv.guest_mem=${guest}M to hold $([ -n "$initrd" ] && echo them || echo it)")" >&2
		exit 2
	fi
	image_args+=(-device "loader,file=$image,addr=$(printf '%#x' "$top"),force-raw=on")
	IMAGE_APPEND="tv.image=$(printf '%#x,%d' "$top" "$size") $IMAGE_APPEND"
	if [ "$format" = linux ]; then
		if [ "$mib" -ge 512 ]; then guest_mem=256M; else guest_mem=max; fi
		IMAGE_APPEND="$IMAGE_APPEND tv.guest_mem=$guest_mem"
	fi
	[ "$smp" -gt 1 ] && IMAGE_APPEND="$IMAGE_APPEND tv.vcpus=$smp"
	echo "run.sh: $image: $format image, $size bytes at host $(printf '%#x' "$top")" >&2
}

# dump_dtb FILE: QEMU's own device tree for these machine options, without
# its rng-seed, as a .dts or a blob (dtc, package device-tree-compiler).
dump_dtb() {
	local raw status fmt
	command -v dtc >/dev/null || { echo "run.sh: --dumpdtb needs dtc (scripts/setup.sh build)" >&2; exit 2; }
	raw=$(mktemp)
	"$QEMU" -M "$machine,dumpdtb=$raw" -cpu "$cpu" -smp "$smp" -m "$mem" -nographic \
		-monitor none "${bios_arg[@]}" >/dev/null 2>&1
	status=$?
	[ "$status" = 0 ] && [ -s "$raw" ] || { echo "run.sh: QEMU could not dump its device tree (status $status)" >&2; rm -f "$raw"; exit 2; }
	case "$1" in *.dts) fmt=dts ;; *) fmt=dtb ;; esac
	{ dtc -q -I dtb -O dts "$raw" && echo '/ { chosen { /delete-property/ rng-seed; }; };'; } |
		dtc -q -I dts -O "$fmt" -o "$1"
	status=$?
	rm -f "$raw"
	[ "$status" = 0 ] || { echo "run.sh: dtc could not rewrite QEMU's device tree" >&2; exit 2; }
	echo "run.sh: QEMU's device tree for -smp $smp -m $mem -cpu $cpu written to $1" >&2
	exit 0
}
[ -n "$dumpdtb" ] && dump_dtb "$dumpdtb"

# --load FILE@ADDR: raw bytes at a host address (-device loader).
load_args=()
for l in "${loads[@]}"; do
	f=${l%@*} a=${l##*@}
	[ "$f" != "$l" ] && [ -f "$f" ] && [[ "$a" =~ ^(0x[0-9a-fA-F]+|[0-9]+)$ ]] ||
		{ echo "run.sh: --load '$l' is not FILE@ADDR with an existing FILE" >&2; exit 2; }
	load_args+=(-device "loader,file=$f,addr=$a,force-raw=on")
done
dtb_args=()
if [ -n "$dtb" ]; then
	[ -e "$dtb" ] || { echo "run.sh: --dtb $dtb: no such file" >&2; exit 2; }
	[ -f "$dtb" ] || { echo "run.sh: --dtb $dtb: not a regular file (a device tree blob is one)" >&2; exit 2; }
	dtb_args=(-dtb "$dtb")
fi

[ -f "$hyp" ] || { echo "run.sh: --hyp $hyp: no such file (make builds build/hyp.bin)" >&2; exit 2; }

image_args=()
linux_append=""
if [ "$linux" = 1 ]; then
	[ -z "$image$initrd" ] || { echo "run.sh: --linux and --shell boot build/linux/Image with its initramfs: --image and --initrd do not go with them" >&2; exit 2; }
	for f in "$here/build/linux/Image" "$here/build/linux/initramfs.cpio.gz"; do
		[ -f "$f" ] || { echo "run.sh: $f is missing: run scripts/fetch-linux.sh" >&2; exit 2; }
	done
	image="$here/build/linux/Image"
	initrd="$here/build/linux/initramfs.cpio.gz"
	linux_append="tv.ring=65536 console=ttyS0 earlycon=sbi"
	[ "$shell" = 1 ] && linux_append="$linux_append tv.input_poll=10 tvshell"
fi
# The console: QEMU's stdio, read from /dev/null unless a shell wants the
# keyboard; then Ctrl-C goes to the guest (signal=off), not to QEMU.
serial=(-serial stdio)
input=/dev/null
if [ "$shell" = 1 ]; then
	serial=(-chardev stdio,id=tvcon,signal=off -serial chardev:tvcon)
	input=/dev/stdin
	[ "$timeout_given" = 1 ] || timeout=0 # timeout(1): 0 = no limit
fi
if [ -n "$initrd" ] && [ -z "$image" ]; then
	echo "run.sh: --initrd goes with --image" >&2; exit 2
fi
if [ -n "$image" ]; then
	for f in "$image" "${initrd:-$image}"; do
		[ -e "$f" ] || { echo "run.sh: $f: no such file" >&2; exit 2; }
		[ -f "$f" ] || { echo "run.sh: $f: not a regular file (a guest image or initramfs is one)" >&2; exit 2; }
		[ -s "$f" ] || { echo "run.sh: $f: empty file: there is no guest in it" >&2; exit 2; }
	done
	format=$(image_format "$image")
	[ "$format" = linux ] && [ "$mem_given" = 0 ] && mem=1G
	place_images
	# Hypervisor options first; the words without tv. are the guest's.
	append="$IMAGE_APPEND $linux_append $append"
fi

# make run's alive line counts exits: with --summary the hypervisor says
# how many there were every 5 s on a line of its own ("~TVP:N",
# hyp/core/progress.h) that the screen hides; an --append value wins.
# 5 s: the alive line needs 3 s of silence anyway, and the test guest,
# which counts its exits exactly, is done before the first tick.
[ -z "$progress" ] && { [ "$summary" = 1 ] && progress=5000 || progress=0; }
case "$progress" in
'' | *[!0-9]*) echo "run.sh: --progress takes milliseconds (got '$progress')" >&2; exit 2 ;;
esac
# (the hypervisor's tv.progress range: a longer period would be ignored)
[ "${#progress}" -le 7 ] && [ "$progress" -le 3600000 ] ||
	{ echo "run.sh: --progress takes milliseconds from 0 to 3600000 (got '$progress')" >&2; exit 2; }
[ "$progress" != 0 ] && append="tv.progress=$progress $append"

# --uboot: U-Boot is the payload OpenSBI starts. booti moves the image to
# RAM base + text_offset (0x80200000, where it is linked) and passes the
# FDT in a1. QEMU's -append still reaches the hypervisor: U-Boot rewrites
# /chosen/bootargs only when its bootargs variable is set.
kernel="$hyp"
uboot_args=()
expect=()
if [ "$uboot" = 1 ]; then
	[ -f "$UBOOT_BIN" ] || { echo "run.sh: $UBOOT_BIN is missing: run scripts/setup.sh test" >&2; exit 2; }
	kernel="$UBOOT_BIN"
	uboot_args=(-device "loader,file=$hyp,addr=$UBOOT_HYP_ADDR")
	[ -n "$uboot_cmd" ] || uboot_cmd="booti $UBOOT_HYP_ADDR - \${fdtcontroladdr}"
	expect=(python3 "$here/scripts/console-expect.py"
		--expect "Hit any key to stop autoboot" --send " "
		--expect "=> " --send "$uboot_cmd\\n" --)
fi

qemu=("$QEMU" -M "$machine" -cpu "$cpu" -smp "$smp" -m "$mem"
	-nographic -monitor none "${serial[@]}" "${bios_arg[@]}"
	-kernel "$kernel" "${uboot_args[@]}" "${image_args[@]}" "${load_args[@]}"
	"${dtb_args[@]}" -append "$append" $icount "${seed_args[@]}")

echo "run.sh: platform $platform: QEMU $QEMU_VERSION, firmware $fw_file (-bios $bios)" >&2

if [ "$debug" = 1 ]; then
	echo "QEMU is waiting for gdb on port 1234. In another terminal run:"
	echo "  gdb-multiarch -ex 'target remote :1234' \\"
	echo "    -ex 'add-symbol-file $here/build/hyp.elf' \\"
	echo "    -ex 'add-symbol-file $here/build/guest.elf'"
	exec "${qemu[@]}" -s -S
fi

# The log must be writable before QEMU starts: a run whose console
# goes nowhere loses its trace.
if [ -d "$log" ]; then
	echo "run.sh: --log $log is a directory: give a file name" >&2; exit 2
fi
mkdir -p "$(dirname "$log")" 2>/dev/null ||
	{ echo "run.sh: --log $log: cannot create its directory $(dirname "$log")" >&2; exit 2; }
# make run's log (the default one) keeps the previous run's trace as
# console.log.prev: a run that fails to start must not take the last
# trace with it, however many fail in a row (a log with no frame line is
# not kept). A log named with --log is the caller's to keep.
if [ "$log_given" = 0 ] && grep -qs '^~TV1:' "$log"; then
	mv -f "$log" "$log.prev"
fi
( : >"$log" ) 2>/dev/null || { echo "run.sh: --log $log: cannot write it" >&2; exit 2; }
# The whole console goes to the log; with --summary (make run) the screen
# shows it as a person reads it (scripts/console-view.py): no trace
# frames, the hypervisor's lines told apart from the guest's.
if [ "$summary" = 1 ]; then
	frames_file=$(mktemp)
	timeout --foreground "$timeout" "${expect[@]}" "${qemu[@]}" <"$input" 2>&1 | tee "$log" |
		python3 "$here/scripts/console-view.py" --frames-to "$frames_file" ${live_cmd:+--live "$live_cmd"}
	pipe=("${PIPESTATUS[@]}")
else
	timeout --foreground "$timeout" "${expect[@]}" "${qemu[@]}" <"$input" 2>&1 | tee "$log"
	pipe=("${PIPESTATUS[@]}")
fi
status=${pipe[0]}
# A log that could not be written all the way lost console and trace: a
# failure whatever the guest did. (tee exits 1 on a write error; a signal,
# Ctrl-C say, is not one.)
if [ "${pipe[1]}" = 1 ]; then
	echo "run.sh: writing $log failed: the console and trace are not all in it" >&2
	[ "$status" = 0 ] && status=2
fi
if [ "$status" = 124 ]; then
	echo "run.sh: QEMU did not finish within ${timeout}s (log: $log)" >&2
fi
# live_join LOG: after a live run, the summary and pictures cover all of
# its periodic dumps as one trace: sets join to --join and says so. When
# tvtrace refuses to join them (exit 2: another boot's dump in the log,
# the dump after a hypervisor fault, which repeats records), says why;
# the views are then of the last dump (join empty).
join=""
live_join() {
	local n why
	[ -n "$live" ] || return 0
	n=$("$here/build/host/tvtrace" --list "$1" 2>/dev/null | grep -c '^dump [0-9]*:')
	why=$("$here/build/host/tvtrace" -q --join --list "$1" 2>&1 >/dev/null)
	local rc=$?
	if [ "$n" = 1 ]; then
		echo "trace: live (--live): the run ended within the first period, in one dump; the summary below is of it"
	elif [ $rc -le 1 ]; then
		join=--join
		echo "trace: periodic dumps (--live): the summary and pictures below cover all $n dumps as one trace (tvtrace --join); tvtrace --all --summary $1 shows each"
	else
		echo "trace: periodic dumps (--live) that tvtrace cannot join (${why#tvtrace: }); the summary and pictures below are of the last one"
	fi
}
if [ "$summary" = 1 ] && [ -x "$here/build/host/tvtrace" ]; then
	echo
	frames=$(cat "$frames_file" 2>/dev/null || echo 0)
	rm -f "$frames_file"
	# "dump N: ..., E events, ..." per dump (tvtrace --list)
	"$here/build/host/tvtrace" --list "$log" 2>/dev/null | awk -v f="$frames" -v logf="$log" '
		/^dump [0-9]+:/ { d++; for (i = 1; i < NF; i++) if ($(i + 1) ~ /^events/) r += $i }
		END { printf "trace: %d dump(s), %d events in %d frame lines, kept in %s\n", d, r, f, logf }'
	live_join "$log"
	"$here/build/host/tvtrace" ${join:+"$join"} --summary "$log" || true
	# Pictures of the same dump (or joined dumps): timeline (lanes per
	# hart, exits coloured by reason) and exits by reason; the HTML report holds both with the
	# summary and the explained records; and the dump as trace-cmd's
	# trace.dat (`trace-cmd report`, KernelShark).
	"$here/build/host/tvtrace" -q ${join:+"$join"} --svg "$here/build/timeline.svg" \
		--histogram "$here/build/histogram.svg" \
		--html "$here/build/report.html" \
		--trace-dat "$here/build/trace.dat" "$log"
	if [ $? -le 1 ]; then # written, even when some frames were damaged
		echo "timeline:    $here/build/timeline.svg"
		echo "histogram:   $here/build/histogram.svg"
		echo "report:      $here/build/report.html"
		echo "trace.dat:   $here/build/trace.dat (trace-cmd report / kernelshark)"
	fi
	echo "console log: $log"
fi
exit "$status"
