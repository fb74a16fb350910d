/* oom.c: the harness's out-of-memory exit: runtime/util.c's message, exit status 2 (bad input, not a case's failure). */
#include "harness/base/oom.h"
#include "runtime/util.h"

void mb_harness_oom(const char *what) { mb_oom_exit(what, 2); }
