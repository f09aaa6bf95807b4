UNIT_TESTS += fence_count
test_fence_count_SRCS := tests/unit/test_fence_count.c
test_fence_count_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
test_fence_count_LDLIBS :=
