/*
** test_load.c -- the one load entry (dm_model_from_text, dm_model_load)
** and its wrappers dm_arch_load / dm_mlp_load.  Truth: hand-written
** descriptions whose fields are checked one by one, the paper's reference
** file data/tinynas/deepmad-R18.txt (its first superblock read off the
** file), and real pipes, FIFOs and standard input fed by a child process
** (issue 12 item 2: a model read twice failed on all three).
*/
#define _POSIX_C_SOURCE 200809L
#include "harness.h"
#include "deepmad.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MLP_TEXT "{\"format\": \"deepmad-mlp\", \"version\": 1, \"in_features\": 784, " \
                 "\"hidden\": [512, 256], \"out_features\": 10, \"act\": \"silu\", \"bias\": false}\n"
#define ARCH_TEXT                                                                              \
    "{\"format\": \"deepmad-arch\", \"version\": 1,\n"                                         \
    " \"input\": {\"channels\": 3, \"size\": 32},\n"                                           \
    " \"stem\": {\"out\": 16, \"kernel\": 3, \"stride\": 1},\n"                                \
    " \"superblocks\": [{\"block\": \"basic\", \"out\": 24, \"depth\": 2, \"kernel\": 3,"     \
    " \"stride\": 2, \"inner\": 16}],\n"                                                       \
    " \"classes\": 10}\n"

static int has(const dm_error *e, const char *needle) { return strstr(e->msg, needle) != NULL; }

static int is_mlp_text(const dm_model *m) {
    const dm_mlp *p = &m->mlp;
    return m->kind == DM_MODEL_MLP && p->in_features == 784 && p->n_layers == 3 &&
           p->hidden[0] == 512 && p->hidden[1] == 256 && p->out_features == 10 &&
           p->act == DM_ACT_SILU && p->bias == 0;
}

static int is_arch_text(const dm_model *m) {
    const dm_arch *a = &m->arch;
    return m->kind == DM_MODEL_CNN && a->in_channels == 3 && a->input_size == 32 &&
           a->stem.out == 16 && a->n_superblocks == 1 && a->sb[0].kind == DM_BLOCK_BASIC &&
           a->sb[0].out == 24 && a->sb[0].depth == 2 && a->sb[0].stride == 2 &&
           a->sb[0].inner == 16 && a->classes == 10;
}

static void test_from_text(void) {
    dm_model m;
    dm_error err = {0};
    CHECK(dm_model_from_text(MLP_TEXT, strlen(MLP_TEXT), &m, &err) == DM_OK && is_mlp_text(&m));
    CHECK(dm_model_from_text(ARCH_TEXT, strlen(ARCH_TEXT), &m, &err) == DM_OK && is_arch_text(&m));
    const char *bom = "\xEF\xBB\xBF" MLP_TEXT;
    CHECK(dm_model_from_text(bom, strlen(bom), &m, &err) == DM_OK && is_mlp_text(&m));

    /* The reference format: deepmad-R18's first superblock is
       {'L': 1, 'btn': 40, 'class': 'SuperResK1KXK1', 'in': 32, ..., 'k': 5, 'out': 96, 's': 2}. */
    size_t n = 0;
    char *ref = dm_t_slurp("data/tinynas/deepmad-R18.txt", &n);
    CHECK(ref != NULL);
    if (ref) {
        CHECK(dm_model_from_text(ref, n, &m, &err) == DM_OK && m.kind == DM_MODEL_CNN);
        CHECK(m.arch.stem.out == 32 && m.arch.sb[0].depth == 1 && m.arch.sb[0].inner == 40);
        CHECK(m.arch.sb[0].kernel == 5 && m.arch.sb[0].out == 96 && m.arch.sb[0].stride == 2);
        /* one rule for a byte order mark: the reference reader skips it
           as the JSON reader does (issue 12 item 11) */
        char *with_bom = malloc(n + 3);
        if (with_bom) {
            memcpy(with_bom, "\xEF\xBB\xBF", 3);
            memcpy(with_bom + 3, ref, n);
            dm_arch a;
            CHECK(dm_arch_from_tinynas(with_bom, n + 3, &a, &err) == DM_OK && a.sb[0].out == 96);
            CHECK(dm_model_from_text(with_bom, n + 3, &m, &err) == DM_OK && m.arch.sb[0].out == 96);
            free(with_bom);
        }
        free(ref);
    }

    static const struct { const char *text; dm_status want; const char *says; } bad[] = {
        {"{\"format\": \"deepmad-cnn\", \"version\": 1}", DM_ERR_PARSE, "\"deepmad-cnn\" is not a description format"},
        {"{\"version\": 1}", DM_ERR_PARSE, "missing required key \"format\""},
        {"{\"format\": 7}", DM_ERR_PARSE, "format: expected a string"},
        {"[\"format\"]", DM_ERR_PARSE, "JSON object"},
        {"", DM_ERR_PARSE, "syntax error"},
        {"{\"format\": \"deepmad-mlp\", \"version\": 1} x", DM_ERR_PARSE, "after the JSON value"},
        {"{\"format\": \"deepmad-mlp\", \"version\": 1, \"in_features\": 3}", DM_ERR_PARSE, "missing required key \"out_features\""},
        {"{\"format\": \"deepmad-arch\", \"version\": 1, \"hidden\": []}", DM_ERR_PARSE, "unknown key \"hidden\""},
        {"{\"format\": \"deepmad-mlp\\u0000\", \"version\": 1}", DM_ERR_PARSE, "NUL"},
    };
    for (int i = 0; i < COUNTOF(bad); i++) {
        dm_status s = dm_model_from_text(bad[i].text, strlen(bad[i].text), &m, &err);
        if (s != bad[i].want || !has(&err, bad[i].says))
            printf("bad[%d]: %s: %s\n", i, dm_status_str(s), err.msg);
        CHECK(s == bad[i].want && has(&err, bad[i].says));
    }
    CHECK(dm_model_from_text(NULL, 0, &m, &err) == DM_ERR_INVALID);
}

