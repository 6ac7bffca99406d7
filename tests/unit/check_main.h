/* SPDX-License-Identifier: MIT */
/* The main() every check test program shares. */
#ifndef SIFT_TEST_CHECK_MAIN_H
#define SIFT_TEST_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define SIFT_CHECK_MAIN(make_suite)                                          \
    int main(void)                                                           \
    {                                                                        \
        SRunner *runner = srunner_create(make_suite());                      \
        srunner_run_all(runner, CK_NORMAL);                                  \
        int failed = srunner_ntests_failed(runner);                          \
        srunner_free(runner);                                                \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;                    \
    }

#endif
