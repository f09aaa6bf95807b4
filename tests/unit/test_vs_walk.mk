UNIT_TESTS += vs_walk
test_vs_walk_SRCS := tests/unit/test_vs_walk.c hyp/gstage/vs_walk.c
test_vs_walk_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
test_vs_walk_LDLIBS :=
