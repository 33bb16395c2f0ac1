/*
** test_tinynas.c -- the reader and writer of the paper's reference
** structure format.  Truth: the values below were read by eye from
** the data/tinynas files (copies of the authors' published files); the writer
** is checked against those files' text, whitespace aside; and the reader
** is fed truncations, garbage, deep nesting, huge numbers and broken
** chains, none of which may crash it or be accepted.
*/
#define _POSIX_C_SOURCE 200809L   /* strdup */
#include "harness.h"
#include "deepmad.h"
#include <ctype.h>
#include <stdlib.h>

/* ---- helpers ------------------------------------------------------------ */

/* Parse exactly n bytes from a buffer of exactly that size (ASan sees any
   read past the end). */
static dm_status parse_exact(const char *text, size_t n, dm_arch *a, dm_error *err) {
    char *copy = malloc(n ? n : 1);
    memcpy(copy, text, n);
    dm_status s = dm_arch_from_tinynas(copy, n, a, err);
    free(copy);
    return s;
}

static dm_status parse_str(const char *text, dm_arch *a, dm_error *err) {
    return parse_exact(text, strlen(text), a, err);
}

static char *strip_space(const char *s) {
    char *out = malloc(strlen(s) + 1), *o = out;
    for (; *s; s++)
        if (!isspace((unsigned char)*s)) *o++ = *s;
    *o = '\0';
    return out;
}

/* ---- the published files, read by eye ------------------------------------ */

typedef struct { int32_t L, btn, k, out, s; } hand_sb;

typedef struct hand_file {
    const char *file, *zoo;
    dm_block_kind kind;
    int32_t stem_out, stem_k, stem_s;
    int n;
    hand_sb sb[5];
    int32_t head;
} hand_file;

static const hand_file files[] = {
    {"deepmad-R18.txt", "deepmad-r18", DM_BLOCK_BOTTLENECK, 32, 3, 2, 5,
     {{1, 40, 5, 96, 2}, {6, 40, 5, 384, 2}, {9, 64, 5, 384, 2}, {10, 104, 3, 1024, 1},
      {12, 104, 5, 672, 2}}, 0},
    {"deepmad-R34.txt", "deepmad-r34", DM_BLOCK_BOTTLENECK, 24, 3, 2, 5,
     {{1, 24, 5, 128, 2}, {10, 48, 5, 512, 2}, {13, 88, 5, 896, 2}, {11, 104, 5, 1024, 1},
      {14, 128, 5, 616, 2}}, 0},
    {"deepmad-R50.txt", "deepmad-r50", DM_BLOCK_BOTTLENECK, 32, 3, 2, 5,
     {{1, 40, 5, 128, 2}, {11, 48, 5, 512, 2}, {12, 88, 5, 872, 2}, {13, 104, 5, 1024, 1},
      {15, 120, 5, 1232, 2}}, 0},
    {"deepmad-29M-224.txt", "deepmad-29m-224", DM_BLOCK_MBCONV, 40, 3, 2, 5,
     {{2, 240, 5, 40, 1}, {4, 512, 5, 85, 2}, {6, 800, 5, 134, 2}, {6, 1208, 5, 201, 2},
      {5, 1872, 5, 312, 2}}, 1792},
    {"deepmad-29M-288.txt", "deepmad-29m-288", DM_BLOCK_MBCONV, 40, 3, 2, 5,
     {{4, 368, 5, 61, 2}, {4, 576, 5, 96, 2}, {5, 872, 5, 145, 2}, {6, 1304, 5, 217, 1},
      {4, 1968, 5, 328, 2}}, 1792},
    {"deepmad-50M.txt", "deepmad-50m", DM_BLOCK_MBCONV, 48, 3, 2, 5,
     {{7, 672, 5, 112, 2}, {9, 1008, 5, 168, 2}, {7, 1512, 5, 252, 2}, {3, 2272, 5, 378, 2},
      {1, 3456, 3, 576, 1}}, 2048},
    {"deepmad-89M.txt", "deepmad-89m", DM_BLOCK_MBCONV, 56, 3, 2, 5,
     {{10, 816, 5, 136, 2}, {9, 1224, 5, 204, 2}, {7, 1952, 5, 326, 2}, {4, 2944, 5, 490, 2},
      {1, 4464, 3, 744, 1}}, 2560},
};

