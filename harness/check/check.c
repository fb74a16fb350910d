/* check.c: `membench check`, the conformance suite every strategy (built-in or plug-in) must pass. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/base/child.h"
#include "harness/run/case.h"
#include "harness/check/check.h"
#include "harness/check/fuzz.h"
#include "harness/check/scenarios.h"
#include "harness/plugin/plugin.h"
#include "harness/run/runner.h"

/*
 * Each check runs in a child process of its own (a crash, a panic or a
 * hang fails that check, not the suite) and returns 0 (pass), -1 (fail,
 * with a message) or, before anything runs, a reason it does not apply to
 * the strategy's attributes (skip). The checks say, as plain code with
 * messages, what the test suite asserts on every built-in strategy:
 *
 *   seed-scenarios      docs/design.md section 9, scenarios 1, 2 and 4 (scenarios.c,
 *                       which tests/test_seed.c runs on every built-in strategy)
 *   finalizers-modern   scenario 3 under PEP 442, and resurrection (scenarios.c, which
 *                       tests/test_finalizers.c runs too)
 *   finalizers-legacy   scenario 3 before Python 3.4: `garbage`, uncollectable counts
 *   fuzz                the differential fuzzer against the reachability oracle (fuzz.c)
 *   workloads           every workload, small, interning off and on (and legacy
 *                       finalizers): the runner's checks of leaks, uncollectable
 *                       objects and the checksum against another strategy's
 *   heap-verify         census and counters agree; the heap verifier (verify.c:
 *                       I1-I3, then the strategy's own verify) after a collection
 *   deep-structures     a chain of --depth objects collected and freed: no recursion
 *   fault-injection     MB_FAIL_ALLOC: a failed allocation ends the case as "out of
 *                       memory", never as a crash
 */

typedef struct ck {
    const mb_strategy_t *s;
    const mb_check_opts_t *o;
    char *err;
    size_t errsz;
} ck_t;

static int fail(ck_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(ck_t *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, c->errsz, fmt, ap);
    va_end(ap);
    return -1;
}

static bool has(const mb_strategy_t *s, unsigned a) { return (s->attrs & a) != 0; }
/* Exactly `want` left, or for a conservative strategy at least `want`. */
static bool left_ok(const mb_strategy_t *s, uint64_t got, uint64_t want) {
    return has(s, MB_ATTR_CONSERVATIVE) ? got >= want : got == want;
}

static mb_rt_t *new_rt(ck_t *c, bool interning, mb_finalizer_mode_t fin) {
    mb_options_t opt = {.interning = interning, .census = true, .finalizers = fin};
    return mb_rt_new(c->s, &opt);
}

#define NEED(cond, ...) do { if (!(cond)) { int r_ = fail(c, __VA_ARGS__); mb_rt_free(rt); return r_; } } while (0)

/* --- seed-scenarios, finalizers (scenarios.c) ------------------------------ */

static int seed_scenarios(ck_t *c) {
    if (mb_sc_seed_aliasing(c->s, c->err, c->errsz) != MB_SC_PASS) return -1;
    if (mb_sc_seed_cycle(c->s, c->err, c->errsz) != MB_SC_PASS) return -1;
    return mb_sc_seed_interning(c->s, c->err, c->errsz) == MB_SC_PASS ? 0 : -1;
}

/* The pair's counts under m; under modern finalizers, on a cycle collector, resurrection too. */
static int finalizers(ck_t *c, mb_finalizer_mode_t m) {
    if (mb_sc_fin_cycle(c->s, m, c->err, c->errsz) != MB_SC_PASS) return -1;
    if (m == MB_FIN_LEGACY || !has(c->s, MB_ATTR_CYCLES)) return 0;
    return mb_sc_fin_resurrection(c->s, c->err, c->errsz) == MB_SC_PASS ? 0 : -1;
}

static int finalizers_modern(ck_t *c) { return finalizers(c, MB_FIN_MODERN); }
static int finalizers_legacy(ck_t *c) { return finalizers(c, MB_FIN_LEGACY); }

/* --- fuzz --------------------------------------------------------------------- */

static int fuzz(ck_t *c) {
    char spec[4200];
    mb_strategy_spec(c->s, spec, sizeof spec);
    for (uint64_t k = 0; k < c->o->seeds; k++) {
        /* If the seed crashes the process (a panic of the heap verifier), the parent names it. */
        fprintf(stderr, "\n@CONTEXT reproduce: membench fuzz -s %s --seed %" PRIu64 " --seeds 1 --steps %" PRIu64 "\n",
                spec, 1 + k, c->o->steps);
        fflush(stderr);
        if (mb_fuzz_run(c->s, 1 + k, c->o->steps, c->err, c->errsz) != 0) return -1;
    }
    return 0;
}

