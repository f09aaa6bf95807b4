/*
 * Forced into the host tests by scripts/lint.sh (-include), for clang-tidy
 * only: cmocka's assert_* macros call functions that return, so the clang
 * static analyser follows paths past a failed assertion (e.g. a NULL
 * pointer that assert_non_null() just rejected) and reports them. Here
 * each macro used by the tests is redefined as "if the condition fails,
 * call a function that does not return", which is what cmocka does at run
 * time (it longjmps out of the test). Never used to build the tests.
 */
#ifndef TESTS_LINT_CMOCKA_LINT_H
#define TESTS_LINT_CMOCKA_LINT_H

/* This header comes before the test's own first line, so it asks for the
 * POSIX names the tests ask for (the same definition, so the test's own
 * #define is no redefinition). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* A failed assertion: the test ends here. */
_Noreturn void lint_test_failed(void);
/* Byte comparison as cmocka does it (a call, not memcmp, so the analyser
 * does not take a deliberate byte-for-byte check of a struct, padding
 * included, for a careless memcmp). */
int lint_memory_equal(const void *a, const void *b, size_t n);

#undef assert_true
#undef assert_false
#undef assert_int_equal
#undef assert_int_not_equal
#undef assert_non_null
#undef assert_null
#undef assert_ptr_equal
#undef assert_memory_equal
#undef assert_string_equal
#undef assert_string_not_equal
#undef fail
#undef fail_msg

#define lint_check(c) ((c) ? (void)0 : lint_test_failed())
#define assert_true(c) lint_check(c)
#define assert_false(c) lint_check(!(c))
#define assert_int_equal(a, b) lint_check((a) == (b))
#define assert_int_not_equal(a, b) lint_check((a) != (b))
#define assert_non_null(p) lint_check((p) != NULL)
#define assert_null(p) lint_check((p) == NULL)
#define assert_ptr_equal(a, b) lint_check((const void *)(a) == (const void *)(b))
#define assert_memory_equal(a, b, n) lint_check(lint_memory_equal((a), (b), (n)))
#define assert_string_equal(a, b) lint_check(strcmp((a), (b)) == 0)
#define assert_string_not_equal(a, b) lint_check(strcmp((a), (b)) != 0)
#define fail() lint_test_failed()
#define fail_msg(...) lint_test_failed()

#endif
