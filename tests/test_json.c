/*
** test_json.c -- the JSON schema reader and writer, the metrics writer and
** dm_arch_load.  Truth comes from outside the code under test: the
** hand-written examples/resnet18.json (checked against the zoo's own
** description and, byte for byte, against the writer), values read off
** literal JSON text, and every way a description can be wrong.
*/
#define _POSIX_C_SOURCE 200809L   /* getpid, unlink, strdup */
#include "harness.h"
#include "deepmad.h"
#include <cjson/cJSON.h>
#include <float.h>
#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------ */

/* A copy of s with the first `find` replaced by `repl` (NULL if absent). */
static char *replace(const char *s, const char *find, const char *repl) {
    const char *at = strstr(s, find);
    if (!at) { printf("test bug: '%s' not in base text\n", find); return NULL; }
    size_t n = strlen(s) - strlen(find) + strlen(repl);
    char *out = malloc(n + 1);
    size_t pre = (size_t)(at - s);
    memcpy(out, s, pre);
    strcpy(out + pre, repl);
    strcat(out, at + strlen(find));
    return out;
}

/* Field-by-field equality (padding bytes make memcmp unsafe). */
static int arch_equal(const dm_arch *a, const dm_arch *b) {
    int eq = a->style == b->style && a->in_channels == b->in_channels && a->input_size == b->input_size &&
             a->stem.out == b->stem.out && a->stem.kernel == b->stem.kernel &&
             a->stem.stride == b->stem.stride && a->stem.maxpool == b->stem.maxpool &&
             a->stem.act == b->stem.act && a->n_superblocks == b->n_superblocks &&
             a->head == b->head && a->classes == b->classes &&
             (a->head == 0 || a->head_act == b->head_act);
    for (int i = 0; eq && i < a->n_superblocks; i++) {
        const dm_superblock *x = &a->sb[i], *y = &b->sb[i];
        eq = x->kind == y->kind && x->out == y->out && x->depth == y->depth &&
             x->kernel == y->kernel && x->stride == y->stride && x->inner == y->inner &&
             (x->inner > 0 || memcmp(&x->expand, &y->expand, sizeof x->expand) == 0) &&
             x->se == y->se && x->act == y->act &&
             (x->kind == DM_BLOCK_MBCONV || a->style == DM_STYLE_PAPER || /* fixed there */
              x->shortcut == y->shortcut);
    }
    return eq;
}

static dm_status parse_str(const char *text, dm_arch *a, dm_error *err) {
    return dm_arch_from_json(text, strlen(text), a, err);
}

/* ---- the hand-written example ------------------------------------------ */

static void test_example_resnet18(void) {
    size_t len;
    char *text = dm_t_slurp("examples/resnet18.json", &len);
    CHECK(text != NULL);
    if (!text) return;
    dm_arch a, z;
    dm_error err = {0};
    CHECK(dm_arch_from_json(text, len, &a, &err) == DM_OK);
    CHECK(dm_zoo_arch("resnet18", &z, &err) == DM_OK);
    CHECK_EQ_I64(a.in_channels, z.in_channels);
    CHECK_EQ_I64(a.input_size, z.input_size);
    CHECK_EQ_I64(a.stem.out, z.stem.out);
    CHECK_EQ_I64(a.stem.kernel, z.stem.kernel);
    CHECK_EQ_I64(a.stem.stride, z.stem.stride);
    CHECK_EQ_I64(a.stem.maxpool, z.stem.maxpool);
    CHECK_EQ_I64(a.stem.act, z.stem.act);
    CHECK_EQ_I64(a.n_superblocks, z.n_superblocks);
    for (int i = 0; i < a.n_superblocks && i < z.n_superblocks; i++) {
        CHECK_EQ_I64(a.sb[i].kind, z.sb[i].kind);
        CHECK_EQ_I64(a.sb[i].out, z.sb[i].out);
        CHECK_EQ_I64(a.sb[i].depth, z.sb[i].depth);
        CHECK_EQ_I64(a.sb[i].kernel, z.sb[i].kernel);
        CHECK_EQ_I64(a.sb[i].stride, z.sb[i].stride);
        CHECK_EQ_I64(a.sb[i].inner, z.sb[i].inner);
        CHECK_EQ_I64(a.sb[i].act, z.sb[i].act);
        CHECK_EQ_I64(a.sb[i].shortcut, z.sb[i].shortcut);
        CHECK_EQ_I64(a.sb[i].se, z.sb[i].se);
    }
    CHECK_EQ_I64(a.head, z.head);
    CHECK_EQ_I64(a.classes, z.classes);
    /* The writer's layout is the documented one, byte for byte. */
    char *json = NULL;
    CHECK(dm_arch_to_json(&z, &json, &err) == DM_OK);
    CHECK(json && strcmp(json, text) == 0);
    if (json && strcmp(json, text) != 0) printf("writer gave:\n%s", json);
    dm_free(json);

    /* Every truncation before the closing brace is a parse error, and the
       reader never looks past the bytes it is given (ASan builds). */
    size_t end = len;
    while (end > 0 && text[end - 1] != '}') end--;
    int all_parse = 1;
    for (size_t n = 0; n + 1 < end; n++) {
        char *cut = malloc(n ? n : 1);
        memcpy(cut, text, n);
        err.msg[0] = '\0';
        dm_status s = dm_arch_from_json(cut, n, &a, &err);
        if (s != DM_ERR_PARSE || !err.msg[0]) {
            all_parse = 0;
            printf("prefix %zu: status %d '%s'\n", n, (int)s, err.msg);
        }
        free(cut);
    }
    CHECK(all_parse);
    CHECK(end > 100);
    free(text);
}

