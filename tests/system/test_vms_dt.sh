#!/bin/bash
# VMs described in the host's device tree (/chosen/vmN, compatible
# "tracevisor,vm"; docs/vms-device-tree.md) instead of bootargs: QEMU's own
# device tree (scripts/run.sh --dumpdtb) plus nodes compiled with dtc,
# booted with --dtb. The hostile guest as VM 1 in the device tree gives
# what tv.vm1=guest:hostile,name:attacker gives; a VM brings its own image
# as a module node; bad descriptions are refused before any guest runs,
# naming the node and the property.
source "$(dirname "$0")/lib.sh"

B="$ROOT/build"
if ! command -v dtc >/dev/null; then
	echo "not ok - dtc is installed (scripts/setup.sh build: device-tree-compiler)"
	exit 0
fi
if [ ! -f "$B/virt-hello.elf" ]; then
	echo "not ok - $B/virt-hello.elf is built (run make)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# QEMU's device trees for -smp 2 and -smp 3 (-m 256M): QEMU passes a -dtb
# on as it is, so a boot's harts are its tree's.
for n in 2 3; do
	"$ROOT/scripts/run.sh" --smp $n --dumpdtb "$tmp/base$n.dts" 2>"$tmp/dump.err"
done
check "--dumpdtb wrote QEMU's device tree as source" grep -q 'compatible = "riscv-virtio"' "$tmp/base2.dts"
check "--dumpdtb: for the machine asked (-smp 3: cpu@2)" bash -c "grep -q 'cpu@2 {' '$tmp/base3.dts' && ! grep -q 'cpu@2 {' '$tmp/base2.dts'"
check "--dumpdtb left QEMU's one-boot rng-seed out" bash -c "! grep -q rng-seed '$tmp/base2.dts'"

# dtb NAME [HARTS]: QEMU's tree (2 harts unless HARTS) plus the /chosen
# nodes read from stdin, compiled.
dtb() {
	{ cat "$tmp/base${2:-2}.dts"; echo "/ { chosen {"; cat; echo "}; };"; } >"$tmp/$1.dts"
	dtc -q -I dts -O dtb -o "$tmp/$1.dtb" "$tmp/$1.dts"
}
# The lines that say what VM 1 is and how it ended, host addresses left out.
vm1_outcome() {
	grep -E "^tracevisor: VM [01] '|^tracevisor: VM 1: (G-stage|devices|hostile guest)|^\[attacker\] hostile: [0-9]+ attempts|^tracevisor: shutting down" "$1" |
		sed -E 's/, root 0x[0-9a-f]+,/, root (host),/'
	grep -oE "^tracevisor: VM 1: guest RAM GPA 0x[0-9a-f]+-0x[0-9a-f]+" "$1"
}

# ---- the hostile guest as VM 1: bootargs, then the device tree ---------------
boot vms-dt-bootargs --smp 2 --append "tv.vm1=guest:hostile,name:attacker"
vm1_outcome "$LOG" >"$tmp/bootargs.outcome"
dtb hostile <<'EOF'
	vm1 {
		compatible = "tracevisor,vm";
		tracevisor,guest = "hostile";
		cpus = <1>;
		memory = <0x0 0x10000>;
		tracevisor,name = "attacker";
	};
EOF
boot vms-dt-hostile --smp 2 --dtb "$tmp/hostile.dtb"
vm1_outcome "$LOG" >"$tmp/dt.outcome"
status_is "device tree VM 1: QEMU exits 0" 0
has "device tree VM 1: placed as the bootargs form places it" \
	"^tracevisor: VM 1 'attacker': 1 vCPU\(s\) on hart slot\(s\) 1-1 \(harts of its own\)$"
has "device tree VM 1: the test guest (VM 0) passes every step" "^\[vm0\] guest: ([0-9]+) of \1 steps passed$"
has "device tree VM 1: its console lines carry its name, none escaped" "^\[attacker\] hostile: [0-9]+ attempts, 0 escapes$"
check "device tree VM 1: the same placement, RAM, devices, guest and attempts as tv.vm1=..." \
	bash -c "[ \$(wc -l <'$tmp/dt.outcome') -ge 8 ] && diff '$tmp/bootargs.outcome' '$tmp/dt.outcome'"
