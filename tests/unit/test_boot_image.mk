UNIT_TESTS += boot_image
test_boot_image_SRCS := tests/unit/test_boot_image.c lib/boot_image.c
test_boot_image_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
test_boot_image_LDLIBS :=
