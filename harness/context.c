/* context.c: reads the machine context (CPUs, caches, frequency, load) as Google Benchmark does. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "context.h"

#ifndef MB_GIT_COMMIT
#define MB_GIT_COMMIT "unknown"
#endif
const char mb_git_commit[] = MB_GIT_COMMIT;
const char mb_version[] = "0.2.0";

static bool read_line(const char *path, char *buf, size_t n) {
    FILE *f = fopen(path, "r");
    if (!f) return false;
    bool ok = fgets(buf, (int)n, f) != NULL;
    fclose(f);
    if (ok) buf[strcspn(buf, "\n")] = '\0';
    return ok;
}

/* Number of CPUs in a shared_cpu_map ("00000003" -> 2). */
static int count_map_bits(const char *map) {
    int n = 0;
    for (const char *p = map; *p; p++) {
        if (!isxdigit((unsigned char)*p)) continue;
        int v = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
        n += __builtin_popcount((unsigned)v);
    }
    return n;
}

static void read_caches(mb_context_t *c) {
    c->ncaches = 0;
    for (int i = 0; i < 8; i++) {
        char path[128], buf[128];
        mb_cache_t *k = &c->caches[c->ncaches];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        if (!read_line(path, buf, sizeof buf)) break;
        char *end;
        k->size = strtoll(buf, &end, 10);
        if (*end == 'K') k->size *= 1024;
        else if (*end == 'M') k->size *= 1024 * 1024;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
        if (!read_line(path, k->type, sizeof k->type)) break;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        if (!read_line(path, buf, sizeof buf)) break;
        k->level = atoi(buf);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/shared_cpu_map", i);
        k->num_sharing = read_line(path, buf, sizeof buf) ? count_map_bits(buf) : 1;
        c->ncaches++;
    }
}

static double read_mhz(void) {
    char buf[128];
    if (read_line("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", buf, sizeof buf))
        return atof(buf) / 1000.0;      /* kHz */
    FILE *f = fopen("/proc/cpuinfo", "r");
    double mhz = 0;
    if (!f) return 0;
    char line[512];
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "cpu MHz", 7)) {
            char *colon = strchr(line, ':');
            if (colon) mhz = atof(colon + 1);
            break;
        }
    fclose(f);
    return mhz;
}

void mb_context_read(mb_context_t *c) {
    memset(c, 0, sizeof *c);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char off[8];
    strftime(c->date, sizeof c->date, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(off, sizeof off, "%z", &tm);           /* +0000 -> +00:00 as Google Benchmark */
    size_t l = strlen(c->date);
    snprintf(c->date + l, sizeof c->date - l, "%.3s:%.2s", off, off + 3);
    if (gethostname(c->host_name, sizeof c->host_name - 1) != 0) snprintf(c->host_name, sizeof c->host_name, "unknown");
    c->num_cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    c->mhz_per_cpu = read_mhz();
    char gov[64];
    c->cpu_scaling_enabled = read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", gov, sizeof gov) &&
                             strcmp(gov, "performance") != 0;
    read_caches(c);
    if (getloadavg(c->load_avg, 3) < 0) c->load_avg[0] = c->load_avg[1] = c->load_avg[2] = 0;
}
