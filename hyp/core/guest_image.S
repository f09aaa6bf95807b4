/*
 * The test guest's flat binary, built from guest/test and embedded in the
 * hypervisor image (vm.c copies it into guest RAM).
 */
#define STR2(x) #x
#define STR(x) STR2(x)
	.section .guest_image, "a"
	.balign 4096
	.globl guest_image_start, guest_image_end
guest_image_start:
	.incbin STR(GUEST_BIN)
guest_image_end:
