/* trace_fmt.h: what the trace files share, inside harness/trace/ only: the operations' operands, the byte
 * buffer, the compiled trace and the reader of the binary format (format.c). */
#ifndef MB_TRACE_FMT_H
#define MB_TRACE_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/trace/trace.h"

/* --- the operations' operands ----------------------------------------------
 * One letter per operand: v a variable of the current frame, g a global, n a
 * count (frame size, list length), k a slot of the list in the operand
 * before it (store, storenone) or after it (load: dst obj slot), b 0 or 1, f
 * a finalizer body, r a 32-bit result, i a signed 64-bit integer (zigzag), q
 * an unsigned 64-bit integer, S a string (length, then bytes). */
typedef struct mbt_op {
    const char *name;                   /* the text form's word */
    const char *args;                   /* one letter per operand (above) */
} mbt_op_t;
extern const mbt_op_t mbt_ops[MB_T_NOPS];
#define CHECKED 0x80u                   /* compiled store/storenone/load whose list is checked at run time */
#define MAX_FRAME (1u << 24)            /* largest frame a trace may push */

static inline uint64_t zz(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int64_t unzz(uint64_t u) { return (int64_t)(u >> 1) ^ -(int64_t)(u & 1); }

/* A growable byte buffer. */
typedef struct wbuf {
    unsigned char *b;                   /* the bytes */
    size_t n, cap;                      /* used, allocated */
} wbuf_t;

void mbt_wb_put(wbuf_t *w, const void *p, size_t n);
/* v as a LEB128 varint. */
void mbt_wb_varint(wbuf_t *w, uint64_t v);
/* The header, as bytes. */
void mbt_put_header(wbuf_t *w, const mb_trace_header_t *h);
/* The trailer: the operation count and the body's checksum. */
void mbt_put_trailer(wbuf_t *w, uint64_t nops, uint64_t sum);

/* A trace opened for replay: the file, compiled. */
typedef struct trace {
    mb_trace_header_t h;                /* what its header says */
    char *path;                         /* as given to -w trace:PATH */
    unsigned char *file;                /* the whole file */
    size_t len;                         /* its length */
    size_t body;                        /* offset of the first operation */
    uint32_t *code;                     /* compiled operations (CHECKED variants) */
    size_t ncode, capcode;              /* code words used, allocated */
    char *arena;                        /* strings, NUL-terminated */
    size_t narena, caparena;            /* arena bytes used, allocated */
    size_t *fin;                        /* code index of each finalizer body */
    struct finctx {                     /* a finalizer's context: its trace and body */
        struct trace *t;                /* the trace */
        size_t id;                      /* the body */
    } *fctx;                            /* one per finalizer body */
    mb_workload_t w;                    /* the workload that replays it */
    char name[4200];                    /* its name: "trace:PATH" */
    uint64_t mismatches;                /* queries whose result differed, this run */
    size_t first_mismatch;              /* code index of the first */
    uint64_t got;                       /* what it returned */
} trace_t;

/* The reader of the binary format. */
typedef struct rd {
    const unsigned char *b;             /* the file */
    size_t len, pos;                    /* its length, the offset read next */
    char *err;                          /* where a failure is described */
    size_t errsz;                       /* its size */
    trace_t *t;                         /* compile into it, or NULL */
    unsigned op, operand;               /* what mbt_rd_varint reads when its `what` is NULL (named on failure only) */
} rd_t;

/* The varint at r->pos into *v: what names it in a message (NULL: the operand of r->op). 0, or -1 and r->err. */
int mbt_rd_varint(rd_t *r, uint64_t *v, const char *what);
/* The whole file into *h, compiled into r->t when not NULL. 0, or -1 and r->err ("offset N: problem"). */
int mbt_rd_all(rd_t *r, mb_trace_header_t *h);
/* The file at path ("-": stdin) into *buf (NUL-terminated, len bytes before the NUL). 0, or -1 and err. */
int mbt_read_file(const char *path, unsigned char **buf, size_t *len, char *err, size_t errsz);

#endif
