/*
** tinynas_io.c -- the paper's reference structure format
** (docs/tinynas-format.md): a Python literal such as
**
**     { 'best_structures': [ [ {'class': 'ConvKXBNRELU', 'in': 3, ...},
**                              {'L': 2, 'btn': 240, 'class': ..., ...} ] ],
**       'space_arch': 'CnnNet' }
**
** The text is untrusted, so it is not handed to a general parser: a small
** tokenizer and recursive-descent parser read only the subset of Python
** literals the format uses (dict, list, int, float, quoted string, True,
** False, None) into a tree of nodes, never past `len`, with a nesting
** limit and overflow-checked integers.  A second pass maps the tree onto
** a dm_arch, checking the chain of blocks as it goes.
*/
#include "io.h"
#include <stdio.h>
#include <string.h>

#define PY_MAX_NESTING 16      /* the format needs 3 */
#define PY_MAX_NODES   100000  /* the format needs about 10 per block */

/* ====================================================================== */
/* The Python-literal subset                                              */
/* ====================================================================== */

typedef enum { PV_INT, PV_FLOAT, PV_STR, PV_BOOL, PV_NONE, PV_LIST, PV_DICT } pv_type;

/* Nodes live in one array and point at each other by index.  A dict's
   children alternate key, value. */
typedef struct pv_node {
    pv_type type;
    int32_t line;      /* where the value starts, for messages */
    int32_t child;     /* first child (list, dict), -1 when empty */
    int32_t next;      /* next sibling, -1 at the end */
    int32_t count;     /* items (list) or pairs (dict) */
    int64_t i;         /* PV_INT, PV_BOOL */
    size_t str;        /* PV_STR: offset of its NUL-terminated text in the pool */
} pv_node;

typedef struct pyparser {
    const char *s;
    size_t len, pos;
    int32_t line, depth;
    pv_node *nodes;
    int32_t n, cap;
    dmi_buf pool;      /* decoded strings, each NUL-terminated */
    dm_error *err;
} pyparser;

static dm_status py_fail(pyparser *p, dm_status code, const char *what) {
    return DM_FAIL(p->err, code, "line %d: %s", (int)p->line, what);
}

static int at_end(const pyparser *p) { return p->pos >= p->len; }

static void skip_space(pyparser *p) {
    while (!at_end(p) && strchr(" \t\r\n\f\v", p->s[p->pos]) && p->s[p->pos]) {
        if (p->s[p->pos] == '\n') p->line++;
        p->pos++;
    }
}

static dm_status new_node(pyparser *p, pv_type t, int32_t *idx) {
    if (p->n == PY_MAX_NODES) return py_fail(p, DM_ERR_RANGE, "too many values for a structure");
    if (p->n == p->cap) {
        int32_t cap = p->cap ? p->cap * 2 : 64;
        pv_node *q = dmi_realloc(p->nodes, (size_t)cap * sizeof *q);
        if (!q) return DM_FAIL(p->err, DM_ERR_NOMEM, "out of memory reading a structure");
        p->nodes = q;
        p->cap = cap;
    }
    p->nodes[p->n] = (pv_node){.type = t, .line = p->line, .child = -1, .next = -1};
    *idx = p->n++;
    return DM_OK;
}

/* Message for an unexpected byte, printable or not. */
static dm_status unexpected(pyparser *p, const char *expected) {
    char msg[96];
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c >= 0x20 && c < 0x7f && c != '\'')
        snprintf(msg, sizeof msg, "unexpected '%c'%s%s", c, *expected ? ", expected " : "", expected);
    else
        snprintf(msg, sizeof msg, "unexpected byte 0x%02x%s%s", c, *expected ? ", expected " : "",
                 expected);
    return py_fail(p, DM_ERR_PARSE, msg);
}