/* ---- files, wrappers ---------------------------------------------------- */

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (f) { fputs(text, f); fclose(f); }
}

static void test_files(void) {
    char mlp[64], arch[64];
    snprintf(mlp, sizeof mlp, "/tmp/dm-load-mlp-%ld.json", (long)getpid());
    snprintf(arch, sizeof arch, "/tmp/dm-load-arch-%ld.json", (long)getpid());
    write_text(mlp, MLP_TEXT);
    write_text(arch, ARCH_TEXT);
    dm_model m;
    dm_mlp p;
    dm_arch a;
    dm_error err = {0};
    CHECK(dm_model_load(mlp, &m, &err) == DM_OK && is_mlp_text(&m));
    CHECK(dm_model_load(arch, &m, &err) == DM_OK && is_arch_text(&m));
    CHECK(dm_mlp_load(mlp, &p, &err) == DM_OK && p.hidden[1] == 256);
    CHECK(dm_arch_load(arch, &a, &err) == DM_OK && a.sb[0].out == 24);
    /* the wrong kind for the wrapper: a clear error naming the file */
    CHECK(dm_arch_load(mlp, &a, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, mlp) == err.msg && has(&err, "an MLP description"));
    CHECK(dm_mlp_load(arch, &p, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, arch) == err.msg && has(&err, "a CNN description"));
    /* reader errors carry the path; I/O errors the system's reason */
    write_text(mlp, "{\"format\": \"deepmad-mlp\",\n \"version\": 1,,}");
    CHECK(dm_model_load(mlp, &m, &err) == DM_ERR_PARSE);
    CHECK(strstr(err.msg, mlp) == err.msg && has(&err, "line 2, column"));
    CHECK(dm_model_load("/nonexistent/x.json", &m, &err) == DM_ERR_IO && has(&err, "No such file"));
    CHECK(dm_model_load("/", &m, &err) == DM_ERR_IO);
    CHECK(dm_model_load(NULL, &m, &err) == DM_ERR_INVALID);
    unlink(mlp);
    unlink(arch);
}

/* ---- pipes, FIFOs, standard input --------------------------------------- */

/* A child that writes `text` to `fd` in two pieces with a pause between,
   so a reader that expects it all at once, or seeks, would see a part. */
static pid_t writer(int fd, const char *text) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    size_t n = strlen(text), half = n / 2;
    ssize_t w1 = write(fd, text, half);
    struct timespec pause = {0, 20000000};
    nanosleep(&pause, NULL);
    ssize_t w2 = write(fd, text + half, n - half);
    _exit(w1 == (ssize_t)half && w2 == (ssize_t)(n - half) ? 0 : 1);
}

static int reaped_ok(pid_t pid) {
    int st = 0;
    return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* "-" and /dev/stdin with standard input a pipe (dup2 onto fd 0). */
static void test_stdin(const char *path) {
    int fds[2];
    if (pipe(fds) != 0) { CHECK(0); return; }
    int saved = dup(0);
    pid_t pid = writer(fds[1], MLP_TEXT);
    close(fds[1]);
    dup2(fds[0], 0);
    close(fds[0]);
    dm_model m;
    dm_error err = {0};
    dm_status s = dm_model_load(path, &m, &err);
    if (s) printf("%s: %s\n", path, err.msg);
    CHECK(s == DM_OK && is_mlp_text(&m));
    clearerr(stdin);
    dup2(saved, 0);
    close(saved);
    CHECK(reaped_ok(pid));
}

static void test_fifo(void) {
    char path[64];
    snprintf(path, sizeof path, "/tmp/dm-load-fifo-%ld", (long)getpid());
    unlink(path);
    if (mkfifo(path, 0600) != 0) { CHECK(0); return; }
    pid_t pid = fork();
    if (pid == 0) {           /* opening blocks until the reader opens too */
        int fd = open(path, O_WRONLY);
        if (fd < 0) _exit(1);
        pid_t inner = writer(fd, ARCH_TEXT);
        close(fd);
        _exit(reaped_ok(inner) ? 0 : 1);
    }
    dm_model m;
    dm_error err = {0};
    dm_status s = dm_model_load(path, &m, &err);
    if (s) printf("fifo: %s\n", err.msg);
    CHECK(s == DM_OK && is_arch_text(&m));
    CHECK(reaped_ok(pid));
    unlink(path);
}

/* A pipe's read end by its /proc name, as bash's <(...) passes it. */
static void test_proc_fd(void) {
    int fds[2];
    if (pipe(fds) != 0) { CHECK(0); return; }
    pid_t pid = writer(fds[1], ARCH_TEXT);
    close(fds[1]);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    dm_arch a;
    dm_error err = {0};
    dm_status s = dm_arch_load(path, &a, &err);
    if (s) printf("%s: %s\n", path, err.msg);
    CHECK(s == DM_OK && a.sb[0].inner == 16);
    close(fds[0]);
    CHECK(reaped_ok(pid));
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    test_from_text();
    test_files();
    test_stdin("-");
    test_stdin("/dev/stdin");
    test_fifo();
    test_proc_fd();
    return TEST_REPORT();
}
