/*
** test_design_record.c -- provenance: the "problem" object of the
** architecture JSON (dm_design_record, docs/arch-json.md) and the ONNX
** exporters' handling of it.  Truth: a record written out by hand here,
** compared with the writer's line byte for byte; literal JSON texts with
** one defect each and the message each must give; the problem's own
** fields (set here) against dm_design_record_of.  The ONNX metadata itself
** is read back with the onnx package in tests/py/test_onnx_metadata.py.
*/
#define _POSIX_C_SOURCE 200809L   /* strdup */
#include "harness.h"
#include "deepmad.h"
#include <locale.h>

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

static int has_bytes(const uint8_t *p, size_t n, const char *s) {
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(p + i, s, k)) return 1;
    return 0;
}

/* A hand-made record and the line the schema says it is written as. */
static dm_design_record hand_record(void) {
    dm_design_record r;
    memset(&r, 0, sizeof r);
    r.present = 1;
    r.family = DM_BLOCK_MBCONV;
    r.se = 1;
    r.space = DM_SPACE_PAPER;
    r.input_size = 224;
    r.classes = 1000;
    r.rho0 = 0.5;
    r.max_macs = 390000000;
    r.max_params = 5300000;
    r.max_latency_ms = 12.5;
    r.objective = 1234.5;
    r.bound = 1300.25;
    r.gap = 65.75;
    r.optimal = 0;
    return r;
}
static const char HAND_LINE[] =
    "  \"problem\": {\"family\": \"mbconv\", \"se\": true, \"space\": \"paper\", \"input_size\": 224, "
    "\"classes\": 1000, \"rho0\": 0.5, \"budgets\": {\"max_macs\": 390000000, \"max_params\": "
    "5300000, \"max_latency_ms\": 12.5}, \"objective\": 1234.5, \"bound\": 1300.25, \"gap\": "
    "65.75, \"status\": \"gap\"}\n}\n";

static int record_equal(const dm_design_record *a, const dm_design_record *b) {
    return a->present == b->present && a->family == b->family && a->se == b->se &&
           a->space == b->space && a->input_size == b->input_size && a->classes == b->classes &&
           a->rho0 == b->rho0 && a->max_macs == b->max_macs && a->max_params == b->max_params &&
           a->max_layers == b->max_layers && a->max_peak_activation == b->max_peak_activation &&
           a->max_latency_ms == b->max_latency_ms && a->objective == b->objective &&
           a->bound == b->bound && a->gap == b->gap && a->optimal == b->optimal;
}

/* ---- writing and reading back ------------------------------------------- */

static void test_round_trip(void) {
    dm_arch a;
    dm_error err = {0};
    char *plain = NULL, *with = NULL, *again = NULL, *none = NULL;
    dm_design_record r = hand_record(), back, absent = {0};
    CHECK(dm_zoo_arch("efficientnet_b0", &a, &err) == DM_OK);
    CHECK(dm_arch_to_json(&a, &plain, &err) == DM_OK);
    CHECK(dm_arch_to_json_record(&a, &r, &with, &err) == DM_OK);
    CHECK(dm_arch_to_json_record(&a, &absent, &none, &err) == DM_OK);
    /* A record changes nothing but the end: ",\n" and the line above. */
    size_t n = strlen(plain) - 3; /* up to the classes value, before "\n}\n" */
    CHECK(with && plain && strncmp(with, plain, n) == 0);
    CHECK(with && strncmp(with + n, ",\n", 2) == 0 && strcmp(with + n + 2, HAND_LINE) == 0);
    if (with && strcmp(with + n + 2, HAND_LINE)) printf("got:  %s\nwant: %s", with + n + 2, HAND_LINE);
    CHECK(none && plain && strcmp(none, plain) == 0); /* present 0: the old bytes */
    /* Read back: the same record, then the same bytes. */
    dm_arch b;
    CHECK(with && dm_arch_from_json_record(with, strlen(with), &b, &back, &err) == DM_OK);
    CHECK(record_equal(&back, &r));
    CHECK(dm_arch_to_json_record(&b, &back, &again, &err) == DM_OK);
    CHECK(again && with && strcmp(again, with) == 0);
    /* An old file: no record, present 0; NULL record pointer is fine too. */
    back.present = 7;
    CHECK(dm_arch_from_json_record(plain, strlen(plain), &b, &back, &err) == DM_OK);
    CHECK_EQ_I64(back.present, 0);
    CHECK(dm_arch_from_json(with, strlen(with), &b, &err) == DM_OK);
    /* The model entry carries it. */
    dm_model m;
    CHECK(dm_model_from_text(with, strlen(with), &m, &err) == DM_OK);
    CHECK(m.kind == DM_MODEL_CNN && record_equal(&m.design, &r));
    CHECK(dm_model_from_text(plain, strlen(plain), &m, &err) == DM_OK && m.design.present == 0);
    dm_free(plain), dm_free(with), dm_free(again), dm_free(none);
}

