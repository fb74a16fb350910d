/* test_shard.c: `run --shard I/N` and `membench merge` (docs/sharding.md):
 * bad input, the partition (whole workloads, disjoint, balanced, the same
 * on every machine), shards run through GNU parallel (locally and over
 * --sshlogin) merged into what one unsharded run gives, a lost shard rerun
 * alone, merge's checks, and the recipes (make bench SHARDS=N, the GitHub
 * Actions workflow, the Slurm array script). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/helpers.h"
#include "harness/run/shard.h"

#define SRC MB_SOURCE_DIR
static char out[1 << 20];

/* The suite the sharded runs split: three workloads, two strategies, both
 * interning settings; smaller in stress builds (a collection at every
 * allocation). */
static const char *suite(void) {
    return getenv("MB_TEST_SMALL") ? "-w cycle-pairs,dlist,shared-refs -s rc,mark-sweep -n 20 -r 2 --seed 7"
                                   : "-w cycle-pairs,dlist,shared-refs -s rc,mark-sweep -n 500 -r 2 --seed 7";
}

static const char *membench(void) {
    const char *bin = getenv("MEMBENCH");
    return bin ? bin : "build/membench";
}

static int sh(const char *cmd) {
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The exact counters: what no machine, load or host changes. */
static const char *const exact[] = {"objects_allocated", "objects_freed", "leaked_objects", "leaked_bytes",
                                    "uncollectable_objects", "peak_live_bytes", "collections", "checksum"};

/* merged holds what unsharded holds: the same entries in the same order,
 * the same names, family indices, repetitions and exact counters (times differ). */
static void assert_same_as_unsharded(const char *merged_path, const char *unsharded_path) {
    json_t *m = test_load_json(merged_path), *u = test_load_json(unsharded_path);
    json_t *mb = json_object_get(m, "benchmarks"), *ub = json_object_get(u, "benchmarks");
    cr_assert_eq(json_array_size(mb), json_array_size(ub), "%zu entries merged, %zu unsharded", json_array_size(mb),
                 json_array_size(ub));
    cr_assert_gt(json_array_size(ub), 0);
    size_t i;
    json_t *a;
    json_array_foreach(ub, i, a) {
        json_t *b = json_array_get(mb, i);
        const char *na = json_string_value(json_object_get(a, "name")), *nb = json_string_value(json_object_get(b, "name"));
        cr_assert_str_eq(nb, na, "entry %zu", i);
        cr_assert(json_equal(json_object_get(a, "family_index"), json_object_get(b, "family_index")), "%s family", na);
        cr_assert(json_equal(json_object_get(a, "repetition_index"), json_object_get(b, "repetition_index")) ||
                  !json_object_get(a, "repetition_index"), "%s repetition", na);
        cr_assert(json_is_integer(json_object_get(b, "shard")), "%s says which shard ran it", nb);
        if (!strcmp(json_string_value(json_object_get(a, "run_type")), "aggregate")) continue;
        for (size_t k = 0; k < sizeof exact / sizeof *exact; k++) {
            json_t *x = json_object_get(a, exact[k]), *y = json_object_get(b, exact[k]);
            cr_assert(json_is_integer(x) && json_is_integer(y) && json_integer_value(x) == json_integer_value(y),
                      "%s %s: %lld unsharded, %lld merged", na, exact[k], (long long)json_integer_value(x),
                      (long long)json_integer_value(y));
        }
    }
    json_t *ctx = json_object_get(m, "context");
    cr_assert_eq(json_integer_value(json_object_get(ctx, "shard_count")), 3);
    cr_assert_eq(json_array_size(json_object_get(ctx, "shards")), 3, "every shard's machine is kept");
    cr_assert_null(json_object_get(ctx, "incomplete"));
    json_decref(m);
    json_decref(u);
}

/* The merged file reads like any results file: report, compare, mb-plotdata. */
static void assert_readable(const char *dir, const char *merged, const char *unsharded) {
    char args[4200];
    snprintf(args, sizeof args, "report %s", merged);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "compared only within a shard"), "report notes the hosts: %s", out);
    snprintf(args, sizeof args, "compare %s %s --no-times --no-memory", unsharded, merged);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "compare of equal counters passes: %s", out);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/scripts/mb-plotdata report %s --pictures %s/pics --out %s/report.md 2>%s/plotdata.err",
             SRC, merged, dir, dir, dir);
    cr_assert_eq(sh(cmd), 0, "mb-plotdata reads the merged file");
}