/* ---- values read off literal text --------------------------------------- */

static const char *BASE =
    "{\"format\": \"deepmad-arch\", \"version\": 1,\n"
    " \"input\": {\"channels\": 3, \"size\": 224},\n"
    " \"stem\": {\"out\": 32, \"kernel\": 3, \"stride\": 2, \"maxpool\": false, \"act\": \"relu\"},\n"
    " \"superblocks\": [\n"
    "  {\"block\": \"bottleneck\", \"out\": 64, \"depth\": 2, \"kernel\": 3, \"stride\": 2, "
    "\"inner\": 16, \"act\": \"relu\", \"shortcut\": \"avgpool-conv\"},\n"
    "  {\"block\": \"mbconv\", \"out\": 96, \"depth\": 3, \"kernel\": 5, \"stride\": 2, "
    "\"expand\": 4.5, \"se\": true, \"act\": \"silu\"}],\n"
    " \"head\": {\"out\": 1280, \"act\": \"silu\"},\n"
    " \"classes\": 10}\n";

static void test_base_values(void) {
    dm_arch a;
    dm_error err = {0};
    CHECK(parse_str(BASE, &a, &err) == DM_OK);
    CHECK_EQ_I64(a.in_channels, 3);
    CHECK_EQ_I64(a.input_size, 224);
    CHECK_EQ_I64(a.stem.out, 32);
    CHECK_EQ_I64(a.stem.maxpool, 0);
    CHECK_EQ_I64(a.n_superblocks, 2);
    CHECK_EQ_I64(a.sb[0].kind, DM_BLOCK_BOTTLENECK);
    CHECK_EQ_I64(a.sb[0].inner, 16);
    CHECK_EQ_I64(a.sb[0].shortcut, DM_SHORTCUT_AVGPOOL_CONV);
    CHECK_EQ_I64(a.sb[1].kind, DM_BLOCK_MBCONV);
    CHECK_EQ_I64(a.sb[1].inner, 0);
    CHECK(a.sb[1].expand == 4.5);
    CHECK_EQ_I64(a.sb[1].se, 1);
    CHECK_EQ_I64(a.sb[1].act, DM_ACT_SILU);
    CHECK_EQ_I64(a.sb[1].kernel, 5);
    CHECK_EQ_I64(a.head, 1280);
    CHECK_EQ_I64(a.head_act, DM_ACT_SILU);
    CHECK_EQ_I64(a.classes, 10);
    /* Optional keys take dm_arch_init's defaults; "head" may be absent. */
    char *t1 = replace(BASE, ", \"maxpool\": false, \"act\": \"relu\"}", "}");
    char *t2 = t1 ? replace(t1, " \"head\": {\"out\": 1280, \"act\": \"silu\"},\n", "") : NULL;
    CHECK(t2 && parse_str(t2, &a, &err) == DM_OK);
    CHECK_EQ_I64(a.stem.act, DM_ACT_RELU);
    CHECK_EQ_I64(a.head, 0);
    free(t1);
    free(t2);
}

