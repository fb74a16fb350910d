/* child.h: a child process with a pipe back to its parent: started, read until a deadline, waited for (the runner's cases, check's checks). */
#ifndef MB_CHILD_H
#define MB_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

typedef struct mb_child {
    pid_t pid;                          /* the child's process id (in the parent) */
    int fd;                             /* the parent: the pipe's read end; the child: its write end */
} mb_child_t;

/* fflush(NULL) (nothing buffered is written twice), a pipe, fork. The
 * parent gets 1, the child 0, each with its own end in ch->fd (the other
 * closed); -1 and err ("cannot create a pipe: ...", "cannot fork: ...")
 * when either fails. */
int mb_child_start(mb_child_t *ch, char *err, size_t errsz);

/* What the parent does while it reads. */
typedef struct mb_child_reader {
    bool (*data)(void *arg, const char *buf, size_t n);   /* bytes the child wrote; false: nothing more wanted */
    bool (*stop)(void *arg);            /* asked before each wait: true stops reading; or NULL */
    void (*tick)(void *arg);            /* called when tick_ms pass without data; or NULL */
    int tick_ms;                        /* the longest wait without a tick; 0: until the deadline */
    void *arg;                          /* passed to each */
} mb_child_reader_t;

/* Read the child's pipe until it ends (EOF), data or stop says enough, or
 * mb_now_ns() reaches deadline_ns; close it. Returns true if the deadline
 * came first. */
bool mb_child_read(mb_child_t *ch, uint64_t deadline_ns, const mb_child_reader_t *rd);

/* Kill the child first (SIGKILL) when kill_first; wait for it (through
 * EINTR) into *status and *ru (ru may be NULL). 0, or -1 with errno. */
int mb_child_wait(mb_child_t *ch, bool kill_first, int *status, struct rusage *ru);

#endif