static void check_hand_values(const hand_file *h, const dm_arch *a) {
    CHECK_EQ_I64(a->in_channels, 3);
    CHECK_EQ_I64(a->input_size, 224);
    CHECK_EQ_I64(a->classes, 1000);
    CHECK_EQ_I64(a->stem.out, h->stem_out);
    CHECK_EQ_I64(a->stem.kernel, h->stem_k);
    CHECK_EQ_I64(a->stem.stride, h->stem_s);
    CHECK_EQ_I64(a->stem.maxpool, 0);
    CHECK_EQ_I64(a->stem.act, DM_ACT_RELU);
    CHECK_EQ_I64(a->n_superblocks, h->n);
    for (int i = 0; i < h->n && i < a->n_superblocks; i++) {
        const dm_superblock *b = &a->sb[i];
        CHECK_EQ_I64(b->kind, h->kind);
        CHECK_EQ_I64(b->depth, h->sb[i].L);
        CHECK_EQ_I64(b->inner, h->sb[i].btn);
        CHECK_EQ_I64(b->kernel, h->sb[i].k);
        CHECK_EQ_I64(b->out, h->sb[i].out);
        CHECK_EQ_I64(b->stride, h->sb[i].s);
        /* The reference blocks' default activations: ReLU in ResK1KXK1, SiLU in ResK1DWSEK1. */
        CHECK_EQ_I64(b->act, h->kind == DM_BLOCK_MBCONV ? DM_ACT_SILU : DM_ACT_RELU);
        CHECK_EQ_I64(b->se, h->kind == DM_BLOCK_MBCONV);
    }
    CHECK_EQ_I64(a->style, DM_STYLE_PAPER);
    CHECK_EQ_I64(a->head, h->head);
    if (h->head) CHECK_EQ_I64(a->head_act, DM_ACT_RELU);
}

static void test_published_files(void) {
    for (int f = 0; f < COUNTOF(files); f++) {
        const hand_file *h = &files[f];
        char rel[256];
        snprintf(rel, sizeof rel, "data/tinynas/%s", h->file);
        size_t len;
        char *text = dm_t_slurp(rel, &len);
        CHECK(text != NULL);
        if (!text) continue;
        dm_arch a, z;
        dm_error err = {0};
        dm_status s = parse_exact(text, len, &a, &err);
        if (s) printf("%s: %s\n", h->file, err.msg);
        CHECK(s == DM_OK);
        check_hand_values(h, &a);

        /* dm_arch_load picks this reader by the 'best_structures' key. */
        char path[1024];
        const char *dir = getenv("DM_SOURCE_DIR");
        snprintf(path, sizeof path, "%s/data/tinynas/%s", dir ? dir : ".", h->file);
        CHECK(dm_arch_load(path, &z, &err) == DM_OK);
        check_hand_values(h, &z);

        /* The zoo reads its embedded copy of the same file. */
        CHECK(dm_zoo_arch(h->zoo, &z, &err) == DM_OK);
        z.input_size = 224;   /* the zoo's deepmad-29m-288 is at 288 px */
        check_hand_values(h, &z);

        /* The writer gives the published text back, whitespace aside. */
        char *out = NULL;
        CHECK(dm_arch_to_tinynas(&a, &out, &err) == DM_OK);
        char *x = out ? strip_space(out) : NULL, *y = strip_space(text);
        CHECK(x && strcmp(x, y) == 0);
        if (x && strcmp(x, y) != 0) printf("%s: writer gave\n%s\n", h->file, out);
        /* ... one block per line ... */
        int lines = 0;
        for (const char *p = out; p && *p; p++) lines += *p == '\n';
        CHECK_EQ_I64(lines, 3 + h->n + (h->head ? 1 : 0));   /* header, blocks, footer */
        /* ... and reads back to the same arch. */
        dm_arch b;
        CHECK(out && dm_arch_from_tinynas(out, strlen(out), &b, &err) == DM_OK);
        check_hand_values(h, &b);
        free(x);
        free(y);
        dm_free(out);

        /* Every truncation before the final '}' fails cleanly. */
        size_t end = len;
        while (end > 0 && text[end - 1] != '}') end--;
        int all_fail = 1;
        for (size_t n = 0; n + 1 < end; n++) {
            err.msg[0] = '\0';
            s = parse_exact(text, n, &a, &err);
            if (s != DM_ERR_PARSE || strncmp(err.msg, "line ", 5) != 0) {
                all_fail = 0;
                printf("%s prefix %zu: status %d '%s'\n", h->file, n, (int)s, err.msg);
            }
        }
        CHECK(all_fail);
        free(text);
    }
    dm_arch z;
    dm_error err = {0};
    CHECK(dm_zoo_arch("deepmad-29m-288", &z, &err) == DM_OK);
    CHECK_EQ_I64(z.input_size, 288);
}