/* ---- every way to be wrong ---------------------------------------------- */

typedef struct bad_case {
    const char *find, *repl;   /* edit applied to BASE; find NULL = repl is the whole text */
    dm_status want;
    const char *needle;        /* must appear in the message */
} bad_case;

static const bad_case bad[] = {
    {"\"version\": 1,", "\"version\": 1,,", DM_ERR_PARSE, "line 1, column"},
    {NULL, "[1, 2]", DM_ERR_PARSE, "JSON object"},
    {NULL, "", DM_ERR_PARSE, "syntax error"},
    {NULL, "{\"format\": \"deepmad-arch\"", DM_ERR_PARSE, "syntax error"},
    {"\"classes\": 10}", "\"classes\": 10} x", DM_ERR_PARSE, "after the JSON"},
    {"\"bottleneck\"", "\"bottle\"", DM_ERR_INVALID, "superblocks[0].block: unknown block kind"},
    {"\"stride\": 2, \"inner\"", "\"strid\": 2, \"inner\"", DM_ERR_PARSE, "unknown key \"strid\""},
    {"\"stem\":", "\"Stem\":", DM_ERR_PARSE, "unknown key \"Stem\""},
    {"\"classes\": 10}", "\"classes\": 10, \"classes\": 10}", DM_ERR_PARSE, "duplicate key"},
    {"\"channels\": 3", "\"channels\": 0", DM_ERR_INVALID, "input.channels is 0"},
    {"\"out\": 64", "\"out\": -64", DM_ERR_INVALID, "superblocks[0].out is -64"},
    {"\"out\": 32", "\"out\": 0", DM_ERR_INVALID, "stem.out is 0"},
    {"\"depth\": 2", "\"depth\": 2.5", DM_ERR_INVALID, "superblocks[0].depth: 2.5 is not an integer"},
    {"\"depth\": 3", "\"depth\": \"3\"", DM_ERR_PARSE, "superblocks[1].depth: expected an integer"},
    {"\"out\": 96", "\"out\": 1e30", DM_ERR_RANGE, "superblocks[1].out: 1e+30 is outside"},
    {"\"out\": 96", "\"out\": 1e400", DM_ERR_RANGE, "superblocks[1].out"},
    {"\"out\": 96", "\"out\": 70000", DM_ERR_RANGE, "superblocks[1].out is 70000"},
    {"\"depth\": 3", "\"depth\": 257", DM_ERR_RANGE, "superblocks[1].depth is 257"},
    {"\"size\": 224", "\"size\": 100", DM_ERR_INVALID, "does not divide resolution 25"},
    {"\"kernel\": 5", "\"kernel\": 4", DM_ERR_INVALID, "odd"},
    {"\"depth\": 3, ", "", DM_ERR_PARSE, "superblocks[1]: missing required key \"depth\""},
    {" \"classes\": 10}", " \"format2\": 1}", DM_ERR_PARSE, "unknown key \"format2\""},
    {"},\n \"classes\": 10}", "}}", DM_ERR_PARSE, "missing required key \"classes\""},
    {"\"expand\": 4.5", "\"expand\": 4.5, \"inner\": 8", DM_ERR_PARSE, "exactly one"},
    {"\"inner\": 16, ", "", DM_ERR_PARSE, "superblocks[0]: give exactly one"},
    {"\"expand\": 4.5", "\"expand\": 0", DM_ERR_INVALID, "superblocks[1].expand is 0"},
    {"\"expand\": 4.5", "\"expand\": 65", DM_ERR_RANGE, "superblocks[1].expand is 65"},
    {"\"expand\": 4.5", "\"expand\": \"4.5\"", DM_ERR_PARSE, "expand: expected a number"},
    {"\"se\": true", "\"se\": 1", DM_ERR_PARSE, "superblocks[1].se: expected true or false"},
    {"\"shortcut\": \"avgpool-conv\"}", "\"shortcut\": \"avgpool-conv\", \"se\": false}",
     DM_ERR_PARSE, "\"se\" does not apply to bottleneck"},
    {"\"se\": true", "\"se\": true, \"shortcut\": \"conv\"", DM_ERR_PARSE, "does not apply to mbconv"},
    {"\"shortcut\": \"avgpool-conv\"", "\"shortcut\": \"pool\"", DM_ERR_INVALID,
     "superblocks[0].shortcut: unknown shortcut"},
    {"\"act\": \"silu\"}],", "\"act\": \"gelu\"}],", DM_ERR_INVALID, "superblocks[1].act: unknown activation"},
    {"{\"out\": 1280", "{\"out\": 0", DM_ERR_INVALID, "head.out is 0"},
    {"\"head\": {\"out\": 1280, \"act\": \"silu\"}", "\"head\": 1280", DM_ERR_PARSE, "head: expected"},
    {"\"deepmad-arch\"", "\"deepmad\"", DM_ERR_PARSE, "format"},
    {"\"version\": 1", "\"version\": 2", DM_ERR_UNSUPPORTED, "version: 2"},
    {"\"superblocks\": [", "\"superblocks\": {\"a\": [", DM_ERR_PARSE, "syntax error"},
    {"\"stem\": {", "\"stem\": [{", DM_ERR_PARSE, "syntax error"},
    {"\"input\": {\"channels\": 3, \"size\": 224}", "\"input\": 3", DM_ERR_PARSE, "input: expected an object"},
    {"\"classes\": 10", "\"classes\": 1000001", DM_ERR_RANGE, "classes is 1000001"},
};

