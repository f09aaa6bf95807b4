UNIT_TESTS += export
test_export_SRCS := tests/unit/test_export.c tools/tvtrace/export.c tools/tvtrace/csv.c tools/tvtrace/json.c tools/tvtrace/ctf.c tools/tvtrace/tracecmd.c tools/tvtrace/util.c tools/tvtrace/filter.c tools/tvtrace/sched.c lib/trace_wire.c lib/riscv_names.c lib/insn.c
test_export_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
test_export_LDLIBS :=
