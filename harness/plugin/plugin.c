/* plugin.c: plug-in strategies (include/membench/mb_plugin.h, docs/plugins.md): the services the
 * executable exports to them (harness/plugin/plugin.dynlist) and the loader of `-s plugin:PATH.so`. */
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "include/membench/mb_plugin.h"
#include "harness/plugin/plugin.h"

/* The public header restates the attribute bits and the finalizer modes: they must agree. */
#define MB_SAME_BIT(id, bit, name, doc) \
    _Static_assert(MB_PLUGIN_ATTR_##id == MB_ATTR_##id, "mb_plugin.h and strategy.h disagree on " name);
MB_ATTR_LIST(MB_SAME_BIT)
#undef MB_SAME_BIT
_Static_assert(MB_PLUGIN_FIN_MODERN == MB_FIN_MODERN && MB_PLUGIN_FIN_LEGACY == MB_FIN_LEGACY, "finalizer modes");
_Static_assert(sizeof(mb_plugin_param_t) == sizeof(mb_param_def_t), "parameter tables");

/* --- the services ----------------------------------------------------------- */

void *mb_plugin_state(mb_rt_t *rt) { return rt->state; }
int mb_plugin_finalizer_mode(const mb_rt_t *rt) { return (int)rt->opt.finalizers; }
bool mb_plugin_in_collect(const mb_rt_t *rt) { return rt->in_collect; }
void mb_plugin_free_obj(mb_rt_t *rt, mb_obj_t *o) { mb__free_obj(rt, o); }
void mb_plugin_each_root(mb_rt_t *rt, mb_plugin_root_fn fn, void *ctx) { mb__each_root(rt, fn, ctx); }
bool mb_plugin_finalize(mb_rt_t *rt, mb_obj_t *o) { return mb__finalize(rt, o); }
void mb_plugin_make_uncollectable(mb_rt_t *rt, mb_obj_t *o) { mb__make_uncollectable(rt, o); }
void mb_plugin_request_collect(mb_rt_t *rt) { mb__request_collect(rt); }
void mb_plugin_reclaimed(mb_rt_t *rt, uint64_t objects, uint64_t bytes) { mb_ev_reclaimed(rt, objects, bytes); }
void mb_plugin_rc_release(mb_rt_t *rt, mb_obj_t *o) { mb_rc_release(rt, o); }
_Noreturn void mb_plugin_panic(const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mb_panic("%s", msg);
}

/* --- the loader --------------------------------------------------------------- */

typedef struct loaded {
    char path[PATH_MAX];                /* the file, resolved */
    mb_strategy_t *s;                   /* its strategy, as the runtime takes it */
} loaded_t;

static loaded_t *loaded;
static size_t nloaded;

static _Noreturn void refuse(const char *spec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static _Noreturn void refuse(const char *spec, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++)
        if (*p == '\n') *p = ' ';       /* one line, whatever dlerror says */
    fprintf(stderr, "membench: plugin %s: %s\n", spec, msg);
    exit(2);
}

/* PATH as given when it names a file (has a slash or ends in .so), else
 * NAME.so in a directory of MEMBENCH_PLUGIN_PATH. */
static void locate(const char *spec, char *out, size_t outsz) {
    size_t l = strlen(spec);
    if (strchr(spec, '/') || (l > 3 && !strcmp(spec + l - 3, ".so"))) {
        snprintf(out, outsz, "%s", spec);
        return;
    }
    const char *pp = getenv("MEMBENCH_PLUGIN_PATH");
    if (!pp || !*pp) refuse(spec, "not a file, and MEMBENCH_PLUGIN_PATH is not set to find %s.so", spec);
    char *copy = strdup(pp), *save = NULL;
    if (!copy) refuse(spec, "out of memory");
    for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        struct stat st;
        snprintf(out, outsz, "%s/%s.so", d, spec);
        if (stat(out, &st) == 0) {
            free(copy);
            return;
        }
    }
    free(copy);
    refuse(spec, "no %s.so in MEMBENCH_PLUGIN_PATH (%s)", spec, pp);
}

static bool good_name(const char *n) {
    if (!n || !*n || strlen(n) > 64 || !strcmp(n, "all")) return false;
    for (const char *p = n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
              *p == '_' || *p == '.'))
            return false;
    return true;
}

