/*
** _core.c -- deepmad._core, the CPython extension over libdeepmad that the
** package deepmad (python/deepmad/__init__.py) wraps.  It only converts:
** Python values in, the library's functions, the library's JSON or bytes
** out.  Every rule (validation, the JSON objects, the exporters) is the
** library's; a library error becomes deepmad.Error carrying its message.
**
** Functions (the package's docstrings are the user-facing documentation):
**   zoo() -> [str]; presets() -> [str]
**   analyze(model, kind, input_size, classes, style, alpha, beta, penalty,
**           penalty_skip) -> JSON str      (`deepmad analyze --json`)
**   design(preset, family, space, options: dict) -> JSON str
**                                          (`deepmad design --json`)
**   export(model, kind, format, class_name, note, source, seed, opset,
**          weights, input_size, classes) -> bytes  (`deepmad export`)
**   write_file(path, data)                 (dm_write_file_atomic)
** A model is (value, kind): kind "name" = a zoo name or else a file path
** (the CLI's rule: a zoo name wins), "path" = a file, "text" = the text of
** a description (JSON of either format or the reference format).
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "deepmad.h"
#include <stddef.h>
#include <string.h>
#include <time.h>

static PyObject *Error;       /* deepmad.Error (ValueError) */
static PyObject *Infeasible;  /* deepmad.Infeasible (Error) */