/* ---- hostile and broken input -------------------------------------------- */

#define STEM "{'class': 'ConvKXBNRELU', 'in': 3, 'k': 3, 'out': 16, 's': 2}"
#define SB(in, out) "{'L': 2, 'btn': 8, 'class': 'SuperResK1KXK1', 'in': " #in ", 'k': 3, 'out': " #out ", 's': 2}"

typedef struct bad_case {
    const char *text;
    dm_status want;
    const char *needle;
} bad_case;

static const bad_case bad[] = {
    {"", DM_ERR_PARSE, "line 1: a value is missing"},
    {"garbage", DM_ERR_PARSE, "unknown name"},
    {"{'best_structures': [[" STEM "]]} trailing", DM_ERR_PARSE, "expected the end"},
    {"{'best_structures': [[" STEM ",\n" SB(16, 32) ",\n" SB(99, 64) "]]}", DM_ERR_INVALID,
     "line 3: blocks[2]: 'in' is 99 but the previous block's 'out' is 32"},
    {"{'best_structures': [[" STEM ", {'L': 1, 'btn': 8, 'class': 'SuperResKXKX', 'in': 16, "
     "'k': 3, 'out': 16, 's': 1}]]}", DM_ERR_INVALID, "unknown block class 'SuperResKXKX'"},
    {"{'best_structures': [[" SB(3, 16) "]]}", DM_ERR_INVALID, "first block must be a ConvKXBNRELU"},
    {"{'best_structures': [[" STEM ", " STEM "]]}", DM_ERR_INVALID, "blocks[1]"},
    {"{'best_structures': [[" STEM ", {'class': 'ConvKXBNRELU', 'in': 16, 'k': 1, 'out': 32, "
     "'s': 1}, " SB(32, 64) "]]}", DM_ERR_INVALID, "only read as the first block"},
    {"{'best_structures': [[{'class': 'ConvKXBNRELU', 'in': 3, 'k': 3, 'out': "
     "99999999999999999999999, 's': 2}]]}", DM_ERR_RANGE, "integer too large"},
    {"{'best_structures': [[{'class': 'ConvKXBNRELU', 'in': 3, 'k': 3, 'out': 4294967296, "
     "'s': 2}]]}", DM_ERR_RANGE, "'out' is too large"},
    {"{'best_structures': [[{'class': 'ConvKXBNRELU', 'in': 3, 'k': 3, 'out': 70000, 's': 2}]]}",
     DM_ERR_RANGE, "stem channels is 70000"},
    {"{'best_structures': [[{'class': 'ConvKXBNRELU', 'in': 3, 'k': 3, 'out': -4, 's': 2}]]}",
     DM_ERR_INVALID, "'out' must be at least 1"},
    {"{'best_structures': [[{'class': 'ConvKXBNRELU', 'in': 3, 'k': 3.0, 'out': 4, 's': 2}]]}",
     DM_ERR_PARSE, "'k' must be an integer"},
    {"{'best_structures': [[{'class': 'ConvKXBNRELU', 'in': 3, 'k': True, 'out': 4, 's': 2}]]}",
     DM_ERR_PARSE, "'k' must be an integer"},
    {"{'best_structures': [[{'class': 'ConvKXBNRELU', 'in': 3, 'k': 3, 'out': 4}]]}",
     DM_ERR_PARSE, "'s' is missing"},
    {"{'best_structures': [[{'class': 'ConvKXBNRELU', 'in': 3, 'k': 3, 'out': 4, 's': 2, "
     "'L': 2}]]}", DM_ERR_PARSE, "'L' does not belong"},
    {"{'best_structures': [[{'class': 'ConvKXBNRELU', 'in': 3, 'k': 3, 'out': 4, 's': 2, "
     "'s': 2}]]}", DM_ERR_PARSE, "'s' appears twice"},
    {"{'best_structures': [[{'class': 'ConvKXBNRELU', 'in': 3, 'kk': 3, 'out': 4, 's': 2}]]}",
     DM_ERR_PARSE, "'kk' is not a key"},
    {"{'best_structures': [[" STEM ", {'L': 2, 'btn': 8, 'class': 'SuperResK1KXK1', 'in': 16, "
     "'inner_class': 7, 'k': 3, 'out': 32, 's': 2}]]}", DM_ERR_PARSE, "'inner_class' must be a string"},
    {"{'best_structures': [[" STEM "]], 'space_arch': 'MobileNet'}", DM_ERR_UNSUPPORTED, "CnnNet"},
    {"{'best_structures': [[" STEM "]], 'extra': 1}", DM_ERR_PARSE, "unknown key 'extra'"},
    {"{'best_structures': [[" STEM "], [" STEM "]]}", DM_ERR_PARSE, "exactly one structure"},
    {"{'best_structures': [[]]}", DM_ERR_PARSE, "non-empty list"},
    {"{'best_structures': [[" STEM "]]", DM_ERR_PARSE, "unclosed"},
    {"{'best_structures': [[" STEM "]], 'space_arch': 'CnnNet}", DM_ERR_PARSE, "unterminated string"},
    {"{'best_structures' [[" STEM "]]}", DM_ERR_PARSE, "expected ':'"},
    {"{'best_structures': [[" STEM " " STEM "]]}", DM_ERR_PARSE, "expected ',' or ']'"},
    {"{1: 2}", DM_ERR_PARSE, "dict keys must be strings"},
    {"[1, 2]", DM_ERR_PARSE, "expected a dict"},
    {"{'best_structures': [[" STEM "]], 'space_arch': 'Cnn\\qNet'}", DM_ERR_PARSE, "escape"},
    {"{'best_structures': [[{'class': 'ConvKXBNRELU', 'in': 3, 'k': 3, 'out': 12x, 's': 2}]]}",
     DM_ERR_PARSE, "after a number"},
    {"{'best_structures': [[{'class': 'ConvKXBNRELU', 'in': 3, 'k': 4, 'out': 8, 's': 2}]]}",
     DM_ERR_INVALID, "odd"},
    {"{'best_structures': [[{'class': 'ConvKXBNRELU', 'in': 3, 'k': 3, 'out': 8, 's': 3}]]}",
     DM_ERR_INVALID, "does not divide"},
    {"\n\n{'best_structures': [[" STEM "]], 'space_arch': @}", DM_ERR_PARSE, "line 3: unexpected '@'"},
};

