# Fuzzing with libFuzzer (clang -fsanitize=fuzzer) plus ASan and UBSan.
# Included by the top Makefile (-include $(wildcard mk/*.mk)).
#
#   make fuzz               build every harness, replay the regression
#                           inputs, then fuzz each for FUZZ_SECONDS (60)
#   make fuzz FUZZ=wire     only the named harnesses
#   make fuzz-build         only build build/fuzz/fuzz_NAME
#
# The harnesses are tests/fuzz/fuzz_NAME.c; tests/fuzz/README.md explains
# them, their seeds and the regression inputs. The corpora grow in
# build/fuzz/corpus/NAME across runs; a crashing input is saved in
# build/fuzz/crashes/NAME/ and must become a regression input in
# tests/fuzz/regressions/NAME/. tests/tools/test_fuzz.sh runs the same
# thing for 10 s per harness as part of `make test`.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_HARNESSES := wire wire_enc insn fdt tvtrace boot_image
FUZZ ?= $(FUZZ_HARNESSES)
FUZZ_CFLAGS := -std=c11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-Iinclude -Ilib -Itools/tvtrace \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

fuzz_wire_SRCS := tests/fuzz/fuzz_wire.c lib/trace_wire.c lib/riscv_names.c
fuzz_wire_enc_SRCS := tests/fuzz/fuzz_wire_enc.c lib/trace_wire.c lib/riscv_names.c
fuzz_insn_SRCS := tests/fuzz/fuzz_insn.c lib/insn.c
fuzz_fdt_SRCS := tests/fuzz/fuzz_fdt.c lib/fdt.c
fuzz_boot_image_SRCS := tests/fuzz/fuzz_boot_image.c lib/boot_image.c
fuzz_tvtrace_SRCS := tests/fuzz/fuzz_tvtrace.c \
	$(filter-out tools/tvtrace/main.c,$(wildcard tools/tvtrace/*.c)) \
	lib/trace_wire.c lib/riscv_names.c lib/insn.c

FUZZ_BINS := $(patsubst %,$(B)/fuzz/fuzz_%,$(FUZZ_HARNESSES))

define fuzz_rule
$(B)/fuzz/fuzz_$(1): $$(fuzz_$(1)_SRCS) tests/fuzz/fuzz_input.h \
		$(wildcard lib/*.h include/tracevisor/*.h tools/tvtrace/*.h)
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$(fuzz_$(1)_SRCS) -o $$@
endef
$(foreach h,$(FUZZ_HARNESSES),$(eval $(call fuzz_rule,$(h))))

.PHONY: fuzz fuzz-build fuzz-setup
fuzz-setup:
	@scripts/setup.sh test
$(FUZZ_BINS): | fuzz-setup
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZ)
