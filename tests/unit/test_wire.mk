UNIT_TESTS += wire
test_wire_SRCS := tests/unit/test_wire.c lib/trace_wire.c lib/riscv_names.c
test_wire_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
test_wire_LDLIBS :=
