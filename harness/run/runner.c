/* runner.c: runs each case of a suite in a child process (fork, pipe, wait4), turning failures into error entries. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "runtime/mem.h"
#include "runtime/util.h"
#include "harness/run/progress.h"
#include "harness/base/child.h"
#include "harness/base/oom.h"
#include "harness/run/runner.h"
#include "harness/trace/trace.h"
#include "harness/run/twins.h"

void mb_suite_add(mb_suite_t *s, const mb_case_t *c, unsigned repetitions, const char *label) {
    unsigned family = s->n ? s->v[s->n - 1].family + 1 : 0;
    for (unsigned r = 0; r < repetitions; r++) {
        if (s->n == s->cap) {
            size_t ncap = s->cap ? 2 * s->cap : 16;
            mb_entry_t *v = realloc(s->v, ncap * sizeof *v);
            if (!v) mb_harness_oom("the suite");
            s->v = v;
            s->cap = ncap;
        }
        mb_entry_t *e = &s->v[s->n++];
        memset(e, 0, sizeof *e);
        e->c = *c;
        mb_case_name(e->name, sizeof e->name, c->workload, c->strategy, c->args.interning);
        e->family = family;
        e->repetition = r;
        e->repetitions = repetitions;
        e->counters = true;
        snprintf(e->label, sizeof e->label, "%s", label ? label : "");
    }
}

void mb_suite_free(mb_suite_t *s) {
    if (s->context) json_decref(s->context);
    s->context = NULL;
    if (s->shard) json_decref(s->shard);
    s->shard = NULL;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].extra) json_decref(s->v[i].extra);
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

/* The signal that interrupts a suite (0: none); set by the handler mb_suite_run installs. */
static volatile sig_atomic_t runner_signal;
static void runner_on_signal(int sig) { runner_signal = sig; }

/* The suite's progress line, refreshed about once a second while a child runs. */
static mb_progress_t *runner_pg;        /* NULL outside mb_suite_run */
static const mb_entry_t *runner_cur;    /* the entry running */
static size_t runner_idx;               /* its index */

/* What the child sends: its status, then its result. */
typedef struct mb_child_msg {
    int status;                         /* mb_case_run's return value */
    mb_result_t res;                    /* valid when status is 0 */
} mb_child_msg_t;

static _Noreturn void child_main(const mb_case_t *c, int fd) {
    mb_child_msg_t m;
    memset(&m, 0, sizeof m);
    mb_test_crash(c->workload->name, c->strategy->name);
    /* Fault injection, SQLite style (docs/self-testing.md):
     * MB_FAIL_ALLOC=N fails the Nth object allocation of the case and every
     * one after it; the case must end in a clean "out of memory" error.
     * `run` checked the value before starting (testhooks.c). */
    uint64_t nth;
    char ferr[256];
    int armed = mb_test_fail_alloc(&nth, ferr, sizeof ferr);
    if (armed < 0) {
        fprintf(stderr, "membench: %s\n", ferr);
        _exit(2);
    }
    if (armed) mb_mem_fail_after(nth);
    m.status = mb_case_run(c, &m.res);
    const char *p = (const char *)&m;
    size_t left = sizeof m;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) _exit(4);
        p += w;
        left -= (size_t)w;
    }
    _exit(0);
}

/* The parent's side of a case's pipe: the result message, byte by byte. */
typedef struct msg_in {
    mb_child_msg_t m;                   /* the message */
    size_t got;                         /* bytes of it read */
} msg_in_t;

static bool msg_data(void *arg, const char *buf, size_t n) {
    msg_in_t *in = arg;
    size_t take = n < sizeof in->m - in->got ? n : sizeof in->m - in->got;
    memcpy((char *)&in->m + in->got, buf, take);
    in->got += take;
    return in->got < sizeof in->m;
}

static bool msg_stop(void *arg) { (void)arg; return runner_signal != 0; }

static void msg_tick(void *arg) {
    (void)arg;
    if (runner_pg && runner_cur)
        mb_progress_case(runner_pg, runner_idx, runner_cur->name, runner_cur->repetition, runner_cur->repetitions);
}

/* Why the case's process failed, from its wait status and its message; 0 if it did not. */
static int child_outcome(const mb_case_t *c, int st, const msg_in_t *in, char *err, size_t errsz) {
    if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st);
        snprintf(err, errsz, "crashed: killed by signal %d (%s)", sig, strsignal(sig));
        return -1;
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == MB_EXIT_OOM) {
        snprintf(err, errsz, "out of memory: an allocation failed even after a collection");
        return -1;
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
        snprintf(err, errsz, "the case's process exited with status %d", WEXITSTATUS(st));
        return -1;
    }
    if (in->got != sizeof in->m) {
        snprintf(err, errsz, "the case's process ended without a result");
        return -1;
    }
    if (in->m.status != 0) {
        snprintf(err, errsz, "could not create the runtime for %s (bad --params?)", c->strategy->name);
        return -1;
    }
    return 0;
}

