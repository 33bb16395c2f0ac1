/*
** net.h -- the body of dm_net, shared with the modules that read a built
** network (score, exporters).  Built once by dm_net_create, then immutable.
*/
#ifndef DM_NET_H
#define DM_NET_H
#include "internal.h"
#include "space.h"

struct dm_net {
    dm_arch arch;          /* the validated description (a copy) */
    dmi_layout layout;     /* its stages and resolutions (space.h) */
    int32_t n_blocks;
    dm_block_info *blocks; /* every block in forward order */
    int32_t n_layers;
    dm_layer *layers;      /* every conv/linear layer in forward order */
};

#endif