/* Awkward doubles round-trip exactly, and a custom space reads back -1. */
static void test_round_trip_values(void) {
    dm_arch a, b;
    dm_error err = {0};
    dm_design_record r = hand_record(), back;
    r.space = -1, r.rho0 = 1.0 / 3, r.objective = -0.1, r.gap = 0, r.optimal = 1;
    r.max_layers = 50, r.max_peak_activation = 4000000000LL, r.max_macs = 0;
    char *j = NULL;
    CHECK(dm_zoo_arch("resnet18", &a, &err) == DM_OK);
    CHECK(dm_arch_to_json_record(&a, &r, &j, &err) == DM_OK);
    CHECK(j && strstr(j, "\"space\": \"custom\"") && strstr(j, "\"status\": \"optimal\"") &&
          strstr(j, "\"budgets\": {\"max_params\": 5300000, \"max_layers\": 50, "
                    "\"max_peak_activation\": 4000000000, \"max_latency_ms\": 12.5}"));
    CHECK(j && dm_arch_from_json_record(j, strlen(j), &b, &back, &err) == DM_OK);
    CHECK(record_equal(&back, &r));
    dm_free(j);
}

/* ---- the record of a solved problem ------------------------------------- */

static void test_record_of(void) {
    dm_problem p;
    dm_solution *s = calloc(1, sizeof *s);
    dm_error err = {0};
    dm_design_record r;
    dm_problem_default(&p, DM_BLOCK_BOTTLENECK);
    p.input_size = 32, p.classes = 10, p.n_superblocks = 2;
    p.stride[0] = p.stride[1] = 2;
    p.max_channels = 24, p.rho0 = 1.0, p.max_macs = 400000, p.max_layers = 40;
    p.depth_max[0] = p.depth_max[1] = 2;
    CHECK(dm_solve(&p, s, &err) == DM_OK);
    CHECK(dm_design_record_of(&p, s, &r, &err) == DM_OK);
    CHECK(r.present == 1 && r.family == DM_BLOCK_BOTTLENECK && r.se == 0);
    CHECK_EQ_I64(r.space, -1);   /* max_channels 24 is no named space's */
    CHECK(r.input_size == 32 && r.classes == 10 && r.rho0 == 1.0);
    CHECK(r.max_macs == 400000 && r.max_params == 0 && r.max_layers == 40);
    CHECK(r.objective == s->objective && r.bound == s->bound && r.gap == s->gap);
    CHECK(r.optimal == (s->stop == DM_STOP_OPTIMAL));
    /* The spaces are recognised (budgets and layout are not domains), and
       an option moved off them is custom. */
    dm_problem q;
    dm_problem_default(&q, DM_BLOCK_BOTTLENECK);
    q.max_macs = 5, q.input_size = 64, q.n_superblocks = 3;
    CHECK(dm_design_record_of(&q, s, &r, &err) == DM_OK && r.space == DM_SPACE_OPEN);
    CHECK(dm_problem_set_space(&q, DM_SPACE_PAPER, &err) == DM_OK);
    CHECK(dm_design_record_of(&q, s, &r, &err) == DM_OK && r.space == DM_SPACE_PAPER);
    q.kernels[1] = 7;
    CHECK(dm_design_record_of(&q, s, &r, &err) == DM_OK && r.space == -1);
    /* dm_solution_arch_to_json = the arch with that record. */
    char *a = NULL, *b = NULL;
    CHECK(dm_solution_arch_to_json(&p, s, &a, &err) == DM_OK);
    CHECK(dm_design_record_of(&p, s, &r, &err) == DM_OK);
    CHECK(dm_arch_to_json_record(&s->arch, &r, &b, &err) == DM_OK);
    CHECK(a && b && strcmp(a, b) == 0);
    dm_free(a), dm_free(b);
    /* ... and design --json's architecture is that text. */
    char *res = NULL;
    CHECK(dm_solution_arch_to_json(&p, s, &a, &err) == DM_OK);
    CHECK(dm_solution_to_json(&p, s, -1, NULL, &res, &err) == DM_OK);
    CHECK(res && a && strstr(res, a) != NULL);
    dm_free(a), dm_free(res);
    /* No record of an infeasible problem. */
    s->stop = DM_STOP_INFEASIBLE;
    CHECK(dm_design_record_of(&p, s, &r, &err) == DM_ERR_INVALID);
    free(s);
}