Test(shard, bad_shard_values, .timeout = 60) {
    static const char *const bad[] = {"3/3", "-1/2", "1/0", "a/b", "1/2/3", "", "/2", "1/", "0/10001", " 0/2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char args[256];
        snprintf(args, sizeof args, "run -w dlist -s rc -n 10 -r 1 --shard '%s'", bad[i]);
        cr_assert_eq(run_cli(args, out, sizeof out), 2, "'%s' exits 2: %s", args, out);
        cr_assert(!strncmp(out, "membench: --shard", 17), "'%s' names the option: %s", args, out);
        cr_assert(strstr(out, "from 0 to") || strstr(out, "from 1 to"), "'%s' gives the valid range: %s", args, out);
    }
    cr_assert_eq(run_cli("run -w dlist -s rc -n 10 -r 1 --shard 3/3", out, sizeof out), 2);
    cr_assert(strstr(out, "from 0 to 2"), "%s", out);
    cr_assert_eq(run_cli("run -w dlist -s rc -n 10 -r 1 --shard-costs x.json", out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "--shard-costs goes with --shard"), "%s", out);
    cr_assert_eq(run_cli("merge", out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "merge: expected one or more results files"), "%s", out);
    cr_assert_eq(run_cli("merge /nonexistent/shard-0.json", out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "/nonexistent/shard-0.json"), "names the file: %s", out);
}

/* Each shard runs whole workloads (every strategy and interning setting of
 * a workload in one shard), the shards are disjoint and cover the plan,
 * and the context says which shard and which units. */
Test(shard, partition_is_whole_workloads_disjoint_and_complete, .timeout = 120) {
    char dir[256];
    tmpdir(dir, sizeof dir);
    json_t *seen = json_object();
    size_t cases = 0;
    /* stress builds: the workloads that stay small at n = 10 (not cycle-rings' 10,000-node rings) */
    bool small = getenv("MB_TEST_SMALL") != NULL;
    const char *wl = small ? "cycle-pairs,dlist,shared-refs,parent-trees,random-graph,long-chain" : "all";
    size_t nwl = small ? 6 : mb_workload_count();
    for (int i = 0; i < 4; i++) {
        char args[1024], path[512];
        snprintf(path, sizeof path, "%s/s%d.json", dir, i);
        snprintf(args, sizeof args, "run -w %s -s rc,mark-sweep -i both -n 8 -r 1 --shard %d/4 -f json -o %s", wl, i, path);
        cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
        json_t *j = test_load_json(path), *ctx = json_object_get(j, "context"), *sh = json_object_get(ctx, "shard");
        cr_assert_eq(json_integer_value(json_object_get(sh, "index")), i);
        cr_assert_eq(json_integer_value(json_object_get(sh, "count")), 4);
        json_t *units = json_object_get(sh, "units");
        size_t k;
        json_t *e;
        json_array_foreach(json_object_get(j, "benchmarks"), k, e) {
            if (strcmp(json_string_value(json_object_get(e, "run_type")), "iteration")) continue;
            cases++;
            char w[64];
            snprintf(w, sizeof w, "%s", json_string_value(json_object_get(e, "name")));
            *strchr(w, '/') = '\0';
            bool listed = false;
            size_t u;
            json_t *un;
            json_array_foreach(units, u, un) listed |= !strcmp(json_string_value(un), w);
            cr_assert(listed, "%s runs in shard %d, which lists it", w, i);
            json_t *prev = json_object_get(seen, w);
            cr_assert(!prev || json_integer_value(prev) == i, "%s runs in shards %lld and %d", w,
                      (long long)json_integer_value(prev), i);
            json_object_set_new(seen, w, json_integer(i));
        }
        json_decref(j);
    }
    cr_assert_eq(json_object_size(seen), nwl, "every workload runs in some shard");
    cr_assert_eq(cases, nwl * 2 * 2, "every case once: %zu", cases);
    json_decref(seen);
    test_rmtree(dir);
}