/* A single- or double-quoted string on one line; escapes \\ \' \" only. */
static dm_status parse_string(pyparser *p, int32_t idx) {
    char q = p->s[p->pos++];
    p->nodes[idx].str = p->pool.len;
    for (;;) {
        if (at_end(p)) return py_fail(p, DM_ERR_PARSE, "unterminated string (text ends early?)");
        char c = p->s[p->pos++];
        if (c == q) break;
        if ((unsigned char)c < 0x20) return py_fail(p, DM_ERR_PARSE, "unterminated string");
        if (c == '\\') {
            if (at_end(p) || !strchr("\\'\"", p->s[p->pos]) || !p->s[p->pos])
                return py_fail(p, DM_ERR_PARSE, "unsupported escape in a string");
            c = p->s[p->pos++];
        }
        dmi_buf_printf(&p->pool, "%c", c);
    }
    dmi_buf_printf(&p->pool, "%c", '\0');   /* kept: each string ends in the pool */
    if (p->pool.failed) return DM_FAIL(p->err, DM_ERR_NOMEM, "out of memory reading a structure");
    return DM_OK;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_name_char(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* Optional sign, digits; a fraction or exponent makes it a float, whose
   value no field of the format needs, so it is only checked for shape. */
static dm_status parse_number(pyparser *p, int32_t idx) {
    int neg = 0;
    if (p->s[p->pos] == '-' || p->s[p->pos] == '+') neg = p->s[p->pos++] == '-';
    if (at_end(p) || !is_digit(p->s[p->pos]))
        return py_fail(p, DM_ERR_PARSE, "a sign must be followed by digits");
    int64_t v = 0;
    while (!at_end(p) && is_digit(p->s[p->pos])) {
        int d = p->s[p->pos++] - '0';
        if (!dmi_mul64(v, 10, &v) || !dmi_add64(v, neg ? -d : d, &v))
            return py_fail(p, DM_ERR_RANGE, "integer too large");
    }
    p->nodes[idx].i = v;
    if (!at_end(p) && strchr(".eE", p->s[p->pos]) && p->s[p->pos]) {
        p->nodes[idx].type = PV_FLOAT;
        while (!at_end(p) && (is_digit(p->s[p->pos]) || strchr(".eE+-", p->s[p->pos])) &&
               p->s[p->pos])
            p->pos++;
    }
    if (!at_end(p) && is_name_char(p->s[p->pos])) return unexpected(p, "a separator after a number");
    return DM_OK;
}

static dm_status parse_name(pyparser *p, int32_t idx) {
    static const char *const names[] = {"True", "False", "None"};
    char word[8];
    size_t n = 0;
    while (!at_end(p) && is_name_char(p->s[p->pos])) {
        if (n + 1 < sizeof word) word[n] = p->s[p->pos];
        n++;
        p->pos++;
    }
    word[n < sizeof word ? n : sizeof word - 1] = '\0';
    int k = n < sizeof word ? dmi_name_index(names, DM_COUNTOF(names), word) : -1;
    if (k < 0) return py_fail(p, DM_ERR_PARSE, "unknown name (only True, False and None are read)");
    p->nodes[idx].type = k == 2 ? PV_NONE : PV_BOOL;
    p->nodes[idx].i = k == 0;
    return DM_OK;
}

static dm_status parse_value(pyparser *p, int32_t *idx);

/* Items of a list or dict up to `close`; a trailing comma is allowed. */
static dm_status parse_items(pyparser *p, int32_t idx, char close) {
    int dict = close == '}';
    int32_t last = -1;   /* indices, not pointers: parse_value may move the nodes */
    dm_status s;
    for (;;) {
        skip_space(p);
        if (at_end(p)) return py_fail(p, DM_ERR_PARSE, "unclosed list or dict (text ends early?)");
        if (p->s[p->pos] == close) { p->pos++; return DM_OK; }
        for (int part = 0; part <= dict; part++) {
            int32_t item;
            if ((s = parse_value(p, &item))) return s;
            *(last < 0 ? &p->nodes[idx].child : &p->nodes[last].next) = item;
            last = item;
            if (dict && part == 0) {
                if (p->nodes[item].type != PV_STR)
                    return py_fail(p, DM_ERR_PARSE, "dict keys must be strings");
                skip_space(p);
                if (at_end(p) || p->s[p->pos] != ':')
                    return at_end(p) ? py_fail(p, DM_ERR_PARSE, "text ends inside a dict")
                                     : unexpected(p, "':'");
                p->pos++;
            }
        }
        p->nodes[idx].count++;
        skip_space(p);
        if (!at_end(p) && p->s[p->pos] == ',') { p->pos++; continue; }
        if (!at_end(p) && p->s[p->pos] == close) { p->pos++; return DM_OK; }
        if (at_end(p)) return py_fail(p, DM_ERR_PARSE, "unclosed list or dict (text ends early?)");
        return unexpected(p, dict ? "',' or '}'" : "',' or ']'");
    }
}

static dm_status parse_value(pyparser *p, int32_t *idx) {
    skip_space(p);
    if (at_end(p)) return py_fail(p, DM_ERR_PARSE, "a value is missing (text ends early?)");
    char c = p->s[p->pos];
    dm_status s;
    if ((s = new_node(p, PV_INT, idx))) return s;
    if (c == '{' || c == '[') {
        if (++p->depth > PY_MAX_NESTING)
            return py_fail(p, DM_ERR_PARSE, "lists and dicts nested too deeply");
        p->nodes[*idx].type = c == '{' ? PV_DICT : PV_LIST;
        p->pos++;
        s = parse_items(p, *idx, c == '{' ? '}' : ']');
        p->depth--;
        return s;
    }
    if (c == '\'' || c == '"') { p->nodes[*idx].type = PV_STR; return parse_string(p, *idx); }
    if (is_digit(c) || c == '-' || c == '+') return parse_number(p, *idx);
    if (is_name_char(c)) return parse_name(p, *idx);
    return unexpected(p, "a value");
}

/* ====================================================================== */
/* Mapping the tree onto a dm_arch                                        */
/* ====================================================================== */

/* ORDER CLASS */
static const char *const class_names[] = {"ConvKXBNRELU", "SuperResK1KXK1", "SuperResK1DWSEK1"};
static const char *const inner_class_names[] = {"", "ResK1KXK1", "ResK1DWSEK1"};
enum { CLASS_CONV, CLASS_BOTTLENECK, CLASS_MBCONV };

/* ORDER FIELD */
static const char *const field_names[] = {"in", "out", "k", "s", "L", "btn", "class", "inner_class"};
enum { F_IN, F_OUT, F_K, F_S, F_L, F_BTN, F_INT_COUNT, F_CLASS = F_INT_COUNT, F_INNER_CLASS,
       F_COUNT };

typedef struct tn_block {
    int index;
    int32_t line;
    int cls;
    int32_t v[F_INT_COUNT];
    int seen[F_COUNT];
} tn_block;

static const char *pv_str(const pyparser *p, int32_t idx) { return p->pool.p + p->nodes[idx].str; }

static dm_status block_fail(const pyparser *p, const tn_block *b, dm_status code, const char *what,
                            const char *field) {
    return DM_FAIL(p->err, code, "line %d: blocks[%d]: %s%s%s%s", (int)b->line, b->index, field ? "'" : "",
                   field ? field : "", field ? "' " : "", what);
}

/* One key/value pair of a block dict. */
static dm_status read_field(const pyparser *p, tn_block *b, int32_t key, int32_t val) {
    const pv_node *v = &p->nodes[val];
    int f = dmi_name_index(field_names, F_COUNT, pv_str(p, key));
    if (f < 0) return block_fail(p, b, DM_ERR_PARSE, "is not a key of the format", pv_str(p, key));
    if (b->seen[f]) return block_fail(p, b, DM_ERR_PARSE, "appears twice", field_names[f]);
    b->seen[f] = 1;
    if (f >= F_INT_COUNT) {
        if (v->type != PV_STR) return block_fail(p, b, DM_ERR_PARSE, "must be a string", field_names[f]);
        if (f == F_CLASS && (b->cls = dmi_name_index(class_names, DM_COUNTOF(class_names),
                                                     pv_str(p, val))) < 0)
            return DM_FAIL(p->err, DM_ERR_INVALID,
                           "line %d: blocks[%d]: unknown block class '%.40s' (expected "
                           "ConvKXBNRELU, SuperResK1KXK1 or SuperResK1DWSEK1)",
                           (int)b->line, b->index, pv_str(p, val));
        return DM_OK;
    }
    if (v->type != PV_INT) return block_fail(p, b, DM_ERR_PARSE, "must be an integer", field_names[f]);
    if (v->i < 1) return block_fail(p, b, DM_ERR_INVALID, "must be at least 1", field_names[f]);
    if (v->i > INT32_MAX) return block_fail(p, b, DM_ERR_RANGE, "is too large", field_names[f]);
    b->v[f] = (int32_t)v->i;
    return DM_OK;
}

/* Read a block dict and check it has exactly its class's keys. */
static dm_status read_block(const pyparser *p, int32_t node, int index, tn_block *b) {
    *b = (tn_block){.index = index, .line = p->nodes[node].line, .cls = -1};
    if (p->nodes[node].type != PV_DICT) return block_fail(p, b, DM_ERR_PARSE, "must be a dict", NULL);
    dm_status s;
    for (int32_t k = p->nodes[node].child; k >= 0; k = p->nodes[p->nodes[k].next].next)
        if ((s = read_field(p, b, k, p->nodes[k].next))) return s;
    if (!b->seen[F_CLASS]) return block_fail(p, b, DM_ERR_PARSE, "is missing", "class");
    int super = b->cls != CLASS_CONV;
    for (int f = 0; f < F_COUNT; f++) {
        int needed = f != F_INNER_CLASS && (super || (f != F_L && f != F_BTN));
        int allowed = super || (f != F_L && f != F_BTN && f != F_INNER_CLASS);
        if (needed && !b->seen[f]) return block_fail(p, b, DM_ERR_PARSE, "is missing", field_names[f]);
        if (!allowed && b->seen[f])
            return block_fail(p, b, DM_ERR_PARSE, "does not belong to a ConvKXBNRELU block",
                              field_names[f]);
    }
    return DM_OK;
}

/* Place block `b` (not the first) in the arch: a superblock, or the last
   block as a 1x1 stride-1 head. */
static dm_status place_block(const pyparser *p, const tn_block *b, int last, dm_arch *a) {
    if (b->cls == CLASS_CONV) {
        if (!last || b->v[F_K] != 1 || b->v[F_S] != 1)
            return block_fail(p, b, DM_ERR_INVALID,
                              "ConvKXBNRELU is only read as the first block (stem) or as a last "
                              "1x1 stride-1 block (head)", NULL);
        a->head = b->v[F_OUT];
        a->head_act = DM_ACT_RELU;
        return DM_OK;
    }
    if (a->n_superblocks == DM_MAX_SUPERBLOCKS)
        return DM_FAIL(p->err, DM_ERR_RANGE, "line %d: more than %d superblocks", (int)b->line,
                       DM_MAX_SUPERBLOCKS);
    dm_superblock *sb = &a->sb[a->n_superblocks++];
    sb->kind = b->cls == CLASS_BOTTLENECK ? DM_BLOCK_BOTTLENECK : DM_BLOCK_MBCONV;
    sb->out = b->v[F_OUT];
    sb->depth = b->v[F_L];
    sb->kernel = b->v[F_K];
    sb->stride = b->v[F_S];
    sb->inner = b->v[F_BTN];
    /* The reference blocks' own default activations (SPEC section 8). */
    sb->act = b->cls == CLASS_BOTTLENECK ? DM_ACT_RELU : DM_ACT_SILU;
    sb->se = b->cls == CLASS_MBCONV;
    return DM_OK;
}

static dm_status map_blocks(const pyparser *p, int32_t list, dm_arch *a) {
    const pv_node *l = &p->nodes[list];
    if (l->type != PV_LIST || l->count == 0)
        return DM_FAIL(p->err, DM_ERR_PARSE, "line %d: a structure must be a non-empty list of blocks",
                       (int)l->line);
    int index = 0;
    int32_t prev_out = 0;
    dm_status s;
    for (int32_t n = l->child; n >= 0; n = p->nodes[n].next, index++) {
        tn_block b;
        if ((s = read_block(p, n, index, &b))) return s;
        if (index > 0 && b.v[F_IN] != prev_out) {
            char what[96];
            snprintf(what, sizeof what, "is %d but the previous block's 'out' is %d",
                     (int)b.v[F_IN], (int)prev_out);
            return block_fail(p, &b, DM_ERR_INVALID, what, "in");
        }
        prev_out = b.v[F_OUT];
        if (index > 0) {
            if ((s = place_block(p, &b, p->nodes[n].next < 0, a))) return s;
            continue;
        }
        if (b.cls != CLASS_CONV)
            return block_fail(p, &b, DM_ERR_INVALID, "the first block must be a ConvKXBNRELU stem", NULL);
        a->in_channels = b.v[F_IN];
        a->stem = (dm_stem){.out = b.v[F_OUT], .kernel = b.v[F_K], .stride = b.v[F_S],
                            .act = DM_ACT_RELU};
    }
    return DM_OK;
}

/* The root dict: 'best_structures' holding exactly one structure, and an
   optional 'space_arch' that must be 'CnnNet'. */
static dm_status map_root(const pyparser *p, int32_t root, dm_arch *a) {
    const pv_node *r = &p->nodes[root];
    if (r->type != PV_DICT)
        return DM_FAIL(p->err, DM_ERR_PARSE, "line %d: expected a dict with 'best_structures'",
                       (int)r->line);
    int32_t best = -1, space = -1;
    for (int32_t k = r->child; k >= 0; k = p->nodes[p->nodes[k].next].next) {
        const char *key = pv_str(p, k);
        int32_t *slot = strcmp(key, "best_structures") == 0 ? &best
                        : strcmp(key, "space_arch") == 0   ? &space : NULL;
        if (!slot || *slot >= 0)
            return DM_FAIL(p->err, DM_ERR_PARSE, "line %d: %s key '%.40s'", (int)p->nodes[k].line,
                           slot ? "duplicate" : "unknown", key);
        *slot = p->nodes[k].next;
    }
    if (space >= 0 && (p->nodes[space].type != PV_STR || strcmp(pv_str(p, space), "CnnNet") != 0))
        return DM_FAIL(p->err, DM_ERR_UNSUPPORTED, "line %d: 'space_arch' must be 'CnnNet'",
                       (int)p->nodes[space].line);
    if (best < 0) return DM_FAIL(p->err, DM_ERR_PARSE, "no 'best_structures' key");
    if (p->nodes[best].type != PV_LIST || p->nodes[best].count != 1)
        return DM_FAIL(p->err, DM_ERR_PARSE,
                       "line %d: 'best_structures' must be a list holding exactly one structure",
                       (int)p->nodes[best].line);
    return map_blocks(p, p->nodes[best].child, a);
}

static dm_status parse_and_map(pyparser *p, dm_arch *a) {
    int32_t root;
    dm_status s = parse_value(p, &root);
    if (s) return s;
    skip_space(p);
    if (!at_end(p)) return unexpected(p, "the end of the text");
    return map_root(p, root, a);
}

dm_status dm_arch_from_tinynas(const char *text, size_t len, dm_arch *out, dm_error *err) {
    if (!text || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_arch_from_tinynas needs text and an output");
    if (len > DM_MAX_FILE_BYTES)
        return DM_FAIL(err, DM_ERR_RANGE, "structure text of %zu bytes; at most %d are read", len,
                       DM_MAX_FILE_BYTES);
    size_t bom = dmi_skip_bom(text, len);   /* the rule every reader shares (io.h) */
    pyparser p = {.s = text + bom, .len = len - bom, .line = 1, .err = err};
    dm_arch a;
    dm_arch_init(&a);
    a.style = DM_STYLE_PAPER; /* the format names the reference code's blocks */
    a.input_size = 224;
    a.classes = 1000;
    dm_status s = parse_and_map(&p, &a);
    dm_free(p.nodes);
    dmi_buf_free(&p.pool);
    if (s == DM_OK) s = dm_arch_validate(&a, err);
    if (s == DM_OK) *out = a;
    return s;
}

/* ====================================================================== */
/* Writing                                                                */
/* ====================================================================== */

/* Why `a` has no exact form in the reference format, or DM_OK.  The
   reference code builds only its own blocks (the paper style; the style's
   validity rules already exclude basic blocks, mbconv without SE and
   strides past 2) with their default activations, since the format's
   files carry no 'act'. */
static dm_status check_expressible(const dm_arch *a, dm_error *err) {
    if (a->style != DM_STYLE_PAPER)
        return DM_FAIL(err, DM_ERR_UNSUPPORTED,
                       "reference format: the paper's code builds its own blocks (style paper); "
                       "this network is style %s, whose blocks it would build with other params "
                       "(design or analyze with --style paper)", dm_style_name(a->style));
    if (a->stem.maxpool) return DM_FAIL(err, DM_ERR_UNSUPPORTED, "reference format: the stem has no max-pool");
    if (a->stem.act != DM_ACT_RELU || (a->head && a->head_act != DM_ACT_RELU))
        return DM_FAIL(err, DM_ERR_UNSUPPORTED, "reference format: the stem and head use relu");
    for (int i = 0; i < a->n_superblocks; i++) {
        const dm_superblock *b = &a->sb[i];
        dm_act want = b->kind == DM_BLOCK_BOTTLENECK ? DM_ACT_RELU : DM_ACT_SILU;
        const char *why = b->inner == 0 ? "inner widths are fixed ('btn'), not expansion ratios"
                          : b->act != want ? (b->kind == DM_BLOCK_BOTTLENECK
                                                  ? "bottleneck blocks (ResK1KXK1) use relu"
                                                  : "mbconv blocks (ResK1DWSEK1) use silu")
                          : NULL;
        if (why) return DM_FAIL(err, DM_ERR_UNSUPPORTED, "superblock %d: reference format: %s", i + 1, why);
    }
    return DM_OK;
}

static void write_conv(dmi_buf *b, int32_t in, int32_t k, int32_t out, int32_t s) {
    dmi_buf_printf(b, "    {'class': 'ConvKXBNRELU', 'in': %d, 'k': %d, 'out': %d, 's': %d}", (int)in,
                   (int)k, (int)out, (int)s);
}

dm_status dm_arch_to_tinynas(const dm_arch *a, char **out_text, dm_error *err) {
    if (!out_text) return DM_FAIL(err, DM_ERR_INVALID, "dm_arch_to_tinynas needs an output");
    *out_text = NULL;
    dm_status s = dm_arch_validate(a, err);
    if (s || (s = check_expressible(a, err))) return s;
    dmi_buf b = {0};
    dmi_buf_printf(&b, "{ 'best_structures':[ [\n");
    write_conv(&b, a->in_channels, a->stem.kernel, a->stem.out, a->stem.stride);
    int32_t in = a->stem.out;
    for (int i = 0; i < a->n_superblocks; i++) {
        const dm_superblock *sb = &a->sb[i];
        int cls = sb->kind == DM_BLOCK_BOTTLENECK ? CLASS_BOTTLENECK : CLASS_MBCONV;
        dmi_buf_printf(&b,
                       ",\n    {'L': %d, 'btn': %d, 'class': '%s', 'in': %d, 'inner_class': '%s', "
                       "'k': %d, 'out': %d, 's': %d}",
                       (int)sb->depth, (int)sb->inner, class_names[cls], (int)in,
                       inner_class_names[cls], (int)sb->kernel, (int)sb->out, (int)sb->stride);
        in = sb->out;
    }
    if (a->head) {
        dmi_buf_printf(&b, ",\n");
        write_conv(&b, in, 1, a->head, 1);
    }
    dmi_buf_printf(&b, "]],\n'space_arch': 'CnnNet'}\n");
    return dmi_buf_finish(&b, out_text, err);
}
