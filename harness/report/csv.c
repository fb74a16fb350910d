/* csv.c: the CSV reporter: a header line, then one row per run (repetitions, then their aggregates). */
#include <math.h>
#include <string.h>

#include "harness/report/report.h"

/* RFC 4180 field: quoted when it holds a comma, quote or newline. */
static void cfield(FILE *out, const char *s) {
    if (!strpbrk(s, ",\"\n")) { fputs(s, out); return; }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void cnum(FILE *out, double v) {
    if (!isfinite(v)) v = 0;
    if (v == floor(v) && fabs(v) < 9007199254740992.0) fprintf(out, ",%.0f", v);
    else fprintf(out, ",%.17g", v);
}

static void row(FILE *out, const mb_entry_t *e, const char *run_type, const char *agg, int rep, size_t iters,
                bool measured, double real, double cpu, const double *m, const double *je) {
    char name[200];
    snprintf(name, sizeof name, "%s%s%s", e->name, *agg ? "_" : "", agg);
    cfield(out, name);
    /* the columns from the name: a file read back may name a workload or
     * strategy this build does not have (a trace, a plug-in) */
    char w[160] = "", s[160] = "";
    bool interning = e->c.args.interning;
    if (!mb_case_split(e->name, w, sizeof w, s, sizeof s, &interning)) {
        snprintf(w, sizeof w, "%s", e->c.workload ? e->c.workload->name : "");
        snprintf(s, sizeof s, "%s", e->c.strategy ? e->c.strategy->name : "");
    }
    fputc(',', out);
    cfield(out, w);
    fputc(',', out);
    cfield(out, s);
    fprintf(out, ",%s,%s,%s,", interning ? "on" : "off", run_type, agg);
    if (rep >= 0) fprintf(out, "%d", rep);
    fprintf(out, ",%u,%zu", e->repetitions, iters);
    cnum(out, measured ? real : 0);
    cnum(out, measured ? cpu : 0);
    fputs(",ns", out);
    for (size_t j = 0; j < MB_NMETRICS; j++) {
        if (measured && m) cnum(out, m[j]);
        else fputc(',', out);
    }
    if (je) {                           /* empty where it does not apply (own-heap, libc) */
        cnum(out, je[0]);
        cnum(out, je[1]);
    } else {
        fputs(",,", out);
    }
    fputc(',', out);
    cfield(out, e->label);
    fprintf(out, ",%s,", *agg == '\0' && e->error ? "true" : "false");
    if (*agg == '\0' && e->error) cfield(out, e->message);
    fputc('\n', out);
}

void mb_report_csv(FILE *out, const mb_suite_t *s) {
    fputs("name,workload,strategy,interning,run_type,aggregate_name,repetition_index,repetitions,iterations,"
          "real_time,cpu_time,time_unit", out);
    for (size_t j = 0; j < MB_NMETRICS; j++) fprintf(out, ",%s", mb_metric_names[j]);
    fputs(",max_bytes_used,total_allocated_bytes,label,error_occurred,error_message\n", out);
    for (size_t i = 0; i < s->n;) {
        size_t end = mb_family_end(s, i);
        mb_agg_row_t r[MB_NAGG];
        bool have[MB_NAGG], any = false;
        for (mb_agg_t a = 0; a < MB_NAGG; a++) any |= have[a] = mb_family_agg(s, i, end, a, &r[a]);
        bool aggs_only = mb_family_read_as_aggregates(s, i, end) || (s->aggregates_only && any);   /* as the JSON reporter */
        for (size_t k = i; k < end; k++) {
            const mb_entry_t *e = &s->v[k];
            if (aggs_only && !(e->error && !e->aggregate)) continue;
            double m[MB_NMETRICS];
            if (e->measured) mb_metrics_of(&e->res, m);
            double je[2] = {(double)e->res.max_bytes_used, (double)e->res.total_allocated_bytes};
            row(out, e, "iteration", "", (int)e->repetition, e->iterations ? e->iterations : 1, e->measured,
                mb_entry_real_ns(e), mb_entry_cpu_ns(e), e->counters ? m : NULL, mb_entry_je(e) ? je : NULL);
        }
        for (mb_agg_t a = 0; a < MB_NAGG; a++)
            if (have[a]) {
                double je[2] = {r[a].max_bytes_used, r[a].total_allocated_bytes};
                const mb_entry_t *h = mb_family_head(s, i, end);
                row(out, h, "aggregate", mb_agg_names[a], -1, r[a].runs, true, r[a].real_ns, r[a].cpu_ns,
                    h->counters ? r[a].m : NULL, r[a].je ? je : NULL);
            }
        i = end;
    }
}