/* Raise `type` with the library's message, its status name as .status. */
static PyObject *raise_dm(PyObject *type, const dm_error *err) {
    PyObject *exc = PyObject_CallFunction(type, "s", err->msg[0] ? err->msg : "deepmad error");
    if (!exc) return NULL;
    PyObject *status = PyUnicode_FromString(dm_status_str(err->code));
    if (!status || PyObject_SetAttrString(exc, "status", status) < 0) {
        Py_XDECREF(status);
        Py_DECREF(exc);
        return NULL;
    }
    Py_DECREF(status);
    PyErr_SetObject(type, exc);
    Py_DECREF(exc);
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Models */

/* Load (value, kind) into *out; -1 with a Python exception on failure. */
static int load_model(const char *value, Py_ssize_t len, const char *kind, dm_model *out) {
    dm_error err = {0};
    dm_status s;
    memset(out, 0, sizeof *out);
    if (!strcmp(kind, "text")) {
        s = dm_model_from_text(value, (size_t)len, out, &err);
    } else if (!strcmp(kind, "name") || !strcmp(kind, "path")) {
        if ((Py_ssize_t)strlen(value) != len) {
            PyErr_SetString(PyExc_ValueError, "a model name or path cannot hold a NUL character");
            return -1;
        }
        int zoo = 0;
        for (int32_t i = 0; !strcmp(kind, "name") && i < dm_zoo_count(); i++)
            zoo |= !strcmp(dm_zoo_name(i), value);
        out->kind = DM_MODEL_CNN;
        s = zoo ? dm_zoo_arch(value, &out->arch, &err) : dm_model_load(value, out, &err);
    } else {
        PyErr_Format(PyExc_ValueError, "unknown model kind '%s'", kind);
        return -1;
    }
    if (s) {
        raise_dm(Error, &err);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Python values into C fields */

/* An int (not a bool) in [lo, hi]; -1 with an exception. */
static int get_long(const char *name, PyObject *v, long long lo, long long hi, long long *out) {
    if (!PyLong_Check(v) || PyBool_Check(v)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int, not %.100s", name, Py_TYPE(v)->tp_name);
        return -1;
    }
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (x == -1 && PyErr_Occurred()) return -1;
    if (overflow || x < lo || x > hi) {
        PyErr_Format(PyExc_ValueError, "%s must be in [%lld, %lld]", name, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

static int get_int32(const char *name, PyObject *v, int32_t *out) {
    long long x;
    if (get_long(name, v, INT32_MIN, INT32_MAX, &x)) return -1;
    *out = (int32_t)x;
    return 0;
}

/* A real number (int or float, not bool); the library checks its range. */
static int get_double(const char *name, PyObject *v, double *out) {
    if (PyBool_Check(v) || !(PyFloat_Check(v) || PyLong_Check(v))) {
        PyErr_Format(PyExc_TypeError, "%s must be a number, not %.100s", name, Py_TYPE(v)->tp_name);
        return -1;
    }
    double x = PyFloat_AsDouble(v);
    if (x == -1.0 && PyErr_Occurred()) return -1;
    *out = x;
    return 0;
}

/* A count: an int, or a str the library's dm_parse_count reads ("1.8G"). */
static int get_count(const char *name, PyObject *v, int64_t *out) {
    dm_error err = {0};
    if (PyUnicode_Check(v)) {
        const char *t = PyUnicode_AsUTF8(v);
        if (!t) return -1;
        if (dm_parse_count(t, out, &err)) {
            PyErr_Format(PyExc_ValueError, "%s: %s", name, err.msg);
            return -1;
        }
        return 0;
    }
    if (PyFloat_Check(v)) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", PyFloat_AsDouble(v));
        if (dm_parse_count(buf, out, &err)) {
            PyErr_Format(PyExc_ValueError, "%s: %s", name, err.msg);
            return -1;
        }
        return 0;
    }
    long long x;
    if (!PyLong_Check(v) || PyBool_Check(v)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int or a count like '1.8G', not %.100s",
                     name, Py_TYPE(v)->tp_name);
        return -1;
    }
    if (get_long(name, v, 0, INT64_MAX, &x)) return -1;
    *out = x;
    return 0;
}

static int get_bool(const char *name, PyObject *v, int32_t *out) {
    if (!PyBool_Check(v)) {
        PyErr_Format(PyExc_TypeError, "%s must be True or False, not %.100s", name,
                     Py_TYPE(v)->tp_name);
        return -1;
    }
    *out = v == Py_True;
    return 0;
}

static const char *get_str(const char *name, PyObject *v) {
    if (!PyUnicode_Check(v)) {
        PyErr_Format(PyExc_TypeError, "%s must be a str, not %.100s", name, Py_TYPE(v)->tp_name);
        return NULL;
    }
    return PyUnicode_AsUTF8(v);
}

/* A list or tuple of at most `max` numbers: ints into ints[] or reals into
   dbls[]; *n of them. */
static int get_list(const char *name, PyObject *v, int max, int32_t *ints, double *dbls,
                    int32_t *n) {
    if (!PyList_Check(v) && !PyTuple_Check(v)) {
        PyErr_Format(PyExc_TypeError, "%s must be a list or tuple of numbers, not %.100s", name,
                     Py_TYPE(v)->tp_name);
        return -1;
    }
    Py_ssize_t len = PySequence_Fast_GET_SIZE(v);
    if (len < 1 || len > max) {
        PyErr_Format(PyExc_ValueError, "%s takes 1 to %d values, got %zd", name, max, len);
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *x = PySequence_Fast_GET_ITEM(v, i);
        if (ints ? get_int32(name, x, &ints[i]) : get_double(name, x, &dbls[i])) return -1;
    }
    *n = (int32_t)len;
    return 0;
}

/* A (min, max) pair. */
static int get_pair(const char *name, PyObject *v, int32_t *ints, double *dbls) {
    int32_t n = 0;
    if (get_list(name, v, 2, ints, dbls, &n)) return -1;
    if (n != 2) {
        PyErr_Format(PyExc_ValueError, "%s needs (min, max)", name);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* analyze */

static PyObject *py_analyze(PyObject *self, PyObject *args) {
    (void)self;
    const char *value, *kind, *style = NULL, *penalty = NULL;
    Py_ssize_t len;
    int input_size, classes, penalty_skip;
    PyObject *alpha, *beta;
    if (!PyArg_ParseTuple(args, "s#siizOOzi", &value, &len, &kind, &input_size, &classes,
                          &style, &alpha, &beta, &penalty, &penalty_skip))
        return NULL;
    dm_error err = {0};
    dm_model *m = PyMem_Calloc(1, sizeof *m);
    if (!m) return PyErr_NoMemory();
    dm_score_params sp;
    dm_score_params_default(&sp);
    char *json = NULL;
    dm_net *net = NULL;
    PyObject *res = NULL;
    if (load_model(value, len, kind, m)) goto done;
    if (m->kind == DM_MODEL_MLP) {
        if (input_size >= 0 || classes >= 0 || style || alpha != Py_None || beta != Py_None ||
            penalty || penalty_skip >= 0) {
            PyErr_SetString(PyExc_ValueError, "an MLP takes no analyze options");
            goto done;
        }
        dm_mlp_metrics x;
        if (dm_mlp_metrics_of(&m->mlp, &x, &err) || dm_mlp_metrics_to_json(&x, &json, &err)) {
            raise_dm(Error, &err);
            goto done;
        }
        res = PyUnicode_FromString(json);
        goto done;
    }
    dm_arch *a = &m->arch;
    if (input_size >= 0) a->input_size = input_size;
    if (classes >= 0) a->classes = classes;
    if (style && dm_style_from_name(style, &a->style, &err)) goto fail;
    if (alpha != Py_None && get_list("alpha", alpha, DM_MAX_STAGES, NULL, sp.alpha, &sp.n_alpha))
        goto done;
    if (beta != Py_None && get_double("beta", beta, &sp.beta)) goto done;
    if (penalty && dm_penalty_from_name(penalty, &sp.penalty, &err)) goto fail;
    if (penalty_skip >= 0) sp.penalty_skip = penalty_skip;
    dm_metrics met;
    if (dm_net_create(a, &net, &err) || dm_net_metrics(net, &sp, &met, &err) ||
        dm_analysis_to_json(net, &met, &json, &err))
        goto fail;
    res = PyUnicode_FromString(json);
    goto done;
fail:
    raise_dm(Error, &err);
done:
    dm_free(json);
    dm_net_free(net);
    PyMem_Free(m);
    return res;
}

/* ---------------------------------------------------------------------- */
/* design */

typedef enum {
    O_INT, O_COUNT, O_DOUBLE, O_BOOL, O_NOT,    /* O_NOT: a bool stored negated */
    O_INTS, O_DOUBLES, O_INT_PAIR, O_DOUBLE_PAIR, O_DEPTH,
    O_ACT, O_STYLE, O_PENALTY, O_INNER_ROUND
} opt_kind;

/* The problem options design() takes: the CLI's flags with '_' for '-'
   (tools/cmd_design.c), each into its dm_problem field.  Ranges are
   dm_problem_validate's. */
typedef struct design_option {
    const char *name;
    opt_kind kind;
    size_t at, at2;   /* O_INTS/O_DOUBLES: count at at2; pairs: max at at2 */
    int max;          /* lists: most values */
} design_option;

#define AT(f) offsetof(dm_problem, f)
static const design_option design_options[] = {
    {"style", O_STYLE, AT(style), 0, 0},
    {"se", O_BOOL, AT(se), 0, 0},
    {"act", O_ACT, AT(act), 0, 0},
    {"macs", O_COUNT, AT(max_macs), 0, 0},
    {"params", O_COUNT, AT(max_params), 0, 0},
    {"rho", O_DOUBLE, AT(rho0), 0, 0},
    {"latency", O_DOUBLE, AT(max_latency_ms), 0, 0},
    {"input_size", O_INT, AT(input_size), 0, 0},
    {"in_channels", O_INT, AT(in_channels), 0, 0},
    {"classes", O_INT, AT(classes), 0, 0},
    {"stem_stride", O_INT, AT(stem_stride), 0, 0},
    {"stem_kernel", O_INT, AT(stem_kernel), 0, 0},
    {"strides", O_INTS, AT(stride), AT(n_superblocks), DM_MAX_SUPERBLOCKS},
    {"depth", O_DEPTH, AT(depth_min), AT(depth_max), 0},
    {"kernels", O_INTS, AT(kernels), AT(n_kernels), DM_PROBLEM_MAX_KERNELS},
    {"inner", O_DOUBLE_PAIR, AT(inner_min), AT(inner_max), 0},
    {"inner_round", O_INNER_ROUND, AT(inner_round), 0, 0},
    {"granularity", O_INT, AT(granularity), 0, 0},
    {"channels", O_INT_PAIR, AT(min_channels), AT(max_channels), 0},
    {"stem_channels", O_INT_PAIR, AT(stem_min), AT(stem_max), 0},
    {"head", O_BOOL, AT(head), 0, 0},
    {"head_max", O_INT, AT(head_max), 0, 0},
    {"head_ratio", O_DOUBLE_PAIR, AT(head_ratio_min), AT(head_ratio_max), 0},
    {"max_layers", O_INT, AT(max_layers), 0, 0},
    {"max_peak", O_COUNT, AT(max_peak_activation), 0, 0},
    {"alpha", O_DOUBLES, AT(score.alpha), AT(score.n_alpha), DM_MAX_STAGES},
    {"beta", O_DOUBLE, AT(score.beta), 0, 0},
    {"penalty", O_PENALTY, AT(score.penalty), 0, 0},
    {"penalty_skip", O_INT, AT(score.penalty_skip), 0, 0},
    {"no_multiscale", O_BOOL, AT(drop_multiscale), 0, 0},
    {"no_depth_penalty", O_BOOL, AT(drop_depth_penalty), 0, 0},
    {"no_monotone", O_BOOL, AT(drop_monotone), 0, 0},
    {"nodes", O_COUNT, AT(node_limit), 0, 0},
    {"effort", O_INT, AT(effort), 0, 0},
};
#undef AT
#define N_DESIGN_OPTIONS ((int)(sizeof design_options / sizeof design_options[0]))

#define FIELD(p, off, type) ((type *)(void *)((char *)(p) + (off)))

/* Set one option into *p; -1 with an exception. */
static int set_option(dm_problem *p, const design_option *o, PyObject *v) {
    dm_error err = {0};
    const char *t;
    int32_t two[2], n;
    double d2[2];
    switch (o->kind) {
    case O_INT: return get_int32(o->name, v, FIELD(p, o->at, int32_t));
    case O_COUNT: return get_count(o->name, v, FIELD(p, o->at, int64_t));
    case O_DOUBLE: return get_double(o->name, v, FIELD(p, o->at, double));
    case O_BOOL: return get_bool(o->name, v, FIELD(p, o->at, int32_t));
    case O_NOT:
        if (get_bool(o->name, v, &n)) return -1;
        *FIELD(p, o->at, int32_t) = !n;
        return 0;
    case O_INTS:
        return get_list(o->name, v, o->max, FIELD(p, o->at, int32_t), NULL, FIELD(p, o->at2, int32_t));
    case O_DOUBLES:
        return get_list(o->name, v, o->max, NULL, FIELD(p, o->at, double), FIELD(p, o->at2, int32_t));
    case O_INT_PAIR:
        if (get_pair(o->name, v, two, NULL)) return -1;
        *FIELD(p, o->at, int32_t) = two[0];
        *FIELD(p, o->at2, int32_t) = two[1];
        return 0;
    case O_DOUBLE_PAIR:
        if (get_pair(o->name, v, NULL, d2)) return -1;
        *FIELD(p, o->at, double) = d2[0];
        *FIELD(p, o->at2, double) = d2[1];
        return 0;
    case O_DEPTH:   /* (min, max) of every superblock, as --depth */
        if (get_pair(o->name, v, two, NULL)) return -1;
        for (int i = 0; i < DM_MAX_SUPERBLOCKS; i++) p->depth_min[i] = two[0], p->depth_max[i] = two[1];
        return 0;
    case O_INNER_ROUND:
        if (!(t = get_str(o->name, v))) return -1;
        if (strcmp(t, "up") && strcmp(t, "nearest")) {
            PyErr_Format(PyExc_ValueError, "inner_round must be 'up' or 'nearest', got '%s'", t);
            return -1;
        }
        p->inner_round = !strcmp(t, "nearest");
        return 0;
    case O_ACT:
    case O_STYLE:
    case O_PENALTY:
        if (!(t = get_str(o->name, v))) return -1;
        if ((o->kind == O_ACT && dm_act_from_name(t, FIELD(p, o->at, dm_act), &err)) ||
            (o->kind == O_STYLE && dm_style_from_name(t, FIELD(p, o->at, dm_style), &err)) ||
            (o->kind == O_PENALTY && dm_penalty_from_name(t, FIELD(p, o->at, dm_penalty), &err))) {
            PyErr_Format(PyExc_ValueError, "%s: %s", o->name, err.msg);
            return -1;
        }
        return 0;
    }
    PyErr_SetString(PyExc_SystemError, "deepmad._core: unknown option kind");
    return -1;
}

/* preset / family set the defaults every option edits, then space its
   domains (the CLI's order, tools/cmd_design.c). */
static int base_problem(const char *preset, const char *family, const char *space, dm_problem *p) {
    dm_error err = {0};
    if (preset && family) {
        PyErr_SetString(PyExc_ValueError, "give preset or family, not both");
        return -1;
    }
    if (preset) {
        if (dm_problem_preset(preset, p, &err)) goto fail;
    } else {
        dm_block_kind k = DM_BLOCK_BOTTLENECK;
        if (family && dm_block_kind_from_name(family, &k, &err)) goto fail;
        dm_problem_default(p, k);
    }
    dm_space sp;
    if (space && (dm_space_from_name(space, &sp, &err) || dm_problem_set_space(p, sp, &err)))
        goto fail;
    return 0;
fail:
    PyErr_SetString(PyExc_ValueError, err.msg);
    return -1;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* dm_solve_refined as `design --refine` runs it (dm_run_options_for_table). */
static dm_status solve_refined(const dm_problem *p, dm_latency_table *t, dm_solution *sol,
                               dm_refine_info *ri, dm_error *err) {
    dm_run_options o;
    dm_run_options_for_table(t, &o);
    return dm_solve_refined(p, t, &o, NULL, NULL, NULL, sol, ri, err);
}

static PyObject *py_design(PyObject *self, PyObject *args) {
    (void)self;
    const char *preset, *family, *space, *table_path = NULL;
    int32_t refine = 0;
    PyObject *opts, *key, *val;
    Py_ssize_t pos = 0;
    if (!PyArg_ParseTuple(args, "zzzO!", &preset, &family, &space, &PyDict_Type, &opts))
        return NULL;
    dm_error err = {0};
    dm_problem p;
    dm_latency_table table;
    dm_latency_table_init(&table);
    dm_solution *sol = NULL;
    char *json = NULL;
    PyObject *res = NULL;
    if (base_problem(preset, family, space, &p)) return NULL;
    while (PyDict_Next(opts, &pos, &key, &val)) {
        const char *name = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
        if (!name) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "option names must be str");
            return NULL;
        }
        if (!strcmp(name, "latency_table")) {
            if (!(table_path = get_str(name, val))) return NULL;
            continue;
        }
        if (!strcmp(name, "refine")) {
            if (get_bool(name, val, &refine)) return NULL;
            continue;
        }
        int i = 0;
        while (i < N_DESIGN_OPTIONS && strcmp(design_options[i].name, name)) i++;
        if (i == N_DESIGN_OPTIONS) {
            PyErr_Format(PyExc_TypeError, "design() got an unexpected keyword argument '%s' "
                         "(see help(deepmad.design))", name);
            return NULL;
        }
        if (set_option(&p, &design_options[i], val)) return NULL;
    }
    if (p.max_latency_ms > 0 && !table_path) {
        PyErr_SetString(PyExc_ValueError, "latency needs latency_table: a table of op times "
                        "measured on the target machine (docs/latency.md)");
        return NULL;
    }
    if (refine && !table_path) {
        PyErr_SetString(PyExc_ValueError, "refine needs latency_table: the table measured on "
                        "this machine that it adds the design's shapes to");
        return NULL;
    }
    if (table_path) {
        if (refine && dm_write_check(table_path, &err)) return raise_dm(Error, &err);
        if (dm_latency_table_load(table_path, &table, &err)) return raise_dm(Error, &err);
        p.latency_table = &table;
    }
    if (dm_problem_validate(&p, &err)) {
        PyErr_SetString(PyExc_ValueError, err.msg);
        goto done;
    }
    sol = PyMem_Calloc(1, sizeof *sol);
    if (!sol) {
        PyErr_NoMemory();
        goto done;
    }
    dm_status st;
    dm_refine_info ri = {0, 0, 0};
    int32_t before = table.n_entries;
    double t0 = now_seconds(), secs;
    Py_BEGIN_ALLOW_THREADS
    st = refine ? solve_refined(&p, &table, sol, &ri, &err) : dm_solve(&p, sol, &err);
    Py_END_ALLOW_THREADS
    secs = now_seconds() - t0;
    if (refine && table.n_entries > before) { /* what was measured is kept, also on failure */
        dm_error werr = {0};
        if (dm_latency_table_save(&table, table_path, &werr)) {
            raise_dm(Error, &werr);
            goto done;
        }
    }
    if (st && sol->stop == DM_STOP_INFEASIBLE) {
        /* The answer of an infeasible problem, as the exception's .result. */
        dm_error jerr = {0};
        if (dm_solution_to_json(&p, sol, -1, err.msg, &json, &jerr)) {
            raise_dm(Error, &jerr);
            goto done;
        }
        PyObject *exc = PyObject_CallFunction(Infeasible, "s", err.msg);
        PyObject *text = exc ? PyUnicode_FromString(json) : NULL;
        PyObject *status = text ? PyUnicode_FromString(dm_status_str(err.code)) : NULL;
        if (status && !PyObject_SetAttrString(exc, "result_json", text) &&
            !PyObject_SetAttrString(exc, "status", status))
            PyErr_SetObject(Infeasible, exc);
        Py_XDECREF(status);
        Py_XDECREF(text);
        Py_XDECREF(exc);
        goto done;
    }
    if (st || dm_design_to_json(&p, sol, secs, &json, &err)) {
        raise_dm(Error, &err);
        goto done;
    }
    res = refine ? Py_BuildValue("s(iii)", json, ri.solves, ri.measured, ri.estimated)
                 : Py_BuildValue("(sO)", json, Py_None);
done:
    dm_free(json);
    PyMem_Free(sol);
    dm_latency_table_free(&table);
    return res;
}

/* ---------------------------------------------------------------------- */
/* export */

static PyObject *py_export(PyObject *self, PyObject *args) {
    (void)self;
    const char *value, *kind, *format, *class_name, *note, *source;
    Py_ssize_t len;
    PyObject *seed_obj;
    int opset, weights, input_size, classes;
    if (!PyArg_ParseTuple(args, "s#sszzzOpiii", &value, &len, &kind, &format, &class_name,
                          &note, &source, &seed_obj, &weights, &opset, &input_size, &classes))
        return NULL;
    dm_error err = {0};
    dm_onnx_options onnx;
    dm_onnx_options_default(&onnx);
    onnx.with_weights = weights;
    if (opset >= 0) onnx.opset = opset;
    if (!PyLong_Check(seed_obj) || PyBool_Check(seed_obj)) {
        PyErr_SetString(PyExc_TypeError, "seed must be an int");
        return NULL;
    }
    onnx.seed = PyLong_AsUnsignedLongLong(seed_obj);
    if (PyErr_Occurred()) {
        PyErr_SetString(PyExc_ValueError, "seed must be in [0, 2**64 - 1]");
        return NULL;
    }
    int fmt = !strcmp(format, "torch") ? 0 : !strcmp(format, "onnx") ? 1
            : !strcmp(format, "json") ? 2 : !strcmp(format, "tinynas") ? 3 : -1;
    if (fmt < 0) {
        PyErr_Format(PyExc_ValueError, "unknown format '%s' (expected torch, onnx, json or tinynas)",
                     format);
        return NULL;
    }
    dm_model *m = PyMem_Calloc(1, sizeof *m);
    if (!m) return PyErr_NoMemory();
    dm_torch_options topt = {.class_name = class_name, .source = source, .notes = note};
    dm_net *net = NULL;
    void *data = NULL;
    char *text = NULL;
    size_t n = 0;
    dm_status s = DM_OK;
    PyObject *res = NULL;
    if (load_model(value, len, kind, m)) goto done;
    dm_model_kind mk = m->kind;
    if (class_name && dm_torch_class_name_check(mk, class_name, &err)) {
        PyErr_SetString(PyExc_ValueError, err.msg);
        goto done;
    }
    if (mk == DM_MODEL_MLP) {
        if (fmt == 3 || input_size >= 0 || classes >= 0 || note) {
            PyErr_SetString(PyExc_ValueError, fmt == 3 ? "an MLP exports as torch, onnx or json"
                                                       : "input_size, classes and note do not "
                                                         "apply to an MLP");
            goto done;
        }
        if (fmt == 1) s = dm_export_mlp_onnx(&m->mlp, &onnx, (uint8_t **)&data, &n, &err);
        else s = fmt == 0 ? dm_export_mlp_torch(&m->mlp, &topt, &text, &err)
                          : dm_mlp_to_json(&m->mlp, &text, &err);
    } else {
        if (input_size >= 0) m->arch.input_size = input_size;
        if (classes >= 0) m->arch.classes = classes;
        dm_metrics met;
        s = dm_net_create(&m->arch, &net, &err);
        if (!s && fmt == 1) s = dm_export_onnx(net, &onnx, (uint8_t **)&data, &n, &err);
        if (!s && fmt == 0) {
            s = dm_net_metrics(net, NULL, &met, &err);
            if (!s) s = dm_export_torch(net, &met, &topt, &text, &err);
        }
        if (!s && fmt == 2) s = dm_arch_to_json(dm_net_arch(net), &text, &err);
        if (!s && fmt == 3) s = dm_arch_to_tinynas(dm_net_arch(net), &text, &err);
    }
    if (s) {
        raise_dm(Error, &err);
        goto done;
    }
    if (text) data = text, n = strlen(text);
    res = PyBytes_FromStringAndSize(data, (Py_ssize_t)n);
done:
    dm_free(data);
    dm_net_free(net);
    PyMem_Free(m);
    return res;
}

/* write_file(path, data): dm_write_file_atomic (all or nothing). */
static PyObject *py_write_file(PyObject *self, PyObject *args) {
    (void)self;
    const char *path;
    Py_buffer data;
    if (!PyArg_ParseTuple(args, "sy*", &path, &data)) return NULL;
    dm_error err = {0};
    dm_status s;
    Py_BEGIN_ALLOW_THREADS
    s = dm_write_file_atomic(path, data.buf, (size_t)data.len, &err);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    if (s) return raise_dm(Error, &err);
    Py_RETURN_NONE;
}

/* ---------------------------------------------------------------------- */
/* Lists */

static PyObject *name_list(int32_t (*count)(void), const char *(*name)(int32_t)) {
    PyObject *l = PyList_New(0);
    for (int32_t i = 0; l && i < count(); i++) {
        PyObject *s = PyUnicode_FromString(name(i));
        if (!s || PyList_Append(l, s) < 0) {
            Py_XDECREF(s);
            Py_DECREF(l);
            return NULL;
        }
        Py_DECREF(s);
    }
    return l;
}

static PyObject *py_zoo(PyObject *self, PyObject *unused) {
    (void)self, (void)unused;
    return name_list(dm_zoo_count, dm_zoo_name);
}

static PyObject *py_presets(PyObject *self, PyObject *unused) {
    (void)self, (void)unused;
    return name_list(dm_preset_count, dm_preset_name);
}

/* design()'s keywords: the problem's options, then those that are not
   part of the problem (py_design reads them itself). */
static const char *const design_extras[] = {"latency_table", "refine"};
#define N_DESIGN_EXTRAS ((int32_t)(sizeof design_extras / sizeof design_extras[0]))

static int32_t design_option_count(void) { return N_DESIGN_OPTIONS + N_DESIGN_EXTRAS; }

static const char *design_option_name(int32_t i) {
    return i < N_DESIGN_OPTIONS ? design_options[i].name : design_extras[i - N_DESIGN_OPTIONS];
}

static PyObject *py_design_options(PyObject *self, PyObject *unused) {
    (void)self, (void)unused;
    return name_list(design_option_count, design_option_name);
}

static PyMethodDef methods[] = {
    {"analyze", py_analyze, METH_VARARGS, "analyze(...) -> JSON text (see deepmad.analyze)"},
    {"design", py_design, METH_VARARGS,
     "design(...) -> (JSON text, (solves, measured, estimated) or None) (see deepmad.design)"},
    {"export", py_export, METH_VARARGS, "export(...) -> bytes (see deepmad.export)"},
    {"write_file", py_write_file, METH_VARARGS, "write_file(path, data): atomically"},
    {"zoo", py_zoo, METH_NOARGS, "zoo() -> the zoo's network names"},
    {"presets", py_presets, METH_NOARGS, "presets() -> the design presets' names"},
    {"design_options", py_design_options, METH_NOARGS, "the option names design() takes"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "deepmad._core",
    "The C extension over libdeepmad; use the package deepmad.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__core(void);
PyMODINIT_FUNC PyInit__core(void) {
    PyObject *mod = PyModule_Create(&module);
    if (!mod) return NULL;
    Error = PyErr_NewExceptionWithDoc(
        "deepmad.Error",
        "A deepmad library error: a bad description, a file that cannot be read, an\n"
        "unsupported export.  str(e) is the library's message; e.status names the kind\n"
        "('invalid', 'parse', 'io', 'range', 'unsupported', 'infeasible', ...).",
        PyExc_ValueError, NULL);
    Infeasible = Error ? PyErr_NewExceptionWithDoc(
        "deepmad.Infeasible",
        "A design problem with no feasible network.  e.result is the answer as a dict\n"
        "(design --json's infeasible object: constraint, least, limit, proven, message).",
        Error, NULL) : NULL;
    if (!Infeasible || PyModule_AddObjectRef(mod, "Error", Error) < 0 ||
        PyModule_AddObjectRef(mod, "Infeasible", Infeasible) < 0 ||
        PyModule_AddStringConstant(mod, "VERSION", DM_VERSION) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}
