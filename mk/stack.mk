# Worst-case stack depth of the hypervisor against HYP_STACK_SIZE and
# FAULT_STACK_SIZE (scripts/stack-check.sh explains the method). Included
# by the top Makefile (-include $(wildcard mk/*.mk)); tests/system/
# test_stack.sh runs the same check in `make test`.
.PHONY: stack-check
stack-check: $(B)/hyp.elf
	@scripts/stack-check.sh --elf $(B)/hyp.elf --su-dir $(B)/hyp