"$TVTRACE" -r "$LOG" >"$LOG.records" 2>/dev/null
check "device tree VM 1: its exits are in the trace under vm1" bash -c "awk '\$3 == \"vm1-vcpu0\" && \$4 == \"exit\"' '$LOG.records' | grep -q ."
check "device tree VM 1: and under no other VM than 0 and 1" bash -c "
	! awk '\$4 == \"exit\" { print \$3 }' '$LOG.records' | grep -vqE '^vm[01]-vcpu0$'"

# ---- a VM's own image: a module node names where QEMU loaded it --------------
# VM 1 from bootargs, VM 2 from the device tree: the sources mix by VM.
size=$(stat -c %s "$B/virt-hello.elf")
dtb image 3 <<EOF
	vm2 {
		compatible = "tracevisor,vm";
		cpus = <1>;
		memory = <0x0 0x10000>;
		#address-cells = <2>;
		#size-cells = <2>;
		module@8e000000 {
			compatible = "multiboot,kernel", "multiboot,module";
			reg = <0x0 0x8e000000 0x0 $size>;
		};
	};
EOF
boot vms-dt-image --smp 3 --dtb "$tmp/image.dtb" --load "$B/virt-hello.elf@0x8e000000" \
	--append "tv.vm1=guest:test"
status_is "own image: QEMU exits 0" 0
has "own image: VM 1 from bootargs, VM 2 from the device tree" \
	"^tracevisor: VM 2 'vm2': 1 vCPU\(s\) on hart slot\(s\) 2-2 "
has "own image: VM 2 loaded the module's ELF file (its size from reg)" \
	"^tracevisor: VM 2: /chosen/vm2/module@8e000000: ELF, $size bytes, entry GPA 0x80200000$"
has "own image: its segment went to its physical address in VM 2's RAM" "^tracevisor: VM 2:   ELF segment 0: GPA 0x80200000-"
# VM 2's console text: its lines, prefix off, joined (another VM's output
# breaks a VM's unfinished line onto a new prefixed one, hyp/core/console.c).
grep '^\[vm2\] ' "$LOG" | sed 's/^\[vm2\] //' | tr -d '\n' >"$tmp/vm2.text"
check "own image: it ran in VM 2 (UART)" grep -q "virt-hello: hello through the UART at 0x10000000virt-hello: " "$tmp/vm2.text"
check "own image: it ran in VM 2 (SBI)" grep -q "virt-hello: hello through SBIvirt-hello: " "$tmp/vm2.text"
has "own image: its PASS stopped VM 2" "^tracevisor: \[vm2\] the guest wrote PASS \(0x5555\) to its test finisher$"
has "own image: VM 0 still passes every step" "^\[vm0\] guest: ([0-9]+) of \1 steps passed$"
has "own image: VM 1 (bootargs) passes every step" "^\[vm1\] guest: ([0-9]+) of \1 steps passed$"
"$TVTRACE" -r "$LOG" >"$LOG.records" 2>/dev/null
check "own image: its UART writes are in the trace under vm2" grep -q ' vm2-vcpu0 mmio  *write 1 byte gpa=0x10000000 ' "$LOG.records"

# ---- time-shared placement from the device tree --------------------------------
# The same image as VM 1 on VM 0's hart (tracevisor,harts = <0>): a guest
# built for QEMU virt by someone else takes turns with the test guest.
dtb shared <<EOF
	vm1 {
		compatible = "tracevisor,vm";
		cpus = <1>;
		memory = <0x0 0x10000>;
		tracevisor,harts = <0>;
		#address-cells = <2>;
		#size-cells = <2>;
		module@8e000000 {
			compatible = "multiboot,kernel", "multiboot,module";
			reg = <0x0 0x8e000000 0x0 $size>;
		};
	};
EOF
boot vms-dt-shared --smp 2 --dtb "$tmp/shared.dtb" --load "$B/virt-hello.elf@0x8e000000"
status_is "time-shared from the device tree: QEMU exits 0" 0
has "time-shared from the device tree: VM 1 placed on hart slot 0 with VM 0" \
	"^tracevisor: hart slot 0 is time-shared, round robin with a 10 ms slice: vm0-vcpu0, vm1-vcpu0$"
has "time-shared from the device tree: its PASS stopped VM 1" "^tracevisor: \[vm1\] the guest wrote PASS \(0x5555\) to its test finisher$"
has "time-shared from the device tree: VM 0 passes every step" "^\[vm0\] guest: ([0-9]+) of \1 steps passed$"

