/*
** fuzz_design_small.c -- libFuzzer harness for the "design_small" target
** (fuzz/fuzz_targets.h says what it drives and checks).  Built by
** fuzz/CMakeLists.txt; run by fuzz/run.sh.
*/
#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return fz_run(fz_design_small, data, size);
}
