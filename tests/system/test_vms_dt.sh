#!/bin/bash
# VMs described in the host's device tree (/chosen/vmN, compatible
# "tracevisor,vm"; docs/vms-device-tree.md) instead of bootargs: QEMU's own
# device tree (scripts/run.sh --dumpdtb) plus nodes compiled with dtc,
# booted with --dtb. The hostile guest as VM 1 in the device tree gives
# what tv.vm1=guest:hostile,name:attacker gives; a VM brings its own image
# as a module node, with its own command line (the module's bootargs) and
# initramfs (a multiboot,ramdisk module); bad descriptions are refused
# before any guest runs, naming the node and the property.
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
# image_vm N ADDR [VM-EXTRA] [MODULE-EXTRA]: VM N's node running the
# image at host ADDR ($size bytes, virt-hello's) from its kernel module,
# with VM-EXTRA after its properties and MODULE-EXTRA in its module.
image_vm() {
	cat <<EOF
	vm$1 {
		compatible = "tracevisor,vm";
		cpus = <1>;
		memory = <0x0 0x10000>;
		#address-cells = <2>;
		#size-cells = <2>;
		$3
		module@${2#0x} {
			compatible = "multiboot,kernel", "multiboot,module";
			reg = <0x0 $2 0x0 $size>;
			$4
		};
	};
EOF
}
image_vm 2 0x8e000000 | dtb image 3
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
image_vm 1 0x8e000000 'tracevisor,harts = <0>;' | dtb shared
boot vms-dt-shared --smp 2 --dtb "$tmp/shared.dtb" --load "$B/virt-hello.elf@0x8e000000"
status_is "time-shared from the device tree: QEMU exits 0" 0
has "time-shared from the device tree: VM 1 placed on hart slot 0 with VM 0" \
	"^tracevisor: hart slot 0 is time-shared, round robin with a 10 ms slice: vm0-vcpu0, vm1-vcpu0$"
has "time-shared from the device tree: its PASS stopped VM 1" "^tracevisor: \[vm1\] the guest wrote PASS \(0x5555\) to its test finisher$"
has "time-shared from the device tree: VM 0 passes every step" "^\[vm0\] guest: ([0-9]+) of \1 steps passed$"

# ---- a VM's own command line and initramfs ---------------------------------------
# dom0less's: the kernel module's bootargs, and a multiboot,ramdisk module
# beside it. virt-hello prints /chosen's bootargs and an FNV-1a hash of
# the initramfs /chosen names, read from its own RAM. VM 0 runs it too,
# with the host's words and tv.initrd; VM 2 runs it without bootargs or
# initramfs of its own. VM 1's ramdisk node comes before its kernel node.
# fnv1a FILE: the hash virt-hello prints of an initramfs.
fnv1a() {
	python3 -c '
import sys
h = 0xcbf29ce484222325
for b in open(sys.argv[1], "rb").read():
    h = ((h ^ b) * 0x100000001b3) % 2**64
print("0x%016x" % h)' "$1"
}
# vm_text N: VM N's console text, prefix off, lines joined (as vm2.text).
vm_text() {
	grep "^\[vm$1\] " "$LOG" | sed "s/^\[vm$1\] //" | tr -d '\n'
}
head -c 5000 /dev/urandom >"$tmp/rd1"
head -c 3000 /dev/urandom >"$tmp/rd0"
vm1_args='console=hvc0  root=/dev/ram tv.ring=64 rdinit=/bin/sh'
ramdisk='module@8e100000 {
			compatible = "multiboot,ramdisk", "multiboot,module";
			reg = <0x0 0x8e100000 0x0 5000>;
		};'
{ image_vm 1 0x8e000000 "$ramdisk" "bootargs = \"$vm1_args\";"; image_vm 2 0x8e200000; } | dtb own-args 3
boot vms-dt-own-args --smp 3 --dtb "$tmp/own-args.dtb" --image "$B/virt-hello.elf" --initrd "$tmp/rd0" \
	--load "$B/virt-hello.elf@0x8e000000" --load "$tmp/rd1@0x8e100000" --load "$B/virt-hello.elf@0x8e200000" \
	--append "console=ttyS0 host-word tv.vcpus=1"
status_is "own bootargs and initramfs: QEMU exits 0" 0
for n in 0 1 2; do vm_text $n >"$tmp/vm$n.text"; done
check "own bootargs: VM 1 sees exactly its module's bootargs" \
	grep -qF "virt-hello: bootargs \"$vm1_args\"virt-hello: " "$tmp/vm1.text"
