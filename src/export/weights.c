/*
** weights.c -- seeded random weights (see weights.h for the distributions).
**
** The generator is splitmix64 (Steele, Lea, Flood 2014): 64 bits of state,
** passes BigCrush, and is a dozen lines, so the numbers can be reproduced
** from the docs alone.  Each tensor gets its own stream, seeded with
** seed XOR FNV-1a(name), so the values do not depend on which other tensors
** exist.  A uniform float takes the top 24 bits, exact in a float; the
** affine map to [lo, hi) is one double operation rounded once.
*/
#include "weights.h"
#include <math.h>

static uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint64_t fnv1a64(const char *s) {
    uint64_t h = 0xCBF29CE484222325u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001B3u;
    return h;
}

/* The interval [lo, hi) of each kind. */
static void bounds(dmi_init kind, int64_t fan_in, double *lo, double *hi) {
    double f = fan_in > 0 ? (double)fan_in : 1.0;
    switch (kind) {
    case DMI_INIT_CONV: *hi = sqrt(6.0 / f); *lo = -*hi; break;
    case DMI_INIT_LINEAR:
    case DMI_INIT_BIAS: *hi = 1.0 / sqrt(f); *lo = -*hi; break;
    case DMI_INIT_BN_WEIGHT:
    case DMI_INIT_BN_VAR: *lo = 0.5; *hi = 1.5; break;
    case DMI_INIT_BN_RESIDUAL: *lo = 0.0; *hi = 0.25; break;
    case DMI_INIT_BN_BIAS:
    case DMI_INIT_BN_MEAN: *lo = -0.1; *hi = 0.1; break;
    default: *lo = *hi = 0.0; break;
    }
}

void dmi_weights_fill(uint64_t seed, const char *name, dmi_init kind, int64_t fan_in,
                      float *out, int64_t n) {
    uint64_t state = seed ^ fnv1a64(name);
    double lo, hi;
    bounds(kind, fan_in, &lo, &hi);
    for (int64_t i = 0; i < n; i++) {
        double u = (double)(splitmix64(&state) >> 40) * 0x1p-24;
        out[i] = (float)(lo + (hi - lo) * u);
    }
}
