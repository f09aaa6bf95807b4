#!/bin/bash
# The linked hypervisor image (scripts/check-image.sh, Makefile): linked
# with call relaxation, so a C call is one jal, not auipc+jalr; and never
# with a gp-relative access, since gp is the guest's on the fast exit path
# (hyp/arch/trap.S). check-image.sh must refuse an image that has one.
set -u
NAME=check_image
# shellcheck source=tests/tools/lib.sh
. "$(dirname "$0")/lib.sh"
cross=riscv64-unknown-elf-
tmp=$WORK

# Bad use: no image, a missing file, a file that is not ELF: exit 2 with
# a message naming it, never a pass (the checks would read nothing) nor a
# blame on the image ("image ends at 0x, past ...").
for args in "" "$tmp/none.elf" "scripts/check-image.sh" "a b c"; do
	# shellcheck disable=SC2086
	sh scripts/check-image.sh $args >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" = 2 ] && grep -q "^check-image: .*\(usage\|no such readable file\|cannot read\)" "$tmp/out"; then
		ok "check-image.sh ${args:-(no argument)}: exit 2, $(grep '^check-image' "$tmp/out" | head -n 1)"
	else
		bad "check-image.sh ${args:-(no argument)}: exit $rc (want 2), $(grep -v '^ ' "$tmp/out" | head -n 2 | tr '\n' ' ')"
	fi
done

elf=build/hyp.elf
if [ ! -f "$elf" ]; then
	bad "build/hyp.elf exists (make all first)"
	finish
	exit
fi
far_calls=$("${cross}objdump" -d "$elf" | grep -cE 'auipc[[:space:]]+ra,')
if [ "$far_calls" = 0 ]; then
	ok "hyp.elf: every call is a single jal (relaxed), none auipc ra + jalr"
else
	bad "hyp.elf: every call is a single jal (relaxed), none auipc ra + jalr ($far_calls auipc ra)"
fi
if sh scripts/check-image.sh "$elf" "$cross" >"$tmp/out" 2>&1; then
	ok "check-image.sh accepts hyp.elf"
else
	bad "check-image.sh accepts hyp.elf ($(head -1 "$tmp/out"))"
fi

# An image that loads through gp, as gp-relative relaxation would make.
cat >"$tmp/gp.S" <<'ASM'
	.globl _start, _hyp_end
	.text
_start:	ld	a0, 16(gp)
	ret
	.data
_hyp_end:	.dword 0
ASM
if "${cross}gcc" -march=rv64imac -mabi=lp64 -nostdlib -static -Wl,-Ttext=0x80200000 \
	"$tmp/gp.S" -o "$tmp/gp.elf" 2>"$tmp/cc"; then
	if sh scripts/check-image.sh "$tmp/gp.elf" "$cross" >"$tmp/out" 2>&1; then
		bad "check-image.sh refuses an image with a gp-relative load"
	elif grep -q 'uses gp as a base register' "$tmp/out"; then
		ok "check-image.sh refuses an image with a gp-relative load, naming gp"
	else
		bad "check-image.sh refuses an image with a gp-relative load, naming gp ($(head -1 "$tmp/out"))"
	fi
else
	bad "assembling the gp-relative test image ($(head -1 "$tmp/cc"))"
fi
finish