static void test_bad_inputs(void) {
    for (int i = 0; i < COUNTOF(bad); i++) {
        const bad_case *c = &bad[i];
        char *text = c->find ? replace(BASE, c->find, c->repl) : strdup(c->repl);
        if (!text) { CHECK(0); continue; }
        dm_arch a;
        dm_error err = {0};
        /* Exactly sized, not NUL-terminated: the reader must stop at len. */
        size_t n = strlen(text);
        char *exact = malloc(n ? n : 1);
        memcpy(exact, text, n);
        dm_status s = dm_arch_from_json(exact, n, &a, &err);
        int ok = s == c->want && err.code == c->want && strstr(err.msg, c->needle) != NULL;
        if (!ok) printf("case %d: status %d (want %d), message '%s' (want '%s')\n", i, (int)s,
                        (int)c->want, err.msg, c->needle);
        CHECK(ok);
        free(exact);
        free(text);
    }
}

/* A description with n identical stride-1 superblocks. */
static char *many_superblocks(int n) {
    static const char sb[] =
        "{\"block\": \"basic\", \"out\": 8, \"depth\": 1, \"kernel\": 3, \"stride\": 1, \"inner\": 8}";
    char *text = malloc(1024 + (size_t)n * sizeof sb);
    strcpy(text, "{\"format\": \"deepmad-arch\", \"version\": 1, \"input\": {\"channels\": 3, "
                 "\"size\": 224}, \"stem\": {\"out\": 8, \"kernel\": 3, \"stride\": 1}, "
                 "\"superblocks\": [");
    for (int i = 0; i < n; i++) {
        if (i) strcat(text, ", ");
        strcat(text, sb);
    }
    strcat(text, "], \"classes\": 0}");
    return text;
}

static void test_too_many_superblocks(void) {
    dm_arch a;
    dm_error err = {0};
    char *text = many_superblocks(DM_MAX_SUPERBLOCKS + 1);
    CHECK(parse_str(text, &a, &err) == DM_ERR_RANGE);
    CHECK(strstr(err.msg, "superblocks: 33 given") != NULL);
    free(text);
    text = many_superblocks(DM_MAX_SUPERBLOCKS);
    CHECK(parse_str(text, &a, &err) == DM_OK);
    CHECK_EQ_I64(a.n_superblocks, DM_MAX_SUPERBLOCKS);
    free(text);
}

/* ---- writer ------------------------------------------------------------- */

