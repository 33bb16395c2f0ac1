/*
** test_fault.c -- allocation fault injection over every public entry point
** (after SQLite's malloc tests and Redis's testhelp.h).
**
** Linked with the test variant of the library (tests/CMakeLists.txt: src/base
** compiled with DM_FAULT_INJECTION), where src/base/fault.h arms a countdown
** that fails the N-th allocation.  cJSON, whose hooks are process-global,
** is routed through the same allocator by this test (cJSON_InitHooks); the
** library never installs hooks itself.  protobuf-c needs nothing: the ONNX
** exporters pack into a buffer of ours, which does not allocate.
**
** For each case: one clean run counts its allocations (T) and must succeed;
** then for every N in 1..T the N-th allocation fails, once with only that
** one failing and once with every later one failing too (sticky).  Each
** run must end in a clean error: a status other than DM_OK, err.code equal
** to it and a message.  No leak (LeakSanitizer in the sanitizer build
** checks at exit) and no crash.  Statuses other than DM_ERR_NOMEM are
** counted and printed: an allocation failure reported as a parse error,
** say, is a clean error but a misleading one.  For the JSON readers
** (JSON_CASE) such a status fails the test.
**
** Adding an entry point: write a case function below that makes exactly
** one call of it (inputs come from the fixture, made before any fault is
** armed), frees what it returns on success, and add it to `cases`.
*/
#define _POSIX_C_SOURCE 200809L
#include "deepmad.h"
#include "fault.h"
#include "harness.h"
#include <cjson/cJSON.h>
#include <unistd.h>

#ifndef DM_FAULT_INJECTION
#error "test_fault.c needs the library variant built with DM_FAULT_INJECTION"
#endif

/* cJSON's allocations, counted and failed like the library's own. */
static void *cjson_malloc(size_t n) { return dmi_malloc(n); }
static void cjson_free(void *p) { dm_free(p); }

/* A small CNN with every block family, SE, a head and a classifier. */
static const char tiny_json[] =
    "{\"format\": \"deepmad-arch\", \"version\": 1, \"input\": {\"channels\": 3, \"size\": 32},\n"
    " \"stem\": {\"out\": 16, \"kernel\": 3, \"stride\": 2, \"maxpool\": true, \"act\": \"relu\"},\n"
    " \"superblocks\": [\n"
    "  {\"block\": \"basic\", \"out\": 16, \"depth\": 1, \"kernel\": 3, \"stride\": 1, \"inner\": 16,"
    " \"act\": \"relu\", \"shortcut\": \"conv\"},\n"
    "  {\"block\": \"bottleneck\", \"out\": 32, \"depth\": 2, \"kernel\": 3, \"stride\": 2, \"inner\": 16,"
    " \"act\": \"relu\", \"shortcut\": \"avgpool-conv\"},\n"
    "  {\"block\": \"mbconv\", \"out\": 48, \"depth\": 2, \"kernel\": 5, \"stride\": 2, \"expand\": 2,"
    " \"se\": true, \"act\": \"silu\"}],\n"
    " \"head\": {\"out\": 64, \"act\": \"relu6\"}, \"classes\": 10}\n";

static const char mlp_json[] =
    "{\"format\": \"deepmad-mlp\", \"version\": 1, \"in_features\": 64, \"hidden\": [32, 16],"
    " \"out_features\": 10, \"act\": \"silu\", \"bias\": true}";

/* Inputs of every case, made before any fault is armed. */
static struct fixture {
    dm_arch tiny, r18;          /* r18: deepmad-r18, which the reference format can express */
    dm_net *net;                /* tiny, built */
    dm_metrics metrics;         /* its metrics */
    char *r18_text;             /* deepmad-r18 in the reference format */
    dm_mlp mlp;
    dm_mlp_metrics mlp_metrics;
    dm_problem problem;         /* a tiny design problem */
    dm_problem certify;         /* the same with node_limit 1: the bound's own search runs */
    dm_solution solution;
    dm_mlp_problem mlp_problem;
    dm_mlp_solution mlp_solution;
    dm_latency_table lat;       /* the shapes of `problem` (dm_latency_shapes) and of `net` */
    char *lat_json;             /* lat as JSON */
    dm_problem lat_problem;     /* `problem` with lat and a latency budget */
    char dir[64];               /* a temp dir holding the files below */
    char arch_path[128], tinynas_path[128], mlp_path[128], out_path[128], lat_path[128];
} fx;

