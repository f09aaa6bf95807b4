UNIT_TESTS += ring
test_ring_SRCS := tests/unit/test_ring.c lib/trace_ring.c
test_ring_CFLAGS := -fsanitize=thread -O1
test_ring_LDLIBS := -lpthread
