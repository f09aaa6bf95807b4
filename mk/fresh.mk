# make fresh-check: `make run` (or FRESH_CMD) as the first command on a new
# Debian 12 machine, made with debootstrap in a chroot (scripts/fresh-check.sh).
# Proves that the project installs everything it needs; needs root and the
# machine's Debian mirror, takes several minutes, and is not part of make test
# (tests/tools/test_makefile.sh checks the parse-time rule there).
FRESH_CMD ?= make run
.PHONY: fresh-check
fresh-check:
	@scripts/fresh-check.sh $(FRESH_CMD)
