/*
** test_regressions.c -- replay every saved fuzz input through the fuzz
** targets (fuzz/fuzz_targets.h, the code the libFuzzer harnesses run), so
** a fixed finding stays fixed in the ordinary and sanitizer builds, which
** need no clang.
**
** Replayed: every file in fuzz/regressions/<target>/ (inputs that once
** crashed, hung or broke an invariant; README files aside) and in
** fuzz/corpus/<target>/ (the seeds: zoo networks, the paper's reference
** files, typical counts).  Each file is one check: the target must return
** no broken invariant; the sanitizers catch the rest.  Truth is the
** invariants themselves (see fuzz_targets.h), not earlier output.
*/
#define _POSIX_C_SOURCE 200809L /* dirent, stat */
#include "harness.h"
#include "../fuzz/fuzz_targets.h"
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>

static const fz_target targets[] = {
    {"json", fz_json},       {"tinynas", fz_tinynas}, {"units", fz_units},
    {"analyze", fz_analyze}, {"design", fz_design},  {"design_small", fz_design_small},
};

/* The whole file in a buffer of exactly its size, so ASan sees any read
   past the end, as under libFuzzer.  NULL on failure or past 64 KiB
   (the harnesses run with -max_len=8192). */
static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t tmp[65536];
    *len = fread(tmp, 1, sizeof tmp, f);
    int more = fgetc(f) != EOF;
    fclose(f);
    if (more) return NULL;
    uint8_t *d = malloc(*len ? *len : 1);
    if (d) memcpy(d, tmp, *len);
    return d;
}

/* Replay every regular file of dir through fn; returns how many. */
static int replay_dir(const char *dir, const fz_target *t) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        char path[1024];
        struct stat st;
        if (e->d_name[0] == '.' || !strncmp(e->d_name, "README", 6)) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) || !S_ISREG(st.st_mode)) continue;
        size_t len = 0;
        uint8_t *data = slurp(path, &len);
        const char *why = data ? t->fn(data, len) : "cannot read the file";
        CHECK(why == NULL);
        if (why) printf("  %s: %s\n", path, why);
        free(data);
        n++;
    }
    closedir(d);
    return n;
}

int main(void) {
    const char *src = getenv("DM_SOURCE_DIR");
    char dir[900];
    int total_regressions = 0;
    for (int i = 0; i < (int)(sizeof targets / sizeof targets[0]); i++) {
        snprintf(dir, sizeof dir, "%s/fuzz/corpus/%s", src ? src : ".", targets[i].name);
        int seeds = replay_dir(dir, &targets[i]);
        CHECK(seeds > 0); /* a wrong path must not pass silently */
        if (!seeds) printf("  no seeds in %s\n", dir);
        snprintf(dir, sizeof dir, "%s/fuzz/regressions/%s", src ? src : ".", targets[i].name);
        int regs = replay_dir(dir, &targets[i]);
        total_regressions += regs;
        printf("%-12s %3d seeds, %3d regressions replayed\n", targets[i].name, seeds, regs);
    }
    CHECK(total_regressions > 0);
    return TEST_REPORT();
}
