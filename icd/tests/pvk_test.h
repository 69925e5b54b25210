/* A tiny test harness for pvk's unit tests: CHECK() counts failures, main returns their count. */
#ifndef PVK_TEST_H
#define PVK_TEST_H

#include <stdio.h>

static int pvk_test_failures;

#define CHECK(cond)                                                                  \
   do {                                                                              \
      if (!(cond)) {                                                                 \
         fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);    \
         pvk_test_failures++;                                                        \
      }                                                                              \
   } while (0)

#define RUN(test)                                                                    \
   do {                                                                              \
      const int before = pvk_test_failures;                                          \
      test();                                                                        \
      printf("%s %s\n", pvk_test_failures == before ? "ok  " : "FAIL", #test);       \
   } while (0)

#endif
