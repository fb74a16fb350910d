/* mem.h: the one allocation function for object memory, and the allocator switch. */
#ifndef MB_MEM_H
#define MB_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/mb.h"

/* Select where object memory comes from. libc is the C library's malloc;
 * jemalloc must already be in the process (LD_PRELOAD=libjemalloc.so.2, so
 * that it serves the whole process, as users deploy it): the CLI re-executes
 * itself that way for --allocator jemalloc. Returns 0, or -1 with a message
 * in *err. */
int mb_mem_select(mb_allocator_t which, const char **err);
bool mb_mem_jemalloc_loaded(void);
mb_allocator_t mb_mem_current(void);
const char *mb_mem_name(mb_allocator_t which);

void *mb_mem_alloc(size_t bytes);               /* NULL on failure */
void mb_mem_free(void *p, size_t bytes);        /* bytes as passed to mb_mem_alloc */

/* jemalloc statistics as Google Benchmark's memory manager names them;
 * false when the allocator is not jemalloc. */
bool mb_mem_jemalloc_stats(uint64_t *max_bytes_used, uint64_t *total_allocated_bytes);
void mb_mem_jemalloc_reset_peak(void);

/* Fault injection (SQLite's countdown): the nth object allocation from now
 * (1 = the next one) fails, and so does every one after it (persistent, so
 * the runtime's collect-and-retry fails too); 0 disables. Every object
 * allocation of every strategy passes the injection point (alloc.c) once,
 * before it asks for memory: mb_mem_inject() says whether it must fail. */
void mb_mem_fail_after(uint64_t nth);
bool mb_mem_inject(void);
bool mb_mem_fail_armed(void);                   /* a countdown is set, or failing */
uint64_t mb_mem_failures(void);                 /* failures injected so far */

#endif
