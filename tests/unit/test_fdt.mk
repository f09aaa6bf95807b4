UNIT_TESTS += fdt
test_fdt_SRCS := tests/unit/test_fdt.c lib/fdt.c lib/fdt_write.c
test_fdt_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
test_fdt_LDLIBS :=
