/*
** test_json_read.c -- the strict JSON reader core (src/io/json_read.c) and
** the rules it gives every JSON format.  Truth is hand-written text with
** hand-counted lines and columns; the regression cases at the end each
** failed before the MLP reader moved onto the core (issue 11) or before
** NUL was refused (issue 12 item 6).
*/
#define _POSIX_C_SOURCE 200809L
#include "harness.h"
#include "deepmad.h"
#include "json_read.h"

static int has(const dm_error *e, const char *needle) { return strstr(e->msg, needle) != NULL; }

/* Parse `text` (its strlen); status, message kept in *err. */
static dm_status parse(const char *text, dm_error *err) {
    cJSON *root = NULL;
    err->msg[0] = '\0';
    dm_status s = dmi_json_parse(text, strlen(text), &root, err);
    CHECK((s == DM_OK) == (root != NULL));
    cJSON_Delete(root);
    return s;
}

static void test_syntax_positions(void) {
    dm_error err;
    /* line 2, column 9: the '}' where a key must follow the comma */
    CHECK(parse("{\"a\": 1,\n \"b\": 2,}", &err) == DM_ERR_PARSE);
    CHECK(has(&err, "line 2, column 9") && !has(&err, "ends early"));
    CHECK(parse("", &err) == DM_ERR_PARSE && has(&err, "line 1, column 1"));
    CHECK(parse("{\"a\": [1, 2", &err) == DM_ERR_PARSE && has(&err, "ends early"));
    /* trailing text: the 'x' is at line 3, column 3 */
    CHECK(parse("{\"a\": 1}\n\n  x", &err) == DM_ERR_PARSE);
    CHECK(has(&err, "after the JSON value at line 3, column 3"));
    CHECK(parse("{\"a\": 1}{}", &err) == DM_ERR_PARSE && has(&err, "line 1, column 9"));
    CHECK(parse("{\"a\": 1} \t\r\n ", &err) == DM_OK);   /* white space may follow */
    CHECK(parse("[1, 2]", &err) == DM_OK);              /* any value parses; objects are the getters' business */
}

static void test_size_limit(void) {
    size_t n = (size_t)DM_MAX_FILE_BYTES + 1;
    char *big = malloc(n);
    if (!big) { CHECK(0); return; }
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    cJSON *root = NULL;
    dm_error err = {0};
    CHECK(dmi_json_parse(big, n, &root, &err) == DM_ERR_RANGE && !root);
    CHECK(has(&err, "at most 4194304"));
    /* exactly the limit is read: "{", spaces, "}" in DM_MAX_FILE_BYTES bytes */
    big[n - 2] = '}';
    CHECK(dmi_json_parse(big, n - 1, &root, &err) == DM_OK && root);
    cJSON_Delete(root);
    free(big);
}

static void test_bom_and_nul(void) {
    dm_error err;
    CHECK(parse("\xEF\xBB\xBF{\"a\": 1}", &err) == DM_OK);        /* one BOM at the start */
    CHECK(parse("\xEF\xBB\xBF\xEF\xBB\xBF{}", &err) == DM_ERR_PARSE); /* only one */
    CHECK(parse(" \xEF\xBB\xBF{}", &err) == DM_ERR_PARSE);          /* only at the start */
    /* columns count from after the BOM: the '}' of "1,}" is column 9 */
    CHECK(parse("\xEF\xBB\xBF{\"a\": 1,}", &err) == DM_ERR_PARSE && has(&err, "line 1, column 9"));
    /* \u0000 in a string, in a key, upper-case hex digits too */
    CHECK(parse("{\"a\": \"x\\u0000y\"}", &err) == DM_ERR_PARSE);
    CHECK(has(&err, "NUL") && has(&err, "line 1, column 9"));
    CHECK(parse("{\"a\\u0000b\": 1}", &err) == DM_ERR_PARSE);
    /* an escaped backslash followed by u0000 is the six characters \u0000 */
    CHECK(parse("{\"a\": \"\\\\u0000\"}", &err) == DM_OK);
    CHECK(parse("{\"a\": \"\\u0001\"}", &err) == DM_OK);
    CHECK(parse("{\"a\": \"\\\"\\u0000\"}", &err) == DM_ERR_PARSE); /* after an escaped quote */
    /* raw NUL bytes: exact lengths, since strlen would stop there */
    static const char raw[] = "{\"a\": \"x\0y\"}";
    cJSON *root = NULL;
    CHECK(dmi_json_parse(raw, sizeof raw - 1, &root, &err) == DM_ERR_PARSE && !root);
    CHECK(has(&err, "NUL byte at line 1, column 9"));
    static const char after[] = "{\"a\": 1}\0";
    CHECK(dmi_json_parse(after, sizeof after - 1, &root, &err) == DM_ERR_PARSE);
}

/* ---- getters ------------------------------------------------------------ */

