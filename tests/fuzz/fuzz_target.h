/*
 * The libFuzzer entry points of tests/fuzz/fuzz_request.c, declared for the
 * replay program (tests/fuzz/replay_main.c), which calls them the way
 * libFuzzer does: LLVMFuzzerInitialize once, then one call per input.
 */
#ifndef ISMS_TESTS_FUZZ_TARGET_H
#define ISMS_TESTS_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