static void test_round_trip_zoo(void) {
    for (int32_t i = 0; i < dm_zoo_count(); i++) {
        dm_arch a, b;
        dm_error err = {0};
        char *j1 = NULL, *j2 = NULL;
        CHECK(dm_zoo_arch(dm_zoo_name(i), &a, &err) == DM_OK);
        CHECK(dm_arch_to_json(&a, &j1, &err) == DM_OK);
        CHECK(j1 && dm_arch_from_json(j1, strlen(j1), &b, &err) == DM_OK);
        int eq = arch_equal(&a, &b);
        if (!eq) printf("round trip of %s differs: %s\n", dm_zoo_name(i), err.msg);
        CHECK(eq);
        CHECK(dm_arch_to_json(&b, &j2, &err) == DM_OK);
        CHECK(j1 && j2 && strcmp(j1, j2) == 0);
        dm_free(j1);
        dm_free(j2);
    }
}

/* Ratios with no short decimal form come back bit-identical; short ones
   are printed short. */
static void test_expand_printing(void) {
    const double ratios[] = {1.0 / 3, 0.1, 4.7, 6, 2.0 / 7, 64, 1 + DBL_EPSILON};
    const char *texts[] = {NULL, "\"expand\": 0.1,", "\"expand\": 4.7,", "\"expand\": 6,",
                           NULL, "\"expand\": 64,", "\"expand\": 1.0000000000000002,"};
    for (int i = 0; i < COUNTOF(ratios); i++) {
        dm_arch a, b;
        dm_error err = {0};
        CHECK(dm_zoo_arch("mobilenet_v2", &a, &err) == DM_OK);
        a.sb[2].expand = ratios[i];
        char *j = NULL;
        CHECK(dm_arch_to_json(&a, &j, &err) == DM_OK);
        if (!j) continue;
        CHECK(dm_arch_from_json(j, strlen(j), &b, &err) == DM_OK);
        CHECK(memcmp(&b.sb[2].expand, &ratios[i], sizeof(double)) == 0);
        if (texts[i]) CHECK(strstr(j, texts[i]) != NULL);
        dm_free(j);
    }
}

static void test_writer_refuses(void) {
    dm_arch a;
    dm_error err = {0};
    char *j = (char *)1;
    CHECK(dm_zoo_arch("efficientnet_b0", &a, &err) == DM_OK);
    a.sb[1].expand = NAN;
    CHECK(dm_arch_to_json(&a, &j, &err) == DM_ERR_INVALID);
    CHECK(j == NULL);
    a.sb[1].expand = INFINITY;
    CHECK(dm_arch_to_json(&a, &j, &err) == DM_ERR_INVALID);
    CHECK(dm_arch_to_json(NULL, &j, &err) == DM_ERR_INVALID);
    CHECK(dm_arch_to_json(&a, NULL, &err) == DM_ERR_INVALID);
    CHECK(dm_arch_from_json(NULL, 3, &a, &err) == DM_ERR_INVALID);
}

/* A comma-decimal locale must not leak into the text (skipped when the
   machine has no such locale). */
static void test_locale(void) {
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "ru_RU.UTF-8"};
    const char *got = NULL;
    for (int i = 0; i < COUNTOF(names) && !got; i++) got = setlocale(LC_NUMERIC, names[i]);
    if (!got) { printf("note: no comma-decimal locale installed; locale check skipped\n"); return; }
    dm_arch a, b;
    dm_error err = {0};
    char *j = NULL;
    CHECK(dm_zoo_arch("mobilenet_v2", &a, &err) == DM_OK);
    a.sb[2].expand = 4.5;
    CHECK(dm_arch_to_json(&a, &j, &err) == DM_OK);
    CHECK(j && strstr(j, "\"expand\": 4.5,") != NULL);
    CHECK(j && dm_arch_from_json(j, strlen(j), &b, &err) == DM_OK && b.sb[2].expand == 4.5);
    dm_free(j);
    setlocale(LC_NUMERIC, "C");
}

/* ---- metrics ------------------------------------------------------------ */