/* The plan at default scale (every strategy, both interning settings, 5
 * repetitions) over 4 shards: the largest shard's estimate at most 1.3x the
 * mean (docs/sharding.md), and LPT's ties broken the same way every time. */
Test(shard, balance_at_default_scale) {
    size_t nw = mb_workload_count(), nsr = mb_strategy_count();
    double cost[64], load[8];
    unsigned of[64], of2[64];
    for (size_t i = 0; i < nw; i++)
        cost[i] = mb_shard_model_seconds(mb_workloads[i], mb_workloads[i]->size_default) * (double)(nsr * 2 * 5);
    mb_shard_assign(cost, nw, 4, of, load);
    double total = 0, max = 0;
    for (int k = 0; k < 4; k++) {
        total += load[k];
        if (load[k] > max) max = load[k];
    }
    cr_assert_leq(max / (total / 4), 1.3, "largest shard %.2fx the mean", max / (total / 4));
    mb_shard_assign(cost, nw, 4, of2, load);
    cr_assert_arr_eq(of, of2, nw * sizeof *of, "the same costs, the same partition");
    /* equal costs: in plan order, round the shards */
    double eq[5] = {1, 1, 1, 1, 1};
    mb_shard_assign(eq, 5, 2, of, load);
    cr_assert(of[0] == 0 && of[1] == 1 && of[2] == 0 && of[3] == 1 && of[4] == 0, "%u %u %u %u %u", of[0], of[1], of[2],
              of[3], of[4]);
    /* the size scales the cost: linear, or geometric for a depth */
    const mb_workload_t *bt = mb_find_workload("binary-trees"), *cp = mb_find_workload("cycle-pairs");
    const double o = MB_SHARD_OVERHEAD_S;
    double bt0 = mb_shard_model_seconds(bt, bt->size_default) - o, bt2 = mb_shard_model_seconds(bt, bt->size_default + 2) - o;
    double cp0 = mb_shard_model_seconds(cp, cp->size_default) - o, cp10 = mb_shard_model_seconds(cp, cp->size_default * 10) - o;
    cr_assert(bt0 > 0 && bt2 > 3.99 * bt0 && bt2 < 4.01 * bt0, "binary-trees: %g s at depth +2, %g s at the default", bt2, bt0);
    cr_assert(cp0 > 0 && cp10 > 9.99 * cp0 && cp10 < 10.01 * cp0, "cycle-pairs: %g s at 10n, %g s at n", cp10, cp0);
}

/* Every registered workload states its cost (shard_seconds), so the model
 * never falls back to the mean for a built-in workload; a trace, which has
 * none, costs the mean of the registered ones. */
Test(shard, every_workload_has_a_cost) {
    double mean = 0;
    size_t nw = mb_workload_count();
    for (size_t i = 0; i < nw; i++) {
        cr_expect_gt(mb_workloads[i]->shard_seconds, 0, "%s has no shard_seconds (workloads/workload.h)",
                     mb_workloads[i]->name);
        mean += mb_workloads[i]->shard_seconds / (double)nw;
    }
    mb_workload_t trace = *mb_find_workload("cycle-pairs");
    trace.shard_seconds = 0;
    double got = mb_shard_model_seconds(&trace, trace.size_default) - MB_SHARD_OVERHEAD_S;
    cr_assert(got > 0.999 * mean && got < 1.001 * mean, "a workload without a cost: %g s, the mean is %g s", got, mean);
}

