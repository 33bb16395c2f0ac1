/*
** report.h -- the plausibility lines that `analyze` and `design` print
** (docs/plausibility.md): the head + classifier share of params, the
** smallest and largest inner/out ratio, the stem and head widths, and a
** warning for every design variable at a limit of a search space.  The
** same facts as JSON are the library's (dm_analysis_to_json,
** dm_design_to_json).
*/
#ifndef DM_REPORT_H
#define DM_REPORT_H
#include "deepmad.h"

/* Where the limits come from: the JSON "space" value ("paper", "open",
   "problem") and the words the text uses ("paper space", ...). */
typedef struct report_space {
    dm_problem p;
    const char *name, *words;
    dm_error err;       /* code != 0: no such space for this net (why in msg) */
} report_space;

/* analyze: the space of the family of the net's first superblock, the paper
   one when the net is paper style, else the open one; its layout follows
   the net (depth is not judged: a space sets no depth, the layouts do).
   Limits that cannot be checked are reported as such, never an error. */
void report_space_of_net(const dm_arch *a, report_space *out);
/* design: the problem's own domains. */
void report_space_of_problem(const dm_problem *p, report_space *out);

/* Print the plausibility block of `net` for the text table (limits that
   cannot be checked: a "not checked" line). */
int report_text(const dm_net *net, const report_space *sp);

/* The one-call form for design's summary: build sol_arch and report it
   against the problem's domains (design --json: the library's
   dm_design_to_json). */
int report_design_text(const dm_problem *p, const dm_arch *sol_arch);

#endif