static double num(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void test_metrics_json(void) {
    dm_arch a;
    dm_error err = {0};
    dm_net *net = NULL;
    dm_metrics m;
    CHECK(dm_zoo_arch("resnet50", &a, &err) == DM_OK);
    CHECK(dm_net_create(&a, &net, &err) == DM_OK);
    if (!net) return;
    CHECK(dm_net_metrics(net, NULL, &m, &err) == DM_OK);
    dm_net_free(net);
    char *j = NULL;
    CHECK(dm_metrics_to_json(&m, &j, &err) == DM_OK);
    cJSON *o = j ? cJSON_Parse(j) : NULL;
    CHECK(o != NULL);
    if (!o) { dm_free(j); return; }
    CHECK(num(o, "params") == 25557032.0);   /* torchvision's count, SPEC.md */
    CHECK(num(o, "macs") == (double)m.macs);
    CHECK(num(o, "peak_activation") == (double)m.peak_activation);
    CHECK(num(o, "layers") == m.layers);
    CHECK(num(o, "rho") == m.rho);
    CHECK(num(o, "entropy") == m.entropy);
    CHECK(num(o, "depth_penalty") == m.depth_penalty);
    CHECK(num(o, "objective") == m.objective);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "stages");
    CHECK(cJSON_GetArraySize(st) == m.n_stages);
    for (int i = 0; i < m.n_stages && i < cJSON_GetArraySize(st); i++) {
        const cJSON *s = cJSON_GetArrayItem(st, i);
        CHECK(num(s, "resolution") == m.stage[i].resolution);
        CHECK(num(s, "channels") == m.stage[i].channels);
        CHECK(num(s, "layers") == m.stage[i].layers);
        CHECK(num(s, "log_width_sum") == m.stage[i].log_width_sum);
        CHECK(num(s, "rho") == m.stage[i].rho);
        CHECK(num(s, "alpha") == m.stage[i].alpha);
        CHECK(num(s, "entropy") == m.stage[i].entropy);
    }
    cJSON_Delete(o);
    dm_free(j);
    m.stage[1].rho = NAN;
    j = (char *)1;
    CHECK(dm_metrics_to_json(&m, &j, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "stages[1].rho") != NULL);
    CHECK(j == NULL);
}

/* ---- dm_arch_load --------------------------------------------------------- */

static void test_load(void) {
    dm_arch a, z;
    dm_error err = {0};
    char path[1024];
    const char *dir = getenv("DM_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/examples/resnet18.json", dir ? dir : ".");
    CHECK(dm_arch_load(path, &a, &err) == DM_OK);
    CHECK(dm_zoo_arch("resnet18", &z, &err) == DM_OK && arch_equal(&a, &z));
    CHECK(dm_arch_load("/nonexistent/deepmad.json", &a, &err) == DM_ERR_IO);
    CHECK(strstr(err.msg, "No such file") != NULL);
    CHECK(dm_arch_load("/", &a, &err) == DM_ERR_IO);
    /* One byte past the limit is refused before parsing. */
    snprintf(path, sizeof path, "/tmp/deepmad-test-json-%ld.json", (long)getpid());
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    for (long i = 0; i <= DM_MAX_FILE_BYTES; i++) fputc(' ', f);
    fclose(f);
    CHECK(dm_arch_load(path, &a, &err) == DM_ERR_RANGE);
    /* Parse errors name the file. */
    f = fopen(path, "wb");
    fputs("{\"format\": \"deepmad-arch\",\n  oops}", f);
    fclose(f);
    CHECK(dm_arch_load(path, &a, &err) == DM_ERR_PARSE);
    CHECK(strstr(err.msg, path) == err.msg && strstr(err.msg, "line 2") != NULL);
    unlink(path);
}

/* ---- the block style ("style", docs/arch-json.md, docs/styles.md) ------- */

/* examples/deepmad-29m-224.json, written by hand from the reference file
   data/tinynas/deepmad-29M-224.txt (SPEC section 8: ResK1DWSEK1 blocks,
   SiLU, ReLU stem and head, 224 px, 1000 classes), reads as that file
   reads, counts SPEC's 28,669,956 params, and is the writer's layout. */