static void test_bad_inputs(void) {
    for (int i = 0; i < COUNTOF(bad); i++) {
        dm_arch a;
        dm_error err = {0};
        dm_status s = parse_str(bad[i].text, &a, &err);
        int ok = s == bad[i].want && strstr(err.msg, bad[i].needle) != NULL;
        if (!ok) printf("case %d: status %d (want %d) '%s' (want '%s')\n", i, (int)s,
                        (int)bad[i].want, err.msg, bad[i].needle);
        CHECK(ok);
    }
    /* Python's own leeway is accepted: double quotes, trailing commas. */
    dm_arch a;
    dm_error err = {0};
    CHECK(parse_str("{\"best_structures\": [[" STEM ", " SB(16, 32) ",],], }", &a, &err) == DM_OK);
    CHECK_EQ_I64(a.n_superblocks, 1);
    CHECK_EQ_I64(a.head, 0);
    CHECK_EQ_I64(a.sb[0].out, 32);
}

static void test_deep_nesting(void) {
    size_t n = 100000;
    char *deep = malloc(n);
    memset(deep, '[', n);
    dm_arch a;
    dm_error err = {0};
    CHECK(parse_exact(deep, n, &a, &err) == DM_ERR_PARSE);
    CHECK(strstr(err.msg, "nested too deeply") != NULL);
    memset(deep, '{', n);
    CHECK(parse_exact(deep, n, &a, &err) == DM_ERR_PARSE);
    free(deep);
}

/* Deterministic garbage: random bytes, and random bytes drawn from the
   format's own alphabet, never accepted and never a crash. */