/* ---- every way to be wrong ---------------------------------------------- */

static const char *BASE =
    "{\"format\": \"deepmad-arch\", \"version\": 1,\n"
    " \"input\": {\"channels\": 3, \"size\": 32},\n"
    " \"stem\": {\"out\": 16, \"kernel\": 3, \"stride\": 2, \"maxpool\": false, \"act\": \"relu\"},\n"
    " \"superblocks\": [{\"block\": \"basic\", \"out\": 16, \"depth\": 1, \"kernel\": 3, "
    "\"stride\": 2, \"inner\": 16, \"act\": \"relu\", \"shortcut\": \"conv\"}],\n"
    " \"head\": null, \"classes\": 10,\n"
    " \"problem\": {\"family\": \"basic\", \"se\": false, \"space\": \"open\", \"input_size\": 32, "
    "\"classes\": 10, \"rho0\": 0.3, \"budgets\": {\"max_macs\": 1000000}, \"objective\": 10, "
    "\"bound\": 11, \"gap\": 1, \"status\": \"gap\"}}\n";

typedef struct bad_case {
    const char *find, *repl;
    dm_status want;
    const char *needle;
} bad_case;

static const bad_case bad[] = {
    {"\"problem\": {", "\"problem\": 3, \"x\": {", DM_ERR_PARSE, "unknown key \"x\""},
    {"\"problem\": {\"family\"", "\"problem\": [{\"family\"", DM_ERR_PARSE, "syntax error"},
    {"\"classes\": 10,\n \"problem\": {", "\"classes\": 10,\n \"problem\": {\"x\": 1, ",
     DM_ERR_PARSE, "problem: unknown key \"x\""},
    {"\"family\": \"basic\", ", "", DM_ERR_PARSE, "problem: missing required key \"family\""},
    {"\"family\": \"basic\"", "\"family\": \"resnet\"", DM_ERR_INVALID, "problem.family: unknown block kind"},
    {"\"space\": \"open\"", "\"space\": \"wide\"", DM_ERR_INVALID, "problem.space: unknown search space"},
    {"\"se\": false", "\"se\": 0", DM_ERR_PARSE, "problem.se: expected true or false"},
    {"\"input_size\": 32", "\"input_size\": 0", DM_ERR_INVALID, "problem.input_size is 0"},
    {"\"classes\": 10, \"rho0\"", "\"classes\": -1, \"rho0\"", DM_ERR_INVALID, "problem.classes is -1"},
    {"\"rho0\": 0.3", "\"rho0\": 0", DM_ERR_INVALID, "problem.rho0 is 0"},
    {"\"rho0\": 0.3", "\"rho0\": \"0.3\"", DM_ERR_PARSE, "problem.rho0: expected a number"},
    {"\"max_macs\": 1000000", "\"max_macs\": -5", DM_ERR_INVALID, "problem.budgets.max_macs is -5"},
    {"\"max_macs\": 1000000", "\"max_macs\": 1.5", DM_ERR_INVALID, "problem.budgets.max_macs: 1.5 is not an integer"},
    {"\"max_macs\": 1000000", "\"max_macs\": 1e300", DM_ERR_RANGE, "problem.budgets.max_macs is 1e+300"},
    {"\"max_macs\": 1000000", "\"macs\": 1000000", DM_ERR_PARSE, "problem.budgets: unknown key \"macs\""},
    {"\"max_macs\": 1000000", "\"max_latency_ms\": -1", DM_ERR_INVALID, "problem.budgets.max_latency_ms is -1"},
    {"\"budgets\": {\"max_macs\": 1000000}", "\"budgets\": 5", DM_ERR_PARSE, "problem.budgets: expected an object"},
    {"\"budgets\": {\"max_macs\": 1000000}, ", "", DM_ERR_PARSE, "missing required key \"budgets\""},
    {"\"status\": \"gap\"", "\"status\": \"infeasible\"", DM_ERR_INVALID, "problem.status: 'infeasible' (expected optimal or gap)"},
    {"\"status\": \"gap\"", "\"status\": \"gap\", \"status\": \"gap\"", DM_ERR_PARSE, "problem: duplicate key \"status\""},
    {"\"objective\": 10", "\"objective\": null", DM_ERR_PARSE, "problem.objective: expected a number"},
    {"\"bound\": 11, ", "", DM_ERR_PARSE, "missing required key \"bound\""},
};