static void test_example_paper(void) {
    size_t len, tlen;
    char *text = dm_t_slurp("examples/deepmad-29m-224.json", &len);
    char *ref = dm_t_slurp("data/tinynas/deepmad-29M-224.txt", &tlen);
    CHECK(text && ref);
    if (text && ref) {
        dm_arch a, t;
        dm_error err = {0};
        CHECK(dm_arch_from_json(text, len, &a, &err) == DM_OK);
        CHECK(dm_arch_from_tinynas(ref, tlen, &t, &err) == DM_OK);
        CHECK(a.style == DM_STYLE_PAPER && t.style == DM_STYLE_PAPER);
        CHECK(arch_equal(&a, &t));
        static const int32_t btn[5] = {240, 512, 800, 1208, 1872};
        CHECK_EQ_I64(a.n_superblocks, 5);
        for (int i = 0; i < a.n_superblocks && i < 5; i++)
            CHECK(a.sb[i].se == 1 && a.sb[i].act == DM_ACT_SILU && a.sb[i].inner == btn[i]);
        dm_net *net = NULL;
        dm_metrics m;
        CHECK(dm_net_create(&a, &net, &err) == DM_OK && dm_net_metrics(net, NULL, &m, &err) == DM_OK);
        if (net) CHECK_EQ_I64(m.params, 28669956);
        dm_net_free(net);
        char *json = NULL;
        CHECK(dm_arch_to_json(&a, &json, &err) == DM_OK);
        CHECK(json && strcmp(json, text) == 0);
        if (json && strcmp(json, text) != 0) printf("writer gave:\n%s", json);
        dm_free(json);
    }
    free(text);
    free(ref);
}

/* BASE in the paper style: the bottleneck without "shortcut". */
static char *paper_base(void) {
    char *t = replace(BASE, "\"version\": 1,", "\"version\": 1, \"style\": \"paper\",");
    char *u = t ? replace(t, ", \"shortcut\": \"avgpool-conv\"", "") : NULL;
    free(t);
    return u;
}

/* "style" is read, written (third line of the writer's layout), and read
   back; an explicit "torchvision" is the default and is not written. */
static void test_style_round_trip(void) {
    char *text = paper_base();
    dm_arch a, b;
    dm_error err = {0};
    char *j1 = NULL, *j2 = NULL;
    CHECK(text && parse_str(text, &a, &err) == DM_OK);
    if (err.msg[0]) printf("  %s\n", err.msg);
    CHECK(a.style == DM_STYLE_PAPER);
    CHECK(dm_arch_to_json(&a, &j1, &err) == DM_OK);
    static const char head[] = "{\n  \"format\": \"deepmad-arch\",\n  \"version\": 1,\n"
                               "  \"style\": \"paper\",\n  \"input\"";
    CHECK(j1 && strncmp(j1, head, sizeof head - 1) == 0);
    CHECK(j1 && strstr(j1, "shortcut") == NULL); /* the paper style fixes it */
    CHECK(j1 && parse_str(j1, &b, &err) == DM_OK);
    CHECK(b.style == DM_STYLE_PAPER && arch_equal(&a, &b));
    CHECK(dm_arch_to_json(&b, &j2, &err) == DM_OK);
    CHECK(j1 && j2 && strcmp(j1, j2) == 0);
    dm_free(j1);
    dm_free(j2);
    free(text);
    /* "style": "torchvision" reads as the default and writes as no key. */
    text = replace(BASE, "\"version\": 1,", "\"version\": 1, \"style\": \"torchvision\",");
    j1 = NULL;
    CHECK(text && parse_str(text, &a, &err) == DM_OK && a.style == DM_STYLE_TORCHVISION);
    CHECK(dm_arch_to_json(&a, &j1, &err) == DM_OK);
    CHECK(j1 && strstr(j1, "style") == NULL && strstr(j1, "\"shortcut\": \"avgpool-conv\""));
    dm_free(j1);
    free(text);
}

/* A torchvision file without "style" (the writer's own layout) is written
   back byte for byte: the new key changed nothing for older files. */
static void test_no_style_unchanged(void) {
    static const char *const files[] = {"examples/resnet18.json"};
    for (int i = 0; i < COUNTOF(files); i++) {
        size_t len;
        char *text = dm_t_slurp(files[i], &len), *json = NULL;
        dm_arch a;
        dm_error err = {0};
        CHECK(text && strstr(text, "style") == NULL);
        CHECK(text && dm_arch_from_json(text, len, &a, &err) == DM_OK);
        CHECK(a.style == DM_STYLE_TORCHVISION);
        CHECK(dm_arch_to_json(&a, &json, &err) == DM_OK);
        CHECK(text && json && strcmp(text, json) == 0);
        dm_free(json);
        free(text);
    }
    /* Every torchvision net of the zoo writes no "style" either. */
    for (int32_t i = 0; i < dm_zoo_count(); i++) {
        dm_arch a;
        dm_error err = {0};
        char *json = NULL;
        CHECK(dm_zoo_arch(dm_zoo_name(i), &a, &err) == DM_OK);
        CHECK(dm_arch_to_json(&a, &json, &err) == DM_OK);
        int paper = strncmp(dm_zoo_name(i), "deepmad-", 8) == 0;
        CHECK(json && (strstr(json, "\"style\": \"paper\"") != NULL) == paper);
        CHECK(json && (strstr(json, "style") != NULL) == paper);
        dm_free(json);
    }
}

