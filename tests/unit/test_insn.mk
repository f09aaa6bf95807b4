UNIT_TESTS += insn
test_insn_SRCS := tests/unit/test_insn.c lib/insn.c
test_insn_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
test_insn_LDLIBS :=
