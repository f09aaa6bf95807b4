#!/bin/bash
# A guest its author built for QEMU virt (tests/system/virt_guest: linked
# at 0x80200000, where virt under OpenSBI runs an S-mode program, its own
# start-up, UART at 0x10000000, SBI, the test finisher at 0x100000) runs
# natively on QEMU virt and, unmodified, under the hypervisor, named only
# with scripts/run.sh --image: as an ELF file and as a flat binary. The
# status it writes to the finisher becomes QEMU's exit status. Images that
# do not fit, overlap or are malformed, and RAM bases the map does not
# allow, are refused with messages that name the ranges.
source "$(dirname "$0")/lib.sh"

B="$ROOT/build"
for f in virt-hello.elf virt-hello.bin virt-fail.elf; do
	if [ ! -f "$B/$f" ]; then
		echo "not ok - $B/$f is built (run make)"
		exit 0
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- the virt guest natively: QEMU virt, OpenSBI, no hypervisor -------------
# The same files as QEMU's -kernel, in place of the hypervisor: the guest
# is a real virt program (QEMU loads the flat binary 2 MiB into RAM).
for f in virt-hello.bin virt-hello.elf; do
	boot "native-$f" --hyp "$B/$f"
	status_is "native $f: QEMU exits 0 (PASS written to the finisher)" 0
	has "native $f: its start-up assertions held where QEMU virt put it" \
		"^virt-hello: pc 0x0000000080200[0-9a-f]{3}, sp 0x00000000802[0-9a-f]{5}, device tree at "
	has "native $f: it printed through SBI (OpenSBI's)" "^virt-hello: hello through SBI$"
	native_uart=$(grep -a '^virt-hello: UART as found:' "$LOG")
	check "native $f: it read the UART's registers as the firmware left them" test -n "$native_uart"
	native_loop=$(grep -a '^virt-hello: UART loopback:' "$LOG")
	check "native $f: it read what the UART received in loopback" test -n "$native_loop"
	native_plic=$(grep -a '^virt-hello: PLIC keeps of' "$LOG")
	check "native $f: it read back what the PLIC keeps of a priority and threshold" test -n "$native_plic"
done

# ---- the virt guest, no tv.* option ----------------------------------------
boot image-elf --image "$B/virt-hello.elf"
status_is "ELF: QEMU exits 0 (the guest wrote PASS to its test finisher)" 0
has "ELF: the hypervisor read the ELF header" "^tracevisor: VM 0: tv.image: ELF, [0-9]+ bytes, entry GPA 0x80200000$"
has "ELF: its segment went to its physical address" "^tracevisor: VM 0:   ELF segment 0: GPA 0x80200000-0x8020[0-9a-f]{4} RWX"
has "ELF: guest RAM at QEMU virt's 0x80000000 by default" "^tracevisor: VM 0: guest RAM GPA 0x80000000-"
has "ELF: its start-up assertions held (it runs where linked, stack in RAM)" \
	"^virt-hello: pc 0x0000000080200[0-9a-f]{3}, sp 0x00000000802[0-9a-f]{5}, device tree at 0x0000000083ffc000$"
has "ELF: it printed through the UART at 0x10000000" "^virt-hello: hello through the UART at 0x10000000$"
has "ELF: it printed through SBI" "^virt-hello: hello through SBI$"
# The emulated UART starts as the firmware leaves the real one (8N1, FIFOs
# on, divisor 2): the same register values as natively, line for line.
check "ELF: the UART's registers as found are those of the native run" \
	test "$(grep -a '^virt-hello: UART as found:' "$LOG")" = "$native_uart"
# Loopback, where what is sent is received: the 16-byte receive FIFO
# keeps three bytes, twenty overrun it (LSR.OE, the line-status
# interrupt), and without FIFOs a second byte overruns the first - as
# on the real UART. (Before, one byte was kept and no overrun shown.)
check "ELF: what the UART receives in loopback is what the native one receives" \
	test "$(grep -a '^virt-hello: UART loopback:' "$LOG")" = "$native_loop"
check "ELF: the PLIC keeps of a priority and a threshold what the native one does" \
	test "$(grep -a '^virt-hello: PLIC keeps of' "$LOG")" = "$native_plic"
has "ELF: the finisher write ended the run as a success" "^tracevisor: the guest wrote PASS \(0x5555\) to its test finisher$"
has "ELF: an image gets virt's devices and not the test device" \
	"^tracevisor: VM 0: devices: test-finisher at 0x100000 plic at 0xc000000 ns16550a at 0x10000000$"
check "ELF: no tv.* option reached the command line but tv.image" bash -c "
	grep -a 'Kernel\|bootargs' '$LOG' >/dev/null; ! grep -aq 'ignored option' '$LOG'"