static cJSON *tree(const char *text) {
    cJSON *root = NULL;
    dm_error err;
    if (dmi_json_parse(text, strlen(text), &root, &err)) printf("tree: %s\n", err.msg);
    return root;
}

static void test_getters(void) {
    cJSON *r = tree("{\"n\": 7, \"f\": 2.5, \"big\": 3e9, \"neg\": -1, \"s\": \"hi\", "
                    "\"b\": false, \"arr\": [1, 2, 3], \"o\": {\"x\": 1}}");
    if (!r) { CHECK(0); return; }
    dm_error err;
    int32_t i = -5;
    double d = 0;
    const char *str = NULL;
    const cJSON *arr = NULL;
    int n = 0;
    CHECK(dmi_json_int(r, "", "n", 1, 1, 10, &i, &err) == DM_OK && i == 7);
    CHECK(dmi_json_int(r, "top", "n", 1, 8, 10, &i, &err) == DM_ERR_INVALID);
    CHECK(has(&err, "top.n is 7; it must be between 8 and 10"));
    CHECK(dmi_json_int(r, "", "n", 1, 1, 6, &i, &err) == DM_ERR_RANGE && has(&err, "n is 7"));
    CHECK(dmi_json_int(r, "", "f", 1, 0, 10, &i, &err) == DM_ERR_INVALID);
    CHECK(has(&err, "f: 2.5 is not an integer"));
    CHECK(dmi_json_int(r, "", "big", 1, 0, 10, &i, &err) == DM_ERR_RANGE);
    CHECK(has(&err, "big: 3e+09 is outside the 32-bit"));
    CHECK(dmi_json_int(r, "", "s", 1, 0, 10, &i, &err) == DM_ERR_PARSE);
    CHECK(has(&err, "s: expected an integer"));
    CHECK(dmi_json_int(r, "a[1]", "gone", 1, 0, 10, &i, &err) == DM_ERR_PARSE);
    CHECK(has(&err, "a[1]: missing required key \"gone\""));
    i = 42;   /* optional and absent: untouched */
    CHECK(dmi_json_int(r, "", "gone", 0, 0, 10, &i, &err) == DM_OK && i == 42);
    CHECK(dmi_json_number(r, "", "f", 1, &d, &err) == DM_OK && d == 2.5);
    CHECK(dmi_json_number(r, "", "b", 1, &d, &err) == DM_ERR_PARSE && has(&err, "b: expected a number"));
    CHECK(dmi_json_string(r, "", "s", 1, &str, &err) == DM_OK && strcmp(str, "hi") == 0);
    CHECK(dmi_json_string(r, "", "n", 1, &str, &err) == DM_ERR_PARSE && has(&err, "n: expected a string"));
    i = 9;
    CHECK(dmi_json_bool(r, "", "b", 1, &i, &err) == DM_OK && i == 0);
    CHECK(dmi_json_bool(r, "", "n", 1, &i, &err) == DM_ERR_PARSE && has(&err, "expected true or false"));
    CHECK(dmi_json_array(r, "", "arr", 1, &arr, &n, &err) == DM_OK && n == 3);
    CHECK(dmi_json_array(r, "", "o", 1, &arr, &n, &err) == DM_ERR_PARSE && has(&err, "o: expected an array"));
    CHECK(dmi_json_as_int(cJSON_GetArrayItem(arr, 2), "arr[2]", 0, 1, &i, &err) == DM_ERR_RANGE);
    CHECK(has(&err, "arr[2] is 3; it must be between 0 and 1"));
    CHECK(dmi_json_as_int(cJSON_GetObjectItem(r, "s"), "s", 0, 1, &i, &err) == DM_ERR_PARSE);
    CHECK(dmi_json_object(r, "", &err) == DM_OK);
    CHECK(dmi_json_object(cJSON_GetObjectItem(r, "n"), "n", &err) == DM_ERR_PARSE);
    CHECK(has(&err, "n: expected an object"));
    CHECK(dmi_json_object(cJSON_GetObjectItem(r, "n"), "", &err) == DM_ERR_PARSE);
    CHECK(has(&err, "must be a JSON object"));
    cJSON_Delete(r);

    static const char *const allowed[] = {"a", "b"};
    r = tree("{\"a\": 1, \"c\": 2}");
    CHECK(r && dmi_json_keys(r, "x[0]", allowed, 2, &err) == DM_ERR_PARSE);
    CHECK(has(&err, "x[0]: unknown key \"c\""));
    cJSON_Delete(r);
    r = tree("{\"a\": 1, \"b\": 2, \"a\": 3}");
    CHECK(r && dmi_json_keys(r, "", allowed, 2, &err) == DM_ERR_PARSE);
    CHECK(has(&err, "duplicate key \"a\"") && err.msg[0] == 'd');
    cJSON_Delete(r);

    char path[DMI_JSON_PATH];
    dmi_json_join(path, "", "k");
    CHECK(strcmp(path, "k") == 0);
    dmi_json_join(path, "superblocks[2]", "depth");
    CHECK(strcmp(path, "superblocks[2].depth") == 0);
}

