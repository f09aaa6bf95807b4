UNIT_TESTS += ring_model
test_ring_model_SRCS := tests/unit/test_ring_model.c lib/trace_ring.c
test_ring_model_CFLAGS := -DTV_RING_MODEL_CHECK -fcf-protection=none
test_ring_model_LDLIBS :=
