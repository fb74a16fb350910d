/* test_options.c: the table of options (harness/cli/options.c) and what is made
 * from it: every command's --help, validation of every row's range and
 * choices, the man page, strategy parameters, --filter, `all` everywhere,
 * the estimate of the time left. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/helpers.h"
#include "harness/cli/options.h"

static char out[1 << 20];

static int count(const char *hay, const char *needle) {
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

/* membench COMMAND --help (and `membench help COMMAND`): exit 0, the
 * command's synopsis, every option of its rows with the default in words. */
Test(options, help_of_every_command) {
    for (int c = 0; c < MB_NCMDS; c++) {
        char args[128];
        for (int form = 0; form < 2; form++) {
            if (form == 0) snprintf(args, sizeof args, "%s --help", mb_cmddefs[c].name);
            else snprintf(args, sizeof args, "help %s", mb_cmddefs[c].name);
            int st = run_cli(args, out, sizeof out);
            cr_assert_eq(st, 0, "'membench %s' exits %d: %s", args, st, out);
            char want[128];
            snprintf(want, sizeof want, "usage: membench %s", mb_cmddefs[c].name);
            cr_assert(!strncmp(out, want, strlen(want)), "'membench %s' starts with %s: %s", args, want, out);
            for (size_t i = 0; i < mb_noptdefs; i++) {
                const mb_optdef_t *d = &mb_optdefs[i];
                if ((int)d->cmd != c) continue;
                char opt[96];
                snprintf(opt, sizeof opt, "  %s--%s", d->shortopt ? (char[]){'-', d->shortopt, ',', ' ', 0} : "", d->name);
                cr_assert(strstr(out, opt), "'membench %s' lists %s: %s", args, opt, out);
                if (d->def) {
                    snprintf(opt, sizeof opt, "default: %s", d->def);
                    cr_assert(strstr(out, opt), "'membench %s' gives --%s's %s", args, d->name, opt);
                }
            }
        }
    }
    cr_assert_eq(run_cli("help nosuch", out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "unknown command 'nosuch'"), "%s", out);
}

/* run --help lists every strategy parameter of the registry with its range. */
Test(options, help_lists_strategy_parameters) {
    cr_assert_eq(run_cli("run --help", out, sizeof out), 0, "%s", out);
    size_t n = 0;
    for (size_t i = 0; mb_strategies[i]; i++)
        for (const mb_param_def_t *p = mb_strategies[i]->params; p && p->name; p++, n++) {
            char line[256];
            snprintf(line, sizeof line, "%-12s %-12s %s (default %llu; %llu to %llu)", mb_strategies[i]->name, p->name,
                     p->doc, (unsigned long long)p->def, (unsigned long long)p->min, (unsigned long long)p->max);
            cr_assert(strstr(out, line), "run --help has '%s': %s", line, out);
        }
    cr_assert_geq(n, 4, "the registry declares parameters (rc-cycle, rc-gen, rc-deferred, generational)");
}

/* Every numeric row refuses a value past either end of its range and accepts
 * its default; every choice row refuses a value not among its choices, naming
 * them; each is one line naming the option, then the synopsis, exit 2. */
