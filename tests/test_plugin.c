/* test_plugin.c: plug-in strategies (docs/plugins.md): `make install`, the example built against the
 * installed header with pkg-config, loaded with -s plugin:PATH.so, refused when it is not one, and
 * `membench check` on plug-ins and built-ins. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "tests/helpers.h"

static char out[1 << 17];

/* The binary under test, by absolute path (tests may run from anywhere). */
static const char *membench_abs(void) {
    static char abs[PATH_MAX];
    const char *bin = getenv("MEMBENCH");
    if (!bin) bin = "build/membench";
    cr_assert_not_null(realpath(bin, abs), "no membench binary at %s", bin);
    return abs;
}

static int sh(const char *cmd) {
    char full[8192];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    return test_capture(full, out, sizeof out);
}

/* make install PREFIX=dir/prefix (this binary), then the example and its buggy variant built
 * against the installed header only, into dir. */
static void install_and_build(char *dir, size_t n) {
    tmpdir(dir, n);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "make -s -C '%s' install PREFIX='%s/prefix' INSTALL_BIN='%s'", MB_SOURCE_DIR, dir,
             membench_abs());
    cr_assert_eq(sh(cmd), 0, "%s: %s", cmd, out);
    for (int buggy = 0; buggy <= 1; buggy++) {
        snprintf(cmd, sizeof cmd, "PKG_CONFIG_PATH='%s/prefix/lib/pkgconfig' make -s -C '%s/examples/plugin' O='%s'%s",
                 dir, MB_SOURCE_DIR, dir, buggy ? " BUGGY=1" : "");
        cr_assert_eq(sh(cmd), 0, "%s: %s", cmd, out);
    }
}

/* A tiny plug-in from source text, compiled against the installed header into dir/name.so. */
static void build_so(const char *dir, const char *name, const char *src) {
    char path[1024], cmd[4 * 1024 + 256];
    snprintf(path, sizeof path, "%s/%s.c", dir, name);
    test_write_file(path, src);
    snprintf(cmd, sizeof cmd, "cc -std=c11 -Wall -Werror -fPIC -shared -I'%s/prefix/include' -o '%s/%s.so' '%s'", dir,
             dir, name, path);
    cr_assert_eq(sh(cmd), 0, "%s: %s", cmd, out);
}

/* The install has what a plug-in needs; the example runs through the runner and the reporters
 * under its own name, with the leak and checksum checks of every built-in. */
