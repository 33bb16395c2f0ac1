/*
** zoo.h -- the embedded copies of the paper's published structures
** (generated from data/tinynas by cmake/embed.cmake).
*/
#ifndef DM_ZOO_H
#define DM_ZOO_H
#include "internal.h"

typedef struct dmi_embedded {
    const char *name;      /* file name without .txt, e.g. "deepmad-R18" */
    const char *text;
    size_t len;
} dmi_embedded;

/* Terminated by an entry whose name is NULL. */
extern const dmi_embedded dmi_tinynas_files[];

#endif
