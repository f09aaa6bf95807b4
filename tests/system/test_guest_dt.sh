#!/bin/bash
# The guest's device tree, as the hypervisor built it, printed in hex on
# the console (tv.dump_guest_dt=1), turned back into a blob and read by
# dtc: no warnings, and everything a guest of QEMU virt looks for - cpus
# with the whole ISA string, riscv,isa-base and riscv,isa-extensions,
# mmu-type, the timebase and interrupt controllers; memory; chosen with
# bootargs, stdout-path, the initramfs and an rng-seed from a real entropy
# source, which the hypervisor names.
source "$(dirname "$0")/lib.sh"

B="$ROOT/build"
if ! command -v dtc >/dev/null; then
	echo "not ok - dtc is installed (device-tree-compiler: run scripts/setup.sh test)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# dump_dt LOG BLOB: the hex lines between the header and the end line.
dump_dt() {
	python3 - "$1" "$2" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
m = re.search(r"^tracevisor: guest device tree: (\d+) bytes", text, re.M)
data = b"".join(bytes.fromhex(h) for h in
                re.findall(r"^tracevisor: guest-dt [0-9a-f]+: ([0-9a-f]+)$", text, re.M))
if not m or len(data) != int(m.group(1)):
    sys.exit(f"dump: header says {m and m.group(1)} bytes, got {len(data)}")
open(sys.argv[2], "wb").write(data)
PY
}

head -c 12345 /dev/urandom >"$tmp/initrd"
boot guest-dt --smp 2 --image "$B/virt-hello.elf" --initrd "$tmp/initrd" \
	--append "tv.dump_guest_dt=1 console=ttyS0 loglevel=7"
status_is "the guest runs with its device tree dumped" 0
check "the dump turns back into a blob of the size it announced" dump_dt "$LOG" "$tmp/guest.dtb"
dtc -I dtb -O dts -o "$tmp/guest.dts" "$tmp/guest.dtb" 2>"$tmp/dtc.err"
check "dtc reads it (exit 0)" test $? = 0
check "dtc reads it with no warnings" test ! -s "$tmp/dtc.err"
[ -s "$tmp/dtc.err" ] && sed 's/^/#   /' "$tmp/dtc.err"
D="$tmp/guest.dts"
dts_has() { check "$1" grep -Eq -- "$2" "$D"; }

dts_has "memory@80000000 with guest RAM" "^	memory@80000000 \{$"
dts_has "memory: 64 MiB at 0x80000000" "reg = <0x00 0x80000000 0x00 0x4000000>;"
dts_has "chosen: bootargs are the words that are not tv.*" 'bootargs = "console=ttyS0 loglevel=7";'
dts_has "chosen: stdout-path names the UART" 'stdout-path = "/soc/serial@10000000";'
dts_has "chosen: an rng-seed of 32 bytes" "rng-seed = <(0x[0-9a-f]+ ){7}0x[0-9a-f]+>;"
dts_has "chosen: initramfs start" "linux,initrd-start = <0x00 0x8[0-9a-f]+>;"
check "chosen: initramfs end - start = its size (12345 bytes)" python3 - "$D" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
s = re.search(r"linux,initrd-start = <0x00 (0x[0-9a-f]+)>", t)
e = re.search(r"linux,initrd-end = <0x00 (0x[0-9a-f]+)>", t)
sys.exit(not (s and e and int(e.group(1), 16) - int(s.group(1), 16) == 12345))
PY
dts_has "aliases: serial0" 'serial0 = "/soc/serial@10000000";'
dts_has "cpus: timebase-frequency" "timebase-frequency = <0x[0-9a-f]+>;"
check "cpus: one cpu node per vCPU (2)" test "$(grep -cE '^		cpu@[0-9]+ \{$' "$D")" = 2
dts_has "cpu: riscv,isa" 'riscv,isa = "rv64[a-z]+(_[a-z0-9]+)*";'
dts_has "cpu: riscv,isa-base" 'riscv,isa-base = "rv64i";'
dts_has "cpu: riscv,isa-extensions" 'riscv,isa-extensions = "i\\0m\\0a'
# riscv,isa's "i" implies Zicntr, Zicsr, Zifencei and Zihpm (the riscv,isa
# binding); a kernel takes riscv,isa-extensions as the whole list, so it
# names the counters the guest can read (QEMU 7.2's tree has only
# riscv,isa; they were left out).
dts_has "cpu: riscv,isa-extensions names zicntr" 'riscv,isa-extensions = .*\\0zicntr\\0'
dts_has "cpu: riscv,isa names zicntr" 'riscv,isa = "rv64[a-z]*_(.*_)?zicntr_'

