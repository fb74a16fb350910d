/* rc_immix.h: rc-immix's private state and helpers, shared by rc_immix.c (counting) and rc_immix_trace.c (backup trace). */
#ifndef MB_RC_IMMIX_H
#define MB_RC_IMMIX_H

#include "runtime/heap.h"
#include "runtime/strategy.h"

#define RCI_CNT 0x07u                   /* color: the count */
#define RCI_STUCK 0x07u                 /* a count that stays until a backup trace */
#define RCI_OLD 0x08u                   /* color: counted (survived an epoch) */
#ifdef MB_DEBUG
#define RCI_DEFAULT_EPOCH 4096          /* KiB; debug builds verify per collection (see rci_epoch_due) */
#else
#define RCI_DEFAULT_EPOCH 1024
#endif
#define RCI_STRESS_TRACE 4              /* stress build: every 4th collection traces */
#define RCI_WHOLE_LOG 16                /* containers of up to 16 slots are logged whole, longer ones by field */

/* Cells a refill handed out: one bitmap word of a page (bits set at each cell's first granule). */
typedef struct rci_cells {
    mb_page_t *pg;                      /* the page */
    uint32_t w;                         /* the word of its alloc bitmap */
    uint64_t mask;                      /* the cells handed out in it */
} rci_cells_t;

/* A long container logged field by field in this epoch (its header's aux is its index + 1 in `flogs`). */
typedef struct rci_flog {
    mb_obj_t *o;                        /* the container */
    uint64_t bits[];                    /* slots logged: their old referents are in the decrement buffer */
} rci_flog_t;

typedef struct rci_state {
    mb_heap_t heap;                     /* every object (heap.h) */
    rci_cells_t *cells;                 /* the cells refills handed out this epoch: young ones among them */
    size_t ncells, cells_cap;           /* entries, room */
    mb_ptrvec_t young;                  /* young objects from alloc (not from free lists) this epoch */
    mb_ptrvec_t modbuf;                 /* containers logged whole this epoch */
    mb_ptrvec_t flogs;                  /* rci_flog_t of the containers logged by field this epoch */
    mb_ptrvec_t decbuf;                 /* their slots' referents when logged: decrements due */
    mb_ptrvec_t roots;                  /* root referents incremented at the last epoch */
    mb_ptrvec_t roots_prev;             /* the epoch before's: decrements due */
    mb_ptrvec_t zct;                    /* held objects with count 0 (MB_F_BUFFERED): decided next epoch */
    mb_ptrvec_t work;                   /* the previous epoch's zct while it is decided */
    mb_ptrvec_t finq;                   /* held objects to finalize at the end of this collection */
    mb_ptrvec_t stack;                  /* work stack: promotion, cascade, trace */
    uint64_t epoch_bytes;               /* param `epoch` in bytes */
    uint64_t epoch_start;               /* bytes_allocated at the last epoch */
    uint64_t live_after;                /* live_bytes then (young garbage of that epoch still counted) */
    uint64_t ep_objs, ep_bytes;         /* objects and bytes allocated (immortal ones not) at the last epoch */
    uint64_t imm_objs, imm_bytes;       /* immortal objects and their bytes, when last asked */
    uint64_t prom, prom_bytes;          /* young objects promoted in this epoch, their bytes */
    uint64_t trace_limit;               /* backup trace when live bytes pass this */
    uint64_t freed, freed_bytes;        /* bulk frees of this collection, not yet accounted */
    uint64_t marked, marked_bytes;      /* objects marked by this trace */
    uint64_t ncollect;                  /* collections run (stress: which trace) */
    bool plain;                         /* this collection frees without mb__free_obj (no census, no finalizers) */
} rci_state_t;

static inline bool rci_counted(const mb_obj_t *o) { return (o->color & RCI_OLD) != 0; }
static inline size_t rci_size(const mb_obj_t *o) { return mb_obj_size((mb_kind_t)o->kind, o->len); }

/* rc_immix.c */
void rci_flogs_drop(rci_state_t *st);                   /* forget the field logs (their objects are allocated) */
void rci_young_reset(mb_rt_t *rt, rci_state_t *st);     /* the next epoch's young objects are those allocated from now */
/* rc_immix_trace.c */
void rci_backup(mb_rt_t *rt, rci_state_t *st);          /* the backup trace: counts recomputed, garbage swept, buffers empty */
void rci_verify(mb_rt_t *rt);                           /* debug: the invariant of rc_immix.c's comment */

#endif