const mb_strategy_t *mb_plugin_load(const char *spec, const mb_strategy_t *(*builtin)(const char *name)) {
    char path[PATH_MAX], real[PATH_MAX];
    if (!*spec) refuse(spec, "no file given (plugin:PATH.so or plugin:NAME)");
    locate(spec, path, sizeof path);
    struct stat st;
    if (stat(path, &st) != 0) refuse(spec, "no such file");
    if (!S_ISREG(st.st_mode)) refuse(spec, "not a regular file");
    if (!realpath(path, real)) refuse(spec, "cannot resolve the path");
    for (size_t i = 0; i < nloaded; i++)
        if (!strcmp(loaded[i].path, real)) return loaded[i].s;
    /* dlopen of a relative name without a slash searches the library path: never that. */
    void *h = dlopen(real, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        if (e && strstr(e, "undefined symbol"))
            refuse(spec, "calls a service this membench does not export (%s)", e);
        refuse(spec, "not a loadable shared object (%s)", e ? e : "dlopen failed");
    }
    dlerror();
    void *sym = dlsym(h, MB_PLUGIN_ENTRY);
    if (!sym) refuse(spec, "no entry symbol %s (define it with MB_PLUGIN_EXPORT)", MB_PLUGIN_ENTRY);
    const mb_plugin_t *(*entry)(unsigned);
    *(void **)&entry = sym;
    const mb_plugin_t *p = entry(MB_PLUGIN_ABI_VERSION);
    if (!p) refuse(spec, "%s returned no strategy for ABI version %u", MB_PLUGIN_ENTRY, MB_PLUGIN_ABI_VERSION);
    if (p->abi_version != MB_PLUGIN_ABI_VERSION)
        refuse(spec, "built for plug-in ABI version %u; this membench loads version %u (rebuild it against this "
               "membench's <membench/mb_plugin.h>)", p->abi_version, MB_PLUGIN_ABI_VERSION);
    if (!good_name(p->name))
        refuse(spec, "bad strategy name '%s' (letters, digits, '-', '_', '.'; at most 64)", p->name ? p->name : "(null)");
    if (builtin(p->name)) refuse(spec, "strategy name '%s' is a built-in strategy's: rename the plug-in", p->name);
    for (size_t i = 0; i < nloaded; i++)
        if (!strcmp(loaded[i].s->name, p->name))
            refuse(spec, "strategy name '%s' is already taken by plug-in %s", p->name, loaded[i].path);
    unsigned known = 0;
#define MB_BIT(id, bit, name, doc) known |= MB_ATTR_##id;
    MB_ATTR_LIST(MB_BIT)
#undef MB_BIT
    if (p->attrs & ~known) refuse(spec, "unknown attribute bits 0x%x", p->attrs & ~known);
    if (p->attrs & MB_ATTR_MOVES) refuse(spec, "attribute moves is not supported by plug-in ABI version 1");
    if ((p->attrs & MB_ATTR_DEFERRED) && !(p->attrs & MB_ATTR_COUNTS)) refuse(spec, "attribute deferred needs counts");
    if ((p->attrs & MB_ATTR_CYCLES) && !p->collect && !(p->attrs & MB_ATTR_COUNTS))
        refuse(spec, "attribute cycles without a collect method");
    mb_strategy_t *s = calloc(1, sizeof *s);
    loaded_t *nl = realloc(loaded, (nloaded + 1) * sizeof *nl);
    if (!s || !nl) refuse(spec, "out of memory");
    loaded = nl;
    s->name = p->name;
    s->description = p->description ? p->description : "(a plug-in)";
    s->attrs = p->attrs;
    s->side_bytes = p->side_bytes;
    s->state_size = p->state_size;
    s->init = p->init;
    s->alloc = p->alloc;
    s->free = p->free;
    s->finish = p->finish;
    s->on_alloc = p->on_alloc;
    s->on_free = p->on_free;
    s->dec_nonzero = p->dec_nonzero;
    s->on_finalizer = p->on_finalizer;
    s->release = p->release;
    s->collect = p->collect;
    s->freeze = p->freeze;
    s->params = (const mb_param_def_t *)(const void *)p->params;   /* the same layout (asserted above) */
    s->param = p->param;
    s->verify = p->verify;
    snprintf(loaded[nloaded].path, sizeof loaded[nloaded].path, "%s", real);
    loaded[nloaded++].s = s;
    return s;
}

const mb_strategy_t *mb_plugin_find(const char *name) {
    for (size_t i = 0; i < nloaded; i++)
        if (!strcmp(loaded[i].s->name, name)) return loaded[i].s;
    return NULL;
}

const char *mb_plugin_path(const mb_strategy_t *s) {
    for (size_t i = 0; i < nloaded; i++)
        if (loaded[i].s == s) return loaded[i].path;
    return NULL;
}

const char *mb_strategy_spec(const mb_strategy_t *s, char *buf, size_t n) {
    const char *path = mb_plugin_path(s);
    if (path) snprintf(buf, n, "plugin:%s", path);
    else snprintf(buf, n, "%s", s->name);
    return buf;
}