/* --shard-costs: the times of a previous results file decide the plan (the
 * context names the file); a file that is not results is bad usage. */
Test(shard, costs_from_a_previous_results_file, .timeout = 120) {
    char dir[256], args[4200];
    tmpdir(dir, sizeof dir);
    snprintf(args, sizeof args, "run -w cycle-pairs,dlist,shared-refs -s rc -i off -n 50 -r 1 -f json -o %s/prev.json", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "run -w cycle-pairs,dlist,shared-refs -s rc -i off -n 50 -r 1 --shard 0/2 "
             "--shard-costs %s/prev.json -f json -o %s/s0.json", dir, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    cr_assert(!strstr(out, "not in the costs file"), "every case is in the file: %s", out);
    snprintf(args, sizeof args, "%s/s0.json", dir);
    json_t *j = test_load_json(args);
    const char *costs = json_string_value(json_object_get(json_object_get(json_object_get(j, "context"), "shard"), "costs"));
    cr_assert(costs && strstr(costs, "prev.json"), "the context names the costs file: %s", costs ? costs : "(none)");
    json_decref(j);
    snprintf(args, sizeof args, "%s/bad.json", dir);
    test_write_file(args, "[1, 2]\n");
    snprintf(args, sizeof args, "run -w dlist -s rc -n 10 -r 1 --shard 0/2 --shard-costs %s/bad.json", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "--shard-costs: cannot read") && strstr(out, "bad.json"), "%s", out);
    test_rmtree(dir);
}

/* More shards than workloads: a shard with none writes a valid results file
 * with no benchmarks, says so, exits 0; merge takes it with the others. */
Test(shard, empty_shard_writes_an_empty_results_file, .timeout = 120) {
    char dir[256], args[4200];
    tmpdir(dir, sizeof dir);
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, "run -w cycle-pairs,dlist -s rc -i off -n 100 -r 1 --shard %d/3 -f json -o %s/s%d.json", i, dir, i);
        cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
        if (i == 2) cr_assert(strstr(out, "has no workload"), "the empty shard says so: %s", out);
    }
    snprintf(args, sizeof args, "%s/s2.json", dir);
    json_t *j = test_load_json(args);
    cr_assert_eq(json_array_size(json_object_get(j, "benchmarks")), 0);
    cr_assert_eq(json_array_size(json_object_get(json_object_get(json_object_get(j, "context"), "shard"), "units")), 0);
    json_decref(j);
    snprintf(args, sizeof args, "merge %s/s0.json %s/s1.json %s/s2.json -o %s/m.json", dir, dir, dir, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "report %s/m.json", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    test_rmtree(dir);
}

/* The recipe of make bench SHARDS=3 (scripts/mb-shards): 3 shards through
 * GNU parallel, merged, equal to one unsharded run but for the times. */
Test(shard, parallel_shards_merge_to_the_unsharded_run, .timeout = 300) {
    char dir[256], cmd[4200];
    tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "MB_QUIET=1 %s run %s -f json -o %s/all.json 2>%s/all.err", membench(), suite(), dir, dir);
    cr_assert_eq(sh(cmd), 0);
    snprintf(cmd, sizeof cmd, "MB_QUIET=1 %s/scripts/mb-shards --membench %s --shards 3 --dir %s/shards -o %s/merged.json -- "
             "%s >%s/shards.log 2>&1", SRC, membench(), dir, dir, suite(), dir);
    cr_assert_eq(sh(cmd), 0, "mb-shards (see %s/shards.log)", dir);
    char path[512], all[512];
    snprintf(path, sizeof path, "%s/merged.json", dir);
    snprintf(all, sizeof all, "%s/all.json", dir);
    assert_same_as_unsharded(path, all);
    assert_readable(dir, path, all);
    test_rmtree(dir);
}