Test(options, every_row_validates) {
    size_t checked = 0;
    for (size_t i = 0; i < mb_noptdefs; i++) {
        const mb_optdef_t *d = &mb_optdefs[i];
        const char *cmd = mb_cmddefs[d->cmd].name;
        const char *pos = d->cmd == MB_CMD_COMPARE ? " a.json b.json" : mb_cmddefs[d->cmd].nargs ? " a.json" : "";
        char args[512], bad[256];
        if (d->kind == MB_OK_UINT || d->kind == MB_OK_NUM) {
            const char *vals[2] = {NULL, NULL};
            char lo[64], hi[64];
            if (d->min > 0) {
                snprintf(lo, sizeof lo, d->kind == MB_OK_UINT ? "%.0Lf" : "%Lg", d->min - (d->kind == MB_OK_UINT ? 1 : d->min / 2));
                vals[0] = lo;
            } else vals[0] = "-1";
            if (d->max < 18446744073709551615.0L) {
                snprintf(hi, sizeof hi, "%.0Lf", d->max * 2 + 1);
                vals[1] = hi;
            } else vals[1] = "18446744073709551616";
            for (int k = 0; k < 2; k++) {
                snprintf(args, sizeof args, "%s --%s %s%s", cmd, d->name, vals[k], pos);
                int st = run_cli(args, out, sizeof out);
                snprintf(bad, sizeof bad, "membench: --%s must be", d->name);
                cr_assert_eq(st, 2, "'%s' exits %d: %s", args, st, out);
                cr_assert(!strncmp(out, bad, strlen(bad)), "'%s' says %s...: %s", args, bad, out);
                cr_assert(strstr(out, "\nusage: membench "), "'%s' prints the synopsis: %s", args, out);
                checked++;
            }
        } else if (d->kind == MB_OK_CHOICE) {
            snprintf(args, sizeof args, "%s --%s bogus%s", cmd, d->name, pos);
            int st = run_cli(args, out, sizeof out);
            cr_assert_eq(st, 2, "'%s' exits %d: %s", args, st, out);
            char first[64];
            snprintf(first, sizeof first, "%.*s", (int)strcspn(d->choices, "|"), d->choices);
            snprintf(bad, sizeof bad, "membench: --%s must be %s", d->name, first);
            cr_assert(!strncmp(out, bad, strlen(bad)), "'%s' says %s...: %s", args, bad, out);
            cr_assert(strstr(out, "not 'bogus'"), "'%s': %s", args, out);
            checked++;
        }
    }
    cr_assert_geq(checked, 30, "numeric and choice rows checked: %zu", checked);
    /* an option that takes a value, given none, says so */
    for (size_t i = 0; i < mb_noptdefs; i++) {
        const mb_optdef_t *d = &mb_optdefs[i];
        if (d->kind == MB_OK_FLAG) continue;
        char args[256], want[128];
        snprintf(args, sizeof args, "%s --%s", mb_cmddefs[d->cmd].name, d->name);
        cr_assert_eq(run_cli(args, out, sizeof out), 2, "'%s': %s", args, out);
        snprintf(want, sizeof want, "membench: --%s needs a value", d->name);
        cr_assert(!strncmp(out, want, strlen(want)), "'%s' says %s: %s", args, want, out);
    }
}

/* The heap multiplier's default is written once (mb.h): the option's
 * default, and what a run writes into the JSON context, are that constant. */
Test(options, heap_multiplier_default_once) {
    const mb_optdef_t *d = mb_opt_find(MB_CMD_RUN, MB_O_HEAPMUL);
    cr_assert_not_null(d);
    cr_assert_eq(strtod(d->def, NULL), MB_DEFAULT_HEAP_MULTIPLIER, "--heap-multiplier default %s", d->def);
    cr_assert_eq(run_cli("run -s rc -w cycle-pairs -i off -n 10 -r 1 -f json", out, sizeof out), 0, "%s", out);
    char want[64];
    snprintf(want, sizeof want, "\"heap_multiplier\": %g", MB_DEFAULT_HEAP_MULTIPLIER);
    cr_assert(strstr(out, want), "context carries %s: %.2000s", want, out);
}

/* Every strategy parameter: its default in range and accepted; one past its
 * maximum, one below its minimum, an unknown key refused with a message. */
