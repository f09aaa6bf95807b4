# tracevisor - a tracing RISC-V hypervisor.
#
#   make            build the hypervisor, the test guest and the host tools
#   make run        boot the hypervisor and the test guest in QEMU
#   make run IMAGE=FILE [INITRD=FILE] [APPEND="..."] [SMP=N]
#                   boot your own guest: an ELF file, a RISC-V Linux Image or
#                   a flat binary built for QEMU virt (RAM at 0x80000000)
#   make run VMS=N  N VMs (2 to 4), each on a hart of its own
#   make run GUEST=NAME   linux, or a built-in guest (test, bench, hostile,
#                   validate, smp, sbi_conform)
#   make shell      Linux to a busybox shell on the console (Ctrl-A x quits)
#   make run LIVE=1 a live trace next to the console: each second's exits
#                   (LIVE=records|text|explain [tvtrace filters]: the records)
#   make test       unit tests + QEMU system tests; ends "N passed, M failed"
#   make debug      QEMU halted with a gdb stub; prints the gdb command
#   make clean
#
# Variables: CROSS_COMPILE (default riscv64-unknown-elf-), BIOS
# (default|fw_jump|fw_dynamic), APPEND (extra bootargs), QEMU_EXTRA,
# V=1 (print every command in full; by default one short line per file).

CROSS_COMPILE ?= riscv64-unknown-elf-
CC_T := $(CROSS_COMPILE)gcc
OBJCOPY := $(CROSS_COMPILE)objcopy
HOSTCC ?= cc
B := build

PICOLIBC := /usr/lib/picolibc/riscv64-unknown-elf
# Asked of the cross compiler when a recipe first needs them, never while
# the Makefile is parsed: on a fresh machine the compiler only exists once
# the `setup` prerequisite has installed it (each is computed once).
CC_INCLUDE = $(eval CC_INCLUDE := $$(shell $(CC_T) -print-file-name=include))$(CC_INCLUDE)
CC_LIBGCC = $(eval CC_LIBGCC := $$(shell $(CC_T) -march=rv64imac -mabi=lp64 -print-libgcc-file-name))$(CC_LIBGCC)
ARCH_FLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
TARGET_CFLAGS = $(ARCH_FLAGS) -std=c11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -fno-builtin-printf -fno-common -fno-stack-protector \
	-ffunction-sections -fdata-sections -fstack-usage \
	-nostdinc -isystem $(PICOLIBC)/include \
	-isystem $(CC_INCLUDE) \
	-Iinclude -Ilib -DPICOLIBC_INTEGER_PRINTF_SCANF
TARGET_LDFLAGS := $(ARCH_FLAGS) -nostdlib -static -Wl,--gc-sections \
	-Wl,--no-relax -Wl,--no-warn-rwx-segments -Wl,--defsym=vfprintf=__i_vfprintf
# The hypervisor links with relaxation (a call becomes one jal, not
# auipc+jalr) but without gp-relative relaxation: linker/hyp.ld defines no
# __global_pointer$, because gp belongs to the guest while the fast exit
# path runs (hyp/arch/trap.S does not save it). scripts/check-image.sh
# refuses an image with a gp-relative access.
HYP_LDFLAGS = $(subst --no-relax,--relax,$(TARGET_LDFLAGS))
TARGET_LIBS = $(PICOLIBC)/lib/rv64imac/lp64/libc.a $(CC_LIBGCC)

HOST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -Iinclude -Ilib

# Quiet build: `say` prints one short line per file made ("  CC  hyp/...")
# and Q hides the command; V=1 shows every command instead. Under make -s
# (as make test builds) nothing is printed.
V ?= 0
ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = $(if $(findstring s,$(firstword -$(MAKEFLAGS))),,@printf '  %-7s %s\n' '$(1)' '$(2)')
endif

# ---- sources -------------------------------------------------------------
LIB_TARGET := lib/fdt.c lib/fdt_write.c lib/insn.c lib/trace_ring.c \
	lib/trace_wire.c lib/riscv_names.c lib/boot_image.c
