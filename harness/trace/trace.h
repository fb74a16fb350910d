/* trace.h: recorded traces of mutator operations (docs/traces.md): the
 * binary format, its text form, recording a workload and replaying a trace
 * as a workload (-w trace:FILE). */
#ifndef MB_TRACE_H
#define MB_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "harness/base/case_spec.h"

#define MB_TRACE_MAGIC "MBTR"
#define MB_TRACE_VERSION 1u
#define MB_TRACE_GLOBALS 64u            /* globals a trace may name: the runtime's default count */

/* The operations; their numbers are the format's opcodes (docs/traces.md). */
enum {
    MB_T_END = 0, MB_T_PUSH, MB_T_POP, MB_T_NONE, MB_T_ASSIGN, MB_T_GSET, MB_T_GGET, MB_T_LIST, MB_T_INT,
    MB_T_STR, MB_T_STORE, MB_T_STORE_NONE, MB_T_LOAD, MB_T_COLLECT, MB_T_AUTO_COLLECT, MB_T_FREEZE,
    MB_T_SETFIN, MB_T_IS, MB_T_IS_NONE, MB_T_IS_INT, MB_T_IS_STR, MB_T_IS_LIST, MB_T_INT_VALUE,
    MB_T_STR_VALUE, MB_T_LEN, MB_T_NOPS
};

/* What a trace's header says. */
typedef struct mb_trace_header {
    char workload[128];                 /* the recorded workload's name */
    uint64_t n, seed;
    bool interning;                     /* the interning of the recorded case (the stream does not depend on it) */
    bool finalizers;                    /* the workload attached its finalizers */
    uint64_t checksum;                  /* the live workload's checksum */
    uint64_t leaks_acyclic[2];          /* its leaks_acyclic, interning off and on */
    uint64_t uncollectable_legacy;      /* its uncollectable_legacy */
    uint64_t ops;                       /* its operation count (items_per_second) */
    uint64_t nfin;                      /* finalizer bodies */
} mb_trace_header_t;

/* Record workload w with args into the binary trace at path: run once on a
 * fresh mark-sweep runtime (modern finalizers, so that finalizer bodies are
 * seen), in this process. 0, or -1 and err. */
int mb_trace_record(const mb_workload_t *w, const mb_wl_args_t *args, const char *path, char *err, size_t errsz);

/* --record DIR for one case: the file DIR/<workload>.<strategy>.interning-<on|off>.mbtrace,
 * recorded in a child process (in this one when in_process). 0, or -1 and err. */
int mb_trace_record_case(const mb_case_t *c, const char *dir, bool in_process, char *err, size_t errsz);

/* The workload that replays the trace at path, validated whole first (NULL
 * and err naming the byte offset and the problem if it is not valid). */
const mb_workload_t *mb_trace_workload(const char *path, char *err, size_t errsz);
/* The workload of a trace this process has already opened, or NULL. */
const mb_workload_t *mb_trace_opened(const char *path);

/* Validate a binary trace in memory: 0, or -1 and err ("offset N: problem"). */
int mb_trace_validate(const unsigned char *buf, size_t len, mb_trace_header_t *h, char *err, size_t errsz);

/* Convert: binary to text, text to binary (the output is validated as a
 * binary trace). 0, or -1 and err. */
int mb_trace_bin2text(const unsigned char *buf, size_t len, FILE *out, char *err, size_t errsz);
int mb_trace_text2bin(const char *text, size_t len, FILE *out, char *err, size_t errsz);

/* `membench trace-convert IN OUT`: the direction from IN's first bytes. 0, or 2 on bad input. */
int mb_trace_convert(const char *in, const char *out);

#endif
