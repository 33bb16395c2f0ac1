/*
** net.h -- the body of dm_net, shared with the modules that read a built
** network (score, exporters).  Built once by dm_net_create, then immutable.
*/
#ifndef DM_NET_H
#define DM_NET_H
#include "internal.h"

struct dm_net {
    dm_arch arch;          /* the validated description (a copy) */
    int32_t n_blocks;
    dm_block_info *blocks; /* every block in forward order */
    int32_t n_layers;
    dm_layer *layers;      /* every conv/linear layer in forward order */
    int32_t n_stages;
    int32_t final_channels;/* channels entering global pooling */
    int32_t final_resolution;
    int32_t pool_resolution; /* resolution after the stem max-pool (0 if none) */
};

#endif