/* Add op to fx.lat unless it holds that shape (any positive time). */
static void lat_add(const dm_op *op) {
    for (int32_t i = 0; i < fx.lat.n_entries; i++) {
        dm_op a = fx.lat.entries[i].op, b = *op;
        a.stage = b.stage = -1;
        if (!memcmp(&a, &b, sizeof a)) return;
    }
    dm_latency_entry *e = &fx.lat.entries[fx.lat.n_entries++];
    *e = (dm_latency_entry){*op, 0.001 * (1 + fx.lat.n_entries % 7), 0.0001, 5};
    e->op.stage = -1;
}

/* fx.lat, fx.lat_json, fx.lat_problem. */
static dm_status lat_init(dm_error *err) {
    dm_op *shapes = NULL, *ops = NULL;
    int32_t n_shapes = 0, n_ops = 0;
    dm_status s = dm_latency_shapes(&fx.problem, &shapes, &n_shapes, err);
    if (!s) s = dm_net_ops(fx.net, &ops, &n_ops, err);
    dm_latency_table_init(&fx.lat);
    fx.lat.threads = fx.lat.batch = 1;
    fx.lat.entries = s ? NULL : calloc((size_t)(n_shapes + n_ops), sizeof *fx.lat.entries);
    for (int32_t i = 0; fx.lat.entries && i < n_shapes; i++) lat_add(&shapes[i]);
    for (int32_t i = 0; fx.lat.entries && i < n_ops; i++) lat_add(&ops[i]);
    dm_free(shapes);
    dm_free(ops);
    if (!s) s = dm_latency_table_to_json(&fx.lat, &fx.lat_json, err);
    fx.lat_problem = fx.problem;
    fx.lat_problem.latency_table = &fx.lat;
    fx.lat_problem.max_latency_ms = 1000;
    return s;
}

static int write_text(const char *path, const char *text) {
    return dm_write_file_atomic(path, text, strlen(text), NULL) == DM_OK;
}

static int fixture_init(void) {
    dm_error err = {0};
    snprintf(fx.dir, sizeof fx.dir, "/tmp/deepmad-fault-XXXXXX");
    if (!mkdtemp(fx.dir)) { printf("cannot make a temp dir\n"); return 0; }
    snprintf(fx.arch_path, sizeof fx.arch_path, "%s/tiny.json", fx.dir);
    snprintf(fx.tinynas_path, sizeof fx.tinynas_path, "%s/r18.txt", fx.dir);
    snprintf(fx.mlp_path, sizeof fx.mlp_path, "%s/mlp.json", fx.dir);
    snprintf(fx.out_path, sizeof fx.out_path, "%s/out.bin", fx.dir);
    snprintf(fx.lat_path, sizeof fx.lat_path, "%s/lat.json", fx.dir);
    dm_problem_default(&fx.problem, DM_BLOCK_BOTTLENECK);
    fx.problem.input_size = 32, fx.problem.classes = 10, fx.problem.n_superblocks = 2;
    fx.problem.stride[0] = fx.problem.stride[1] = 2;
    fx.problem.max_channels = 24, fx.problem.rho0 = 1.0;
    fx.problem.depth_max[0] = fx.problem.depth_max[1] = 2;
    fx.problem.max_macs = 400000;
    fx.certify = fx.problem;
    fx.certify.node_limit = 1, fx.certify.max_params = 30000, fx.certify.rho0 = 0.5;
    dm_mlp_problem_init(&fx.mlp_problem);
    fx.mlp_problem.in_features = 64, fx.mlp_problem.out_min = fx.mlp_problem.out_max = 10;
    fx.mlp_problem.max_params = 20000, fx.mlp_problem.max_layers = 6;
    dm_status s = dm_arch_from_json(tiny_json, sizeof tiny_json - 1, &fx.tiny, &err);
    if (!s) s = dm_net_create(&fx.tiny, &fx.net, &err);
    if (!s) s = dm_net_metrics(fx.net, NULL, &fx.metrics, &err);
    if (!s) s = dm_zoo_arch("deepmad-r18", &fx.r18, &err);
    if (!s) s = dm_arch_to_tinynas(&fx.r18, &fx.r18_text, &err);
    if (!s) s = dm_mlp_from_json(mlp_json, sizeof mlp_json - 1, &fx.mlp, &err);
    if (!s) s = dm_mlp_metrics_of(&fx.mlp, &fx.mlp_metrics, &err);
    if (!s) s = dm_solve(&fx.problem, &fx.solution, &err);
    if (!s) s = dm_mlp_solve(&fx.mlp_problem, &fx.mlp_solution, &err);
    if (!s) s = lat_init(&err);
    if (s) { printf("fixture: %s\n", err.msg); return 0; }
    return write_text(fx.arch_path, tiny_json) && write_text(fx.tinynas_path, fx.r18_text) &&
           write_text(fx.mlp_path, mlp_json) && write_text(fx.lat_path, fx.lat_json);
}