Test(options, strategy_parameters_checked_against_their_table) {
    char err[512], kv[128];
    for (size_t i = 0; mb_strategies[i]; i++) {
        const mb_strategy_t *S = mb_strategies[i];
        cr_assert_neq(mb_params_check(S, "nosuchkey=1", err, sizeof err), 0, "%s takes nosuchkey", S->name);
        cr_assert(strstr(err, S->name), "%s: %s", S->name, err);
        for (const mb_param_def_t *p = S->params; p && p->name; p++) {
            cr_assert(p->def >= p->min && p->def <= p->max, "%s %s: default %llu outside [%llu, %llu]", S->name, p->name,
                      (unsigned long long)p->def, (unsigned long long)p->min, (unsigned long long)p->max);
            cr_assert(S->param, "%s declares parameters but has no param method", S->name);
            snprintf(kv, sizeof kv, "%s=%llu", p->name, (unsigned long long)p->def);
            cr_assert_eq(mb_params_check(S, kv, err, sizeof err), 0, "%s %s: %s", S->name, kv, err);
            mb_options_t opt = {.params = kv};
            mb_rt_t *rt = mb_rt_new(S, &opt);
            cr_assert_not_null(rt, "%s with %s", S->name, kv);
            mb_teardown(rt);
            mb_rt_free(rt);
            snprintf(kv, sizeof kv, "%s=%llu", p->name, (unsigned long long)p->max + 1);
            cr_assert_neq(mb_params_check(S, kv, err, sizeof err), 0, "%s %s accepted", S->name, kv);
            cr_assert(strstr(err, "must be an integer from"), "%s %s: %s", S->name, kv, err);
            if (p->min > 0) {
                snprintf(kv, sizeof kv, "%s=%llu", p->name, (unsigned long long)p->min - 1);
                cr_assert_neq(mb_params_check(S, kv, err, sizeof err), 0, "%s %s accepted", S->name, kv);
            }
        }
    }
}

/* The man page in the repository is what the table makes (regenerate with
 * `make man`), and man renders it without a warning. */
Test(options, man_page_is_generated_and_renders) {
#ifdef MB_DEBUG
    cr_skip("debug builds have other defaults (rc-deferred's zct): the release build checks the page");
#endif
    char path[1024], cmd[2048];
    snprintf(path, sizeof path, "%s/docs/membench.1", MB_SOURCE_DIR);
    const char *bin = getenv("MEMBENCH") ? getenv("MEMBENCH") : "build/membench";
    snprintf(cmd, sizeof cmd, "%s man | cmp -s - %s", bin, path);
    cr_assert_eq(system(cmd), 0, "docs/membench.1 differs from `membench man`: run `make man`");
    if (system("command -v man >/dev/null 2>&1") != 0) return;
    snprintf(cmd, sizeof cmd, "MANWIDTH=80 man --warnings -l %s 2>&1 >/dev/null | grep -v '^$' | head -5", path);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    pclose(p);
    cr_assert_eq(n, 0, "man warns about docs/membench.1: %s", out);
}

/* --filter REGEX selects cases by name, as Google Benchmark's filter; a
 * leading '-' excludes; nothing matched or a bad expression is bad usage. */
Test(options, filter_selects_by_name) {
    int st = run_cli("run -s all -w all --filter 'cycle-pairs/(rc|none)/interning:off' -n 50 -r 1 -f json", out, sizeof out);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert_eq(count(out, "\"run_name\": \"cycle-pairs/rc/interning:off\""), 1, "%s", out);
    cr_assert_eq(count(out, "\"run_name\": \"cycle-pairs/none/interning:off\""), 1, "%s", out);
    cr_assert_eq(count(out, "\"run_name\": "), 2, "only the two cases: %s", out);

    st = run_cli("run -s rc,none -w cycle-pairs --filter -interning:on -n 50 -r 1 -f json", out, sizeof out);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert_eq(count(out, "/interning:on"), 0, "-REGEX excludes: %s", out);
    cr_assert_eq(count(out, "\"run_name\": "), 2, "%s", out);

    /* a workload with no selected case is not sized: -n past its maximum is no error */
    st = run_cli("run -w all --filter '^cycle-pairs/rc/' -i off -n 300 -r 1 -f json", out, sizeof out);
    cr_assert_eq(st, 0, "binary-trees (maximum 28) is filtered out: %s", out);

    st = run_cli("run --filter 'nosuch' -n 10", out, sizeof out);
    cr_assert_eq(st, 2, "%s", out);
    cr_assert(strstr(out, "--filter 'nosuch' matches no case"), "%s", out);
    st = run_cli("run --filter '(' -n 10", out, sizeof out);
    cr_assert_eq(st, 2, "%s", out);
    cr_assert(strstr(out, "--filter '(' is not a regular expression"), "%s", out);
}