"$TVTRACE" -r "$LOG" >"$LOG.records" 2>/dev/null
check "ELF: the UART's THR writes are in the trace" grep -q 'mmio .*write 1 byte gpa=0x10000000 ' "$LOG.records"
check "ELF: the finisher write is the last MMIO record" bash -c "
	grep ' mmio ' '$LOG.records' | tail -1 | grep -q 'write 4 bytes gpa=0x100000 .*0x5555'"

# An ELF whose e_entry is not its lowest load address is entered at the
# latter, as QEMU virt's loader enters it (a kernel with separate SBI and
# ELF entry points relies on it): virt-hello with e_entry moved 0x40 on.
python3 - "$B/virt-hello.elf" "$tmp/entry.elf" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
entry = struct.unpack_from("<Q", b, 24)[0]
struct.pack_into("<Q", b, 24, entry + 0x40)
open(sys.argv[2], "wb").write(b)
PY
boot image-elf-entry --image "$tmp/entry.elf"
status_is "ELF entered at its lowest load address: the guest passes" 0
has "ELF entered at its lowest load address: said so" \
	"^tracevisor: VM 0:   entered at the lowest load address 0x80200000, as QEMU virt enters an ELF; e_entry 0x80200040 \(physical 0x80200040\) is not used$"

boot image-flat --image "$B/virt-hello.bin"
status_is "flat: QEMU exits 0" 0
has "flat: recognised as a flat binary, 2 MiB into guest RAM as on QEMU virt" \
	"^tracevisor: VM 0:   the flat binary at GPA 0x80200000-0x80200[0-9a-f]{3}$"
has "flat: entered there" "^tracevisor: VM 0: tv.image: flat binary, [0-9]+ bytes, entry GPA 0x80200000$"
has "flat: its start-up assertions held" "^virt-hello: pc 0x0000000080200[0-9a-f]{3}, sp "
has "flat: it reported PASS" "^virt-hello: reporting success to the test finisher$"

boot image-fail --image "$B/virt-fail.elf"
status_is "FAIL code 42 written to the finisher: QEMU exits 42" 42
has "FAIL: the hypervisor says so" "^tracevisor: the guest wrote FAIL with code 42 \(0x2a3333\) to its test finisher$"
has "FAIL: the run ends as a failure" "^tracevisor: shutting down: failure$"

# Two vCPUs from --smp: the guest's device tree lists both; the guest
# itself only uses hart 0 (the other stays stopped until HSM starts it).
boot image-smp2 --smp 2 --image "$B/virt-hello.elf"
status_is "--smp 2: QEMU exits 0" 0
has "--smp 2: two vCPUs without a tv.vcpus option" "the guest has 2 vCPU\(s\)"

# ---- refusals ----------------------------------------------------------------
# refused NAME PATTERN [run.sh options]: a non-zero exit and the message.
refused() {
	local name="$1" pattern="$2"
	shift 2
	boot "refused-$name" "$@"
	check "$name: refused (non-zero exit)" test "$STATUS" != 0
	has "$name: the message names the ranges" "$pattern"
}

# RAM moved away from where the ELF file's segment is.
refused elf-out-of-ram \
	"cannot load tv.image \(ELF, [0-9]+ bytes\): ELF segment 0 at GPA 0x80200000-0x8020[0-9a-f]{4} lies outside guest RAM 0xc0000000-0xc3ffffff" \
	--image "$B/virt-hello.elf" --append "tv.guest_ram_base=0xC0000000"

# Two PT_LOAD segments that overlap (the file is otherwise valid).
python3 - "$B/virt-hello.elf" "$tmp/overlap.elf" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
phoff, = struct.unpack_from("<Q", b, 32)
ph = bytes(b[phoff:phoff + 56])
# A second program header: a copy of the first, 0x100 bytes higher, so the
# two ranges overlap. It goes at the end of the file, and e_phoff moves there.
typ, flags, off, vaddr, paddr, filesz, memsz, align = struct.unpack("<IIQQQQQQ", ph)
second = struct.pack("<IIQQQQQQ", typ, flags, off, vaddr + 0x100, paddr + 0x100, filesz, memsz, align)
newoff = len(b)
b += ph + second
struct.pack_into("<Q", b, 32, newoff)
struct.pack_into("<H", b, 56, 2)
open(sys.argv[2], "wb").write(b)
PY
refused elf-overlap \
	"ELF segment 1 at GPA 0x80200100-0x8020[0-9a-f]{4} overlaps ELF segment 0 at GPA 0x80200000-0x8020[0-9a-f]{4}" \
	--image "$tmp/overlap.elf"

# A flat binary as large as the guest RAM above 2 MiB runs into the device
# tree at its top; one byte more, out of guest RAM.
head -c $((2 * 1024 * 1024)) /dev/zero >"$tmp/big.bin"
refused flat-over-dt \
	"the guest's device tree at GPA 0x803fc000-0x803fffff overlaps the flat binary at GPA 0x80200000-0x803fffff" \
	--image "$tmp/big.bin" --append "tv.guest_mem=4M"
