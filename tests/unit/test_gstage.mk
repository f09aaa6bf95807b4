UNIT_TESTS += gstage
test_gstage_SRCS := tests/unit/test_gstage.c hyp/gstage/gstage.c
test_gstage_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
test_gstage_LDLIBS :=
