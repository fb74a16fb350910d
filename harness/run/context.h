/* context.h: the machine context of a report (Google Benchmark's context fields). */
#ifndef MB_CONTEXT_H
#define MB_CONTEXT_H

#include <stdbool.h>
#include <stdio.h>

typedef struct mb_cache {
    char type[16];                      /* "Data", "Instruction", "Unified" */
    int level;                          /* 1, 2, 3 */
    long long size;                     /* bytes */
    int num_sharing;                    /* CPUs sharing it */
} mb_cache_t;

/* What Google Benchmark 1.7 writes in "context", read the way it reads it
 * (sysinfo.cc): /proc/cpuinfo, /sys/devices/system/cpu, getloadavg. */
typedef struct mb_context {
    char date[40];                      /* ISO 8601 local time with offset */
    char host_name[256];                /* gethostname */
    int num_cpus;                       /* online CPUs */
    double mhz_per_cpu;                 /* cpufreq max, else /proc/cpuinfo "cpu MHz" */
    bool cpu_scaling_enabled;           /* a cpufreq governor other than "performance" */
    mb_cache_t caches[8];               /* cpu0's caches */
    int ncaches;                        /* entries of caches */
    double load_avg[3];                 /* 1, 5, 15 minutes */
    /* Beyond Google Benchmark's fields: what else makes two results differ. */
    char compiler[128];                 /* the compiler and version this binary was built with */
    char kernel[256];                   /* uname -r -v */
    char cpu_model[128];                /* /proc/cpuinfo "model name" ("unknown" if none) */
    char bdwgc_version[32];             /* the linked bdwgc, GC_get_version(): "8.2.2" */
    char jemalloc_version[96];          /* the `version` mallctl of a loaded jemalloc, or "not loaded" */
    bool have_load;                     /* load_avg is known (false: a file without it) */
} mb_context_t;

void mb_context_read(mb_context_t *c);

/* The fields a results file's "context" object holds into c (a jansson
 * object; NULL or a non-object leaves c empty). Absent fields stay empty
 * strings and zeros: files written before a field existed still read. */
struct json_t;
void mb_context_from_json(mb_context_t *c, const struct json_t *ctx);

/* The compiler of this build: "gcc 12.2.0", "clang 14.0.6". */
extern const char mb_compiler[];

/* The git commit baked in at build time ("unknown" outside git) and the version. */
extern const char mb_git_commit[];
extern const char mb_version[];

#endif
