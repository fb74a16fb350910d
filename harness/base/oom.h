/* oom.h: the harness's out-of-memory exit (one message, runtime/util.c's mb_oom_exit). */
#ifndef MB_OOM_H
#define MB_OOM_H

/* Out of memory in membench's own process (not a case's child, whose
 * allocations fail as MB_EXIT_OOM): "membench: out of memory (what)", exit 2. */
_Noreturn void mb_harness_oom(const char *what);

#endif
