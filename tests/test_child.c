/* test_child.c: base/child.c: a child's bytes read back, its deadline kept, its wait status. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/base/child.h"
#include "runtime/util.h"
#include "tests/helpers.h"

/* What the parent read. */
typedef struct got {
    char buf[256];                      /* the bytes, NUL-terminated */
    size_t n;                           /* how many */
    unsigned ticks;                     /* tick callbacks */
} got_t;

static bool take(void *arg, const char *b, size_t n) {
    got_t *g = arg;
    size_t room = sizeof g->buf - 1 - g->n;
    memcpy(g->buf + g->n, b, n < room ? n : room);
    g->n += n < room ? n : room;
    g->buf[g->n] = '\0';
    return true;
}

static void tick(void *arg) { ((got_t *)arg)->ticks++; }

/* Start a child that writes text, sleeps `nap` seconds and exits with status. */
static void start(mb_child_t *ch, const char *text, unsigned nap, int status) {
    char err[256];
    int r = mb_child_start(ch, err, sizeof err);
    cr_assert_geq(r, 0, "%s", err);
    if (r == 0) {
        if (write(ch->fd, text, strlen(text)) < 0) _exit(9);
        if (nap) sleep(nap);
        _exit(status);
    }
}

Test(child, reads_until_eof_and_waits) {
    mb_child_t ch;
    start(&ch, "hello from the child", 0, 3);
    got_t g = {.n = 0};
    mb_child_reader_t rd = {.data = take, .arg = &g};
    cr_assert_not(mb_child_read(&ch, mb_now_ns() + 60 * 1000000000ull, &rd), "no timeout");
    cr_assert_str_eq(g.buf, "hello from the child");
    int st;
    cr_assert_eq(mb_child_wait(&ch, false, &st, NULL), 0);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 3, "status %d", st);
}

Test(child, deadline_then_kill) {
    mb_child_t ch;
    start(&ch, "x", 60, 0);
    got_t g = {.n = 0};
    mb_child_reader_t rd = {.data = take, .tick = tick, .tick_ms = 10, .arg = &g};
    cr_assert(mb_child_read(&ch, mb_now_ns() + 200 * 1000000ull, &rd), "the deadline came first");
    cr_assert_str_eq(g.buf, "x");
    cr_assert_gt(g.ticks, 0, "ticks while waiting");
    int st;
    struct rusage ru;
    cr_assert_eq(mb_child_wait(&ch, true, &st, &ru), 0);
    cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "killed: status %d", st);
}

static bool stop_now(void *arg) { (void)arg; return true; }

Test(child, stop_ends_the_read) {
    mb_child_t ch;
    start(&ch, "", 60, 0);
    got_t g = {.n = 0};
    mb_child_reader_t rd = {.data = take, .stop = stop_now, .arg = &g};
    cr_assert_not(mb_child_read(&ch, mb_now_ns() + 60 * 1000000000ull, &rd), "stopped, not timed out");
    int st;
    cr_assert_eq(mb_child_wait(&ch, true, &st, NULL), 0);
    cr_assert(WIFSIGNALED(st), "killed after the stop");
}
