# make validate: the platform validation suite (docs/validation.md).
#
# Boots tracevisor with the validation guest (tv.guest=validate): the
# hypervisor checks this hart's H extension against the RISC-V hypervisor
# specification from HS-mode, the guest adds the VS-side view, and the run
# ends with a failure status when any check FAILed (DEVIATION and SKIP do
# not fail it). Included by the top Makefile (-include $(wildcard mk/*.mk)).
#
# Leaves, besides the console on the terminal:
#   build/validate.log      the console (table, TAP lines, trace dump)
#   build/validate.tap      the TAP lines alone (plan included)
#   build/validate.records  the decoded trace: every marker and exit record
# Variables: BIOS, APPEND (more bootargs), PLATFORM (system or qemu10), as
# for make run; AIA=N boots QEMU virt with the Advanced Interrupt
# Architecture and N (0-7) IMSIC guest interrupt files per hart
# (scripts/run.sh --aia N), so the guest-external-interrupt checks run
# instead of SKIPping for GEILEN 0; CPU=MODEL is QEMU's -cpu
# (scripts/run.sh --cpu), e.g. CPU=rv64,v=true for the vector check.
VALIDATE_LOG := $(B)/validate.log

.PHONY: validate
validate: all
	@scripts/setup.sh run
	$(PLATFORM_SETUP)
	@status=0; \
	scripts/run.sh --bios $(BIOS) $(if $(AIA),--aia $(AIA)) $(if $(CPU),--cpu $(CPU)) \
		--append "tv.guest=validate $(APPEND)" --log $(VALIDATE_LOG) || status=$$?; \
	tr -d '\r' <$(VALIDATE_LOG) | grep -E '^(ok|not ok) [0-9]+ |^1\.\.[0-9]+$$' >$(B)/validate.tap; \
	$(B)/host/tvtrace --records $(VALIDATE_LOG) >$(B)/validate.records 2>&1; \
	echo; \
	echo "TAP:           $(B)/validate.tap ($$(grep -c '^ok' $(B)/validate.tap) ok, $$(grep -c '^not ok' $(B)/validate.tap) not ok)"; \
	echo "trace records: $(B)/validate.records (vm1-vcpu0 = HS-side checks, vm0-vcpu0 = the guest)"; \
	echo "console log:   $(VALIDATE_LOG)"; \
	echo "exit status:   $$status ($$( [ $$status = 0 ] && echo 'no FAIL' || echo 'FAIL or no verdict'))"; \
	exit $$status