/* The same over several hosts: parallel --sshlogin, here with an ssh that
 * runs the command on this machine (PARALLEL_SSH), the shard files coming
 * back with --return (rsync) as from real hosts. That ssh sets SHELL as sshd
 * does for a login: parallel's remote end runs each job with $SHELL, and a
 * test run may have none in its environment. */
Test(shard, sshlogin_shards_merge_to_the_unsharded_run, .timeout = 300) {
    char dir[256], cmd[4200];
    tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "cat > %s/ssh <<'EOF'\n#!/bin/sh\n"
             "while [ $# -gt 0 ]; do case \"$1\" in -o|-p|-l) shift 2;; -*) shift;; *) break;; esac; done\n"
             "echo \"$1\" >> %s/hosts; shift; [ \"${1:-}\" = -- ] && shift\nSHELL=/bin/sh; export SHELL\nexec sh -c \"$*\"\nEOF\nchmod +x %s/ssh",
             dir, dir, dir);
    cr_assert_eq(sh(cmd), 0);
    snprintf(cmd, sizeof cmd, "MB_QUIET=1 %s run %s -f json -o %s/all.json 2>%s/all.err", membench(), suite(), dir, dir);
    cr_assert_eq(sh(cmd), 0);
    snprintf(cmd, sizeof cmd, "PARALLEL_SSH=%s/ssh MB_QUIET=1 %s/scripts/mb-shards --membench %s --shards 3 --jobs 2 "
             "--sshlogin hostA,hostB --dir %s/shards -o %s/merged.json -- %s >%s/shards.log 2>&1",
             dir, SRC, membench(), dir, dir, suite(), dir);
    cr_assert_eq(sh(cmd), 0, "mb-shards --sshlogin (see %s/shards.log)", dir);
    snprintf(cmd, sizeof cmd, "grep -q hostA %s/hosts && grep -q hostB %s/hosts", dir, dir);
    cr_assert_eq(sh(cmd), 0, "both hosts ran shards");
    char path[512], all[512];
    snprintf(path, sizeof path, "%s/merged.json", dir);
    snprintf(all, sizeof all, "%s/all.json", dir);
    assert_same_as_unsharded(path, all);
    test_rmtree(dir);
}

/* A lost shard: merge refuses, naming it; --allow-partial merges the others,
 * marked incomplete; the shard rerun alone merges into the whole. */
Test(shard, lost_shard_rerun_alone_and_merged, .timeout = 300) {
    char dir[256], args[4200];
    tmpdir(dir, sizeof dir);
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, "run %s --shard %d/3 -f json -o %s/s%d.json", suite(), i, dir, i);
        cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    }
    snprintf(args, sizeof args, "run %s -f json -o %s/all.json", suite(), dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "%s/s1.json", dir);
    cr_assert_eq(remove(args), 0);
    snprintf(args, sizeof args, "merge %s/s0.json %s/s2.json -o %s/m.json", dir, dir, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "shard 1/3 missing"), "%s", out);
    snprintf(args, sizeof args, "merge --allow-partial %s/s0.json %s/s2.json -o %s/p.json", dir, dir, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "%s/p.json", dir);
    json_t *p = test_load_json(args), *ctx = json_object_get(p, "context");
    cr_assert(json_is_true(json_object_get(ctx, "incomplete")));
    cr_assert_eq(json_array_size(json_object_get(ctx, "shards_missing")), 1);
    cr_assert_eq(json_integer_value(json_array_get(json_object_get(ctx, "shards_missing"), 0)), 1);
    json_decref(p);
    snprintf(args, sizeof args, "report %s/p.json", dir);
    run_cli(args, out, sizeof out);
    cr_assert(strstr(out, "INCOMPLETE: shard 1/3 missing"), "%s", out);
    /* the rerun, alone, in its place */
    snprintf(args, sizeof args, "run %s --shard 1/3 -f json -o %s/s1.json", suite(), dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "merge %s/s2.json %s/s1.json %s/s0.json -o %s/m.json", dir, dir, dir, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    char m[512], all[512];
    snprintf(m, sizeof m, "%s/m.json", dir);
    snprintf(all, sizeof all, "%s/all.json", dir);
    assert_same_as_unsharded(m, all);
    test_rmtree(dir);
}