static void test_bad_inputs(void) {
    dm_arch a;
    dm_design_record r;
    dm_error err = {0};
    CHECK(dm_arch_from_json_record(BASE, strlen(BASE), &a, &r, &err) == DM_OK);
    if (err.msg[0]) printf("base: %s\n", err.msg);
    CHECK(r.present && r.max_macs == 1000000 && r.rho0 == 0.3);
    for (int i = 0; i < COUNTOF(bad); i++) {
        const bad_case *c = &bad[i];
        char *text = replace(BASE, c->find, c->repl);
        if (!text) { CHECK(0); continue; }
        memset(&err, 0, sizeof err);
        dm_status s = dm_arch_from_json_record(text, strlen(text), &a, &r, &err);
        int ok = s == c->want && err.code == c->want && strstr(err.msg, c->needle) != NULL;
        if (!ok) printf("case %d: status %d (want %d), message '%s' (want '%s')\n", i, (int)s,
                        (int)c->want, err.msg, c->needle);
        CHECK(ok);
        /* The plain reader and the model entry refuse it the same way. */
        CHECK(dm_arch_from_json(text, strlen(text), &a, &err) == c->want);
        free(text);
    }
}

/* ---- writers refuse what the reader would ------------------------------- */

static void test_writers_refuse(void) {
    dm_arch a;
    dm_error err = {0};
    char *j = NULL;
    CHECK(dm_zoo_arch("resnet18", &a, &err) == DM_OK);
    dm_design_record r = hand_record();
    r.rho0 = 0;
    CHECK(dm_arch_to_json_record(&a, &r, &j, &err) == DM_ERR_INVALID && !j &&
          strstr(err.msg, "problem.rho0"));
    r = hand_record(), r.objective = NAN;
    CHECK(dm_arch_to_json_record(&a, &r, &j, &err) == DM_ERR_INVALID && strstr(err.msg, "objective"));
    r = hand_record(), r.space = 5;
    CHECK(dm_design_record_check(&r, &err) == DM_ERR_INVALID && strstr(err.msg, "problem.space"));
    r = hand_record(), r.max_params = -1;
    CHECK(dm_design_record_check(&r, &err) == DM_ERR_INVALID && strstr(err.msg, "max_params"));
    r.present = 0; /* not a record: nothing to check */
    CHECK(dm_design_record_check(&r, &err) == DM_OK);
    /* The ONNX exporter refuses a bad record before any work. */
    dm_net *net = NULL;
    uint8_t *bytes = NULL;
    size_t len = 0;
    dm_onnx_options o;
    dm_onnx_options_default(&o);
    CHECK(o.design == NULL);
    r = hand_record(), r.gap = INFINITY;
    o.design = &r;
    a.input_size = 32;
    CHECK(dm_net_create(&a, &net, &err) == DM_OK);
    CHECK(dm_export_onnx(net, &o, &bytes, &len, &err) == DM_ERR_INVALID && !bytes &&
          strstr(err.msg, "problem.gap"));
    /* A good one is in the bytes (keys and values as strings). */
    r = hand_record();
    CHECK(dm_export_onnx(net, &o, &bytes, &len, &err) == DM_OK);
    CHECK(bytes && has_bytes(bytes, len, "problem.max_latency_ms") && has_bytes(bytes, len, "12.5") &&
          has_bytes(bytes, len, "design.status") && has_bytes(bytes, len, "untrained"));
    dm_free(bytes);
    o.design = NULL;
    CHECK(dm_export_onnx(net, &o, &bytes, &len, &err) == DM_OK);
    CHECK(bytes && !has_bytes(bytes, len, "problem.") && has_bytes(bytes, len, "PLACEHOLDERS"));
    dm_free(bytes);
    dm_net_free(net);
}

