/* test_context.c: the report's context: compiler, kernel, CPU model, bdwgc and jemalloc versions, and the run's options, written by `run` and kept by `report`. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness/run/context.h"
#include "tests/helpers.h"

static char out[1 << 16];

static const char *const new_keys[] = {"compiler", "kernel", "cpu_model", "bdwgc_version", "jemalloc_version"};

static json_t *load_ctx(const char *path, json_t **root) {
    json_error_t je;
    *root = json_load_file(path, 0, &je);
    cr_assert_not_null(*root, "%s: %s", path, je.text);
    json_t *ctx = json_object_get(*root, "context");
    cr_assert(json_is_object(ctx), "%s has a context", path);
    return ctx;
}

static const char *str(const json_t *o, const char *k) {
    const char *v = json_string_value(json_object_get(o, k));
    cr_assert_not_null(v, "context \"%s\" is a string", k);
    return v;
}

/* run -f json: every new field, non-empty, and the options a comparison needs; then report -f json keeps them. */
Test(context, fields_after_run_and_round_trip) {
    setenv("MB_QUIET", "1", 1);
    char dir[64], a[128], b[128], args[512];
    test_tmpdir_ab(dir, sizeof dir, a, sizeof a, b, sizeof b);
    snprintf(args, sizeof args, "run -w cycle-pairs -s rc -i off -n 200 -r 2 --finalizers legacy -f json -o %s", a);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    json_t *ra, *rb;
    json_t *ca = load_ctx(a, &ra);
    for (size_t k = 0; k < sizeof new_keys / sizeof *new_keys; k++)
        cr_assert(str(ca, new_keys[k])[0], "\"%s\" is not empty", new_keys[k]);
#if defined(__GNUC__) && !defined(__clang__)
    cr_assert(!strncmp(str(ca, "compiler"), "gcc ", 4), "%s", str(ca, "compiler"));
#endif
    cr_assert_str_eq(str(ca, "jemalloc_version"), "not loaded", "libc run: jemalloc is not in the process");
    cr_assert(strchr(str(ca, "bdwgc_version"), '.'), "%s", str(ca, "bdwgc_version"));
    cr_assert_str_eq(str(ca, "finalizers"), "legacy");
    cr_assert_str_eq(str(ca, "params"), "");
    snprintf(args, sizeof args, "report %s -f json -o %s", a, b);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    json_t *cb = load_ctx(b, &rb);
    for (size_t k = 0; k < sizeof new_keys / sizeof *new_keys; k++)
        cr_assert_str_eq(str(cb, new_keys[k]), str(ca, new_keys[k]), "\"%s\" survives report -f json", new_keys[k]);
    cr_assert(json_equal(ca, cb), "the whole context survives");
    /* and the console report of the file names them */
    snprintf(args, sizeof args, "report %s", a);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    char want[512];
    snprintf(want, sizeof want, "build: %s, kernel %s, bdwgc %s, jemalloc not loaded", str(ca, "compiler"),
             str(ca, "kernel"), str(ca, "bdwgc_version"));
    cr_assert(strstr(out, want), "%s\n%s", want, out);
    json_decref(ra);
    json_decref(rb);
}

/* A file written before the fields existed: read, reported, written back without them. */
Test(context, older_file_without_fields) {
    char dir[64], b[128], args[512];
    tmpdir(dir, sizeof dir);
    snprintf(b, sizeof b, "%s/b.json", dir);
    snprintf(args, sizeof args, "report tests/data/results-small.json -f json -o %s", b);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "the fixture has a failed case: %s", out);
    json_t *rb;
    json_t *cb = load_ctx(b, &rb);
    for (size_t k = 0; k < sizeof new_keys / sizeof *new_keys; k++)
        cr_assert_null(json_object_get(cb, new_keys[k]), "\"%s\" is not invented for an older file", new_keys[k]);
    json_decref(rb);
    cr_assert_eq(run_cli("report tests/data/results-small.json", out, sizeof out), 1, "%s", out);
    cr_assert(strstr(out, "machine: host bench-host, 2 CPUs, 2400 MHz"), "%s", out);
    cr_assert(!strstr(out, "build: "), "%s", out);
}

/* mb_context_from_json: present fields read, absent ones empty, a non-object empty. */
Test(context, from_json) {
    json_t *o = json_pack("{s:s, s:i, s:f, s:[f,f,f], s:s, s:s}", "host_name", "h", "num_cpus", 4, "mhz_per_cpu", 3000.0,
                          "load_avg", 1.0, 2.0, 3.0, "compiler", "gcc 12.2.0", "jemalloc_version", "5.3.0");
    cr_assert_not_null(o);
    mb_context_t c;
    mb_context_from_json(&c, o);
    cr_assert_str_eq(c.host_name, "h");
    cr_assert_eq(c.num_cpus, 4);
    cr_assert_float_eq(c.mhz_per_cpu, 3000.0, 1e-9);
    cr_assert(c.have_load);
    cr_assert_float_eq(c.load_avg[2], 3.0, 1e-9);
    cr_assert_str_eq(c.compiler, "gcc 12.2.0");
    cr_assert_str_eq(c.jemalloc_version, "5.3.0");
    cr_assert_str_eq(c.kernel, "");
    cr_assert_str_eq(c.bdwgc_version, "");
    json_decref(o);
    mb_context_from_json(&c, NULL);
    cr_assert_str_eq(c.host_name, "");
    cr_assert(!c.have_load);
    /* this machine */
    mb_context_read(&c);
    cr_assert(c.kernel[0] && c.cpu_model[0] && c.bdwgc_version[0] && c.compiler[0]);
}

/* --allocator jemalloc: the version of the jemalloc really loaded, from its own mallctl. */
Test(context, jemalloc_version_when_loaded) {
    if (getenv("MB_TEST_NO_JEMALLOC")) cr_skip_test("sanitizer build: ASan must be the only malloc");
    if (access("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", R_OK) != 0 && access("/usr/lib/libjemalloc.so.2", R_OK) != 0)
        cr_skip_test("libjemalloc2 is not installed");
    char dir[64], a[128], args[512];
    tmpdir(dir, sizeof dir);
    snprintf(a, sizeof a, "%s/j.json", dir);
    snprintf(args, sizeof args, "run -w cycle-pairs -s rc -i off -n 100 -r 1 --allocator jemalloc -f json -o %s", a);
    int st = run_cli(args, out, sizeof out);
    if (strstr(out, "ASan runtime does not come first")) cr_skip_test("jemalloc cannot be preloaded under AddressSanitizer");
    cr_assert_eq(st, 0, "%s", out);
    json_t *ra;
    json_t *ca = load_ctx(a, &ra);
    const char *v = str(ca, "jemalloc_version");
    cr_assert(v[0] >= '1' && v[0] <= '9' && strchr(v, '.'), "a version number: %s", v);
    json_decref(ra);
}
