/*
** weights.h -- deterministic seeded weights for exported models.  Each
** tensor's values depend only on (seed, tensor name, kind, fan-in), never
** on the order tensors are made in, so a key names the same numbers in
** every export of every net that has it.
*/
#ifndef DM_WEIGHTS_H
#define DM_WEIGHTS_H
#include "internal.h"

/* What a tensor is, which picks its distribution (docs/export.md):
     CONV      U(-a, a), a = sqrt(6 / fan_in)   Kaiming (fan-in, ReLU gain)
     LINEAR    U(-a, a), a = 1 / sqrt(fan_in)   PyTorch's nn.Linear default
     BIAS      U(-a, a), a = 1 / sqrt(fan_in)   conv and linear biases
     BN_WEIGHT U(0.5, 1.5)     BN_RESIDUAL U(0, 0.25) (last BN of a residual
               branch: small, so 50 stacked residual adds stay near 1)
     BN_BIAS, BN_MEAN U(-0.1, 0.1)     BN_VAR U(0.5, 1.5) */
typedef enum dmi_init {
    DMI_INIT_CONV, DMI_INIT_LINEAR, DMI_INIT_BIAS, DMI_INIT_BN_WEIGHT,
    DMI_INIT_BN_RESIDUAL, DMI_INIT_BN_BIAS, DMI_INIT_BN_MEAN, DMI_INIT_BN_VAR
} dmi_init;

/* Fill out[0..n) with tensor `name`'s values.  fan_in > 0 (ignored for the
   BN kinds).  Bit-identical on every IEEE-754 machine. */
DM_INTERNAL void dmi_weights_fill(uint64_t seed, const char *name, dmi_init kind,
                                  int64_t fan_in, float *out, int64_t n);

#endif
