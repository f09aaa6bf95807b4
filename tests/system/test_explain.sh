#!/bin/bash
# tvtrace --explain on a real run of the test guest: the plain-language
# account of the exits the guest provokes on purpose (an SBI call, MMIO on
# the UART and the test device, WFI, a forbidden instruction, the isolation
# probes, the timer) says what happened, what the hypervisor did and which
# specification sections govern it.
source "$(dirname "$0")/lib.sh"

boot explain
status_is "the run succeeds" 0
E="$LOGDIR/explain.txt"
"$TVTRACE" --explain "$LOG" >"$E" 2>"$E.err"
check "tvtrace --explain exits 0 with no messages" test $? = 0 -a ! -s "$E.err"
hasf() { check "$1" grep -qF -- "$2" "$E"; }
hase() { check "$1" grep -qE -- "$2" "$E"; }

# An SBI call (step 1 probes DBCN).
hasf "ECALL: the SBI call, its answer and the resume point" \
	"environment call from VS-mode: the guest executed ecall to ask the hypervisor for SBI service BASE.probe_extension (a7 = EID 0x10, a6 = FID 3); the hypervisor answered SBI_SUCCESS, value 0x1 in a0/a1 and resumed at sepc+4."
hasf "ECALL: the SBI specification chapter" \
	'SBI spec: "Base Extension (EID #0x10)"'
hasf "SBI record: what probe_extension asked" \
	"the guest asked whether extension 0x4442434e (DBCN) is available: yes"

# MMIO on the UART: the driver polls the line-status register.
hasf "MMIO: a UART read emulated" \
	"load guest-page fault: the guest's load from VA 0x40000005 (GPA 0x10000005) hit no G-stage mapping; the hypervisor emulated a read of the UART's line-status register (LSR) and resumed at sepc+4."
hasf "MMIO: the specification sections" \
	'"Two-Stage Address Translation", "Guest-Page Faults", "Hypervisor Trap Value (htval) Register" (GPA = htval << 2 | stval & 3)'
# Where the emulated instruction came from differs by platform: QEMU 7.2
# leaves htinst 0 (the hypervisor reads the instruction with HLVX), QEMU 10
# writes the transformed instruction (immediate offset zeroed, rs1 = the
# address offset, 0 for an aligned access).
if [ "$TV_PLATFORM" = system ]; then
	hasf "MMIO: the instruction came from HLVX (htinst 0 on QEMU 7.2)" \
		'(htinst was 0: the instruction was read from the guest with HLVX.HU)'
	lsr_insn='lbu a5, 5\(a[45]\)'
else
	hase "MMIO: the instruction came from htinst (transformed, on QEMU 10)" \
		'\(htinst = 0x[0-9a-f]+: the hardware.s transformed instruction: immediate offset zeroed, rs1 replaced by the address offset 0; nothing was read from the guest\)'
	lsr_insn='lbu a5, 0\(zero\)'
fi
hase "MMIO record: the register, value and destination" \
	"emulated \`$lsr_insn\`: read 1 byte at GPA 0x10000005, the UART's line-status register \(LSR\): 0x60 into a5 \(THRE: ready to take a byte, no received byte\)"
hasf "MMIO: a UART write (a character printed)" \
	"the hypervisor emulated a write to the UART's transmitter holding register (THR) and resumed at sepc+4."
hasf "MMIO: the test device's ID register" \
	"the hypervisor emulated a read of the test device's ID register and resumed at sepc+4."

# WFI with hstatus.VTW=1.
hase "WFI: a virtual instruction, waited for, resumed after it" \
	"virtual instruction: the guest executed wfi while hstatus.VTW=1, so the hart raised a virtual-instruction exception instead of waiting; the hypervisor waited for an interrupt on the guest's behalf \([0-9.]+ us\) and resumed at sepc\+4\."
hasf "WFI: the specification sections" \
	'"Hypervisor Status (hstatus) Register" (VTW), "Trap Cause Codes" (virtual instruction, cause 22)'

# A hypervisor CSR read from VS-mode: virtual instruction -> illegal.
hasf "virtual instruction turned into an illegal-instruction exception" \
	"virtual instruction: the guest executed \`csrrs t0, hstatus, zero\`, which VS-mode may not execute although HS-mode could, so the hart raised a virtual-instruction exception; the hypervisor does not emulate it and, as the specification advises, injected an illegal-instruction exception into the guest and resumed the guest at its trap vector"

# The isolation probes: host memory outside the guest's map.
hase "isolation probe: a load access fault injected" \
	"load guest-page fault: the guest's load from VA 0x8[0-9a-f]{7} \(GPA 0x8[0-9a-f]{7}\) hit no G-stage mapping; no emulated device is there \(the address is outside guest RAM and the device map\), so the hypervisor injected a load access fault into the guest and resumed the guest at its trap vector \(vstvec 0x[0-9a-f]+\)\."
hasf "isolation probe: a store/AMO access fault injected" \
	"so the hypervisor injected a store/AMO access fault into the guest"
check "no transformed instruction is said to have its address offset zeroed" \
	bash -c "! grep -q 'its address offset zeroed' '$E'"
hasf "isolation probe: an instruction access fault injected" \
	"the hypervisor injected an instruction access fault into the guest and resumed the guest at its trap vector"
hase "EXC record: what injection writes" \
	"injected load access fault into the guest as the hardware would deliver it: vsepc = 0x[0-9a-f]+ \(the faulting pc\), vscause = 5, vstval = 0x8[0-9a-f]{7}, vsstatus.SPP = the guest's privilege, SPIE = SIE, SIE = 0; the guest continues at its trap vector vstvec = 0x[0-9a-f]+ \(\"Trap Entry\"\)"

# Timer interrupts. The guest has Sstc (tv.timer=auto): when its SBI
# set_timer deadline passes, the hypervisor's timer exit raises the
# interrupt through the guest's vstimecmp, which the guest's own stimecmp
# write can lower. (Through hvip.VSTIP, without Sstc, in
# tests/tools/test_analysis.sh and test_csv.sh.)
hase "timer: raised through vstimecmp" \
	"supervisor timer interrupt: the hypervisor's own timer, armed for the guest's deadline, fired while the guest ran \(HS-level interrupts are always enabled when V=1\); the hypervisor raised a virtual supervisor timer interrupt through the guest's vstimecmp \(set to 0\), which the guest's next stimecmp write lowers, and resumed at sepc \(the interrupted instruction\)"
hasf "timer: the IRQ record says how" \
	"raised a virtual supervisor timer interrupt for the guest through vstimecmp (set to 0; hvip 0x"
hasf "timer: the specification sections" \
	'"Hypervisor Interrupt (hvip, hip, and hie) Registers"'

# Not delegated guest exceptions.
hasf "illegal instruction passed on" \
	"this exception is not delegated to the guest (its hedeleg bit 2 is clear), so it came to the hypervisor first, which injected it into the guest unchanged"
hasf "breakpoint passed on" \
	"breakpoint: the guest executed ebreak at 0x"

# Every exit is explained, each with its specification line.
nexit=$("$TVTRACE" --records "$LOG" | grep -c ' exit ')
check "every exit explained ($nexit)" test "$(grep -c ' exit    ' "$E")" = "$nexit"
check "every exit names its specification sections" awk '
	/ exit    / { want = 1; n++; next }
	want { if ($0 !~ /^ +\(RISC-V privileged spec, hypervisor chapter: /) bad++; want = 0 }
	END { exit bad != 0 || n == 0 }' "$E"
check "every entry says where the guest resumed" bash -c \
	"! grep ' entry   ' '$E' | grep -vq 'with sret at 0x'"