head -c $((2 * 1024 * 1024 + 1)) /dev/zero >"$tmp/bigger.bin"
refused flat-out-of-ram \
	"the flat binary at GPA 0x80200000-0x80400000 lies outside guest RAM 0x80000000-0x803fffff" \
	--image "$tmp/bigger.bin" --append "tv.guest_mem=4M"

# An initramfs so large that, below the device tree, it reaches the ELF file.
head -c $((2 * 1024 * 1024 - 32 * 1024)) /dev/zero >"$tmp/initrd.img"
refused initrd-over-elf \
	"the initramfs at GPA 0x80204000-0x803f[0-9a-f]{4} overlaps ELF segment 0 at GPA 0x80200000-0x8020[0-9a-f]{4}" \
	--image "$B/virt-hello.elf" --initrd "$tmp/initrd.img" --append "tv.guest_mem=4M"

# Malformed ELF files: cut inside the program headers; a segment whose
# bytes lie past the end of the file.
head -c 100 "$B/virt-hello.elf" >"$tmp/cut.elf"
refused elf-truncated \
	"not a loadable ELF file: ELF program header table 0x40\+0x38 lies past the end of the file \(0x64 bytes\)" \
	--image "$tmp/cut.elf"
head -c 4200 "$B/virt-hello.elf" >"$tmp/short.elf"
refused elf-segment-past-end \
	"not a loadable ELF file: ELF segment 0: file bytes 0x1000\+0x[0-9a-f]+ lie past the end of the file \(0x1068 bytes\)" \
	--image "$tmp/short.elf"

# Files that are no RISC-V guest as they are, which the hypervisor used to
# run as flat binaries (the guest died at its first instruction, a
# "guest double fault" with nothing saying why): a compressed kernel
# (what distributions ship as vmlinuz) and an arm64 Linux Image.
gzip -c "$B/virt-hello.bin" >"$tmp/hello.bin.gz"
refused gzip-image \
	"FATAL: tv.image \(host 0x[0-9a-f]+, [0-9]+ bytes\) is not a guest this hypervisor runs: a gzip-compressed file: decompress it first \(zcat FILE > Image\)" \
	--image "$tmp/hello.bin.gz"
python3 - "$tmp/arm64.Image" <<'PY'
import struct, sys
b = bytearray(64 * 1024)
struct.pack_into("<QQ", b, 8, 0x80000, len(b))  # text_offset, image_size
b[0x38:0x3c] = b"ARM\x64"                        # arm64's magic
open(sys.argv[1], "wb").write(b)
PY
refused arm64-image \
	"is not a guest this hypervisor runs: an arm64 Linux Image \(magic ARM.x64 at 0x38\), not a RISC-V one" \
	--image "$tmp/arm64.Image"
# A U-Boot legacy uImage (mkimage's 64-byte header, big-endian, before
# the program): named, with where its image starts and how to get it.
python3 - "$B/virt-hello.bin" "$tmp/hello.uImage" <<'PY'
import struct, sys
body = open(sys.argv[1], "rb").read()
hdr = struct.pack(">IIIIIIIBBBB32s", 0x27051956, 0, 0, len(body), 0x80200000,
                  0x80200000, 0, 5, 26, 2, 0, b"virt-hello")  # Linux, RISC-V, kernel, none
open(sys.argv[2], "wb").write(hdr + body)
PY
refused uimage \
	"is not a guest this hypervisor runs: a U-Boot legacy uImage \('virt-hello': [0-9]+ bytes of uncompressed payload\): boot the image inside it, from byte 64 on \(dumpimage -T kernel -p 0 -o Image FILE\)$" \
	--image "$tmp/hello.uImage"

# RAM bases the guest-physical map does not allow.
refused ram-base-unaligned "tv.guest_ram_base=0x80100000 is not a multiple of 2 MiB" \
	--image "$B/virt-hello.elf" --append "tv.guest_ram_base=0x80100000"
refused ram-base-over-plic \
	"guest RAM 0xc000000-0xfffffff \(tv.guest_ram_base, tv.guest_mem\) overlaps the emulated PLIC at 0xc000000-0xc5fffff" \
	--image "$B/virt-hello.elf" --append "tv.guest_ram_base=0x0c000000"
refused ram-base-over-finisher \
	"overlaps the emulated test finisher at 0x100000-0x100fff" \
	--image "$B/virt-hello.elf" --append "tv.guest_ram_base=0"
refused ram-base-builtin \
	"tv.guest_ram_base=0x90000000: the built-in test guest is linked for guest RAM at 0x80000000" \
	--append "tv.guest_ram_base=0x90000000"

# tv.image ranges the hypervisor must not copy from.
refused image-not-ram "tv.image: host range 0x1000-0x1fff is not host RAM" \
	--append "tv.image=0x1000,4096"
refused image-protected "tv.image: host range 0x80000000-0x80000fff overlaps firmware or hypervisor memory" \
	--append "tv.image=0x80000000,4096"
