// Shared by the standalone tests: the failure count and CHECK (kernels-test.cc defines them), and ops-test.cc's entry points.
#pragma once

#include <cstdio>

extern int failures;

#define CHECK(cond, ...)                 \
  do {                                   \
    if (!(cond)) {                       \
      failures++;                        \
      std::printf("FAIL: " __VA_ARGS__); \
      std::printf("\n");                 \
    }                                    \
  } while (0)

void testOps();
void benchOps();