HYP_SRCS := $(wildcard hyp/arch/*.S hyp/core/*.c hyp/core/*.S hyp/gstage/*.c \
	hyp/sbi/*.c hyp/mmio/*.c hyp/trace/*.c hyp/validate/*.c hyp/validate/*.S) $(LIB_TARGET)
GUEST_COMMON := $(wildcard guest/common/*.S guest/common/*.c)
GUEST_SRCS := $(wildcard guest/test/*.c guest/test/*.S) $(GUEST_COMMON) lib/fdt.c
BENCH_SRCS := $(wildcard guest/bench/*.c) $(GUEST_COMMON) lib/fdt.c

objs = $(patsubst %,$(B)/$(1)/%.o,$(basename $(2)))
HYP_OBJS := $(call objs,hyp,$(HYP_SRCS))
HYP_NOTRACE_OBJS := $(call objs,hyp-notrace,$(HYP_SRCS))
HYP_FAULT_OBJS := $(call objs,hyp-faulttest,$(HYP_SRCS))
GUEST_OBJS := $(call objs,guest,$(GUEST_SRCS))
# More built-in guests, each a folder guest/NAME with its own guest_main:
# built as build/guest-NAME.bin and embedded (tv.guest=NAME).
EXTRA_GUESTS := $(notdir $(wildcard guest/hostile guest/validate guest/smp guest/sbi_conform))
EXTRA_GUEST_BINS := $(patsubst %,$(B)/guest-%.bin,$(EXTRA_GUESTS))
BENCH_OBJS := $(call objs,guest,$(BENCH_SRCS))

TOOLS := $(B)/host/tvtrace

VIRT_GUESTS := $(B)/virt-hello.elf $(B)/virt-hello.bin $(B)/virt-fail.elf \
	$(B)/virt-hello-top.elf $(B)/virt-hello-top48.elf

.PHONY: all run shell test debug clean setup unit systest bench
all: $(B)/hyp.elf $(B)/hyp.bin $(B)/hyp-notrace.bin $(B)/hyp-faulttest.bin \
	$(B)/bench-native.bin $(TOOLS) $(VIRT_GUESTS)

setup:
	@scripts/setup.sh build

# ---- target objects ------------------------------------------------------
define target_rules
$(B)/$(1)/%.o: %.c | setup
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$$(Q)$$(CC_T) $$(TARGET_CFLAGS) $(2) -MMD -c $$< -o $$@
$(B)/$(1)/%.o: %.S | setup
	@mkdir -p $$(@D)
	$$(call say,AS,$$@)
	$$(Q)$$(CC_T) $$(TARGET_CFLAGS) $(2) -MMD -c $$< -o $$@
endef
$(eval $(call target_rules,hyp,))
$(eval $(call target_rules,hyp-notrace,-DTV_TRACE=0))
$(eval $(call target_rules,hyp-faulttest,-DTV_FAULT_TEST=1))
$(eval $(call target_rules,guest,-Iguest/common))

# Where each built-in guest is linked, which is where the hypervisor puts
# its RAM (guest-physical): QEMU virt's RAM base, like any guest built for
# virt, except the hostile guest. Its attacks aim at the host-physical
# addresses of the firmware and the hypervisor (0x80000000 up) as
# guest-physical ones, which are only holes when its RAM is elsewhere.
GUEST_BASE_DEFAULT := 0x80000000
GUEST_BASE_hostile := 0xC0000000
guest_base = $(or $(GUEST_BASE_$(1)),$(GUEST_BASE_DEFAULT))
upper = $(shell echo $(1) | tr a-z A-Z)

# The built-in guests are embedded in the hypervisor.
GUEST_IMAGE_OBJS := $(B)/hyp/hyp/core/guest_image.o \
	$(B)/hyp-notrace/hyp/core/guest_image.o $(B)/hyp-faulttest/hyp/core/guest_image.o
$(GUEST_IMAGE_OBJS): $(B)/guest.bin $(B)/bench-guest.bin $(EXTRA_GUEST_BINS) Makefile
$(GUEST_IMAGE_OBJS): TARGET_CFLAGS += -DGUEST_BIN=$(abspath $(B)/guest.bin) \
	-DBENCH_GUEST_BIN=$(abspath $(B)/bench-guest.bin) \
	-DTEST_GUEST_BASE=$(call guest_base,test) -DBENCH_GUEST_BASE=$(call guest_base,bench) \
	$(foreach g,$(EXTRA_GUESTS),-D$(call upper,$(g))_GUEST_BIN=$(abspath $(B)/guest-$(g).bin) \
		-D$(call upper,$(g))_GUEST_BASE=$(call guest_base,$(g)))

define extra_guest_rule
$(B)/guest-$(1).elf: $(call objs,guest,$(wildcard guest/$(1)/*.c guest/$(1)/*.S) $(GUEST_COMMON) lib/fdt.c) linker/guest.ld Makefile
	$$(call say,LD,$$@)
	$$(Q)$$(CC_T) $$(TARGET_LDFLAGS) -Wl,--defsym=GUEST_BASE=$(call guest_base,$(1)) \
		-T linker/guest.ld $$(filter %.o,$$^) $$(TARGET_LIBS) -o $$@
endef
$(foreach g,$(EXTRA_GUESTS),$(eval $(call extra_guest_rule,$(g))))

$(B)/guest.elf: $(GUEST_OBJS) linker/guest.ld
	$(call say,LD,$@)
	$(Q)$(CC_T) $(TARGET_LDFLAGS) -Wl,--defsym=GUEST_BASE=$(call guest_base,test) \
		-T linker/guest.ld $(GUEST_OBJS) $(TARGET_LIBS) -o $@
$(B)/bench-guest.elf: $(BENCH_OBJS) linker/guest.ld
	$(call say,LD,$@)
	$(Q)$(CC_T) $(TARGET_LDFLAGS) -Wl,--defsym=GUEST_BASE=$(call guest_base,bench) \
		-T linker/guest.ld $(BENCH_OBJS) $(TARGET_LIBS) -o $@
# The same benchmark as an OpenSBI payload with no hypervisor beneath.
$(B)/bench-native.elf: $(BENCH_OBJS) linker/guest.ld
	$(call say,LD,$@)
	$(Q)$(CC_T) $(TARGET_LDFLAGS) -Wl,--defsym=GUEST_BASE=0x80200000 -T linker/guest.ld \
		$(BENCH_OBJS) $(TARGET_LIBS) -o $@

# A guest for QEMU virt built as its author would, with nothing of
# tracevisor's (tests/system/virt_guest/README.md): scripts/run.sh --image
# boots it. virt-fail is the same program reporting failure code 42.
VIRT_GUEST_SRCS := tests/system/virt_guest/start.S tests/system/virt_guest/hello.c
VIRT_GUEST_FLAGS = -march=rv64imac_zicsr -mabi=lp64 -mcmodel=medany -O2 -Wall -Wextra \
	-Werror -ffreestanding -nostdlib -static -Wl,--no-warn-rwx-segments \
	-T tests/system/virt_guest/virt.ld
$(B)/virt-hello.elf: $(VIRT_GUEST_SRCS) tests/system/virt_guest/virt.ld | setup
	$(call say,LD,$@)
	$(Q)$(CC_T) $(VIRT_GUEST_FLAGS) $(VIRT_GUEST_SRCS) -o $@
$(B)/virt-fail.elf: $(VIRT_GUEST_SRCS) tests/system/virt_guest/virt.ld | setup
	$(call say,LD,$@)
	$(Q)$(CC_T) $(VIRT_GUEST_FLAGS) -DEXIT_CODE=42 $(VIRT_GUEST_SRCS) -o $@
# virt-hello-top and -top48: the same program linked 2 MiB into guest RAM
# placed at the top of Sv39x4's guest-physical space (2^41 - 64 MiB) and
# of Sv48x4's (2^50 - 64 MiB), for tests/system/test_gpa_top.sh.
$(B)/virt-hello-top.elf: $(VIRT_GUEST_SRCS) tests/system/virt_guest/virt.ld | setup
	$(call say,LD,$@)
	$(Q)$(CC_T) $(VIRT_GUEST_FLAGS) -Wl,--defsym=virt_load_addr=0x1fffc200000 \
		$(VIRT_GUEST_SRCS) -o $@
$(B)/virt-hello-top48.elf: $(VIRT_GUEST_SRCS) tests/system/virt_guest/virt.ld | setup
	$(call say,LD,$@)
	$(Q)$(CC_T) $(VIRT_GUEST_FLAGS) -Wl,--defsym=virt_load_addr=0x3fffffc200000 \
		$(VIRT_GUEST_SRCS) -o $@

$(B)/hyp%elf: linker/hyp.ld
$(B)/hyp.elf: $(HYP_OBJS)
	$(call say,LD,$@)
	$(Q)$(CC_T) $(HYP_LDFLAGS) -T linker/hyp.ld $(HYP_OBJS) $(TARGET_LIBS) -o $@
	@scripts/check-image.sh $@ $(CROSS_COMPILE)
$(B)/hyp-notrace.elf: $(HYP_NOTRACE_OBJS)
	$(call say,LD,$@)
	$(Q)$(CC_T) $(HYP_LDFLAGS) -T linker/hyp.ld $^ $(TARGET_LIBS) -o $@
$(B)/hyp-faulttest.elf: $(HYP_FAULT_OBJS)
	$(call say,LD,$@)
	$(Q)$(CC_T) $(HYP_LDFLAGS) -T linker/hyp.ld $^ $(TARGET_LIBS) -o $@

$(B)/%.bin: $(B)/%.elf
	$(call say,OBJCOPY,$@)
	$(Q)$(OBJCOPY) -O binary $< $@

# ---- host tools ----------------------------------------------------------
TVTRACE_SRCS := $(wildcard tools/tvtrace/*.c) lib/trace_wire.c \
	lib/riscv_names.c lib/insn.c
$(B)/host/tvtrace: $(TVTRACE_SRCS) $(wildcard lib/*.h include/tracevisor/*.h tools/tvtrace/*.h)
	@mkdir -p $(@D)
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(TVTRACE_SRCS) -o $@

# ---- running -------------------------------------------------------------
BIOS ?= default
APPEND ?=
GUEST ?= test
# PLATFORM: the QEMU and OpenSBI that run, debug, validate and bench boot
# on, handed to the scripts as TV_PLATFORM (scripts/run.sh --platform):
#   system  Debian 12's QEMU 7.2 and OpenSBI 1.1 (the default)
#   qemu10  QEMU 10.0 + OpenSBI 1.5 from bookworm-backports, which
#           scripts/setup.sh qemu10 fetches into the cache first
PLATFORMS := system qemu10
PLATFORM ?= $(or $(TV_PLATFORM),system)
ifneq ($(filter run shell debug validate bench,$(MAKECMDGOALS)),)
ifneq ($(words $(PLATFORM)):$(filter $(PLATFORMS),$(PLATFORM)),1:$(PLATFORM))
$(error PLATFORM='$(PLATFORM)' is not a platform: use PLATFORM=system or PLATFORM=qemu10)
endif
endif
run shell debug validate bench: export TV_PLATFORM := $(PLATFORM)
# The recipe line that makes PLATFORM ready (none for system).
PLATFORM_SETUP = $(if $(filter-out system,$(PLATFORM)),@scripts/setup.sh $(PLATFORM))

# make run's variables are checked before anything runs: a value it
# would not use, or one it cannot, is named rather than dropped. GUEST is
# linux or a built-in guest (tv.guest); IMAGE, VMS, SMP and a GUEST other
# than test each choose what runs, so they go one at a time (SMP also
# goes with IMAGE: its vCPUs); INITRD goes with IMAGE.
RUN_GUESTS := test linux bench hostile validate smp sbi_conform
ifneq ($(filter run,$(MAKECMDGOALS)),)
ifeq ($(filter $(RUN_GUESTS),$(GUEST)),)
$(error GUEST='$(GUEST)' is not a guest: use GUEST=linux or a built-in one ($(filter-out linux,$(RUN_GUESTS))), or IMAGE=FILE)
endif
ifneq ($(words $(filter-out test,$(GUEST)) $(if $(IMAGE),IMAGE) $(if $(VMS),VMS) $(if $(and $(SMP),$(if $(IMAGE),,1)),SMP)),$(if $(or $(filter-out test,$(GUEST)),$(IMAGE),$(VMS),$(SMP)),1,0))
$(error choose one of GUEST=NAME, IMAGE=FILE, VMS=N and SMP=N (SMP=N goes with IMAGE=FILE too): each says what runs)
endif
ifneq ($(and $(INITRD),$(if $(IMAGE),,1)),)
$(error INITRD=$(INITRD) goes with IMAGE=FILE (a Linux Image and its initramfs))
endif
ifneq ($(VMS),)
ifeq ($(filter 2 3 4,$(VMS)),)
$(error VMS='$(VMS)' must be 2, 3 or 4 (VMs, each on a hart of its own))
endif
endif
ifneq ($(SMP),)
ifeq ($(filter 1 2 3 4 5 6 7 8,$(SMP)),)
$(error SMP='$(SMP)' must be 1 to 8 (harts and vCPUs))
endif
endif
ifeq ($(filter default fw_jump fw_dynamic,$(BIOS)),)
$(error BIOS='$(BIOS)' must be default, fw_jump or fw_dynamic (the OpenSBI build QEMU starts))
endif
endif
# LIVE=VIEW [FILTERS]: a live trace (scripts/run.sh --live) on make run's
# and make shell's screen; VIEW is 1 or summary, records, text, explain.
ifneq ($(and $(LIVE),$(filter run shell,$(MAKECMDGOALS))),)
ifeq ($(filter 1 summary records text explain,$(firstword $(LIVE))),)
$(error LIVE='$(LIVE)' must start with a view: 1 or summary (each second's exits), records, text or explain; tvtrace's filters may follow)
endif
endif
# make run's screen: the console, then the trace summary; with LIVE a live
# trace between the console's lines.
RUN_SCREEN = --summary$(if $(LIVE), --live "$(LIVE)")

# VMS=N: N VMs on harts of their own, each running the test guest
# (tv.vm1 ... tv.vmN-1; VM 0 is the usual one).
vm_descs = $(foreach n,$(wordlist 2,$(1),1 2 3 4),tv.vm$(shell expr $(n) - 1)=guest:test)

run: all
	@scripts/setup.sh run
	$(PLATFORM_SETUP)
ifeq ($(GUEST),linux)
	@scripts/setup.sh linux
	@scripts/fetch-linux.sh
	@scripts/run.sh --linux --bios $(BIOS) --append "$(APPEND)" $(RUN_SCREEN)
else ifneq ($(IMAGE),)
	@scripts/run.sh --bios $(BIOS) --image "$(IMAGE)" $(if $(INITRD),--initrd "$(INITRD)") \
		$(if $(SMP),--smp $(SMP)) --append "$(APPEND)" $(RUN_SCREEN)
else ifneq ($(VMS),)
	@scripts/run.sh --bios $(BIOS) --smp $(VMS) --append "$(call vm_descs,$(VMS)) $(APPEND)" $(RUN_SCREEN)
else ifneq ($(SMP),)
	@scripts/run.sh --bios $(BIOS) --smp $(SMP) --append "tv.guest=smp tv.vcpus=$(SMP) $(APPEND)" $(RUN_SCREEN)
else
	@scripts/run.sh --bios $(BIOS) --append "$(if $(filter-out test,$(GUEST)),tv.guest=$(GUEST) )$(APPEND)" $(RUN_SCREEN)
endif

# Linux to a busybox shell on the console: type commands; exit, poweroff -f
# or Ctrl-A x end the run, and the trace, summary and pictures follow.
shell: all
	@scripts/setup.sh run
	$(PLATFORM_SETUP)
	@scripts/setup.sh linux
	@scripts/fetch-linux.sh
	@scripts/run.sh --shell --append "$(APPEND)" $(RUN_SCREEN)

debug: all
	@scripts/setup.sh all
	$(PLATFORM_SETUP)
	@scripts/run.sh --bios $(BIOS) --append "$(APPEND)" --debug

# ---- tests ---------------------------------------------------------------
UNIT_TESTS :=
-include $(wildcard tests/unit/*.mk)
UNIT_BINS := $(patsubst %,$(B)/host/test_%,$(UNIT_TESTS))

define unit_rule
$(B)/host/test_$(1): $$(test_$(1)_SRCS) $(wildcard lib/*.h include/tracevisor/*.h hyp/gstage/*.h)
	@mkdir -p $$(@D)
	$$(call say,HOSTCC,$$@)
	$$(Q)$$(HOSTCC) -std=c11 -O1 -g -Wall -Wextra -Werror -Iinclude -Ilib \
		$$(test_$(1)_CFLAGS) $$(test_$(1)_SRCS) -lcmocka $$(test_$(1)_LDLIBS) -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

unit: $(UNIT_BINS)

test:
	@scripts/setup.sh test
	@$(MAKE) -s --no-print-directory all unit
	@tests/run-all.sh

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# ---- benchmarks ------------------------------------------------------------
bench: all
	@scripts/setup.sh run
	$(PLATFORM_SETUP)
	@scripts/bench.sh

-include $(wildcard mk/*.mk)
