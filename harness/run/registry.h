/* registry.h: the lists of strategies and workloads; registry.c is the only file that names them. */
#ifndef MB_REGISTRY_H
#define MB_REGISTRY_H

#include "runtime/strategy.h"
#include "workloads/workload.h"

extern const mb_strategy_t *const mb_strategies[];   /* NULL-terminated */
extern const mb_workload_t *const mb_workloads[];    /* NULL-terminated */

const mb_strategy_t *mb_find_strategy(const char *name);
/* A built-in workload by name, or a trace already opened; never reads a file
 * (readers of results call it: a trace's file need not be there). */
const mb_workload_t *mb_find_workload(const char *name);
/* A workload to run: trace:FILE opens and checks FILE (exit 2, one line, when
 * it cannot), anything else is mb_find_workload's. */
const mb_workload_t *mb_open_workload(const char *name);
size_t mb_strategy_count(void);
size_t mb_workload_count(void);

#endif