Test(plugin, install_build_and_run, .timeout = 300) {
    char dir[256], args[1024], path[PATH_MAX];
    install_and_build(dir, sizeof dir);
    static const char *const files[] = {"bin/membench", "include/membench/mb_plugin.h", "include/membench/object.h",
                                        "lib/pkgconfig/membench.pc"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/prefix/%s", dir, files[i]);
        cr_assert_eq(access(path, R_OK), 0, "make install wrote no %s", path);
    }
    snprintf(args, sizeof args, "PKG_CONFIG_PATH='%s/prefix/lib/pkgconfig' pkg-config --cflags membench", dir);
    cr_assert_eq(sh(args), 0, "%s", out);
    cr_assert(strstr(out, "/prefix/include"), "pkg-config --cflags membench: %s", out);
    snprintf(args, sizeof args, "run -s plugin:%s/tiny-ms.so -w cycle-pairs -n 1000 -r 2 -f json -o %s/r.json", dir, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s: %s", args, out);
    snprintf(path, sizeof path, "%s/r.json", dir);
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e), *x;
    cr_assert_not_null(root, "%s", e.text);
    size_t i, runs = 0;
    json_array_foreach(json_object_get(root, "benchmarks"), i, x) {
        const char *name = json_string_value(json_object_get(x, "name"));
        cr_assert(name && !strncmp(name, "cycle-pairs/tiny-ms/interning:", 30), "entry %s", name ? name : "?");
        cr_assert(!json_is_true(json_object_get(x, "error_occurred")), "%s failed", name);
        if (strcmp(json_string_value(json_object_get(x, "run_type")), "iteration")) continue;
        runs++;
        cr_assert_eq(json_integer_value(json_object_get(x, "leaked_objects")), 0, "tiny-ms collects the cycles");
        cr_assert_gt(json_integer_value(json_object_get(x, "collections")), 0);
    }
    cr_assert_eq(runs, 4, "2 repetitions x interning on and off");
    json_decref(root);
    /* tour and fuzz take it too; the same file twice is one strategy */
    snprintf(args, sizeof args, "tour -s plugin:%s/tiny-ms.so -i off", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s: %s", args, out);
    cr_assert(strstr(out, "tiny-ms"), "%s", out);
    snprintf(args, sizeof args, "fuzz -s plugin:%s/tiny-ms.so --seeds 3", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s: %s", args, out);
    snprintf(args, sizeof args, "run -s plugin:%s/tiny-ms.so,plugin:%s/../%s/tiny-ms.so -w cycle-pairs -n 10", dir, dir,
             strrchr(dir, '/') + 1);
    cr_assert_eq(run_cli(args, out, sizeof out), 2, "%s: %s", args, out);
    cr_assert(strstr(out, "given twice"), "%s", out);
    /* plugin:NAME is NAME.so on MEMBENCH_PLUGIN_PATH */
    snprintf(args, sizeof args, "MEMBENCH_PLUGIN_PATH=/nonexistent:%s %s run -s plugin:tiny-ms -w cycle-pairs -n 100 "
             "-r 1 -i off -f csv", dir, membench_abs());
    cr_assert_eq(sh(args), 0, "%s: %s", args, out);
    cr_assert(strstr(out, "cycle-pairs/tiny-ms/interning:off"), "%s", out);
    test_rmtree(dir);
}

/* membench check: the example passes; with its deliberate bug (make BUGGY=1) it fails, naming
 * the check and the command that reproduces it. */
Test(plugin, check_example_and_buggy, .timeout = 600) {
    char dir[256], args[1024];
    install_and_build(dir, sizeof dir);
    bool small = getenv("MB_TEST_SMALL") != NULL;
    const char *lite = small ? " --only seed-scenarios,finalizers-modern,finalizers-legacy,fuzz,deep-structures "
                               "--seeds 2 --steps 1000 --depth 2000"
                             : " --seeds 4 --depth 200000";
    snprintf(args, sizeof args, "check -s plugin:%s/tiny-ms.so%s", dir, lite);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s: %s", args, out);
    cr_assert(strstr(out, "PASS seed-scenarios\n") && strstr(out, "PASS fuzz\n"), "%s", out);
    cr_assert(strstr(out, " passed, 0 failed"), "%s", out);
    snprintf(args, sizeof args, "check -s plugin:%s/tiny-ms-buggy.so%s", dir, lite);
    cr_assert_eq(run_cli(args, out, sizeof out), 1, "%s: %s", args, out);
    cr_assert(strstr(out, "FAIL fuzz: "), "the fuzzer finds the unmarked slot: %s", out);
    cr_assert(strstr(out, "reproduce: membench fuzz -s plugin:"), "%s", out);
    cr_assert(strstr(out, "--seeds 1"), "%s", out);
    cr_assert_null(strstr(out, " 0 failed"), "%s", out);
    test_rmtree(dir);
}

/* A wrong ABI version, no entry symbol, a file that is no shared object, a built-in's name:
 * exit 2, one line naming the file and the problem. */
Test(plugin, refused, .timeout = 300) {
    char dir[256], args[1024];
    install_and_build(dir, sizeof dir);
    build_so(dir, "wrongabi",
             "#include <membench/mb_plugin.h>\n"
             "static const mb_plugin_t p = {.abi_version = MB_PLUGIN_ABI_VERSION + 1, .name = \"x\"};\n"
             "MB_PLUGIN_EXPORT(p)\n");
    build_so(dir, "noentry", "int nothing(void) { return 0; }\n");
    build_so(dir, "clash",
             "#include <membench/mb_plugin.h>\n"
             "static const mb_plugin_t p = {.abi_version = MB_PLUGIN_ABI_VERSION, .name = \"mark-sweep\"};\n"
             "MB_PLUGIN_EXPORT(p)\n");
    char txt[PATH_MAX];
    snprintf(txt, sizeof txt, "%s/notes.txt", dir);
    test_write_file(txt, "not a shared object\n");
    static const struct { const char *file, *says; } cases[] = {
        {"wrongabi.so", "built for plug-in ABI version 2; this membench loads version 1"},
        {"noentry.so", "no entry symbol membench_plugin"},
        {"notes.txt", "not a loadable shared object"},
        {"clash.so", "strategy name 'mark-sweep' is a built-in strategy's"},
        {"nosuch.so", "no such file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        for (int cmd = 0; cmd < 2; cmd++) {
            snprintf(args, sizeof args, cmd ? "check -s plugin:%s/%s" : "run -s plugin:%s/%s -w cycle-pairs -n 10", dir,
                     cases[i].file);
            cr_assert_eq(run_cli(args, out, sizeof out), 2, "%s: %s", args, out);
            char want[PATH_MAX + 64];
            snprintf(want, sizeof want, "membench: plugin %s/%s: ", dir, cases[i].file);
            cr_assert(!strncmp(out, want, strlen(want)), "%s: starts with '%s': %s", args, want, out);
            cr_assert(strstr(out, cases[i].says), "%s: says '%s': %s", args, cases[i].says, out);
            cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "%s: one line: %s", args, out);
        }
    test_rmtree(dir);
}

/* The built-ins pass the same suite (small sizes here; the full one is `membench check -s all`). */
Test(plugin, check_builtins, .timeout = 900) {
    bool small = getenv("MB_TEST_SMALL") != NULL;
    const char *lite = small ? " --only seed-scenarios,finalizers-modern,finalizers-legacy,fuzz,deep-structures "
                               "--seeds 1 --steps 1000 --depth 2000"
                             : " --seeds 2 --steps 2000 --depth 100000";
    char args[512];
    snprintf(args, sizeof args, "check -s mark-sweep%s", lite);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s: %s", args, out);
    cr_assert(strstr(out, "PASS workloads\n") || small, "%s", out);
    snprintf(args, sizeof args, "check -s all%s", lite);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s: %s", args, out);
    cr_assert(strstr(out, "SKIP finalizers-modern: never frees"), "none skips what it cannot do: %s", out);
    cr_assert(strstr(out, " passed, 0 failed"), "%s", out);
    cr_assert_eq(run_cli("check -s rc --only nosuch", out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "unknown check 'nosuch'"), "%s", out);
}
