/* object.h: the one object header shared by every strategy, and its invariants. */
#ifndef MB_OBJECT_H
#define MB_OBJECT_H

#include <stdint.h>
#include <stddef.h>

/*
 * Every object starts with mb_obj_t (16 bytes). Strategy metadata lives in
 * the header's strategy-private fields or in side tables, which the
 * strategy declares as its side_bytes per object (counted in every byte
 * figure; `membench list` shows 16 + side_bytes as overhead_bytes;
 * docs/design.md section 2).
 *
 * Kinds:
 *   MB_LIST  a container of `len` reference slots, following the header;
 *   MB_INT   an immutable int64 payload;
 *   MB_STR   an immutable NUL-terminated string of `len` bytes.
 *
 * Invariants (the debug verifier, mb_verify() in verify.c, checks each):
 *   I1. Every object reachable from a root frame or a global has a valid kind
 *       and is in the census when the census is kept.
 *   I2. An immortal object (MB_F_IMMORTAL: interned ints and strings) is
 *       never freed before the runtime ends and its count is never changed
 *       (PEP 683). The mutator filters immortals out of every
 *       reference operation, so strategies never see them in inc/dec.
 *   I3. For counting strategies, outside a collection, rc equals the number
 *       of references to the object from root frames, globals and the slots
 *       of allocated objects (live or leaked), plus any references the
 *       strategy holds itself (documented per strategy). Deferred counting
 *       (MB_ATTR_DEFERRED, rc-deferred) leaves out root frames and globals.
 *   I4. Leaves (ints, strings) have no slots and so cannot be on a cycle.
 */

typedef enum mb_kind {
    MB_FREED = 0,                       /* set just before memory is returned (debug poison) */
    MB_LIST = 1,
    MB_INT = 2,
    MB_STR = 3
} mb_kind_t;

enum mb_obj_flags {
    MB_F_IMMORTAL = 1u << 0,            /* interned: never counted, never freed (I2) */
    MB_F_FINALIZER = 1u << 1,           /* has a finalizer in the runtime's side table */
    MB_F_FINALIZED = 1u << 2,           /* its finalizer has run (PEP 442: at most once) */
    MB_F_UNCOLLECTABLE = 1u << 3,       /* kept in `garbage` under legacy finalizers */
    MB_F_BUFFERED = 1u << 4,            /* strategy-private: in a candidate buffer */
    MB_F_MARK = 1u << 5,                /* strategy-private: marked / reached */
    MB_F_SPARE6 = 1u << 6,              /* strategy-private */
    MB_F_SPARE7 = 1u << 7               /* strategy-private */
};

typedef struct mb_obj {
    uint32_t rc;                        /* reference count (counting strategies; I3) */
    uint8_t kind;                       /* mb_kind_t */
    uint8_t flags;                      /* mb_obj_flags */
    uint8_t color;                      /* strategy-private: colour in a collection */
    uint8_t gen;                        /* strategy-private: generation or space */
    uint32_t len;                       /* slots (MB_LIST) or bytes (MB_STR); 0 for MB_INT */
    uint32_t aux;                       /* strategy-private scratch (an index, gc_refs, ...) */
} mb_obj_t;

_Static_assert(sizeof(mb_obj_t) == 16, "the shared header is 16 bytes");

#define MB_MAX_SLOTS 0x7fffffffu        /* largest container */

static inline mb_obj_t **mb_obj_slots(mb_obj_t *o) { return (mb_obj_t **)(o + 1); }
static inline int64_t *mb_obj_intp(mb_obj_t *o) { return (int64_t *)(o + 1); }
static inline char *mb_obj_chars(mb_obj_t *o) { return (char *)(o + 1); }
static inline int mb_obj_immortal(const mb_obj_t *o) { return (o->flags & MB_F_IMMORTAL) != 0; }

/* Bytes an object of this kind and length occupies, header included. */
static inline size_t mb_obj_size(mb_kind_t kind, uint32_t len) {
    switch (kind) {
    case MB_LIST: return sizeof(mb_obj_t) + (size_t)len * sizeof(mb_obj_t *);
    case MB_INT: return sizeof(mb_obj_t) + sizeof(int64_t);
    case MB_STR: return sizeof(mb_obj_t) + (size_t)len + 1;
    default: return sizeof(mb_obj_t);
    }
}

#endif
