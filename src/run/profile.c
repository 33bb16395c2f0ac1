/*
** profile.c -- measuring a list of op shapes into a latency table
** (dm_latency_profile), lazily: a shape the table has is not measured
** again, so a cached table grows with what designs need; and the machine's
** names a table records (dm_run_machine).
*/
#include "engine.h"
#include "measure.h"
#include "profile.h"
#include "ops.h"
#include <stdio.h>
#include <string.h>

/* /proc/cpuinfo's first "model name" line, trimmed, into cpu. */
static void cpu_name(char *cpu) {
    snprintf(cpu, DM_LATENCY_TEXT, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) != 0) continue;
        const char *v = strchr(line, ':');
        if (!v) continue;
        v++;
        while (*v == ' ' || *v == '\t') v++;
        size_t n = strcspn(v, "\r\n");
        while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t')) n--;
        if (n > 0) snprintf(cpu, DM_LATENCY_TEXT, "%.*s", (int)n, v);
        break;
    }
    fclose(f);
}

void dm_run_machine(char *cpu, char *engine) {
    if (cpu) cpu_name(cpu);
    if (engine) dmi_engine_name(engine);
}

static bool has_shape(const dm_latency_table *t, const dm_op *op) {
    for (int32_t i = 0; i < t->n_entries; i++)
        if (dmi_ops_same_shape(&t->entries[i].op, op)) return true;
    return false;
}

int32_t dmi_profile_missing(const dm_op *ops, int32_t n, const dm_latency_table *t) {
    int32_t k = 0;
    for (int32_t i = 0; i < n; i++) {
        bool seen = has_shape(t, &ops[i]);
        for (int32_t j = 0; !seen && j < i; j++) seen = dmi_ops_same_shape(&ops[j], &ops[i]);
        k += !seen;
    }
    return k;
}

/* An empty table takes this machine and the options; one with entries
   must have been measured with the same threads and batch. */
static dm_status adopt(dm_latency_table *t, const dm_run_options *o, dm_error *err) {
    if (t->n_entries == 0) {
        dm_run_machine(t->cpu, t->engine);
        t->threads = o->threads;
        t->batch = o->batch;
        return DM_OK;
    }
    if (t->threads != o->threads || t->batch != o->batch)
        return DM_FAIL(err, DM_ERR_INVALID, "the table was measured with %d threads, batch %d, "
                       "not %d threads, batch %d", t->threads, t->batch, o->threads, o->batch);
    return DM_OK;
}

static dm_status append(dm_latency_table *t, const dm_latency_entry *e, dm_error *err) {
    dm_latency_entry *bigger = dmi_realloc(t->entries, ((size_t)t->n_entries + 1) * sizeof *bigger);
    if (!bigger) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory growing a latency table");
    t->entries = bigger;
    t->entries[t->n_entries++] = *e;
    return DM_OK;
}

dm_status dm_latency_profile(const dm_op *ops, int32_t n, const dm_run_options *o,
                             dm_profile_fn fn, void *user, dm_latency_table *t, dm_error *err) {
    if (!t || (n > 0 && !ops) || n < 0)
        return DM_FAIL(err, DM_ERR_INVALID, "dm_latency_profile: NULL argument or negative count");
    dm_status s = dm_run_options_validate(o, err);
    for (int32_t i = 0; !s && i < n; i++) s = dmi_measure_check_op(&ops[i], err);
    if (!s) s = adopt(t, o, err);
    int32_t total = s ? 0 : dmi_profile_missing(ops, n, t), done = 0;
    unsigned char *evict = NULL; /* one eviction buffer for all the ops (measure.h) */
    if (!s && total > 0 && !(evict = dmi_malloc(DM_RUN_EVICT_BYTES)))
        s = DM_FAIL(err, DM_ERR_NOMEM, "out of memory for the cache eviction buffer");
    for (int32_t i = 0; !s && i < n; i++) {
        if (has_shape(t, &ops[i])) continue;
        if (fn) fn(done, total, &ops[i], user);
        dm_latency_entry e;
        s = dmi_op_measure(&ops[i], o, evict, &e, err);
        if (!s) s = append(t, &e, err);
        done++;
    }
    dm_free(evict);
    if (!s && fn) fn(done, total, NULL, user);
    return s;
}
