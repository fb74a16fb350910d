/* markdown.c: the Markdown reporter: one table (median of each case's repetitions) for a README or a pull request. */
#include <stdlib.h>
#include <string.h>

#include "harness/report/lbo.h"
#include "harness/report/report.h"

void mb_report_markdown(FILE *out, const mb_suite_t *s, const mb_context_t *ctx) {
    char (*cells)[64] = calloc(MB_SUM_COLS, 64);
    if (!cells) mb_harness_oom("markdown report");
    mb_report_header(out, s, ctx, true);
    fputc('|', out);
    /* Markdown headers use the exact metric names (metrics.h), for readers that grep them. */
    for (int j = 0; j < MB_SUM_COLS; j++)
        fprintf(out, " %s |", j < 4 ? mb_summary_header[j] : mb_metric_names[j - 4]);
    fputs("\n|", out);
    for (int j = 0; j < MB_SUM_COLS; j++) fputs(j ? " ---: |" : " --- |", out);
    fputc('\n', out);
    for (size_t i = 0; i < s->n;) {
        size_t end = mb_family_end(s, i);
        fputc('|', out);
        if (mb_summary_cells(s, i, end, cells)) {
            fputc(' ', out);
            mb_md_code(out, s->v[i].name);  /* the whole name (cells[0] is cut at 63 bytes) */
            fputs(" |", out);
            for (int j = 1; j < MB_SUM_COLS; j++) fprintf(out, " %s |", cells[j]);
        } else {
            fputc(' ', out);
            mb_md_code(out, s->v[i].name);
            fputs(" |", out);
            for (int j = 1; j < MB_SUM_COLS; j++) fputs(j == 1 ? " failed |" : " |", out);
        }
        fputc('\n', out);
        i = end;
    }
    bool any = false;
    for (size_t i = 0; i < s->n; i++) any |= s->v[i].error;
    if (any) {
        fputc('\n', out);
        for (size_t i = 0; i < s->n;) {
            size_t end = mb_family_end(s, i);
            for (size_t k = i; k < end; k++)
                if (s->v[k].error) {
                    fputs("- FAILED ", out);
                    mb_md_code(out, s->v[k].name);
                    fprintf(out, " #%u: ", s->v[k].repetition);
                    mb_md_text(out, s->v[k].message);
                    fputc('\n', out);
                }
            i = end;
        }
    }
    fprintf(out, "\nTimes and counters are the median of each case's repetitions; cv is stddev/mean of wall time.\n");
    mb_report_jemalloc_note(out, s, "\n");
    mb_report_verdicts(out, s, true);
    mb_report_lbo(out, s, true);
    if (s->interrupted) {
        char why[512];
        mb_incomplete_words(s, why, sizeof why);
        fprintf(out, "\n**Incomplete:** %s.\n", why);
    }
    free(cells);
}
