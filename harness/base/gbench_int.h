/* gbench_int.h: what the three files of the Google Benchmark reader share (harness/base/gbench_*.c only):
 * the input (gbench_input.c), one row's fields and rules (gbench_row.c), the file (gbench_read.c). */
#ifndef MB_GBENCH_INT_H
#define MB_GBENCH_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "harness/base/gbench_read.h"

/*
 * How a file is read. jansson alone would build the whole file's tree
 * (about 2 KiB of objects a row) before the first row could be looked at.
 * Instead the top-level object is parsed here up to "benchmarks": [, and then
 * one element at a time: a flat object of plain strings, numbers and
 * literals (every row Google Benchmark or membench writes) by a strict
 * scanner here, anything else (escapes, non-ASCII, nesting, any error) by
 * jansson. What the file says, and every error message, is what jansson's
 * parse of the whole file gives: jansson parses each value from the bytes
 * that parse would see, and where the file is malformed outside a value,
 * jansson is given a short synthetic start that puts its parser in the same
 * state, then the rest of the file (rd_exact). Line and column are jansson's
 * (UTF-8 characters since the last newline), counted as the file goes by.
 */

enum { JSON_MAX_DEPTH = 2048 };         /* jansson's JSON_PARSER_MAX_DEPTH */

/* --- the input: a file read in chunks, or a buffer (gbench_input.c) ------- */

typedef struct rd {
    const char *path;                   /* syntax errors name it (as jansson's file loader did) */
    const char *name;                   /* validation errors name it: the path cut as mb_gb_file_t's */
    int fd;                             /* -1: a buffer */
    char *own;                          /* the read buffer, cap bytes */
    size_t cap;                         /* its size */
    const char *b;                      /* the data: b[pos, len) not yet read */
    size_t pos, len;                    /* the next byte, the end of the data */
    bool eof;                           /* nothing after b[len) */
    size_t lc_pos;                      /* line and column (jansson's counting) at b[lc_pos] */
    long line, col;                     /* there */
    char *err;                          /* where a failure is described */
    size_t errsz;                       /* its size */
} rd_t;

static inline bool is_ws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
/* Printable ASCII but '"' and '\\': a string character the fast scanner takes as it is. */
static inline bool plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }
static inline bool digit(int c) { return c >= '0' && c <= '9'; }


/* At least want bytes unread, unless the file ends first. -1: out of memory. */
int gb_rd_more(rd_t *rd, size_t want);
/* Skip whitespace; the next byte, -1 at the end of the file, -2 out of memory. */
int gb_rd_peek(rd_t *rd);
/* "out of memory" into rd->err; -1. */
int gb_rd_oom(rd_t *rd);
/* jansson's error je, from a parse of prefix (pchars characters, no newline) and then the file from b[pos]; -1. */
int gb_rd_syntax(rd_t *rd, const json_error_t *je, long pchars);
/* jansson's parse of the value at b[pos] (after prefix, if not NULL) with flags; *used its bytes in the file. */
json_t *gb_rd_jansson(rd_t *rd, const char *prefix, size_t flags, json_error_t *je, size_t *used, bool *oom);
/* Past the value v that jansson parsed from used bytes at b[pos]. */
void gb_rd_past(rd_t *rd, const json_t *v, size_t used);
/* The syntax error jansson's parse of the whole file reports, from a synthetic start prefix; -1. */
int gb_rd_exact(rd_t *rd, const char *prefix, size_t flags);
/* The nesting depth of a parsed value (a scalar is 1). */
size_t gb_json_depth(json_t *j);

/* --- one element of "benchmarks": its fields and their checks (gbench_row.c) - */

typedef enum { F_STRING, F_INTEGER, F_REAL, F_TRUE, F_FALSE, F_NULL, F_OBJECT, F_ARRAY } fkind_t;

/* The fields the rules name; K_OTHER: a counter if it is a number. */
enum { K_NAME, K_RUN_NAME, K_RUN_TYPE, K_ERROR_OCCURRED, K_ERROR_MESSAGE, K_LABEL, K_TIME_UNIT, K_REAL_TIME,
       K_CPU_TIME, K_ITERATIONS, K_FAMILY_INDEX, K_REPETITION_INDEX, K_REPETITIONS, K_PER_FAMILY_INSTANCE_INDEX,
       K_THREADS, K_SHARD, K_OTHER };

typedef struct field {
    const char *key;                    /* NUL-terminated */
    fkind_t kind;                       /* its JSON type */
    int slot;                           /* its K_ name, or K_OTHER */
    const char *s;                      /* F_STRING: the value, NUL-terminated */
    long long i;                        /* F_INTEGER */
    double d;                           /* F_REAL */
    /* the fast scanner's offsets from the element's start, before the strings are copied */
    size_t koff, klen, soff, slen;      /* key and string: offset, length */
} field_t;

typedef struct rowbuf {
    field_t *f;                         /* the fields, in file order */
    size_t nf, fcap;                    /* used, allocated */
    int slot[K_OTHER];                  /* index in f of each named field, or -1 */
    char *str;                          /* the fast scanner's strings, NUL-terminated */
    size_t scap;                        /* its size */
    mb_gb_counter_t *c;                 /* the row's counters */
    size_t ccap;                        /* their capacity */
} rowbuf_t;

enum { FAST_OK, FAST_SLOW, FAST_MORE, FAST_OOM };

void gb_rowbuf_free(rowbuf_t *rb);
/* The element at p0 ('{', e the end of the data) by the fast scanner: FAST_OK with *used its length and the fields
 * in rb (offsets only); FAST_SLOW: jansson reads it; FAST_MORE: the data ends first (not the file). */
int gb_fast_row(rowbuf_t *rb, const char *p0, const char *e, bool eof, size_t *used);
/* The fast scanner's strings copied out of the data at p0 (used bytes). -1: out of memory. */
int gb_fast_strings(rowbuf_t *rb, const char *p0, size_t used);
/* A jansson object's members as fields. -1: out of memory. */
int gb_json_fields(rowbuf_t *rb, json_t *b);
/* The field named k (K_NAME...), or NULL. */
const field_t *gb_slot_field(const rowbuf_t *rb, int k);
/* "an object", "a string"...: what v is, for messages. */
const char *gb_type_name(const json_t *v);
/* One element's fields into r; -1 with why (the caller adds where). */
int gb_read_row(rowbuf_t *rb, mb_gb_row_t *r, char *why, size_t wsz);

#endif