dts_has "cpu: mmu-type" 'mmu-type = "riscv,sv(39|48|57)";'
dts_has "cpu: its interrupt controller" 'compatible = "riscv,cpu-intc";'
dts_has "cpu-map: one core per vCPU" "^				core1 \{$"
# The ISA string and the extension list say the same, whole (the string
# has no length limit: on QEMU 10 it is well over 256 characters).
check "cpu: riscv,isa and riscv,isa-extensions name the same extensions" python3 - "$D" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
isa = re.search(r'riscv,isa = "([^"]+)"', t).group(1)
exts = re.search(r'riscv,isa-extensions = "([^;]+)";', t).group(1).split('\\0')
single = [e for e in exts if len(e) == 1]
multi = [e for e in exts if len(e) > 1]
base, *rest = isa.split("_")
ok = base == "rv64" + "".join(single) and rest == multi
sys.exit(0 if ok else f"{isa} vs {exts}")
PY
dts_has "soc: the test finisher at virt's address" "^		test@100000 \{$"
dts_has "soc: the finisher is sifive,test0 and a syscon" 'compatible = "sifive,test1\\0sifive,test0\\0syscon";'
dts_has "poweroff: syscon-poweroff writes PASS to it" 'value = <0x5555>;'
dts_has "reboot: syscon-reboot writes RESET to it" 'value = <0x7777>;'
dts_has "soc: the PLIC at virt's address, virt's size" "reg = <0x00 0xc000000 0x00 0x600000>;"
dts_has "soc: the PLIC's M- and S-mode contexts of each vCPU, as on virt" "interrupts-extended = <0x[0-9a-f]+ 0x0b 0x[0-9a-f]+ 0x09 0x[0-9a-f]+ 0x0b 0x[0-9a-f]+ 0x09>;"
dts_has "soc: the UART at virt's address, PLIC source 10" "interrupts = <0x0a>;"
has "the hypervisor names where the rng-seed came from" \
	"^tracevisor: VM 0: rng-seed: 32 bytes derived from the host's /chosen/rng-seed"

# A second boot: a different seed (both from fresh entropy).
boot guest-dt-2 --image "$B/virt-hello.elf" --append "tv.dump_guest_dt=1"
dump_dt "$LOG" "$tmp/guest2.dtb"
dtc -I dtb -O dts -o "$tmp/guest2.dts" "$tmp/guest2.dtb" 2>/dev/null
check "a second boot's rng-seed differs" bash -c "
	a=\$(grep rng-seed '$D'); b=\$(grep rng-seed '$tmp/guest2.dts')
	[ -n \"\$a\" ] && [ -n \"\$b\" ] && [ \"\$a\" != \"\$b\" ]"
check "no bootargs property when no word is the guest's" bash -c "! grep -q bootargs '$tmp/guest2.dts'"

# Long bootargs (1500 bytes, past the 511 once read) and words split by
# tabs: every word reaches the guest, or the hypervisor, whole. Before, a
# cut dropped the last words (root=, a tv.* option) without a word, and a
# tab glued a guest word to a tv.* one.
pad=$(for i in $(seq 1 30); do printf 'pad%02d=%s ' "$i" xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done)
boot guest-dt-long --image "$B/virt-hello.elf" --append "tv.dump_guest_dt=1 ${pad}loglevel=7	tv.ring=64	console=ttyS0"
status_is "long bootargs: the guest runs" 0
has "long bootargs: the tv.* word after a tab is the hypervisor's" "ring 64 slots"
dump_dt "$LOG" "$tmp/guest3.dtb"
dtc -I dtb -O dts -o "$tmp/guest3.dts" "$tmp/guest3.dtb" 2>/dev/null
check "long bootargs: the guest's last words are whole, the tv.* one is not among them" \
	grep -q 'pad30=x* loglevel=7 console=ttyS0";' "$tmp/guest3.dts"
boot guest-dt-too-long --image "$B/virt-hello.elf" --append "$pad$pad"
check "bootargs past 2047 bytes: the run is refused" test "$STATUS" != 0
has "bootargs past 2047 bytes: said so" "/chosen bootargs are [0-9]+ bytes, more than the 2047 the hypervisor reads"

# Zkr: QEMU 10 + OpenSBI 1.5 let S-mode read the seed CSR; OpenSBI 1.1
# does not set mseccfg.SSEED, and the hypervisor says so and uses the
# host's rng-seed alone.
boot guest-dt-zkr --cpu rv64,zkr=true --image "$B/virt-hello.elf"
status_is "Zkr: the guest runs" 0
if [ "$TV_PLATFORM" = qemu10 ]; then
	has "Zkr: the seed CSR is used, with the host's rng-seed" \
		"^tracevisor: VM 0: rng-seed: 32 bytes derived from the Zkr seed CSR and the host's /chosen/rng-seed$"
else
	has "Zkr: the seed CSR is not readable from S-mode, and that is said" \
		"^tracevisor: VM 0: rng-seed: 32 bytes derived from the host's /chosen/rng-seed; Zkr's seed CSR is not readable from S-mode \(mseccfg.SSEED\)$"
fi

# A hart with Zk (Zkn + Zkr + Zkt): the guest's ISA names Zkn and Zkt, not
# Zk or Zkr, whose seed CSR VS-mode cannot read (a virtual-instruction
# exception; before, Zk was passed on and Linux took an illegal
# instruction reading seed).
boot guest-dt-zk --cpu rv64,zk=true --image "$B/virt-hello.elf" --append "tv.dump_guest_dt=1"
status_is "Zk: the guest runs" 0
dump_dt "$LOG" "$tmp/zk.dtb"
dtc -I dtb -O dts -o "$tmp/zk.dts" "$tmp/zk.dtb" 2>/dev/null
check "Zk: riscv,isa-extensions names zkn and zkt" \
	grep -Eq 'riscv,isa-extensions = .*\\0zkn\\0.*\\0zkt(\\0|")' "$tmp/zk.dts"
check "Zk: neither riscv,isa-extensions nor riscv,isa names zk or zkr" bash -c "
	! grep -Eq '(\\\\0|_)zkr?(\\\\0|_|\")' '$tmp/zk.dts'"

# The built-in test guest's tree too (its own RAM, one vCPU).
boot guest-dt-test --append "tv.dump_guest_dt=1"
dump_dt "$LOG" "$tmp/test.dtb"
check "test guest: dtc reads its tree with no warnings" bash -c "
	dtc -I dtb -O dts -o /dev/null '$tmp/test.dtb' 2>&1 | grep -q . && exit 1; exit 0"
