UNIT_TESTS += ring_asan
test_ring_asan_SRCS := tests/unit/test_ring.c lib/trace_ring.c
test_ring_asan_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
test_ring_asan_LDLIBS := -lpthread
