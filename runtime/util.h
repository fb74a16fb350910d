/* util.h: small containers (growable vectors, a pointer hash map), clocks and fatal errors. */
#ifndef MB_UTIL_H
#define MB_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* "membench: <message>" and a newline on stderr: every fatal message's form. */
void mb_vmessage(const char *fmt, va_list ap);
/* Print "membench: <message>" to stderr and abort: broken invariants only. */
_Noreturn void mb_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Out of memory in the runtime's own tables (not object memory): report and
 * exit with MB_EXIT_OOM, the status the harness reads as "out of memory"
 * (object memory that cannot be had, even after a collection, exits the same way). */
_Noreturn void mb_oom(const char *what);
/* The one out-of-memory exit: "membench: out of memory (what)", exit status
 * `status` (mb_oom: MB_EXIT_OOM; the harness's own process: 2, harness/base/oom.h). */
_Noreturn void mb_oom_exit(const char *what, int status);
#define MB_EXIT_OOM 12

#define MB_CHECK(cond, ...) do { if (!(cond)) mb_panic(__VA_ARGS__); } while (0)
#ifdef MB_DEBUG
#define MB_ASSERT(cond) MB_CHECK(cond, "%s:%d: assertion failed: %s", __FILE__, __LINE__, #cond)
#else
#define MB_ASSERT(cond) ((void)0)
#endif

/* Growable vectors. Memory comes from the C library, outside object accounting. */
typedef struct mb_ptrvec { void **v; size_t n, cap; } mb_ptrvec_t;
typedef struct mb_u64vec { uint64_t *v; size_t n, cap; } mb_u64vec_t;
typedef struct mb_sizevec { size_t *v; size_t n, cap; } mb_sizevec_t;

void mb_vec_grow_(void **v, size_t *cap, size_t elem, size_t need);
#define MB_VEC_PUSH(vec, x) do { \
        if ((vec)->n == (vec)->cap) \
            mb_vec_grow_((void **)&(vec)->v, &(vec)->cap, sizeof *(vec)->v, (vec)->n + 1); \
        (vec)->v[(vec)->n++] = (x); \
    } while (0)
#define MB_VEC_FREE(vec) do { free((vec)->v); (vec)->v = NULL; (vec)->n = (vec)->cap = 0; } while (0)

/* Open-addressing hash map from a non-NULL pointer to a 64-bit value. */
typedef struct mb_ptrmap {
    void **keys;                        /* NULL = empty, MB_PTRMAP_TOMB = deleted */
    uint64_t *vals;                     /* value of each key */
    size_t cap;                         /* power of two, or 0 */
    size_t n;                           /* keys present */
    size_t used;                        /* keys present plus tombstones */
} mb_ptrmap_t;
#define MB_PTRMAP_TOMB ((void *)1)

bool mb_ptrmap_get(const mb_ptrmap_t *m, const void *key, uint64_t *val);
void mb_ptrmap_put(mb_ptrmap_t *m, void *key, uint64_t val);
bool mb_ptrmap_del(mb_ptrmap_t *m, const void *key, uint64_t *val);
void mb_ptrmap_free(mb_ptrmap_t *m);
/* Iterate: for (size_t i = 0; i < m->cap; i++) if (mb_ptrmap_live(m, i)) ... */
static inline bool mb_ptrmap_live(const mb_ptrmap_t *m, size_t i) {
    return m->keys[i] != NULL && m->keys[i] != MB_PTRMAP_TOMB;
}

static inline uint64_t mb_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
static inline uint64_t mb_cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* FNV-1a, 64 bits, over n bytes from h (MB_FNV1A_BASIS to start): the one
 * string hash of the project (interning, compare's names, the history's
 * content hash, a trace's body checksum). */
#define MB_FNV1A_BASIS 0xcbf29ce484222325ULL
static inline uint64_t mb_fnv1a(uint64_t h, const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

/* splitmix64: the deterministic generator of workloads and tests. */
static inline uint64_t mb_splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

#endif