# ---- refused before any guest runs ---------------------------------------------
# refused NAME PATTERN [run.sh options]: the device tree $tmp/NAME.dtb
# (made by dtb NAME just before) is refused with PATTERN.
refused() {
	local name="$1" pattern="$2"
	shift 2
	boot "vms-dt-bad-$name" --smp 2 --dtb "$tmp/$name.dtb" "$@"
	check "refused ($name): QEMU exits non-zero" test "$STATUS" != 0
	has "refused ($name): the node and property are named" "$pattern"
	hasnt "refused ($name): no guest ran" "guest: |entering the guest"
}
vm1() { # vm1 BODY: a VM 1 node with BODY inside
	printf '\tvm1 {\n\t\tcompatible = "tracevisor,vm";\n%s\n\t};\n' "$1"
}
ok='cpus = <1>; memory = <0x0 0x10000>;'
vm1 "$ok tracevisor,guest = \"hostile\";" | dtb twice
refused twice "FATAL: VM 1 is described twice: by tv.vm1 and by /chosen/vm1 " --append "tv.vm1=guest:test"
vm1 "$ok tracevisor,guest = \"hostile\"; colour = \"blue\";" | dtb unknown
refused unknown "FATAL: /chosen/vm1: unknown property 'colour'"
vm1 'cpus = <0>; memory = <0x0 0x10000>; tracevisor,guest = "test";' | dtb cpus0
refused cpus0 "FATAL: /chosen/vm1: cpus=0 is not a number from 1 to [0-9]+$"
vm1 'cpus = <1>; memory = <0x10000>; tracevisor,guest = "test";' | dtb memory-cell
refused memory-cell "FATAL: /chosen/vm1: memory must be a 64-bit count of KiB in two cells .*not 4 bytes$"
vm1 'cpus = <1>; tracevisor,guest = "test";' | dtb no-memory
refused no-memory "FATAL: /chosen/vm1: missing property memory "
vm1 'cpus = <1>; memory = <0x0 0x10000>; tracevisor,guest = "test"; tracevisor,harts = <99>;' | dtb harts99
refused harts99 "FATAL: /chosen/vm1: tracevisor,harts=99 is not a hart slot from 0 to [0-9]+ "
vm1 'cpus = <1>; memory = <0x0 0x10000>; tracevisor,guest = "image";' | dtb image-without-image
refused image-without-image "FATAL: /chosen/vm1: tracevisor,guest = \"image\" runs VM 0's image \(tv.image\), and VM 0 has none$"
vm1 "$ok" | dtb no-guest
refused no-guest "FATAL: /chosen/vm1: missing property tracevisor,guest \(a built-in guest\) or a \"multiboot,kernel\" module"
# module MODULE-ADDR SIZE: a module node for vm1 (host addresses < 4 GiB).
module() {
	printf '\t\t#address-cells = <2>; #size-cells = <2>;\n\t\tmodule@%x { compatible = "multiboot,kernel", "multiboot,module"; reg = <0x0 %#x 0x0 %#x>; };' "$1" "$1" "$2"
}
vm1 "$ok $(module 0x1000 0x1000)" | dtb outside-ram
refused outside-ram "FATAL: /chosen/vm1/module@1000 reg: host range 0x1000-0x1fff is not host RAM"
vm1 "$ok $(module 0x80200000 0x1000)" | dtb over-hypervisor
refused over-hypervisor "FATAL: /chosen/vm1/module@80200000 reg: host range 0x80200000-0x80200fff overlaps firmware or hypervisor memory$"
{ vm1 "$ok $(module 0x8e000000 0x2000)"; vm1 "$ok $(module 0x8e001000 0x2000)" | sed 's/vm1/vm2/'; } | dtb overlap
refused overlap "FATAL: /chosen/vm2/module@8e001000 reg \(host 0x8e001000-0x8e002fff\) overlaps /chosen/vm1/module@8e000000 \(host 0x8e000000-0x8e001fff\)$"
vm1 "$ok module@8e000000 { compatible = \"multiboot,kernel\", \"multiboot,module\"; reg = <0x0 0x8e000000 0x0 0x1000>; };" | dtb no-cells
refused no-cells "FATAL: /chosen/vm1: #address-cells and #size-cells are required beside a module"