/* --- workloads ------------------------------------------------------------------ */

/* A small size of w: a tenth of its quick size, at least 20 (binary-trees: a depth, 8). */
static uint64_t small_size(const mb_workload_t *w) {
    if (w->size_max && w->size_max <= 64) return 8;
    uint64_t n = w->size_quick / 10;
    return n < 20 ? 20 : n;
}

static int workloads(ck_t *c) {
    /* The checksum is checked against a reference strategy run first (rc, or none for rc). */
    const mb_strategy_t *ref = mb_find_strategy(strcmp(c->s->name, "rc") ? "rc" : "none");
    mb_suite_t suite = {.timeout_s = 120};
    setenv("MB_QUIET", "1", 1);
    for (size_t i = 0; mb_workloads[i]; i++) {
        const mb_workload_t *w = mb_workloads[i];
        for (int k = 0; k < 3; k++) {          /* interning off, on; legacy finalizers */
            bool legacy = k == 2;
            if (legacy && !w->uncollectable_legacy) continue;
            mb_case_t cs = {.workload = w, .strategy = ref,
                            .opt = {.finalizers = legacy ? MB_FIN_LEGACY : MB_FIN_MODERN},
                            .args = {.n = small_size(w), .seed = 42, .interning = k == 1, .finalizers = true}};
            mb_suite_add(&suite, &cs, 1, "reference");
            cs.strategy = c->s;
            mb_suite_add(&suite, &cs, 1, "check");
        }
    }
    mb_suite_run(&suite);
    int rc = 0;
    char spec[4200];
    for (size_t e = 0; e < suite.n && rc == 0; e++) {
        const mb_entry_t *x = &suite.v[e];
        if (!x->error) continue;
        bool legacy = x->c.opt.finalizers == MB_FIN_LEGACY;
        rc = fail(c, "%s%s: %s (reproduce: membench run -s %s -w %s -n %" PRIu64 " -i %s%s -r 1)", x->name,
                  legacy ? " (legacy finalizers)" : "", x->message, mb_strategy_spec(x->c.strategy, spec, sizeof spec),
                  x->c.workload->name, x->c.args.n, x->c.args.interning ? "on" : "off",
                  legacy ? " --finalizers legacy" : "");
    }
    mb_suite_free(&suite);
    return rc;
}

/* --- heap-verify ---------------------------------------------------------------- */

static int heap_verify(ck_t *c) {
    for (size_t i = 0; mb_workloads[i]; i++) {
        const mb_workload_t *w = mb_workloads[i];
        for (int on = 0; on <= 1; on++) {
            mb_rt_t *rt = new_rt(c, on, MB_FIN_MODERN);
            if (!rt) return fail(c, "the runtime could not be created");
            mb_wl_args_t args = {.n = small_size(w), .seed = 42, .interning = on, .finalizers = true};
            mb_push(rt, 1);             /* a frame of its own, so the census is read between workload and teardown */
            w->run(rt, &args);
            const mb_stats_t *st = mb_rt_stats(rt);
            for (int pass = 0; pass < 2; pass++) {
                uint64_t owned = st->live_objects - st->immortal_objects;
                NEED(mb_census(rt) == owned, "%s, interning %s, %s: the census holds %zu objects, the counters say %"
                     PRIu64, w->name, on ? "on" : "off", pass ? "after collect()" : "after the workload", mb_census(rt),
                     owned);
                if (pass == 0) mb_collect(rt);
            }
            mb_verify(rt);              /* I1-I3 and the strategy's verify: a broken invariant panics */
            mb_pop(rt);
            mb_rt_free(rt);
        }
    }
    return 0;
}

/* --- deep-structures -------------------------------------------------------------- */

static int deep(ck_t *c) {
    const mb_strategy_t *s = c->s;
    mb_rt_t *rt = new_rt(c, false, MB_FIN_MODERN);
    if (!rt) return fail(c, "the runtime could not be created");
    enum { HEAD, T, N };
    uint64_t n = c->o->depth;
    mb_push(rt, N);
    for (uint64_t i = 0; i < n; i++) {
        mb_new_list(rt, T, 1);
        mb_store(rt, T, 0, HEAD);
        mb_assign(rt, HEAD, T);
    }
    mb_none(rt, T);
    mb_collect(rt);                     /* the whole chain is live: a mark must follow it n deep */
    NEED(mb_census(rt) == n, "a live chain of %" PRIu64 ": %zu objects after collect()", n, mb_census(rt));
    mb_assign(rt, T, HEAD);
    for (uint64_t i = 0; i + 1 < n; i++) mb_load(rt, T, T, 0);
    NEED(mb_is_list(rt, T), "the chain's last link is gone");
    mb_none(rt, T);
    mb_none(rt, HEAD);                  /* drop it at once: a counting release must not recurse */
    mb_collect(rt);
    uint64_t want = has(s, MB_ATTR_FREES) ? 0 : n;
    NEED(left_ok(s, mb_census(rt), want), "a dropped chain of %" PRIu64 ": %zu objects left after collect(), expected %"
         PRIu64, n, mb_census(rt), want);
    mb_pop(rt);
    mb_rt_free(rt);
    return 0;
}

