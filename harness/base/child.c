/* child.c: fork and pipe, the parent's polling read with a deadline, and the wait (child.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/base/child.h"
#include "runtime/util.h"

int mb_child_start(mb_child_t *ch, char *err, size_t errsz) {
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(err, errsz, "cannot create a pipe: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    ch->pid = fork();
    if (ch->pid < 0) {
        snprintf(err, errsz, "cannot fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    bool child = ch->pid == 0;
    close(fds[child ? 0 : 1]);
    ch->fd = fds[child ? 1 : 0];
    return child ? 0 : 1;
}

bool mb_child_read(mb_child_t *ch, uint64_t deadline_ns, const mb_child_reader_t *rd) {
    bool timed_out = false;
    while (!(rd->stop && rd->stop(rd->arg))) {
        uint64_t now = mb_now_ns();
        if (now >= deadline_ns) {
            timed_out = true;
            break;
        }
        uint64_t ms = (deadline_ns - now) / 1000000u + 1;
        if (rd->tick_ms > 0 && ms > (uint64_t)rd->tick_ms) ms = (uint64_t)rd->tick_ms;
        struct pollfd pfd = {.fd = ch->fd, .events = POLLIN};
        int pr = poll(&pfd, 1, (int)ms);
        if (pr < 0 && errno == EINTR) continue;
        if (pr <= 0) {
            if (pr == 0 && rd->tick) rd->tick(rd->arg);
            continue;
        }
        char buf[4096];
        ssize_t n = read(ch->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || !rd->data(rd->arg, buf, (size_t)n)) break;   /* EOF: the child ended (or closed the pipe) */
    }
    close(ch->fd);
    return timed_out;
}

int mb_child_wait(mb_child_t *ch, bool kill_first, int *status, struct rusage *ru) {
    if (kill_first) kill(ch->pid, SIGKILL);
    struct rusage dummy;
    *status = 0;
    if (ru) memset(ru, 0, sizeof *ru);
    while (wait4(ch->pid, status, 0, ru ? ru : &dummy) < 0)
        if (errno != EINTR) return -1;
    return 0;
}
