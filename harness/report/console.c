/* console.c: the console reporter: an aligned table, one row per case (median of its repetitions), human units. */
#include <stdlib.h>
#include <string.h>

#include "harness/report/lbo.h"
#include "harness/report/report.h"

void mb_report_family_errors(FILE *out, const mb_suite_t *s, size_t first, size_t end, const char *prefix) {
    for (size_t k = first; k < end; k++)
        if (s->v[k].error)
            fprintf(out, "%sFAILED %s #%u: %s\n", prefix, s->v[k].name, s->v[k].repetition, s->v[k].message);
}

void mb_report_console(FILE *out, const mb_suite_t *s, const mb_context_t *ctx) {
    static const int width[MB_SUM_COLS] = {-40, 10, 10, 6, 9, 9, 9, 9, 10, 10, 10, 10, 6, 10, 10, 10, 10, 10, 17};
    char (*cells)[64] = calloc(MB_SUM_COLS, 64);
    if (!cells) mb_harness_oom("console report");
    mb_report_header(out, s, ctx, false);
    for (int j = 0; j < MB_SUM_COLS; j++) fprintf(out, "%s%*s", j ? " " : "", width[j], mb_summary_header[j]);
    fputc('\n', out);
    unsigned failed = 0;
    for (size_t i = 0; i < s->n;) {
        size_t end = mb_family_end(s, i);
        if (mb_summary_cells(s, i, end, cells)) {
            for (int j = 0; j < MB_SUM_COLS; j++) fprintf(out, "%s%*s", j ? " " : "", width[j], cells[j]);
            fputc('\n', out);
        } else {
            fprintf(out, "%-40s (no successful run)\n", s->v[i].name);
        }
        for (size_t k = i; k < end; k++) failed += s->v[k].error;
        mb_report_family_errors(out, s, i, end, "  ^ ");
        i = end;
    }
    if (s->n && s->v[0].repetitions > 1)
        fprintf(out, "(median of the repetitions of each case; cv = stddev/mean of wall time)\n");
    mb_report_jemalloc_note(out, s, "");
    mb_report_verdicts(out, s, false);
    mb_report_lbo(out, s, false);
    if (failed) fprintf(out, "%u of %zu runs FAILED\n", failed, s->n);
    if (s->interrupted) {
        char why[512];
        mb_incomplete_words(s, why, sizeof why);
        fprintf(out, "INCOMPLETE: %s\n", why);
    }
    free(cells);
}
