/* context.c: reads the machine context (CPUs, caches, frequency, load) as Google Benchmark does. */
#include <ctype.h>
#include <dlfcn.h>
#include <gc/gc.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "harness/run/context.h"
#include "harness/base/json_read.h"

#ifndef MB_GIT_COMMIT
#define MB_GIT_COMMIT "unknown"
#endif
const char mb_git_commit[] = MB_GIT_COMMIT;
const char mb_version[] = "0.2.0";

#define MB_STR2(x) #x
#define MB_STR(x) MB_STR2(x)
#if defined(__clang__)
const char mb_compiler[] = "clang " MB_STR(__clang_major__) "." MB_STR(__clang_minor__) "." MB_STR(__clang_patchlevel__);
#elif defined(__GNUC__)
const char mb_compiler[] = "gcc " __VERSION__;
#else
const char mb_compiler[] = "unknown";
#endif

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

/* /proc/cpuinfo's first "model name" (x86; other machines may have none). */
static void read_cpu_model(char *buf, size_t n) {
    snprintf(buf, n, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "model name", 10)) {
            char *v = strchr(line, ':');
            if (!v) continue;
            for (v++; *v == ' ' || *v == '\t'; v++) {}
            v[strcspn(v, "\n")] = '\0';
            if (*v) snprintf(buf, n, "%s", v);
            break;
        }
    fclose(f);
}

/* The version of the jemalloc in this process, from its own `version`
 * mallctl: the library really running, not the one a package manager last
 * installed. `run --allocator jemalloc` re-executes membench with jemalloc
 * preloaded, so the process writing the report is the one that had it. */
static void read_jemalloc_version(char *buf, size_t n) {
    typedef int (*mallctl_fn)(const char *, void *, size_t *, void *, size_t);
    mallctl_fn mallctl = (mallctl_fn)(uintptr_t)dlsym(RTLD_DEFAULT, "mallctl");
    const char *v = NULL;
    size_t sz = sizeof v;
    if (mallctl && dlsym(RTLD_DEFAULT, "mallocx") && mallctl("version", &v, &sz, NULL, 0) == 0 && v)
        snprintf(buf, n, "%s", v);
    else
        snprintf(buf, n, "not loaded");
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
    c->have_load = getloadavg(c->load_avg, 3) == 3;
    if (!c->have_load) c->load_avg[0] = c->load_avg[1] = c->load_avg[2] = 0;
    snprintf(c->compiler, sizeof c->compiler, "%s", mb_compiler);
    struct utsname u;
    if (uname(&u) == 0) snprintf(c->kernel, sizeof c->kernel, "%.100s %.150s", u.release, u.version);
    else snprintf(c->kernel, sizeof c->kernel, "unknown");
    read_cpu_model(c->cpu_model, sizeof c->cpu_model);
    unsigned gv = GC_get_version();     /* (major << 16) | (minor << 8) | micro */
    snprintf(c->bdwgc_version, sizeof c->bdwgc_version, "%u.%u.%u", gv >> 16, (gv >> 8) & 0xff, gv & 0xff);
    read_jemalloc_version(c->jemalloc_version, sizeof c->jemalloc_version);
}

static void str_field(char *dst, size_t n, const json_t *ctx, const char *key) {
    const char *v = mb_json_str(ctx, key);
    snprintf(dst, n, "%s", v ? v : "");
}

void mb_context_from_json(mb_context_t *c, const struct json_t *ctx) {
    memset(c, 0, sizeof *c);
    if (!json_is_object(ctx)) return;
    str_field(c->date, sizeof c->date, ctx, "date");
    str_field(c->host_name, sizeof c->host_name, ctx, "host_name");
    double d;
    if (mb_json_num(ctx, "num_cpus", &d) && d >= 0 && d < 1e6) c->num_cpus = (int)d;
    if (mb_json_num(ctx, "mhz_per_cpu", &d) && d >= 0 && d < 1e9) c->mhz_per_cpu = d;
    c->cpu_scaling_enabled = json_is_true(json_object_get(ctx, "cpu_scaling_enabled"));
    const json_t *la = json_object_get(ctx, "load_avg");
    if (json_is_array(la) && json_array_size(la) == 3) {
        c->have_load = true;
        for (size_t i = 0; i < 3; i++) {
            const json_t *x = json_array_get(la, i);
            if (json_is_number(x)) c->load_avg[i] = json_number_value(x);
            else c->have_load = false;
        }
    }
    str_field(c->compiler, sizeof c->compiler, ctx, "compiler");
    str_field(c->kernel, sizeof c->kernel, ctx, "kernel");
    str_field(c->cpu_model, sizeof c->cpu_model, ctx, "cpu_model");
    str_field(c->bdwgc_version, sizeof c->bdwgc_version, ctx, "bdwgc_version");
    str_field(c->jemalloc_version, sizeof c->jemalloc_version, ctx, "jemalloc_version");
}
