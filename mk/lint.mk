# Static analysis: clang-tidy and cppcheck over hyp/, lib/, guest/ (as
# bare-metal RISC-V code) and tools/, tests/ (as host code). Included by
# the top Makefile (-include $(wildcard mk/*.mk)).
#
#   make lint       every C file; fails on any finding
#
# The checks and the reasons for each one turned off are in .clang-tidy,
# .cppcheck-suppressions and scripts/lint.sh.
.PHONY: lint
lint:
	@scripts/setup.sh lint
	@scripts/lint.sh