static void fixture_free(void) {
    dm_net_free(fx.net);
    dm_free(fx.r18_text);
    dm_free(fx.lat_json);
    free(fx.lat.entries);
    unlink(fx.arch_path), unlink(fx.tinynas_path), unlink(fx.mlp_path), unlink(fx.out_path);
    unlink(fx.lat_path);
    rmdir(fx.dir);
}

/* --- the cases: one entry-point call each --------------------------- */

/* Make `call`, then free what it returned in `out` on success only: on an
   error nothing is the caller's, so anything left allocated is a leak for
   LSan to see. */
#define RETURN_OWNED(call, out) do {                                        \
    dm_status s_ = (call);                                                   \
    if (s_ == DM_OK) dm_free(out);                                           \
    return s_;                                                               \
} while (0)

static dm_status c_net_create(dm_error *err) {
    dm_net *net = NULL;
    dm_status s = dm_net_create(&fx.tiny, &net, err);
    if (s == DM_OK) dm_net_free(net);
    return s;
}
static dm_status c_net_metrics(dm_error *err) {
    dm_metrics m;
    return dm_net_metrics(fx.net, NULL, &m, err);
}
static dm_status c_metrics_to_json(dm_error *err) {
    char *out = NULL;
    RETURN_OWNED(dm_metrics_to_json(&fx.metrics, &out, err), out);
}
static dm_status c_arch_validate(dm_error *err) { return dm_arch_validate(&fx.tiny, err); }
static dm_status c_arch_from_json(dm_error *err) {
    dm_arch a;
    return dm_arch_from_json(tiny_json, sizeof tiny_json - 1, &a, err);
}
static dm_status c_arch_to_json(dm_error *err) {
    char *out = NULL;
    RETURN_OWNED(dm_arch_to_json(&fx.tiny, &out, err), out);
}
static dm_status c_arch_from_tinynas(dm_error *err) {
    dm_arch a;
    return dm_arch_from_tinynas(fx.r18_text, strlen(fx.r18_text), &a, err);
}
static dm_status c_arch_to_tinynas(dm_error *err) {
    char *out = NULL;
    RETURN_OWNED(dm_arch_to_tinynas(&fx.r18, &out, err), out);
}
static dm_status c_arch_load_json(dm_error *err) {
    dm_arch a;
    return dm_arch_load(fx.arch_path, &a, err);
}
static dm_status c_arch_load_tinynas(dm_error *err) {
    dm_arch a;
    return dm_arch_load(fx.tinynas_path, &a, err);
}
static dm_status c_zoo_torchvision(dm_error *err) {
    dm_arch a;
    return dm_zoo_arch("efficientnet_b0", &a, err);
}
static dm_status c_zoo_published(dm_error *err) {
    dm_arch a;
    return dm_zoo_arch("deepmad-29m-288", &a, err);
}
static dm_status c_export_torch(dm_error *err) {
    char *out = NULL;
    dm_torch_options opt = {.class_name = "Tiny", .source = "test_fault", .notes = "notes"};
    RETURN_OWNED(dm_export_torch(fx.net, &fx.metrics, &opt, &out, err), out);
}
static dm_status c_export_onnx(dm_error *err) {
    uint8_t *out = NULL;
    size_t len = 0;
    RETURN_OWNED(dm_export_onnx(fx.net, NULL, &out, &len, err), out);
}
static dm_status c_export_onnx_no_weights(dm_error *err) {
    uint8_t *out = NULL;
    size_t len = 0;
    dm_onnx_options opt;
    dm_onnx_options_default(&opt);
    opt.with_weights = 0, opt.opset = DM_ONNX_OPSET_MAX;
    RETURN_OWNED(dm_export_onnx(fx.net, &opt, &out, &len, err), out);
}
static dm_status c_write_file_atomic(dm_error *err) {
    return dm_write_file_atomic(fx.out_path, "bytes\n", 6, err);
}
static dm_status c_write_files_atomic(dm_error *err) {
    const char *paths[1] = {fx.out_path};
    const void *datas[1] = {"more\n"};
    size_t lens[1] = {5};
    return dm_write_files_atomic(1, paths, datas, lens, err);
}
static dm_status c_write_check(dm_error *err) { return dm_write_check(fx.out_path, err); }
static dm_status c_torch_class_name_check(dm_error *err) {
    dm_status s = dm_torch_class_name_check(DM_MODEL_CNN, "Net", err);
    return s ? s : dm_torch_class_name_check(DM_MODEL_MLP, "ConvBNAct", err);
}
static dm_status c_problem_preset(dm_error *err) {
    dm_problem p;
    return dm_problem_preset("29m-288", &p, err);
}
static dm_status c_problem_validate(dm_error *err) { return dm_problem_validate(&fx.problem, err); }
static dm_status c_solve(dm_error *err) {
    dm_solution s;
    return dm_solve(&fx.problem, &s, err);
}
static dm_status c_solve_certificate(dm_error *err) {
    dm_solution s;
    return dm_solve(&fx.certify, &s, err);
}
static dm_status c_parse_count(dm_error *err) {
    int64_t v;
    return dm_parse_count("11.7M", &v, err);
}
static dm_status c_mlp_validate(dm_error *err) { return dm_mlp_validate(&fx.mlp, err); }
static dm_status c_mlp_metrics_of(dm_error *err) {
    dm_mlp_metrics m;
    return dm_mlp_metrics_of(&fx.mlp, &m, err);
}
static dm_status c_mlp_from_json(dm_error *err) {
    dm_mlp m;
    return dm_mlp_from_json(mlp_json, sizeof mlp_json - 1, &m, err);
}
static dm_status c_mlp_to_json(dm_error *err) {
    char *out = NULL;
    RETURN_OWNED(dm_mlp_to_json(&fx.mlp, &out, err), out);
}
static dm_status c_mlp_load(dm_error *err) {
    dm_mlp m;
    return dm_mlp_load(fx.mlp_path, &m, err);
}
static dm_status c_mlp_problem_validate(dm_error *err) {
    return dm_mlp_problem_validate(&fx.mlp_problem, err);
}
static dm_status c_mlp_solve(dm_error *err) {
    dm_mlp_solution s;
    return dm_mlp_solve(&fx.mlp_problem, &s, err);
}
static dm_status c_export_mlp_torch(dm_error *err) {
    char *out = NULL;
    RETURN_OWNED(dm_export_mlp_torch(&fx.mlp, NULL, &out, err), out);
}
static dm_status c_export_mlp_onnx(dm_error *err) {
    uint8_t *out = NULL;
    size_t len = 0;
    RETURN_OWNED(dm_export_mlp_onnx(&fx.mlp, NULL, &out, &len, err), out);
}
static dm_status c_model_from_text(dm_error *err) {
    dm_model m;
    dm_status s = dm_model_from_text(tiny_json, sizeof tiny_json - 1, &m, err);
    if (!s) s = dm_model_from_text(mlp_json, sizeof mlp_json - 1, &m, err);
    if (!s) s = dm_model_from_text(fx.r18_text, strlen(fx.r18_text), &m, err);
    return s;
}
static dm_status c_model_load(dm_error *err) {
    dm_model m;
    dm_status s = dm_model_load(fx.arch_path, &m, err);
    if (!s) s = dm_model_load(fx.mlp_path, &m, err);
    return s;
}
static dm_status c_solution_to_json(dm_error *err) {
    char *out = NULL;
    RETURN_OWNED(dm_solution_to_json(&fx.problem, &fx.solution, 0.25, NULL, &out, err), out);
}
static dm_status c_analysis_to_json(dm_error *err) {
    char *out = NULL;
    RETURN_OWNED(dm_analysis_to_json(fx.net, &fx.metrics, &out, err), out);
}
static dm_status c_design_to_json(dm_error *err) {
    char *out = NULL;
    RETURN_OWNED(dm_design_to_json(&fx.problem, &fx.solution, 0.25, &out, err), out);
}
static dm_status c_mlp_solution_to_json(dm_error *err) {
    char *out = NULL;
    RETURN_OWNED(dm_mlp_solution_to_json(&fx.mlp_problem, &fx.mlp_solution, 0.25, NULL, &out, err), out);
}
static dm_status c_mlp_metrics_to_json(dm_error *err) {
    char *out = NULL;
    RETURN_OWNED(dm_mlp_metrics_to_json(&fx.mlp_metrics, &out, err), out);
}
static dm_status c_net_ops(dm_error *err) {
    dm_op *ops = NULL;
    int32_t n;
    RETURN_OWNED(dm_net_ops(fx.net, &ops, &n, err), ops);
}
/* The engine's cases run once, untimed beyond one run: what is checked is
   that an allocation failure anywhere in building a plan is an error. */