check "own bootargs: VM 0 still sees the host's words that are not tv.*" \
	grep -qF 'virt-hello: bootargs "console=ttyS0 host-word"virt-hello: ' "$tmp/vm0.text"
check "own bootargs: VM 2, with none of its own, sees the host's words too" \
	grep -qF 'virt-hello: bootargs "console=ttyS0 host-word"virt-hello: ' "$tmp/vm2.text"
has "own bootargs: the hypervisor says where VM 1's come from" \
	"^tracevisor: VM 1: bootargs: its own, ${#vm1_args} bytes \(/chosen/vm1/module@8e000000\)$"
has "own bootargs: a tv.* word in them is named as the guest's" \
	"^tracevisor: /chosen/vm1/module@8e000000: bootargs word 'tv.ring=64' goes to VM 1's guest as it is "
check "own bootargs: and the hypervisor does not take it (its ring is not 64 slots)" \
	bash -c "grep -Eq '^tracevisor: entering the guest .*, ring [0-9]+ slots' '$LOG' && ! grep -q 'ring 64 slots' '$LOG'"
has "own initramfs: copied to the top of VM 1's RAM, below its device tree" \
	"^tracevisor: VM 1: initramfs 5000 bytes at GPA 0x83ffa000 \(from /chosen/vm1/module@8e100000\)$"
check "own initramfs: VM 1's /chosen names 5000 bytes at that GPA, and they are the file's" \
	grep -qF "virt-hello: initramfs 0x0000000083ffa000-0x0000000083ffb388, FNV-1a $(fnv1a "$tmp/rd1")virt-hello: " "$tmp/vm1.text"
check "own initramfs: VM 0 still gets tv.initrd's bytes" \
	grep -qF "FNV-1a $(fnv1a "$tmp/rd0")virt-hello: " "$tmp/vm0.text"
check "own initramfs: VM 2, with none of its own, gets none" \
	grep -qF "virt-hello: no initramfsvirt-hello: " "$tmp/vm2.text"
for n in 0 1 2; do
	has "own bootargs and initramfs: VM $n's PASS stopped it" "^tracevisor: \[vm$n\] the guest wrote PASS \(0x5555\) to its test finisher$"
done

# bootargs = "": VM 1's command line is empty, not the host's words.
image_vm 1 0x8e000000 'tracevisor,harts = <0>;' 'bootargs = "";' | dtb empty-args
boot vms-dt-empty-args --smp 2 --dtb "$tmp/empty-args.dtb" --load "$B/virt-hello.elf@0x8e000000" \
	--append "console=ttyS0 host-word"