static void test_garbage(void) {
    static const char alphabet[] = "{}[]:,'\" 0123456789-+.eTrueFalsNonclas_\n\\";
    uint32_t x = 12345;
    int accepted = 0;
    char buf[256];
    for (int round = 0; round < 4000; round++) {
        size_t n = (size_t)(round % 200) + 1;
        for (size_t i = 0; i < n; i++) {
            x = x * 1664525u + 1013904223u;
            buf[i] = round % 2 ? (char)(x >> 24) : alphabet[(x >> 24) % (sizeof alphabet - 1)];
        }
        dm_arch a;
        dm_error err = {0};
        dm_status s = parse_exact(buf, n, &a, &err);
        if (s == DM_OK || !err.msg[0]) accepted++;
    }
    CHECK_EQ_I64(accepted, 0);
}

/* ---- the writer ---------------------------------------------------------- */

static void test_writer_refuses(void) {
    static const struct { const char *zoo; const char *needle; } cases[] = {
        {"resnet18", "style torchvision"},
        {"mobilenet_v2", "style torchvision"},
    };
    for (int i = 0; i < COUNTOF(cases); i++) {
        dm_arch a;
        dm_error err = {0};
        char *out = (char *)1;
        CHECK(dm_zoo_arch(cases[i].zoo, &a, &err) == DM_OK);
        CHECK(dm_arch_to_tinynas(&a, &out, &err) == DM_ERR_UNSUPPORTED);
        CHECK(out == NULL && strstr(err.msg, cases[i].needle) != NULL);
    }
    /* One change at a time away from an expressible net. */
    dm_arch base, a;
    dm_error err = {0};
    char *out = NULL;
    CHECK(dm_zoo_arch("deepmad-29m-224", &base, &err) == DM_OK);
    /* What the paper style cannot build is invalid, not merely inexpressible. */
    a = base; a.sb[1].kind = DM_BLOCK_BASIC; a.sb[1].se = 0;
    CHECK(dm_arch_to_tinynas(&a, &out, &err) == DM_ERR_INVALID && strstr(err.msg, "superblock 2") && strstr(err.msg, "basic"));
    a = base; a.sb[2].inner = 0; a.sb[2].expand = 6;
    CHECK(dm_arch_to_tinynas(&a, &out, &err) == DM_ERR_UNSUPPORTED && strstr(err.msg, "expansion"));
    a = base; a.sb[0].se = 0;
    CHECK(dm_arch_to_tinynas(&a, &out, &err) == DM_ERR_INVALID && strstr(err.msg, "SE"));
    a = base; a.sb[2].stride = 4; a.input_size = 448;
    CHECK(dm_arch_to_tinynas(&a, &out, &err) == DM_ERR_INVALID && strstr(err.msg, "strides 1 and 2"));
    a = base; a.head_act = DM_ACT_SILU;
    CHECK(dm_arch_to_tinynas(&a, &out, &err) == DM_ERR_UNSUPPORTED && strstr(err.msg, "relu"));
    a = base; a.sb[3].act = DM_ACT_RELU;
    CHECK(dm_arch_to_tinynas(&a, &out, &err) == DM_ERR_UNSUPPORTED && strstr(err.msg, "superblock 4") && strstr(err.msg, "silu"));
    a = base; a.style = DM_STYLE_TORCHVISION;
    CHECK(dm_arch_to_tinynas(&a, &out, &err) == DM_ERR_UNSUPPORTED && strstr(err.msg, "--style paper"));
    CHECK(dm_zoo_arch("deepmad-r18", &base, &err) == DM_OK);
    a = base; a.sb[3].act = DM_ACT_SILU;
    CHECK(dm_arch_to_tinynas(&a, &out, &err) == DM_ERR_UNSUPPORTED && strstr(err.msg, "relu"));
    a = base; a.stem.stride = 3;   /* invalid, not merely inexpressible */
    CHECK(dm_arch_to_tinynas(&a, &out, &err) == DM_ERR_INVALID);
    CHECK(out == NULL);
    /* No superblocks, with a head: still round-trips. */
    a = base; a.n_superblocks = 0; a.head = 64; a.head_act = DM_ACT_RELU;
    CHECK(dm_arch_to_tinynas(&a, &out, &err) == DM_OK);
    dm_arch b;
    CHECK(out && dm_arch_from_tinynas(out, strlen(out), &b, &err) == DM_OK);
    CHECK_EQ_I64(b.n_superblocks, 0);
    CHECK_EQ_I64(b.head, 64);
    CHECK_EQ_I64(b.stem.out, 32);
    dm_free(out);
}

int main(void) {
    test_published_files();
    test_bad_inputs();
    test_deep_nesting();
    test_garbage();
    test_writer_refuses();
    return TEST_REPORT();
}
