/* suite_out.h: a suite written to --out in a reporter's format, for run, report and import-hyperfine. */
#ifndef MB_SUITE_OUT_H
#define MB_SUITE_OUT_H

#include "harness/report/report.h"

/* What the writer needs. */
typedef struct mb_cli_suite_out {
    mb_suite_t *suite;                  /* the suite to write */
    mb_format_t fmt;                    /* its format */
} mb_cli_suite_out_t;

/* --format NAME, a usage error when not built in. */
mb_format_t mb_cli_format(const char *name);
/* Write s to path in fmt with this machine's context (mb_cli_write), then
 * free s. Status: 1 if an entry is an error, 2 if the file cannot be had. */
int mb_cli_suite_out(mb_suite_t *s, mb_format_t fmt, const char *path);

#endif
