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
} mb_context_t;

void mb_context_read(mb_context_t *c);

/* The git commit baked in at build time ("unknown" outside git) and the version. */
extern const char mb_git_commit[];
extern const char mb_version[];

#endif