static void test_header(void) {
    dm_error err;
    cJSON *r = tree("{\"format\": \"deepmad-mlp\", \"version\": 1}");
    CHECK(r && dmi_json_header(r, "deepmad-mlp", &err) == DM_OK);
    CHECK(r && dmi_json_header(r, "deepmad-arch", &err) == DM_ERR_PARSE);
    CHECK(has(&err, "format: expected \"deepmad-arch\", not \"deepmad-mlp\""));
    cJSON_Delete(r);
    r = tree("{\"format\": \"deepmad-mlp\", \"version\": 2}");
    CHECK(r && dmi_json_header(r, "deepmad-mlp", &err) == DM_ERR_UNSUPPORTED);
    cJSON_Delete(r);
    r = tree("{\"format\": 1, \"version\": 1}");
    CHECK(r && dmi_json_header(r, "deepmad-mlp", &err) == DM_ERR_PARSE && has(&err, "format"));
    cJSON_Delete(r);
    r = tree("{\"version\": 1}");
    CHECK(r && dmi_json_header(r, "deepmad-mlp", &err) == DM_ERR_PARSE);
    CHECK(has(&err, "missing required key \"format\""));
    cJSON_Delete(r);
}

/* ---- regressions through the public readers ----------------------------- */

#define MLP_TEXT "{\"format\": \"deepmad-mlp\", \"version\": 1, \"in_features\": 784, " \
                 "\"hidden\": [512, 256], \"out_features\": 10}"

/* Issue 11: the MLP reader accepted trailing text, files over the size
   limit, and gave syntax errors no position. */
static void test_mlp_regressions(void) {
    dm_mlp m;
    dm_error err = {0};
    CHECK(dm_mlp_from_json(MLP_TEXT, strlen(MLP_TEXT), &m, &err) == DM_OK);
    CHECK(m.n_layers == 3 && m.hidden[1] == 256 && m.out_features == 10);

    const char *garbage = MLP_TEXT " garbage";
    CHECK(dm_mlp_from_json(garbage, strlen(garbage), &m, &err) == DM_ERR_PARSE);
    CHECK(has(&err, "after the JSON value"));

    /* 5 MiB: the object, then white space */
    size_t n = 5u << 20, t = strlen(MLP_TEXT);
    char *big = malloc(n);
    if (!big) { CHECK(0); return; }
    memset(big, ' ', n);
    memcpy(big, MLP_TEXT, t);
    CHECK(dm_mlp_from_json(big, n, &m, &err) == DM_ERR_RANGE);
    free(big);

    const char *broken = "{\"format\": \"deepmad-mlp\",\n  \"version\": 1,\n  \"hidden\": [4,, 2]}";
    CHECK(dm_mlp_from_json(broken, strlen(broken), &m, &err) == DM_ERR_PARSE);
    CHECK(has(&err, "line 3, column 16"));
}

/* Issue 12 item 6: a NUL inside a string cut it short, so these were read
   as "deepmad-mlp" / "basic". */
static void test_nul_regressions(void) {
    dm_mlp m;
    dm_arch a;
    dm_error err = {0};
    const char *esc = "{\"format\": \"deepmad-mlp\\u0000junk\", \"version\": 1, "
                      "\"in_features\": 4, \"hidden\": [], \"out_features\": 2}";
    CHECK(dm_mlp_from_json(esc, strlen(esc), &m, &err) == DM_ERR_PARSE && has(&err, "NUL"));
    static const char raw[] = "{\"format\": \"deepmad-mlp\0junk\", \"version\": 1, "
                              "\"in_features\": 4, \"hidden\": [], \"out_features\": 2}";
    CHECK(dm_mlp_from_json(raw, sizeof raw - 1, &m, &err) == DM_ERR_PARSE && has(&err, "NUL"));
    const char *arch =
        "{\"format\": \"deepmad-arch\", \"version\": 1, \"input\": {\"channels\": 3, \"size\": 32},"
        " \"stem\": {\"out\": 16, \"kernel\": 3, \"stride\": 1},"
        " \"superblocks\": [{\"block\": \"basic\\u0000evil\", \"out\": 16, \"depth\": 1,"
        " \"kernel\": 3, \"stride\": 1, \"inner\": 16}], \"classes\": 10}";
    CHECK(dm_arch_from_json(arch, strlen(arch), &a, &err) == DM_ERR_PARSE && has(&err, "NUL"));
}

int main(void) {
    test_syntax_positions();
    test_size_limit();
    test_bom_and_nul();
    test_getters();
    test_header();
    test_mlp_regressions();
    test_nul_regressions();
    return TEST_REPORT();
}