static dm_run_options one_run(void) {
    dm_run_options o;
    dm_run_options_default(&o);
    o.warmup = 0;
    o.runs = 1;
    return o;
}
static dm_status c_op_measure(dm_error *err) {
    dm_op op = {DM_OP_CONV, 16, 16, 3, 1, 1, 8, 8, DM_ACT_RELU, 1, 0};
    dm_run_options o = one_run();
    dm_latency_entry e;
    return dm_op_measure(&op, &o, &e, err);
}
static dm_status c_net_measure(dm_error *err) {
    dm_run_options o = one_run();
    dm_measurement m;
    return dm_net_measure(fx.net, &o, &m, err);
}
static dm_status c_latency_profile(dm_error *err) {
    dm_op ops[2] = {{DM_OP_CONV, 16, 16, 3, 1, 1, 8, 8, DM_ACT_RELU, 0, 0},
                    {DM_OP_SE, 16, 8, 1, 1, 1, 8, 8, DM_ACT_SILU, 0, 0}};
    dm_run_options o = one_run();
    dm_latency_table t;
    memset(&t, 0, sizeof t);
    dm_status s = dm_latency_profile(ops, 2, &o, NULL, NULL, &t, err);
    dm_free(t.entries);   /* what was measured before a failure is the caller's too */
    return s;
}
static dm_status c_latency_shapes(dm_error *err) {
    dm_op *ops = NULL;
    int32_t n;
    RETURN_OWNED(dm_latency_shapes(&fx.problem, &ops, &n, err), ops);
}
static dm_status c_latency_table_from_json(dm_error *err) {
    dm_latency_table t;
    dm_status s = dm_latency_table_from_json(fx.lat_json, strlen(fx.lat_json), &t, err);
    if (!s) dm_latency_table_free(&t);
    return s;
}
static dm_status c_latency_table_to_json(dm_error *err) {
    char *out = NULL;
    RETURN_OWNED(dm_latency_table_to_json(&fx.lat, &out, err), out);
}
static dm_status c_latency_table_load(dm_error *err) {
    dm_latency_table t;
    dm_status s = dm_latency_table_load(fx.lat_path, &t, err);
    if (!s) dm_latency_table_free(&t);
    return s;
}
static dm_status c_latency_predict(dm_error *err) {
    dm_latency l;
    return dm_latency_predict(&fx.lat, fx.net, &l, err);
}
static dm_status c_solve_latency(dm_error *err) {
    dm_solution s;
    return dm_solve(&fx.lat_problem, &s, err);
}

