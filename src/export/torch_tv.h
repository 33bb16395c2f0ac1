/*
** torch_tv.h -- torchvision's module names for the zoo's torchvision nets,
** so the PyTorch export (export_torch.c) loads torchvision's state_dicts
** while keeping deepmad's own key scheme (the ONNX initializer names).
*/
#ifndef DM_TORCH_TV_H
#define DM_TORCH_TV_H
#include "buf.h"

/* Append the body of a Python dict literal, one `"torchvision name":
   "our name",` line per conv, BN or linear module of `net`, which must be
   the torchvision model `tv` (a name dm_zoo_torchvision returns).  A key
   is torchvision's module path (its state_dict key without the final
   .weight / .bias / .running_mean ...), the value this export's.
   DM_ERR_INTERNAL for a name whose layout this file does not know. */
DM_INTERNAL dm_status dmi_torch_tv_names(dmi_buf *b, const dm_net *net, const char *tv,
                                         dm_error *err);

#endif
