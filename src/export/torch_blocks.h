/*
** torch_blocks.h -- the block classes of the PyTorch export: which class
** builds a block, and the Python text of those a net uses.
*/
#ifndef DM_TORCH_BLOCKS_H
#define DM_TORCH_BLOCKS_H
#include "buf.h"

/* An mbconv whose activation follows the add: the paper's (PaperMBConv),
   which takes its SE arguments always. */
DM_INTERNAL bool dmi_torch_paper_mbconv(const dm_block_info *bi);

/* The Python class that builds `bi`: BasicBlock, Bottleneck, MBConv or
   PaperMBConv. */
DM_INTERNAL const char *dmi_torch_block_class(const dm_block_info *bi);

/* Append the imports, the shared helpers (make_act, conv, ConvBNAct,
   DropPath, Residual) and each block class `net` uses, once. */
DM_INTERNAL void dmi_torch_blocks(dmi_buf *b, const dm_net *net);

#endif
