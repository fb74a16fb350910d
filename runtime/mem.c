/* mem.c: object memory from libc or jemalloc, and allocation-failure injection. */
/* (--allocator own: the runtime's size-class heap takes objects of up to 256 bytes, alloc.c; the rest come from libc here.) */
#include "runtime/mem.h"

#include <dlfcn.h>
#include <stdlib.h>

typedef void *(*mallocx_fn)(size_t, int);
typedef void (*sdallocx_fn)(void *, size_t, int);
typedef int (*mallctl_fn)(const char *, void *, size_t *, void *, size_t);

static mb_allocator_t mem_which = MB_ALLOC_LIBC;
static mallocx_fn je_mallocx;
static sdallocx_fn je_sdallocx;
static mallctl_fn je_mallctl;
static uint64_t mem_countdown;          /* 0: off; 1: fail the next allocation */
static bool mem_failing;                /* the countdown ran out: every allocation fails */
static uint64_t mem_failures;

const char *mb_mem_name(mb_allocator_t which) {
    return which == MB_ALLOC_JEMALLOC ? "jemalloc" : which == MB_ALLOC_OWN ? "own" : "libc";
}

bool mb_mem_jemalloc_loaded(void) {
    return dlsym(RTLD_DEFAULT, "mallctl") != NULL && dlsym(RTLD_DEFAULT, "mallocx") != NULL;
}

int mb_mem_select(mb_allocator_t which, const char **err) {
    if (which == MB_ALLOC_JEMALLOC && !je_mallocx) {
        /* jemalloc's initial-exec TLS cannot be dlopen()ed into a running
         * process; it must be loaded at start (LD_PRELOAD, which the CLI
         * arranges by re-executing itself). Then it serves every malloc. */
        je_mallocx = (mallocx_fn)(uintptr_t)dlsym(RTLD_DEFAULT, "mallocx");
        je_sdallocx = (sdallocx_fn)(uintptr_t)dlsym(RTLD_DEFAULT, "sdallocx");
        je_mallctl = (mallctl_fn)(uintptr_t)dlsym(RTLD_DEFAULT, "mallctl");
        if (!je_mallocx || !je_sdallocx || !je_mallctl) {
            je_mallocx = NULL;
            *err = "jemalloc is not loaded: start with LD_PRELOAD=libjemalloc.so.2 (membench run does this itself)";
            return -1;
        }
    }
    mem_which = which;
    return 0;
}

mb_allocator_t mb_mem_current(void) { return mem_which; }

bool mb_mem_inject(void) {
    if (mem_failing || (mem_countdown && --mem_countdown == 0)) {
        mem_failing = true;             /* persistent, as SQLite's: a retry fails too */
        mem_failures++;
        return true;
    }
    return false;
}

bool mb_mem_fail_armed(void) { return mem_failing || mem_countdown != 0; }

void *mb_mem_alloc(size_t bytes) {
    if (mem_which == MB_ALLOC_JEMALLOC) return je_mallocx(bytes, 0);
    return malloc(bytes);
}

void mb_mem_free(void *p, size_t bytes) {
    if (mem_which == MB_ALLOC_JEMALLOC) je_sdallocx(p, bytes, 0);
    else free(p);
}

bool mb_mem_jemalloc_stats(uint64_t *max_bytes_used, uint64_t *total_allocated_bytes) {
    if (mem_which != MB_ALLOC_JEMALLOC) return false;
    uint64_t v = 0;
    size_t sz = sizeof v;
    if (je_mallctl("thread.peak.read", &v, &sz, NULL, 0) != 0) return false;
    *max_bytes_used = v;
    sz = sizeof v;
    if (je_mallctl("thread.allocated", &v, &sz, NULL, 0) != 0) return false;
    *total_allocated_bytes = v;
    return true;
}

void mb_mem_jemalloc_reset_peak(void) {
    if (mem_which == MB_ALLOC_JEMALLOC) je_mallctl("thread.peak.reset", NULL, NULL, NULL, 0);
}

void mb_mem_fail_after(uint64_t nth) {
    mem_countdown = nth;
    mem_failing = false;
}
uint64_t mb_mem_failures(void) { return mem_failures; }