/* The runs a results file holds (entries that are not aggregates). */
static size_t runs_in(const char *path) {
    json_t *j = test_load_json(path), *e;
    size_t i, n = 0;
    json_array_foreach(json_object_get(j, "benchmarks"), i, e)
        if (strcmp(json_string_value(json_object_get(e, "run_type")), "aggregate")) n++;
    json_decref(j);
    return n;
}

/* A shard interrupted mid-run (SIGINT while its first mark-sweep run hangs)
 * merges with the others, marked incomplete, and the merged file counts the
 * runs of the whole plan: those the shards finished of those they planned. */
Test(shard, interrupted_shard_merges_with_its_run_counts, .timeout = 300) {
    char dir[256], args[4200], errp[512], path[512];
    tmpdir(dir, sizeof dir);
    for (int i = 0; i < 3; i += 2) {
        snprintf(args, sizeof args, "run %s --shard %d/3 -f json -o %s/s%d.json", suite(), i, dir, i);
        cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    }
    /* Which workload shard 1 runs, from a whole run of it. */
    snprintf(args, sizeof args, "run %s --shard 1/3 -f json -o %s/whole1.json", suite(), dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(path, sizeof path, "%s/whole1.json", dir);
    size_t planned1 = runs_in(path);
    json_t *w = test_load_json(path);
    char hang[128];
    snprintf(hang, sizeof hang, "%s", json_string_value(json_object_get(json_array_get(json_object_get(w, "benchmarks"), 0), "name")));
    json_decref(w);
    *strchr(hang, '/') = '\0';
    strcat(hang, "/mark-sweep:hang");   /* rc's runs come first, then mark-sweep's first hangs */
    snprintf(errp, sizeof errp, "%s/s1.err", dir);
    snprintf(path, sizeof path, "%s/s1.json", dir);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "exec %s run --timeout %g %s --shard 1/3 -f json -o %s 2>%s", membench(), test_case_timeout(),
                 suite(), path, errp);
        setenv("MB_TEST_CRASH", hang, 1);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    char want[32];
    snprintf(want, sizeof want, "[%zu/%zu", planned1 / 2, planned1);
    cr_assert(wait_for_text(errp, want, out, sizeof out), "rc's half of shard 1 finishes: %s", out);
    usleep(200000);                     /* mark-sweep's first run is under way, hanging */
    kill(pid, SIGINT);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 130, "status %d", st);
    size_t finished1 = runs_in(path);
    cr_assert_eq(finished1, planned1 / 2);
    snprintf(args, sizeof args, "merge %s/s0.json %s/s1.json %s/s2.json -o %s/m.json", dir, dir, dir, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "every shard is there, one of them cut short: %s", out);
    char s0[512], s2[512];
    snprintf(s0, sizeof s0, "%s/s0.json", dir);
    snprintf(s2, sizeof s2, "%s/s2.json", dir);
    size_t planned = runs_in(s0) + planned1 + runs_in(s2), finished = runs_in(s0) + finished1 + runs_in(s2);
    snprintf(path, sizeof path, "%s/m.json", dir);
    json_t *m = test_load_json(path), *ctx = json_object_get(m, "context");
    cr_assert(json_is_true(json_object_get(ctx, "incomplete")));
    cr_assert_str_eq(json_string_value(json_object_get(ctx, "interrupted_by")), "SIGINT");
    cr_assert_eq(json_integer_value(json_object_get(ctx, "runs_planned")), (json_int_t)planned);
    cr_assert_eq(json_integer_value(json_object_get(ctx, "runs_finished")), (json_int_t)finished);
    json_decref(m);
    snprintf(args, sizeof args, "report %s/m.json", dir);
    run_cli(args, out, sizeof out);
    snprintf(want, sizeof want, "after %zu of %zu runs", finished, planned);
    cr_assert(strstr(out, want), "report says %s: %s", want, out);
    test_rmtree(dir);
}