/* What the paper style refuses, and the messages that say why. */
static void test_style_refusals(void) {
    static const struct {
        const char *find, *repl;
        dm_status want;
        const char *needle;
    } t[] = {
        {"\"style\": \"paper\"", "\"style\": \"pytorch\"", DM_ERR_INVALID,
         "style: unknown block style 'pytorch' (expected one of: torchvision, paper)"},
        {"\"style\": \"paper\"", "\"style\": \"Paper\"", DM_ERR_INVALID, "unknown block style 'Paper'"},
        {"\"style\": \"paper\"", "\"style\": 1", DM_ERR_PARSE, "style: expected a string"},
        {"\"inner\": 16,", "\"inner\": 16, \"shortcut\": \"avgpool-conv\",", DM_ERR_PARSE,
         "superblocks[0]: \"shortcut\" does not apply to paper-style blocks"},
        {"\"inner\": 16,", "\"inner\": 16, \"shortcut\": \"conv\",", DM_ERR_PARSE,
         "\"shortcut\" does not apply to paper-style blocks"},
        {"\"se\": true", "\"se\": false", DM_ERR_INVALID,
         "superblock 2: the paper style's mbconv block (ResK1DWSEK1) always has SE"},
        {"\"se\": true, ", "", DM_ERR_INVALID, "superblock 2: the paper style's mbconv block"},
        {"\"block\": \"bottleneck\"", "\"block\": \"basic\"", DM_ERR_INVALID,
         "superblock 1: the paper style has no basic block"},
        {"\"kernel\": 5, \"stride\": 2", "\"kernel\": 5, \"stride\": 4", DM_ERR_INVALID,
         "superblock 2: stride 4; the paper style allows strides 1 and 2"},
    };
    char *base = paper_base();
    CHECK(base != NULL);
    for (int i = 0; base && i < COUNTOF(t); i++) {
        char *text = replace(base, t[i].find, t[i].repl);
        dm_arch a;
        dm_error err = {0};
        dm_status s = text ? parse_str(text, &a, &err) : DM_OK;
        int ok = s == t[i].want && err.code == t[i].want && strstr(err.msg, t[i].needle);
        if (!ok) printf("style case %d: status %d (want %d), '%s'\n", i, (int)s, (int)t[i].want, err.msg);
        CHECK(ok);
        free(text);
    }
    /* The same descriptions in the torchvision style are fine. */
    for (int i = 3; base && i < COUNTOF(t); i++) {
        char *p = replace(base, "\"style\": \"paper\"", "\"style\": \"torchvision\"");
        char *text = p ? replace(p, t[i].find, t[i].repl) : NULL;
        dm_arch a;
        dm_error err = {0};
        CHECK(text && parse_str(text, &a, &err) == DM_OK);
        if (err.msg[0]) printf("torchvision case %d: %s\n", i, err.msg);
        free(p);
        free(text);
    }
    free(base);
    /* An arch built in code is refused by dm_arch_validate the same way. */
    dm_arch a;
    dm_error err = {0};
    CHECK(dm_zoo_arch("resnet18", &a, &err) == DM_OK);
    a.style = DM_STYLE_PAPER;
    CHECK(dm_arch_validate(&a, &err) == DM_ERR_INVALID && strstr(err.msg, "no basic block"));
    a.style = (dm_style)7;
    CHECK(dm_arch_validate(&a, &err) == DM_ERR_INVALID && strstr(err.msg, "unknown block style"));
}

int main(void) {
    test_example_resnet18();
    test_base_values();
    test_bad_inputs();
    test_too_many_superblocks();
    test_round_trip_zoo();
    test_expand_printing();
    test_writer_refuses();
    test_locale();
    test_metrics_json();
    test_load();
    test_example_paper();
    test_style_round_trip();
    test_no_style_unchanged();
    test_style_refusals();
    return TEST_REPORT();
}
