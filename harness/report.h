/* report.h: reporters (console table for now) and the `list` output. */
#ifndef MB_REPORT_H
#define MB_REPORT_H

#include <stdio.h>

#include "case.h"

typedef struct mb_report {
    FILE *out;                          /* where rows go */
    unsigned rows;                      /* rows written */
} mb_report_t;

void mb_report_begin(mb_report_t *r, FILE *out);
void mb_report_row(mb_report_t *r, const mb_case_t *c, const mb_result_t *res, const char *problem);
void mb_report_end(mb_report_t *r);

void mb_report_list_console(FILE *out);
void mb_report_list_json(FILE *out);

/* Human units: "1.23 ms", "4.5 MiB", "12.3M". Return buf. */
char *mb_fmt_ns(char *buf, size_t n, double ns);
char *mb_fmt_bytes(char *buf, size_t n, double bytes);
char *mb_fmt_count(char *buf, size_t n, double v);

#endif