/* Change one context field of a results file (a JSON path of two keys) into a copy. */
static void rewrite(const char *from, const char *to, const char *k1, const char *k2, json_t *value) {
    json_t *j = test_load_json(from), *o = json_object_get(j, "context");
    if (k2) o = json_object_get(o, k1);
    json_object_set_new(o, k2 ? k2 : k1, value);
    cr_assert_eq(json_dump_file(j, to, JSON_INDENT(2) | JSON_PRESERVE_ORDER), 0);
    json_decref(j);
}

/* merge's checks: exit 2 naming the file. */
Test(shard, merge_refuses_what_is_not_one_plan, .timeout = 300) {
    char dir[256], args[4200], a[512], b[512], c[512];
    tmpdir(dir, sizeof dir);
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "run -w cycle-pairs,dlist -s rc -i off -n 100 -r 1 --shard %d/2 -f json -o %s/s%d.json", i, dir, i);
        cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    }
    snprintf(a, sizeof a, "%s/s0.json", dir);
    snprintf(b, sizeof b, "%s/s1.json", dir);
    /* not results */
    snprintf(c, sizeof c, "%s/text.json", dir);
    test_write_file(c, "hello\n");
    snprintf(args, sizeof args, "merge %s %s", a, c);
    cr_assert_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, c) && strstr(out, "not a results file"), "%s", out);
    snprintf(c, sizeof c, "%s/gb.json", dir);
    test_write_file(c, "{\"context\": {}, \"benchmarks\": [{\"name\": \"BM_x\", \"real_time\": 1, \"cpu_time\": 1}]}\n");
    snprintf(args, sizeof args, "merge %s %s", a, c);
    cr_assert_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, c) && strstr(out, "not a membench run's results"), "%s", out);
    /* an unsharded run */
    snprintf(c, sizeof c, "%s/whole.json", dir);
    snprintf(args, sizeof args, "run -w cycle-pairs -s rc -i off -n 100 -r 1 -f json -o %s", c);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "merge %s %s", a, c);
    cr_assert_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, c) && strstr(out, "run without --shard"), "%s", out);
    /* one file twice */
    snprintf(args, sizeof args, "merge %s %s %s", a, b, a);
    cr_assert_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, a) && strstr(out, "given twice"), "%s", out);
    /* the same shard in two files */
    snprintf(c, sizeof c, "%s/copy.json", dir);
    snprintf(args, sizeof args, "cp %s %s", a, c);
    cr_assert_eq(sh(args), 0);
    snprintf(args, sizeof args, "merge %s %s %s", a, b, c);
    cr_assert_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, c) && strstr(out, "shard 0/2 is given twice"), "%s", out);
    /* another commit */
    snprintf(c, sizeof c, "%s/commit.json", dir);
    rewrite(b, c, "git_commit", NULL, json_string("0000000"));
    snprintf(args, sizeof args, "merge %s %s", a, c);
    cr_assert_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, c) && strstr(out, "commit 0000000"), "%s", out);
    /* other options */
    snprintf(c, sizeof c, "%s/seed.json", dir);
    snprintf(args, sizeof args, "run -w cycle-pairs,dlist -s rc -i off -n 100 -r 1 --seed 43 --shard 1/2 -f json -o %s", c);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "merge %s %s", a, c);
    cr_assert_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, c) && strstr(out, "--seed 43"), "%s", out);
    /* another N */
    snprintf(c, sizeof c, "%s/count.json", dir);
    rewrite(b, c, "shard", "count", json_integer(3));
    snprintf(args, sizeof args, "merge %s %s", a, c);
    cr_assert_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, c), "%s", out);
    /* out and format may differ: the two shards merge, and no file is left on failure */
    snprintf(args, sizeof args, "merge %s %s -o %s/m.json", b, a, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    test_rmtree(dir);
}