typedef struct fault_case {
    const char *name;
    dm_status (*run)(dm_error *err);
    int nomem_only; /* every failed run must say DM_ERR_NOMEM */
} fault_case;

#define CASE(f) {#f, c_##f, 0}
/* The JSON readers: cJSON's NULL is told apart from a syntax error
   (src/io/json_scan.h), so lack of memory is never a "syntax error". */
#define JSON_CASE(f) {#f, c_##f, 1}

static const fault_case cases[] = {
    CASE(net_create), CASE(net_metrics), CASE(metrics_to_json),
    CASE(arch_validate), JSON_CASE(arch_from_json), CASE(arch_to_json),
    CASE(arch_from_tinynas), CASE(arch_to_tinynas), JSON_CASE(arch_load_json), CASE(arch_load_tinynas),
    CASE(zoo_torchvision), CASE(zoo_published),
    CASE(export_torch), CASE(export_onnx), CASE(export_onnx_no_weights), CASE(write_file_atomic),
    CASE(write_files_atomic), CASE(write_check), CASE(torch_class_name_check),
    CASE(problem_preset), CASE(problem_validate), CASE(solve), CASE(solve_certificate), CASE(parse_count),
    CASE(mlp_validate), CASE(mlp_metrics_of), JSON_CASE(mlp_from_json), CASE(mlp_to_json),
    JSON_CASE(mlp_load),
    CASE(mlp_problem_validate), CASE(mlp_solve), CASE(export_mlp_torch), CASE(export_mlp_onnx),
    JSON_CASE(model_from_text), JSON_CASE(model_load), CASE(solution_to_json),
    CASE(analysis_to_json), CASE(design_to_json),
    CASE(mlp_solution_to_json), CASE(mlp_metrics_to_json),
    CASE(net_ops), CASE(op_measure), CASE(net_measure), CASE(latency_profile),
    CASE(latency_shapes), JSON_CASE(latency_table_from_json), CASE(latency_table_to_json),
    JSON_CASE(latency_table_load), CASE(latency_predict), CASE(solve_latency),
};

