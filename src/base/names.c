/*
** names.c -- the name of every public enum value, as files and the CLI
** spell it, and the lookups back.  ORDER DM_BLOCK, DM_ACT, DM_SHORTCUT,
** DM_PENALTY,
** DM_STYLE, DM_SPACE, DM_OP: each table follows its enum in deepmad.h.
*/
#include "internal.h"
#include <assert.h>
#include <stdio.h>

static const char *const block_names[] = {"basic", "bottleneck", "mbconv"};
static const char *const act_names[] = {"relu", "relu6", "silu"};
static const char *const shortcut_names[] = {"conv", "avgpool-conv"};
static const char *const penalty_names[] = {"std", "var"};
static const char *const style_names[] = {"torchvision", "paper"};
static const char *const space_names[] = {"open", "paper"};
static const char *const op_kind_names[] = {"conv", "pool", "gap", "se", "linear", "add"};

static_assert(DM_COUNTOF(block_names) == DM_BLOCK_COUNT, "ORDER DM_BLOCK");
static_assert(DM_COUNTOF(act_names) == DM_ACT_COUNT, "ORDER DM_ACT");
static_assert(DM_COUNTOF(shortcut_names) == DM_SHORTCUT_COUNT, "ORDER DM_SHORTCUT");
static_assert(DM_COUNTOF(penalty_names) == DM_PENALTY_COUNT, "ORDER DM_PENALTY");
static_assert(DM_COUNTOF(style_names) == DM_STYLE_COUNT, "ORDER DM_STYLE");
static_assert(DM_COUNTOF(space_names) == DM_SPACE_COUNT, "ORDER DM_SPACE");
static_assert(DM_COUNTOF(op_kind_names) == DM_OP_COUNT, "ORDER DM_OP");

static const char *name_of(const char *const *names, int n, int v) {
    return (v >= 0 && v < n) ? names[v] : "?";
}

const char *dm_block_kind_name(dm_block_kind k) { return name_of(block_names, DM_BLOCK_COUNT, (int)k); }
const char *dm_act_name(dm_act a) { return name_of(act_names, DM_ACT_COUNT, (int)a); }
const char *dm_shortcut_name(dm_shortcut s) { return name_of(shortcut_names, DM_SHORTCUT_COUNT, (int)s); }
const char *dm_penalty_name(dm_penalty p) { return name_of(penalty_names, DM_PENALTY_COUNT, (int)p); }
const char *dm_style_name(dm_style s) { return name_of(style_names, DM_STYLE_COUNT, (int)s); }
const char *dm_space_name(dm_space s) { return name_of(space_names, DM_SPACE_COUNT, (int)s); }
const char *dm_op_kind_name(dm_op_kind k) { return name_of(op_kind_names, DM_OP_COUNT, (int)k); }

/* Find `name` or fail with a message listing every choice. */
static dm_status lookup(const char *const *names, int n, const char *what,
                        const char *name, int *out, dm_error *err) {
    int i = dmi_name_index(names, n, name);
    if (i >= 0) { *out = i; return DM_OK; }
    char choices[160] = "";
    size_t used = 0;
    for (int j = 0; j < n && used < sizeof choices; j++)
        used += (size_t)snprintf(choices + used, sizeof choices - used, "%s%s",
                                 j ? ", " : "", names[j]);
    return DM_FAIL(err, DM_ERR_INVALID, "unknown %s '%.60s' (expected one of: %s)",
                   what, name ? name : "(null)", choices);
}

#define LOOKUP_FN(fn, type, table, count, what)                              \
    dm_status fn(const char *name, type *out, dm_error *err) {               \
        int i = 0;                                                           \
        dm_status s = lookup(table, count, what, name, &i, err);             \
        if (s == DM_OK) *out = (type)i;                                      \
        return s;                                                            \
    }
LOOKUP_FN(dm_block_kind_from_name, dm_block_kind, block_names, DM_BLOCK_COUNT, "block kind")
LOOKUP_FN(dm_act_from_name, dm_act, act_names, DM_ACT_COUNT, "activation")
LOOKUP_FN(dm_shortcut_from_name, dm_shortcut, shortcut_names, DM_SHORTCUT_COUNT, "shortcut")
LOOKUP_FN(dm_penalty_from_name, dm_penalty, penalty_names, DM_PENALTY_COUNT, "penalty")
LOOKUP_FN(dm_style_from_name, dm_style, style_names, DM_STYLE_COUNT, "block style")
LOOKUP_FN(dm_space_from_name, dm_space, space_names, DM_SPACE_COUNT, "search space")
LOOKUP_FN(dm_op_kind_from_name, dm_op_kind, op_kind_names, DM_OP_COUNT, "op kind")