/* report --filter keeps the entries it selects. */
Test(options, report_filter) {
    char dir[512], args[2048];
    tmpdir(dir, sizeof dir);
    snprintf(args, sizeof args, "run -s rc,mark-sweep -w cycle-pairs,dlist -i off -n 50 -r 2 -f json -o %s/r.json", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "report %s/r.json --filter '^dlist/' -f csv", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    cr_assert_eq(count(out, "cycle-pairs/"), 0, "%s", out);
    cr_assert_geq(count(out, "dlist/rc/interning:off"), 1, "%s", out);
    cr_assert_geq(count(out, "dlist/mark-sweep/interning:off"), 1, "%s", out);
    snprintf(args, sizeof args, "report %s/r.json --filter 'nosuch'", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "matches no entry"), "%s", out);
}

/* -s all and -w all wherever a list is taken. */
Test(options, all_everywhere) {
    cr_assert_eq(run_cli("fuzz -s all --seeds 1 --steps 50", out, sizeof out), 0, "%s", out);
    char want[64];
    snprintf(want, sizeof want, "x %zu strategies", mb_strategy_count());
    cr_assert(strstr(out, want), "fuzz -s all runs every strategy: %s", out);
    cr_assert_eq(run_cli("tour -s all -i off --finalizers modern", out, sizeof out), 0, "%s", out);
    for (size_t i = 0; mb_strategies[i]; i++) {
        snprintf(want, sizeof want, "strategy %s", mb_strategies[i]->name);
        cr_assert(strstr(out, mb_strategies[i]->name), "tour -s all shows %s", mb_strategies[i]->name);
    }
    cr_assert_eq(run_cli("run -s all -w all --filter '^(cycle-pairs|dlist)/rc/interning:off$' -n 20 -r 1 -f csv", out,
                         sizeof out), 0, "%s", out);
    cr_assert_eq(count(out, ",rc,off,iteration,"), 2, "two CSV rows: %s", out);
}

/* The progress lines estimate the time left, and the last one has none to give. */
Test(options, progress_estimates_time_left) {
    char dir[512], args[1024];
    tmpdir(dir, sizeof dir);
    snprintf(args, sizeof args, "run -s rc,none -w cycle-pairs -i off -n 2000 -r 3 -o %s/r.txt", dir);
    unsetenv("MB_QUIET");
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    cr_assert_eq(count(out, "membench: ["), 6, "one line per run: %s", out);
    cr_assert_eq(count(out, " left] "), 5, "every run but the last estimates the time left: %s", out);
    const char *last = strstr(out, "membench: [6/6 ");
    cr_assert_not_null(last, "%s", out);
    cr_assert(!strstr(last, " left] "), "%s", last);
}

/* The JSON context carries every option of the run, given or default, made
 * from the table: a reader can tell what produced the file. */
Test(options, context_carries_the_options) {
    int st = run_cli("run -s rc -w cycle-pairs -i off -n 10 -r 1 -f json --filter cycle", out, sizeof out);
    cr_assert_eq(st, 0, "%s", out);
    const char *o = strstr(out, "\"options\": {");
    cr_assert_not_null(o, "%s", out);
    const char *end = strchr(o, '}');
    for (size_t i = 0; i < mb_noptdefs; i++) {
        const mb_optdef_t *d = &mb_optdefs[i];
        if (d->cmd != MB_CMD_RUN || !d->def || mb_opt_find(MB_CMD_RUN, d->id) != d) continue;
        char key[96];
        snprintf(key, sizeof key, "\"%s\": ", d->name);
        const char *k = strstr(o, key);
        cr_assert(k && k < end, "options has %s (default %s): %.1500s", d->name, d->def, o);
    }
    cr_assert(strstr(o, "\"filter\": \"cycle\""), "%.1500s", o);
    char hm[64];
    snprintf(hm, sizeof hm, "\"heap-multiplier\": %g", MB_DEFAULT_HEAP_MULTIPLIER);
    cr_assert(strstr(o, hm), "%s: %.1500s", hm, o);
}