/* make bench SHARDS=N goes through scripts/mb-shards; without SHARDS, bench
 * runs membench run as before. Shown by the recipe's variable, not by
 * running make bench. */
Test(shard, make_bench_shards_recipe) {
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "printf 'show-bench-run:\\n\\t@echo $(BENCH_RUN)\\n' | make -s -C %s -f Makefile -f - show-bench-run "
             "MEMBENCH=build/membench SHARDS=3 2>&1", SRC);
    FILE *p = popen(cmd, "r");
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    pclose(p);
    cr_assert(strstr(out, "scripts/mb-shards --membench build/membench --shards 3 --jobs 3"), "%s", out);
    cr_assert(strstr(out, "-o results/.next.json"), "%s", out);
    snprintf(cmd, sizeof cmd, "printf 'show-bench-run:\\n\\t@echo $(BENCH_RUN)\\n' | make -s -C %s -f Makefile -f - show-bench-run "
             "MEMBENCH=build/membench 2>&1", SRC);
    p = popen(cmd, "r");
    n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    pclose(p);
    cr_assert(strstr(out, "build/membench run --scale default -s all -w all -i both -f json -o results/.next.json"), "%s", out);
    snprintf(cmd, sizeof cmd, "grep -q '^DEB_PKGS.*' %s/Makefile && grep -Eq '(^|[ ])parallel([ ]|$)' %s/Makefile", SRC, SRC);
    cr_assert_eq(sh(cmd), 0, "DEB_PKGS names parallel");
}

/* docs/examples/sharded-bench.yml: a matrix job of shard indices uploading
 * each shard's file, and a merge job that needs it, merges and compares. */
Test(shard, github_actions_example_is_a_sharded_workflow) {
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 - '%s/docs/examples/sharded-bench.yml' <<'EOF' 2>&1\n"
             "import sys, yaml\n"
             "doc = yaml.safe_load(open(sys.argv[1]))\n"
             "jobs = doc['jobs']\n"
             "shard = [n for n, j in jobs.items() if 'shard' in j.get('strategy', {}).get('matrix', {})]\n"
             "assert len(shard) == 1, 'one matrix job over shard indices'\n"
             "sj = jobs[shard[0]]\n"
             "idx = sj['strategy']['matrix']['shard']\n"
             "assert isinstance(idx, list) and idx == list(range(len(idx))) and len(idx) >= 2, idx\n"
             "steps = ' '.join(str(s.get('run', '')) for s in sj['steps'])\n"
             "assert '--shard ${{ matrix.shard }}/' in steps, steps\n"
             "assert any(str(s.get('uses', '')).startswith('actions/upload-artifact') for s in sj['steps'])\n"
             "merge = [n for n, j in jobs.items() if n != shard[0]]\n"
             "assert merge, 'a merge job'\n"
             "mj = jobs[merge[0]]\n"
             "needs = mj['needs'] if isinstance(mj['needs'], list) else [mj['needs']]\n"
             "assert shard[0] in needs, needs\n"
             "assert any(str(s.get('uses', '')).startswith('actions/download-artifact') for s in mj['steps'])\n"
             "runs = ' '.join(str(s.get('run', '')) for s in mj['steps'])\n"
             "assert 'membench merge' in runs and 'membench compare' in runs, runs\n"
             "print('ok')\n"
             "EOF",
             SRC);
    FILE *p = popen(cmd, "r");
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0 && strstr(out, "ok"), "%s", out);
}

/* docs/examples/sharded-bench.slurm: an array job, one shard per task. */
Test(shard, slurm_example_is_an_array_job) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "grep -q -- '--shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT' %s/docs/examples/sharded-bench.slurm"
             " && grep -q '^#SBATCH --array=' %s/docs/examples/sharded-bench.slurm && bash -n %s/docs/examples/sharded-bench.slurm",
             SRC, SRC, SRC);
    cr_assert_eq(sh(cmd), 0, "the Slurm script");
}