/* --- fault-injection ---------------------------------------------------------------- */

static int fault_injection(ck_t *c) {
    static const uint64_t nth[] = {1, 2, 3, 5, 8, 13, 40, 100, 300, 1000};
    static const char *const wls[] = {"cycle-pairs", "finalizer-cycles", "random-graph"};
    char spec[4200];
    for (size_t wi = 0; wi < sizeof wls / sizeof *wls; wi++) {
        const mb_workload_t *w = mb_find_workload(wls[wi]);
        if (!w) continue;
        for (size_t k = 0; k < sizeof nth / sizeof *nth; k++) {
            char env[32], err[256];
            snprintf(env, sizeof env, "%" PRIu64, nth[k]);
            setenv("MB_FAIL_ALLOC", env, 1);
            mb_case_t cs = {.workload = w, .strategy = c->s, .args = {.n = 100, .seed = 42, .finalizers = true}};
            mb_result_t r;
            int st = mb_run_isolated(&cs, 60, &r, err, sizeof err);
            unsetenv("MB_FAIL_ALLOC");
            if (st != 0 && !strstr(err, "out of memory"))
                return fail(c, "%s with allocation %" PRIu64 " failing: %s, not \"out of memory\" (reproduce: "
                            "MB_FAIL_ALLOC=%" PRIu64 " membench run -s %s -w %s -n 100 -i off -r 1)", w->name, nth[k],
                            err, nth[k], mb_strategy_spec(c->s, spec, sizeof spec), w->name);
        }
    }
    return 0;
}

/* --- the suite ------------------------------------------------------------------------- */

typedef struct check {
    const char *name;
    int (*fn)(ck_t *c);
    const char *(*skip)(const mb_strategy_t *s);        /* why it does not apply, or NULL */
} check_t;

static const check_t checks[] = {
    {"seed-scenarios", seed_scenarios, NULL},
    {"finalizers-modern", finalizers_modern, mb_sc_fin_skip},
    {"finalizers-legacy", finalizers_legacy, mb_sc_fin_skip},
    {"fuzz", fuzz, NULL},
    {"workloads", workloads, NULL},
    {"heap-verify", heap_verify, NULL},
    {"deep-structures", deep, NULL},
    {"fault-injection", fault_injection, NULL},
};
#define NCHECKS (sizeof checks / sizeof *checks)

const char *mb_check_names(void) {
    static char names[512];
    if (!*names)
        for (size_t i = 0; i < NCHECKS; i++) {
            size_t l = strlen(names);
            snprintf(names + l, sizeof names - l, "%s%s", i ? "," : "", checks[i].name);
        }
    return names;
}

int mb_check_only_valid(const char *list, char *bad, size_t badsz) {
    char *copy = strdup(list), *save = NULL;
    if (!copy) return -1;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        bool known = false;
        for (size_t i = 0; i < NCHECKS; i++) known |= !strcmp(t, checks[i].name);
        if (!known) {
            snprintf(bad, badsz, "%s", t);
            free(copy);
            return -1;
        }
    }
    free(copy);
    return 0;
}

static bool selected(const char *only, const char *name) {
    if (!only) return true;
    size_t l = strlen(name);
    for (const char *p = only; (p = strstr(p, name)); p += l)
        if ((p == only || p[-1] == ',') && (p[l] == ',' || p[l] == '\0')) return true;
    return false;
}

/* Why the child failed, from its wait status st and its output buf (got bytes): its @FAIL message, or for a
 * crash or a panic its last line of output and the last context line (what it was doing). */