int mb_run_isolated(const mb_case_t *c, double timeout_s, mb_result_t *r, char *err, size_t errsz) {
    pid_t parent = getpid();
    mb_child_t ch;
    int started = mb_child_start(&ch, err, errsz);
    if (started < 0) return -1;
    if (started == 0) {
        /* The case dies with membench, even of SIGKILL: a hung case must
         * not outlive the run (the parent may have died before this line). */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(5);
        signal(SIGINT, SIG_DFL);        /* the parent's handlers (outfile.c) are not the child's */
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        child_main(c, ch.fd);
    }
    msg_in_t in = {.got = 0};
    mb_child_reader_t rd = {.data = msg_data, .stop = msg_stop, .tick = msg_tick, .tick_ms = 1000, .arg = &in};
    bool timed_out = mb_child_read(&ch, mb_now_ns() + (uint64_t)(timeout_s * 1e9), &rd);
    bool interrupted = runner_signal && in.got != sizeof in.m;
    int st;
    struct rusage ru;
    if (mb_child_wait(&ch, timed_out || interrupted, &st, &ru) != 0) {
        snprintf(err, errsz, "cannot wait for the case's process: %s", strerror(errno));
        return -1;
    }
    if (timed_out) {
        snprintf(err, errsz, "timed out after %g s (killed)", timeout_s);
        return -1;
    }
    if (interrupted) {
        snprintf(err, errsz, "interrupted by SIG%s", sigabbrev_np(runner_signal) ? sigabbrev_np(runner_signal) : "?");
        return -1;
    }
    if (child_outcome(c, st, &in, err, errsz) != 0) return -1;
    *r = in.m.res;
    r->peak_rss_bytes = (uint64_t)ru.ru_maxrss * 1024u;
    return 0;
}

static void run_entry(mb_suite_t *s, mb_entry_t *e) {
    uint64_t t0 = mb_now_ns();
    if (s->in_process) {
        if (mb_case_run(&e->c, &e->res) == 0) e->measured = true;
        else {
            e->error = true;
            snprintf(e->message, sizeof e->message, "could not create the runtime for %s", e->c.strategy->name);
        }
    } else if (mb_run_isolated(&e->c, s->timeout_s, &e->res, e->message, sizeof e->message) == 0) {
        e->measured = true;
    } else {
        e->error = true;
    }
    e->harness_ns = (double)(mb_now_ns() - t0);
}

/* The checks of a measured entry (docs/cli.md: when a case fails). */
static void check_entry(mb_suite_t *s, mb_entry_t *e) {
    if (!e->measured) return;
    const mb_result_t *r = &e->res;
    /* A conservative collector (boehm) may retain garbage that a stale word
     * on the C stack seems to reference: it may leak more than the
     * expectation, never fewer (fewer would mean it freed something the
     * workload still reaches, or miscounted). */
    bool conservative = (e->c.strategy->attrs & MB_ATTR_CONSERVATIVE) != 0;
    if (conservative ? r->stats.leaked_objects < r->expected_leaks : r->stats.leaked_objects != r->expected_leaks) {
        e->error = true;
        snprintf(e->message, sizeof e->message, "leaked %" PRIu64 " objects, expected %" PRIu64,
                 r->stats.leaked_objects, r->expected_leaks);
        return;
    }
    if (conservative ? r->stats.uncollectable_objects > r->expected_uncollectable
                     : r->stats.uncollectable_objects != r->expected_uncollectable) {
        e->error = true;
        snprintf(e->message, sizeof e->message, "%" PRIu64 " uncollectable objects, expected %" PRIu64,
                 r->stats.uncollectable_objects, r->expected_uncollectable);
        return;
    }
    for (mb_entry_t *f = s->v; f < e; f++)
        if (f->measured && f->c.workload == e->c.workload && f->c.args.n == e->c.args.n &&
            f->c.args.seed == e->c.args.seed) {
            if (f->res.checksum != r->checksum) {
                e->error = true;
                snprintf(e->message, sizeof e->message, "checksum %" PRIu64 " differs from %s's %" PRIu64,
                         r->checksum, f->name, f->res.checksum);
            }
            return;
        }
}

int mb_suite_run(mb_suite_t *s) {
    if (s->timeout_s <= 0) s->timeout_s = 3600;
    s->planned = s->n;
    s->interrupted = 0;
    /* Interruptions stop the suite between or during cases (no SA_RESTART:
     * poll and wait4 return EINTR); the previous handlers come back after. */
    static const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa, old[3];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = runner_on_signal;
    sigemptyset(&sa.sa_mask);
    runner_signal = 0;
    for (int k = 0; k < 3; k++) sigaction(sigs[k], &sa, &old[k]);
    mb_progress_t pg;
    mb_progress_begin(&pg, s->n);
    pg.suite = s;
    int status = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (runner_signal) {            /* keep what finished; drop the rest */
            s->n = i;
            break;
        }
        mb_entry_t *e = &s->v[i];
        mb_progress_case(&pg, i, e->name, e->repetition, e->repetitions);
        /* --record: once per case, before its first repetition, in a pass of
         * its own (a child process of its own unless in-process): nothing
         * the repetitions measure sees it (docs/traces.md). */
        if (s->record_dir && e->repetition == 0 && !mb_is_twin(e->c.strategy)) {
            char rerr[600];
            if (mb_trace_record_case(&e->c, s->record_dir, s->in_process, rerr, sizeof rerr) != 0) {
                fprintf(stderr, "membench: --record: %s\n", rerr);
                status = 1;
            }
        }
        runner_pg = &pg;
        runner_cur = e;
        runner_idx = i;
        run_entry(s, e);
        runner_pg = NULL;
        runner_cur = NULL;
        if (runner_signal && !e->measured) {    /* killed mid-case: not a result */
            s->n = i;
            break;
        }
        check_entry(s, e);
        mb_progress_done(&pg, i, e);
        if (e->error) status = 1;
    }
    mb_progress_end(&pg);
    s->interrupted = runner_signal;
    for (int k = 0; k < 3; k++) sigaction(sigs[k], &old[k], NULL);
    return status;
}
