/* util.c: growable vectors, the pointer hash map, fatal errors. */
#include "runtime/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mb_vmessage(const char *fmt, va_list ap) {
    fputs("membench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void mb_panic(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    mb_vmessage(fmt, ap);
    va_end(ap);
    abort();
}

void mb_oom_exit(const char *what, int status) {
    fprintf(stderr, "membench: out of memory (%s)\n", what);
    exit(status);
}

void mb_oom(const char *what) { mb_oom_exit(what, MB_EXIT_OOM); }

void mb_vec_grow_(void **v, size_t *cap, size_t elem, size_t need) {
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) ncap *= 2;
    void *p = realloc(*v, ncap * elem);
    if (!p) mb_oom("vector");
    *v = p;
    *cap = ncap;
}

static size_t ptr_hash(const void *p, size_t mask) {
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x & mask;
}

static void ptrmap_rehash(mb_ptrmap_t *m, size_t ncap) {
    void **ok = m->keys;
    uint64_t *ov = m->vals;
    size_t ocap = m->cap;
    m->keys = calloc(ncap, sizeof *m->keys);
    m->vals = malloc(ncap * sizeof *m->vals);
    if (!m->keys || !m->vals) mb_oom("hash map");
    m->cap = ncap;
    m->n = m->used = 0;
    for (size_t i = 0; i < ocap; i++)
        if (ok[i] && ok[i] != MB_PTRMAP_TOMB) mb_ptrmap_put(m, ok[i], ov[i]);
    free(ok);
    free(ov);
}

/* The slot holding key, or SIZE_MAX when the map has none. */
static inline size_t ptrmap_find(const mb_ptrmap_t *m, const void *key) {
    if (!m->cap) return SIZE_MAX;
    size_t mask = m->cap - 1;
    for (size_t i = ptr_hash(key, mask);; i = (i + 1) & mask) {
        if (m->keys[i] == NULL) return SIZE_MAX;
        if (m->keys[i] == key) return i;
    }
}

bool mb_ptrmap_get(const mb_ptrmap_t *m, const void *key, uint64_t *val) {
    size_t i = ptrmap_find(m, key);
    if (i == SIZE_MAX) return false;
    if (val) *val = m->vals[i];
    return true;
}

void mb_ptrmap_put(mb_ptrmap_t *m, void *key, uint64_t val) {
    if ((m->used + 1) * 4 >= m->cap * 3) ptrmap_rehash(m, m->cap ? (m->n * 4 >= m->cap ? m->cap * 2 : m->cap) : 64);
    size_t mask = m->cap - 1, tomb = SIZE_MAX;
    for (size_t i = ptr_hash(key, mask);; i = (i + 1) & mask) {
        if (m->keys[i] == key) {
            m->vals[i] = val;
            return;
        }
        if (m->keys[i] == MB_PTRMAP_TOMB && tomb == SIZE_MAX) tomb = i;
        if (m->keys[i] == NULL) {
            if (tomb != SIZE_MAX) i = tomb; else m->used++;
            m->keys[i] = key;
            m->vals[i] = val;
            m->n++;
            return;
        }
    }
}

bool mb_ptrmap_del(mb_ptrmap_t *m, const void *key, uint64_t *val) {
    size_t i = ptrmap_find(m, key);
    if (i == SIZE_MAX) return false;
    if (val) *val = m->vals[i];
    m->keys[i] = MB_PTRMAP_TOMB;
    m->n--;
    return true;
}

void mb_ptrmap_free(mb_ptrmap_t *m) {
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}
