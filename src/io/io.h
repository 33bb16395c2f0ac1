/*
** io.h -- what the readers and writers of descriptions share: the output
** buffer and whole-file reading of the base layer.
*/
#ifndef DM_IO_H
#define DM_IO_H
#include "buf.h"
#include "file.h"

#endif