status_is "empty bootargs: QEMU exits 0" 0
vm_text 1 >"$tmp/vm1.text"
check "empty bootargs: VM 1's /chosen has no bootargs, not the host's words" \
	grep -qF "virt-hello: no bootargsvirt-hello: " "$tmp/vm1.text"

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
vm1 'cpus = <2>; memory = <0x0 0x10000>; tracevisor,guest = "test";' | dtb no-harts
refused no-harts "FATAL: /chosen/vm1 asks for 2 hart\\(s\\) of its own, but no 2 hart slot\\(s\\) in a row are free.* share harts: tracevisor,harts = <S>\\)"
vm1 'cpus = <2>; memory = <0x0 0x10000>; tracevisor,guest = "test"; tracevisor,harts = <1>;' | dtb past-harts
refused past-harts "FATAL: /chosen/vm1: 2 vCPU\\(s\\) time-shared from hart slot 1 need hart slots 1-2, but only 2 hart\\(s\\)"
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
# A VM's command line and initramfs (dom0less's kernel bootargs and ramdisk
# module). kmod [EXTRA]: VM 1's kernel module at 0x8e000000 with EXTRA
# inside; rmod ADDR SIZE [EXTRA]: a ramdisk module.
kmod() {
	printf '\t\t#address-cells = <2>; #size-cells = <2>;\n\t\tmodule@8e000000 { compatible = "multiboot,kernel", "multiboot,module"; reg = <0x0 0x8e000000 0x0 0x1000>; %s };' "$1"
}
rmod() {
	printf '\n\t\tmodule@%x { compatible = "multiboot,ramdisk", "multiboot,module"; reg = <0x0 %#x 0x0 %#x>; %s };' "$1" "$1" "$2" "$3"
}
vm1 "$ok tracevisor,guest = \"test\"; bootargs = \"console=ttyS0\";" | dtb vm-bootargs
refused vm-bootargs "FATAL: /chosen/vm1: bootargs go on the VM's \"multiboot,kernel\" module node, its image's, as in Xen's dom0less binding$"
vm1 "$ok $(kmod 'bootargs = "console=ttyS0", "root=/dev/ram";')" | dtb bootargs-list
refused bootargs-list "FATAL: /chosen/vm1/module@8e000000: bootargs must be one string, the VM's command line .*, not 28 bytes of something else$"
vm1 "$ok $(kmod 'bootargs = <1>;')" | dtb bootargs-cell
refused bootargs-cell "FATAL: /chosen/vm1/module@8e000000: bootargs must be one string, the VM's command line .*, not 4 bytes of something else$"
vm1 "$ok $(kmod "bootargs = \"$(head -c 2048 /dev/zero | tr '\0' x)\";")" | dtb bootargs-long
refused bootargs-long "FATAL: /chosen/vm1/module@8e000000: bootargs are 2048 bytes, more than the 2047 a VM's command line may have"
vm1 "$ok $(kmod)$(rmod 0x8e100000 0x1000 'bootargs = "x";')" | dtb ramdisk-bootargs
refused ramdisk-bootargs "FATAL: /chosen/vm1/module@8e100000: bootargs go on the VM's \"multiboot,kernel\" module node"
vm1 "$ok $(kmod)$(rmod 0x8e100000 0x1000)$(rmod 0x8e200000 0x1000)" | dtb ramdisk-twice
refused ramdisk-twice "FATAL: /chosen/vm1: a second initramfs \(/chosen/vm1/module@8e200000 besides /chosen/vm1/module@8e100000\): a VM has one$"
vm1 "$ok #address-cells = <2>; #size-cells = <2>; $(rmod 0x8e100000 0x1000)" | dtb ramdisk-alone
refused ramdisk-alone "FATAL: /chosen/vm1: an initramfs module \(/chosen/vm1/module@8e100000\) and no \"multiboot,kernel\" module: the initramfs goes with the VM's own image$"
vm1 "$ok tracevisor,guest = \"test\"; #address-cells = <2>; #size-cells = <2>; $(rmod 0x8e100000 0x1000)" | dtb ramdisk-builtin
refused ramdisk-builtin "FATAL: /chosen/vm1/module@8e100000: the VM has tracevisor,guest, which takes no initramfs module"
vm1 "$ok $(kmod)$(rmod 0x1000 0x1000)" | dtb ramdisk-outside-ram
refused ramdisk-outside-ram "FATAL: /chosen/vm1/module@1000 reg: host range 0x1000-0x1fff is not host RAM"
vm1 "$ok $(kmod)$(rmod 0x80200000 0x1000)" | dtb ramdisk-over-hypervisor
refused ramdisk-over-hypervisor "FATAL: /chosen/vm1/module@80200000 reg: host range 0x80200000-0x80200fff overlaps firmware or hypervisor memory$"
vm1 "$ok $(kmod)$(rmod 0x8e000800 0x1000)" | dtb ramdisk-over-kernel
refused ramdisk-over-kernel "FATAL: /chosen/vm1/module@8e000800 reg \(host 0x8e000800-0x8e0017ff\) overlaps /chosen/vm1/module@8e000000 \(host 0x8e000000-0x8e000fff\)$"
vm1 "$ok $(kmod)$(rmod 0x8e100000 0x1000)" | dtb ramdisk-over-initrd
refused ramdisk-over-initrd "FATAL: /chosen/vm1/module@8e100000 reg \(host 0x8e100000-0x8e100fff\) overlaps tv.initrd \(host 0x8e100800-0x8e1017ff\)$" \
	--append "tv.initrd=0x8e100800,0x1000"
vm1 "cpus = <1>; memory = <0x0 0x1000>; $(kmod)$(rmod 0x8e100000 0x400000)" | dtb ramdisk-too-big
refused ramdisk-too-big "FATAL: the initramfs \(4194304 bytes, from /chosen/vm1/module@8e100000\) does not fit in VM 1's RAM 0x80000000-0x803fffff; raise its mem: or memory$"
vm1 "$ok #address-cells = <2>; #size-cells = <2>; module@8e000000 { compatible = \"multiboot,module\"; reg = <0x0 0x8e000000 0x0 0x1000>; };" | dtb module-unknown
refused module-unknown "FATAL: /chosen/vm1/module@8e000000: compatible must be \"multiboot,kernel\", \"multiboot,module\" \(the VM's image\) or \"multiboot,ramdisk\", \"multiboot,module\" \(its initramfs\)"
