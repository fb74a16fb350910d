/* bmf.c: the Bencher Metric Format reporter: one value per case and measure, for Bencher (and any tool keying by name). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "harness/report/report.h"

/*
 * BMF (https://bencher.dev/docs/reference/bencher-metric-format/) is one
 * JSON object keyed by benchmark name; each benchmark is an object keyed by
 * measure (a slug: Bencher creates a measure it does not know), each measure
 * {"value": v, "lower_value": lo, "upper_value": hi}, the bounds optional.
 * latency (ns) and throughput (operations/s) are Bencher's built-in
 * measures. Here: value is the median of the family's error-free
 * repetitions (the one run when there is one), the bounds their minimum and
 * maximum (none for a single run, or a case read from an aggregates-only
 * file, whose repetitions are not in it). A case without a successful run
 * is left out: BMF has no way to say it failed (the exit status does).
 */

/* A number: integral values as JSON integers (counts stay exact), others real. */
static json_t *bnum(double v) {
    if (!isfinite(v)) v = 0;
    if (v == floor(v) && fabs(v) < 9007199254740992.0) return json_integer((json_int_t)v);
    return json_real(v);
}

static void measure(json_t *bench, const char *slug, double value, bool bounds, double lo, double hi) {
    json_t *m = json_object();
    if (!m || json_object_set_new(m, "value", bnum(value)) != 0) mb_harness_oom("the BMF report");
    if (bounds && (json_object_set_new(m, "lower_value", bnum(lo)) != 0 ||
                   json_object_set_new(m, "upper_value", bnum(hi)) != 0))
        mb_harness_oom("the BMF report");
    if (json_object_set_new(bench, slug, m) != 0) mb_harness_oom("the BMF report");
}

/* The measures: latency and throughput, then memory and leaks (counters). */
enum { X_LATENCY, X_THROUGHPUT, X_PEAK_RSS, X_PEAK_LIVE, X_MAX_BYTES_USED, X_LEAKED, NX };
static const char *const slugs[NX] = {"latency", "throughput", "peak-rss-bytes", "peak-live-bytes",
                                      "max-bytes-used", "leaked-objects"};

/* The measures of one run: false where it has none. */
static void run_values(const mb_entry_t *e, double *v, bool *ok) {
    double m[MB_NMETRICS];
    mb_metrics_of(&e->res, m);
    v[X_LATENCY] = mb_entry_real_ns(e);
    ok[X_LATENCY] = true;
    v[X_THROUGHPUT] = m[MB_M_items_per_second];
    v[X_PEAK_RSS] = m[MB_M_peak_rss_bytes];
    v[X_PEAK_LIVE] = m[MB_M_peak_live_bytes];
    v[X_LEAKED] = m[MB_M_leaked_objects];
    ok[X_THROUGHPUT] = ok[X_PEAK_LIVE] = ok[X_LEAKED] = e->counters;
    ok[X_PEAK_RSS] = e->counters && e->res.peak_rss_bytes;    /* 0: run in-process, not measured */
    v[X_MAX_BYTES_USED] = (double)e->res.max_bytes_used;
    ok[X_MAX_BYTES_USED] = mb_entry_je(e);
}

/* Each measure's value from a family's median row. */
static void median_values(const mb_agg_row_t *med, double val[NX]) {
    val[X_LATENCY] = med->real_ns;
    val[X_THROUGHPUT] = med->m[MB_M_items_per_second];
    val[X_PEAK_RSS] = med->m[MB_M_peak_rss_bytes];
    val[X_PEAK_LIVE] = med->m[MB_M_peak_live_bytes];
    val[X_LEAKED] = med->m[MB_M_leaked_objects];
    val[X_MAX_BYTES_USED] = med->max_bytes_used;
}

static void family(json_t *root, const mb_suite_t *s, size_t first, size_t end) {
    const mb_entry_t *one = NULL;
    for (size_t i = first; i < end; i++)
        if (s->v[i].measured && !s->v[i].error) { one = &s->v[i]; break; }
    if (!one) return;
    json_t *bench = json_object();
    if (!bench) mb_harness_oom("the BMF report");
    double val[NX] = {0}, lo[NX] = {0}, hi[NX] = {0};
    bool ok[NX] = {0}, bounds;
    mb_agg_row_t med;
    if (mb_family_read_as_aggregates(s, first, end)) {               /* read from an aggregates-only file: the median, no bounds */
        if (!mb_family_agg(s, first, end, MB_AGG_MEDIAN, &med)) { json_decref(bench); return; }
        bounds = false;
        median_values(&med, val);
        ok[X_LATENCY] = true;
        ok[X_THROUGHPUT] = ok[X_PEAK_LIVE] = ok[X_LEAKED] = one->counters;
        ok[X_PEAK_RSS] = one->counters && med.m[MB_M_peak_rss_bytes] > 0;
        ok[X_MAX_BYTES_USED] = med.je;
    } else {
        /* The runs: minimum and maximum of each measure, and the median. */
        size_t n = 0;
        bool first_run = true;
        for (size_t i = first; i < end; i++) {
            const mb_entry_t *e = &s->v[i];
            if (!e->measured || e->error) continue;
            double v[NX];
            bool k[NX];
            run_values(e, v, k);
            for (int x = 0; x < NX; x++) {
                if (first_run) { lo[x] = hi[x] = v[x]; ok[x] = k[x]; }
                ok[x] &= k[x];
                if (v[x] < lo[x]) lo[x] = v[x];
                if (v[x] > hi[x]) hi[x] = v[x];
            }
            first_run = false;
            n++;
        }
        bounds = n >= 2;
        if (bounds && mb_family_agg(s, first, end, MB_AGG_MEDIAN, &med)) {
            median_values(&med, val);
        } else {
            bounds = false;
            run_values(one, val, ok);
        }
    }
    for (int x = 0; x < NX; x++)
        if (ok[x]) measure(bench, slugs[x], val[x], bounds, lo[x], hi[x]);
    if (json_object_set_new(root, one->name, bench) != 0) mb_harness_oom("the BMF report");
}

void mb_report_bmf(FILE *out, const mb_suite_t *s) {
    json_t *root = json_object();
    if (!root) mb_harness_oom("the BMF report");
    for (size_t i = 0; i < s->n;) {
        size_t end = mb_family_end(s, i);
        family(root, s, i, end);
        i = end;
    }
    if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) != 0)
        mb_harness_oom("the BMF report");
    fputc('\n', out);
    json_decref(root);
}