static void child_failure(int st, char *buf, size_t got, char *err, size_t errsz) {
    char *m = strstr(buf, "\n@FAIL ");
    if (m && WIFEXITED(st) && WEXITSTATUS(st) == 1) {
        m += 7;
        m[strcspn(m, "\n")] = '\0';
        snprintf(err, errsz, "%s", m);
        return;
    }
    char ctx[4400] = "";
    for (char *p = buf; (p = strstr(p, "\n@CONTEXT ")); p++) {
        p += 10;
        size_t l = strcspn(p, "\n");
        snprintf(ctx, sizeof ctx, " (%.*s)", (int)(l < 4300 ? l : 4300), p);
        memset(p - 10, ' ', l + 10);    /* not a line of output any more */
    }
    while (got && (buf[got - 1] == '\n' || buf[got - 1] == ' ')) buf[--got] = '\0';
    char *last = strrchr(buf, '\n');
    last = last ? last + 1 : buf;
    if (WIFSIGNALED(st))
        snprintf(err, errsz, "crashed: killed by signal %d (%s)%s%.1000s%s", WTERMSIG(st), strsignal(WTERMSIG(st)),
                 *last ? ": " : "", last, ctx);
    else
        snprintf(err, errsz, "exited with status %d%s%.1000s%s", WEXITSTATUS(st), *last ? ": " : "", last, ctx);
}

/* Run one check in a child; returns 0 pass, -1 fail (message in err). */
/* The parent's side of a check's pipe: everything the child wrote, its last part kept. */
typedef struct out_in {
    char buf[1 << 16];                  /* what was read, NUL-terminated at got */
    size_t got;                         /* bytes in buf */
} out_in_t;

static bool out_data(void *arg, const char *tmp, size_t take) {
    out_in_t *in = arg;
    if (in->got + take > sizeof in->buf - 1) {   /* keep the last part: the message is at the end */
        size_t drop = in->got + take - (sizeof in->buf - 1);
        if (drop > in->got) drop = in->got;
        memmove(in->buf, in->buf + drop, in->got - drop);
        in->got -= drop;
        if (take > sizeof in->buf - 1 - in->got) take = sizeof in->buf - 1 - in->got;
    }
    memcpy(in->buf + in->got, tmp, take);
    in->got += take;
    return true;
}

static int run_child(const check_t *k, const mb_strategy_t *s, const mb_check_opts_t *o, char *err, size_t errsz) {
    mb_child_t ch;
    int started = mb_child_start(&ch, err, errsz);
    if (started < 0) return -1;
    if (started == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, 1);
        dup2(ch.fd, 2);                 /* a panic's message comes back on the pipe too */
        char msg[4096] = "";
        ck_t c = {.s = s, .o = o, .err = msg, .errsz = sizeof msg};
        int rc = k->fn(&c);
        if (rc != 0) fprintf(stderr, "\n@FAIL %s\n", msg);
        fflush(stderr);
        _exit(rc != 0 ? 1 : 0);
    }
    static out_in_t in;
    in.got = 0;
    mb_child_reader_t rd = {.data = out_data, .arg = &in};
    bool timed_out = mb_child_read(&ch, mb_now_ns() + (uint64_t)(o->timeout_s * 1e9), &rd);
    char *buf = in.buf;
    size_t got = in.got;
    buf[got] = '\0';
    int st;
    (void)mb_child_wait(&ch, timed_out, &st, NULL);
    if (timed_out) {
        snprintf(err, errsz, "timed out after %g s (killed)", o->timeout_s);
        return -1;
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return 0;
    child_failure(st, buf, got, err, errsz);
    return -1;
}

int mb_check(const mb_strategy_t *s, const mb_check_opts_t *o, FILE *out, unsigned *passed, unsigned *failed,
             unsigned *skipped) {
    char spec[4200];
    mb_strategy_spec(s, spec, sizeof spec);
    fprintf(out, "# membench check: strategy %s%s%s\n", s->name, mb_plugin_path(s) ? ", plug-in " : "",
            mb_plugin_path(s) ? mb_plugin_path(s) : "");
    int rc = 0;
    for (size_t i = 0; i < NCHECKS; i++) {
        const check_t *k = &checks[i];
        if (!selected(o->only, k->name)) continue;
        const char *why = k->skip ? k->skip(s) : NULL;
        if (why) {
            fprintf(out, "SKIP %s: %s\n", k->name, why);
            ++*skipped;
            continue;
        }
        char err[8192];
        fflush(out);
        if (run_child(k, s, o, err, sizeof err) == 0) {
            fprintf(out, "PASS %s\n", k->name);
            ++*passed;
        } else {
            fprintf(out, "FAIL %s: %s\n", k->name, err);
            if (!strstr(err, "reproduce:"))
                fprintf(out, "  reproduce: membench check -s %s --only %s\n", spec, k->name);
            ++*failed;
            rc = 1;
        }
        fflush(out);
    }
    return rc;
}