/* Run one case with the n-th allocation failing (0: none); returns its
   status and fills *err, and how many allocations it tried and how many
   failed. */
static dm_status run_armed(const fault_case *c, long n, int sticky, dm_error *err, long *count,
                           long *failed) {
    *err = (dm_error){.code = DM_OK};
    dmi_fault_arm(n, sticky);
    dm_status s = c->run(err);
    *count = dmi_fault_count(), *failed = dmi_fault_failures();
    dmi_fault_arm(0, 0);
    return s;
}

static void drive(const fault_case *c) {
    dm_error err;
    long total, count, failed;
    dm_status s = run_armed(c, 0, 0, &err, &total, &failed);
    CHECK(s == DM_OK);
    if (s) { printf("  %s without faults: %s\n", c->name, err.msg); return; }
    long nomem = 0, other = 0;
    for (int sticky = 0; sticky < 2; sticky++)
        for (long n = 1; n <= total; n++) {
            s = run_armed(c, n, sticky, &err, &count, &failed);
            if (!failed) continue;   /* a path that allocates less: nothing failed */
            int clean = s != DM_OK && err.code == s && err.msg[0] != '\0';
            CHECK(clean);
            if (!clean) {
                printf("  %s: allocation %ld of %ld failed%s: status %s, message \"%s\"\n", c->name, n, total,
                       sticky ? " (and every later one)" : "", dm_status_str(s), err.msg);
                continue;
            }
            if (s == DM_ERR_NOMEM) nomem++;
            else CHECK(!c->nomem_only);
            if (s != DM_ERR_NOMEM && other++ == 0)
                printf("  %s: allocation %ld failed, reported as %s: \"%s\"\n", c->name, n,
                       dm_status_str(s), err.msg);
        }
    s = run_armed(c, total + 1, 1, &err, &count, &failed);   /* one past the last: nothing fails */
    CHECK(s == DM_OK && failed == 0 && count == total);
    printf("%-24s %5ld allocations; failed runs: %ld out of memory, %ld other\n", c->name, total, nomem, other);
}

int main(void) {
    cJSON_InitHooks(&(cJSON_Hooks){.malloc_fn = cjson_malloc, .free_fn = cjson_free});
    if (!fixture_init()) {
        CHECK(!"fixture");
        fixture_free();
        return TEST_REPORT();
    }
    for (int i = 0; i < COUNTOF(cases); i++) drive(&cases[i]);
    fixture_free();
    cJSON_InitHooks(NULL);
    return TEST_REPORT();
}