/* ---- the sentence ------------------------------------------------------ */

static void test_note(void) {
    dm_design_record r = hand_record(), none = {0};
    dm_error err = {0};
    char *t = NULL;
    CHECK(dm_design_record_note(&r, &t, &err) == DM_OK);
    const char *want = "Designed by deepmad design (mbconv + SE, paper space, 224 px, 1000 classes) "
                       "under rho <= 0.5, MACs <= 390000000, params <= 5300000, predicted latency "
                       "<= 12.5 ms: objective 1234.5, bound 1300.25, gap 65.75 (not proven optimal).";
    CHECK(t && strcmp(t, want) == 0);
    if (t && strcmp(t, want)) printf("got:  %s\nwant: %s\n", t, want);
    dm_free(t);
    CHECK(dm_design_record_note(&none, &t, &err) == DM_OK && t && !*t);
    dm_free(t);
    r.rho0 = -1;
    CHECK(dm_design_record_note(&r, &t, &err) == DM_ERR_INVALID && !t);
}

/* ---- '.' whatever the locale -------------------------------------------- */

static void test_locale(void) {
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "ru_RU.UTF-8"};
    const char *got = NULL;
    for (int i = 0; i < COUNTOF(names) && !got; i++) got = setlocale(LC_NUMERIC, names[i]);
    if (!got) { printf("note: no comma-decimal locale installed; locale check skipped\n"); return; }
    dm_arch a;
    dm_error err = {0};
    dm_net *net = NULL;
    uint8_t *bytes = NULL;
    size_t len = 0;
    dm_design_record r = hand_record();
    dm_onnx_options o;
    dm_onnx_options_default(&o);
    o.design = &r;
    CHECK(dm_zoo_arch("resnet18", &a, &err) == DM_OK);
    a.input_size = 32;
    CHECK(dm_net_create(&a, &net, &err) == DM_OK);
    CHECK(dm_export_onnx(net, &o, &bytes, &len, &err) == DM_OK);
    CHECK(bytes && has_bytes(bytes, len, "1300.25") && !has_bytes(bytes, len, "1300,25"));
    dm_free(bytes);
    dm_net_free(net);
    setlocale(LC_NUMERIC, "C");
}

int main(void) {
    test_round_trip();
    test_round_trip_values();
    test_record_of();
    test_bad_inputs();
    test_writers_refuse();
    test_note();
    test_locale();
    return TEST_REPORT();
}
