/* history_show.c: `membench history show`: per benchmark the median of a metric per commit, and the change
 * points between commits (history.h). */
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/base/filter.h"
#include "harness/results/history_int.h"
#include "harness/stats/aggregate.h"
#include "harness/stats/mannwhitney.h"

typedef struct commit {
    char *id;                           /* the commit */
    char *date;                         /* its first run's date */
    long long runs;                     /* runs of it */
} commit_t;

typedef struct sample {
    size_t commit;                      /* index in commit order */
    long long run;                      /* its run */
    double v;                           /* its value */
    bool integer;                       /* stored as an INTEGER */
} sample_t;

static int strcmp_ptr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int by_commit(const void *a, const void *b) {
    const sample_t *x = a, *y = b;
    if (x->commit != y->commit) return x->commit < y->commit ? -1 : 1;
    if (x->run != y->run) return x->run < y->run ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v);
}

/* The median, as the reports compute it (aggregate.h). */
static double median_of(const double *v, size_t n) { return mb_aggregate(MB_AGG_MEDIAN, v, n); }

typedef struct point {
    size_t commit;                      /* index in commit order */
    size_t first, n;                    /* its samples: s[first .. first + n) */
    long long runs;                     /* runs of the commit with samples */
    double median;                      /* the median of its samples */
    bool integer;                       /* every sample an integer: the median printed as one when whole */
    bool change;                        /* a change point: the first commit after a shift */
    double before, after, pct, p;       /* the windows' medians, the change in percent, the U test's p */
} point_t;

typedef struct run_commit {
    long long run;                      /* a run's id */
    size_t commit;                      /* its commit's index */
} run_commit_t;

static int by_run(const void *a, const void *b) {
    long long x = ((const run_commit_t *)a)->run, y = ((const run_commit_t *)b)->run;
    return (x > y) - (x < y);
}

static void csv_field(FILE *out, const char *s) {
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* A value: an integer when the samples were integers and it is whole, else %.17g (exact). */
static void num(FILE *out, double v, bool integer) {
    if (integer && v == floor(v) && fabs(v) < 9e15) fprintf(out, "%.0f", v);
    else if (isfinite(v)) fprintf(out, "%.17g", v);
    else fputs("null", out);
}

static json_t *jnum(double v, bool integer) {
    if (integer && v == floor(v) && fabs(v) < 9e15) return json_integer((json_int_t)v);
    return isfinite(v) ? json_real(v) : json_null();
}

/* A value in words: times as ns/us/ms/s, bytes as KiB/MiB, counts as they are. */
static const char *human(char *buf, size_t n, double v, const char *metric) {
    bool time = !strcmp(metric, "real_time") || !strcmp(metric, "cpu_time") || strstr(metric, "_ns");
    bool bytes = strstr(metric, "bytes") != NULL;
    if (time) {
        if (v >= 1e9) snprintf(buf, n, "%.3f s", v / 1e9);
        else if (v >= 1e6) snprintf(buf, n, "%.3f ms", v / 1e6);
        else if (v >= 1e3) snprintf(buf, n, "%.3f us", v / 1e3);
        else snprintf(buf, n, "%.0f ns", v);
    } else if (bytes && v >= 1024 * 1024) snprintf(buf, n, "%.2f MiB", v / (1024.0 * 1024));
    else if (bytes && v >= 1024) snprintf(buf, n, "%.1f KiB", v / 1024.0);
    else if (v == floor(v) && fabs(v) < 1e15) snprintf(buf, n, "%.0f", v);
    else snprintf(buf, n, "%.4g", v);
    return buf;
}

static bool metric_ok(const char *m) {
    if (!*m) return false;
    for (const char *p = m; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '.' || *p == '-'))
            return false;
    return true;
}

/* The change points of one name's points (np of them, samples s). */
static void change_points(point_t *pt, size_t np, const sample_t *s, const mb_hist_show_opts_t *o, double *xa, double *xb) {
    size_t w = o->window ? o->window : 1;
    for (size_t i = 1; i < np; i++) {
        size_t lo = i >= w ? i - w : 0, hi = i + w < np ? i + w : np, na = 0, nb = 0;
        for (size_t j = lo; j < i; j++)
            for (size_t k = 0; k < pt[j].n; k++) xa[na++] = s[pt[j].first + k].v;
        for (size_t j = i; j < hi; j++)
            for (size_t k = 0; k < pt[j].n; k++) xb[nb++] = s[pt[j].first + k].v;
        double p = mb_utest_p(xa, na, xb, nb, NULL, NULL);
        double before = median_of(xa, na), after = median_of(xb, nb);
        double pct = before != 0 ? (after - before) / fabs(before) * 100 : after == 0 ? 0 : after > 0 ? INFINITY : -INFINITY;
        pt[i].before = before;
        pt[i].after = after;
        pt[i].pct = pct;
        pt[i].p = p;
        pt[i].change = isfinite(p) && p < o->alpha && fabs(pct) > o->threshold;
    }
    /* A shift seen from several boundaries (window > 1): the one with the smallest p, then the largest change. */
    for (size_t i = 1; i < np; i++) {
        if (!pt[i].change) continue;
        size_t best = i, j = i;
        for (size_t k = i + 1; k < np && k < j + w && k - j <= w; k++)
            if (pt[k].change) {
                j = k;
                if (pt[k].p < pt[best].p || (pt[k].p == pt[best].p && fabs(pt[k].pct) > fabs(pt[best].pct))) best = k;
            }
        for (size_t k = i; k <= j; k++) pt[k].change = k == best;
        i = j;
    }
}

/* The state of one mb_hist_show. */
typedef struct show {
    mb_hist_t *h;                       /* the database */
    const mb_hist_show_opts_t *o;       /* what to show */
    FILE *out;                          /* where */
    commit_t *cm;                       /* the commits, in the order of their first run */
    size_t ncm;                         /* how many */
    run_commit_t *rcm;                  /* each run's commit, by run */
    size_t nrun;                        /* how many runs */
    sample_t *s;                        /* the samples of the name being shown, by commit */
    size_t ns, scap;                    /* how many, allocated */
    point_t *pt;                        /* its points: one per commit */
    double *xa, *xb;                    /* scratch: samples of each window */
    size_t xcap;                        /* allocated in pt, xa, xb */
    json_t *jdoc, *jbench;              /* JSON: the document, its "benchmarks" */
    size_t shown;                       /* names shown */
} show_t;

/* The commits, in the order of their first run (by date, then by id). -1: a database error, -2 out of memory. */
static int load_commits(show_t *w) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(w->h->db, "SELECT git_commit, date, count(*) FROM runs GROUP BY git_commit"
                                     " ORDER BY min(epoch * 4294967296 + id)", -1, &st, NULL) != SQLITE_OK)
        return -1;
    int step;
    for (size_t cap = 0; (step = sqlite3_step(st)) == SQLITE_ROW;) {
        if (w->ncm == cap) {
            commit_t *n = realloc(w->cm, (cap = cap ? cap * 2 : 64) * sizeof *n);
            if (!n) {
                sqlite3_finalize(st);
                return -2;
            }
            w->cm = n;
        }
        commit_t *c = &w->cm[w->ncm++];
        c->id = strdup((const char *)sqlite3_column_text(st, 0));
        c->date = NULL;
        c->runs = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? 0 : -1;
}

/* The index in sorted (n names, sorted) of name, which is there. */
static size_t find_sorted(char *const *sorted, size_t n, const char *name) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(sorted[mid], name) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Each run's commit (runs by id, for a binary search) and each commit's first date; sorted: the commits' ids
 * sorted, idx: the commit of each. -1: a database error, -2 out of memory. */
static int load_run_commits(show_t *w, sqlite3_stmt *st, char *const *sorted, const size_t *idx) {
    int step;
    for (size_t cap = 0; (step = sqlite3_step(st)) == SQLITE_ROW;) {
        if (w->nrun == cap) {
            run_commit_t *n = realloc(w->rcm, (cap = cap ? cap * 2 : 256) * sizeof *n);
            if (!n) return -2;
            w->rcm = n;
        }
        size_t ci = idx[find_sorted(sorted, w->ncm, (const char *)sqlite3_column_text(st, 1))];
        if (!w->cm[ci].date) w->cm[ci].date = strdup((const char *)sqlite3_column_text(st, 2));
        w->rcm[w->nrun].run = sqlite3_column_int64(st, 0);
        w->rcm[w->nrun].commit = ci;
        w->nrun++;
    }
    if (step != SQLITE_DONE) return -1;
    if (w->nrun) qsort(w->rcm, w->nrun, sizeof *w->rcm, by_run);   /* (rcm is NULL when no run matched) */
    return 0;
}

static int load_runs(show_t *w) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(w->h->db, "SELECT id, git_commit, date FROM runs ORDER BY epoch, id", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    size_t ncm = w->ncm;
    char **sorted = malloc((ncm ? ncm : 1) * sizeof *sorted);
    size_t *idx = malloc((ncm ? ncm : 1) * sizeof *idx);
    int rc = -2;
    if (sorted && idx) {
        for (size_t i = 0; i < ncm; i++) sorted[i] = w->cm[i].id;
        qsort(sorted, ncm, sizeof *sorted, strcmp_ptr);
        for (size_t i = 0; i < ncm; i++) idx[find_sorted(sorted, ncm, w->cm[i].id)] = i;
        rc = load_run_commits(w, st, sorted, idx);
    }
    free(sorted);
    free(idx);
    sqlite3_finalize(st);
    return rc;
}

/* What comes before the names: the JSON document, the CSV header, the Markdown title. */
static void show_begin(show_t *w) {
    const mb_hist_show_opts_t *o = w->o;
    if (o->format == MB_HIST_JSON) {
        w->jdoc = json_object();
        json_t *jc = json_array();
        for (size_t i = 0; i < w->ncm; i++)
            json_array_append_new(jc, json_pack("{s:s, s:s, s:I}", "commit", w->cm[i].id, "date",
                                                w->cm[i].date ? w->cm[i].date : "", "runs", (json_int_t)w->cm[i].runs));
        json_object_set_new(w->jdoc, "metric", json_string(o->metric));
        json_object_set_new(w->jdoc, "alpha", json_real(o->alpha));
        json_object_set_new(w->jdoc, "threshold", json_real(o->threshold));
        json_object_set_new(w->jdoc, "window", json_integer(o->window));
        json_object_set_new(w->jdoc, "commits", jc);
        w->jbench = json_array();
        json_object_set_new(w->jdoc, "benchmarks", w->jbench);
    } else if (o->format == MB_HIST_CSV) {
        fputs("name,commit,date,runs,samples,median,change_point,before,after,change_percent,p\n", w->out);
    } else if (o->format == MB_HIST_MARKDOWN) {
        fprintf(w->out, "## History of %s\n\nThe median per commit (commits in the order of their first run); "
                "a change point: p < %g (U test) and the median changed by more than %g%%.\n", o->metric, o->alpha,
                o->threshold);
    }
}

/* The samples of one name (the query qs bound to it) into w->s, by commit. -1: a database error, -2 out of memory. */
static int load_samples(show_t *w, sqlite3_stmt *qs) {
    w->ns = 0;
    int r;
    while ((r = sqlite3_step(qs)) == SQLITE_ROW) {
        if (w->ns == w->scap) {
            sample_t *n = realloc(w->s, (w->scap = w->scap ? w->scap * 2 : 1024) * sizeof *n);
            if (!n) return -2;
            w->s = n;
        }
        run_commit_t key = {.run = sqlite3_column_int64(qs, 0)};
        run_commit_t *hit = bsearch(&key, w->rcm, w->nrun, sizeof *w->rcm, by_run);
        if (!hit) continue;
        int t = sqlite3_column_type(qs, 1);
        if (t != SQLITE_INTEGER && t != SQLITE_FLOAT) continue;
        w->s[w->ns++] = (sample_t){.commit = hit->commit, .run = key.run, .v = sqlite3_column_double(qs, 1),
                                   .integer = t == SQLITE_INTEGER};
    }
    if (r != SQLITE_DONE) return -1;
    if (w->ns) qsort(w->s, w->ns, sizeof *w->s, by_commit);
    return 0;
}

/* The samples' points, one per commit, with their change points; how many. (size_t)-1: out of memory. */
static size_t make_points(show_t *w) {
    size_t ns = w->ns;
    const sample_t *s = w->s;
    if (ns > w->xcap) {
        free(w->xa);
        free(w->xb);
        free(w->pt);
        w->xcap = ns;
        w->xa = malloc(ns * sizeof *w->xa);
        w->xb = malloc(ns * sizeof *w->xb);
        w->pt = malloc(ns * sizeof *w->pt);
        if (!w->xa || !w->xb || !w->pt) return (size_t)-1;
    }
    size_t np = 0;
    for (size_t i = 0; i < ns;) {
        size_t j = i;
        long long runs = 0, last = -1;
        bool integer = true;
        for (; j < ns && s[j].commit == s[i].commit; j++) {
            w->xa[j - i] = s[j].v;
            if (s[j].run != last) runs++;
            last = s[j].run;
            integer &= s[j].integer;
        }
        w->pt[np++] = (point_t){.commit = s[i].commit, .first = i, .n = j - i, .runs = runs, .integer = integer,
                                .median = median_of(w->xa, j - i)};
        i = j;
    }
    change_points(w->pt, np, s, w->o, w->xa, w->xb);
    return np;
}

static void print_json(show_t *w, const char *name, size_t np) {
    const point_t *pt = w->pt;
    json_t *jp = json_array(), *jcp = json_array();
    for (size_t i = 0; i < np; i++) {
        const commit_t *c = &w->cm[pt[i].commit];
        json_t *p = json_pack("{s:s, s:s, s:I, s:I}", "commit", c->id, "date", c->date ? c->date : "", "runs",
                              (json_int_t)pt[i].runs, "samples", (json_int_t)pt[i].n);
        json_object_set_new(p, "median", jnum(pt[i].median, pt[i].integer));
        json_array_append_new(jp, p);
        if (!pt[i].change) continue;
        json_t *cp = json_pack("{s:s, s:s}", "commit", c->id, "previous_commit", w->cm[pt[i - 1].commit].id);
        json_object_set_new(cp, "before", jnum(pt[i].before, pt[i].integer && pt[i - 1].integer));
        json_object_set_new(cp, "after", jnum(pt[i].after, pt[i].integer && pt[i - 1].integer));
        json_object_set_new(cp, "change_percent", isfinite(pt[i].pct) ? json_real(pt[i].pct) : json_null());
        json_object_set_new(cp, "p", json_real(pt[i].p));
        json_array_append_new(jcp, cp);
    }
    json_array_append_new(w->jbench, json_pack("{s:s, s:o, s:o}", "name", name, "points", jp, "change_points", jcp));
}

static void print_csv(show_t *w, const char *name, size_t np) {
    const point_t *pt = w->pt;
    FILE *out = w->out;
    for (size_t i = 0; i < np; i++) {
        const commit_t *c = &w->cm[pt[i].commit];
        csv_field(out, name);
        fputc(',', out);
        csv_field(out, c->id);
        fputc(',', out);
        csv_field(out, c->date ? c->date : "");
        fprintf(out, ",%lld,%zu,", pt[i].runs, pt[i].n);
        num(out, pt[i].median, pt[i].integer);
        fprintf(out, ",%d,", pt[i].change);
        if (pt[i].change) {
            bool in = pt[i].integer && pt[i - 1].integer;
            num(out, pt[i].before, in);
            fputc(',', out);
            num(out, pt[i].after, in);
            fputc(',', out);
            if (isfinite(pt[i].pct)) fprintf(out, "%.17g", pt[i].pct);
            fprintf(out, ",%.17g", pt[i].p);
        } else fputs(",,,", out);
        fputc('\n', out);
    }
}

/* The console table or Markdown of one name. */
static void print_text(show_t *w, const char *name, size_t np) {
    const point_t *pt = w->pt;
    const char *metric = w->o->metric;
    bool md = w->o->format == MB_HIST_MARKDOWN;
    char a[64], b[64];
    if (md) fprintf(w->out, "\n### %s\n\n| commit | date | runs | samples | median | change point |\n"
                    "| --- | --- | ---: | ---: | ---: | --- |\n", name);
    else fprintf(w->out, "\n%s (%s, median per commit)\n  %-12s %-25s %5s %8s %14s  %s\n", name, metric, "commit",
                 "date", "runs", "samples", "median", "change");
    for (size_t i = 0; i < np; i++) {
        const commit_t *c = &w->cm[pt[i].commit];
        char chg[160] = "";
        if (pt[i].change) {
            char pc[32];
            if (isfinite(pt[i].pct)) snprintf(pc, sizeof pc, "%+.1f%%", pt[i].pct);
            else snprintf(pc, sizeof pc, "from 0");
            snprintf(chg, sizeof chg, "%s%s (%s -> %s, p = %.4f)%s", md ? "**" : "<< ", pc,
                     human(a, sizeof a, pt[i].before, metric), human(b, sizeof b, pt[i].after, metric), pt[i].p,
                     md ? "**" : "");
        }
        if (md) fprintf(w->out, "| %s | %s | %lld | %zu | %s | %s |\n", c->id, c->date ? c->date : "", pt[i].runs,
                        pt[i].n, human(a, sizeof a, pt[i].median, metric), chg);
        else fprintf(w->out, "  %-12s %-25s %5lld %8zu %14s  %s\n", c->id, c->date ? c->date : "", pt[i].runs,
                     pt[i].n, human(a, sizeof a, pt[i].median, metric), chg);
    }
}

/* The query of one name's samples of the metric (bound to the name's id as ?1). */
static int prepare_samples(show_t *w, sqlite3_stmt **qs) {
    const char *m = w->o->metric;
    bool is_col = !strcmp(m, "real_time") || !strcmp(m, "cpu_time") || hist_col_index(m) >= 0;
    char sql[512];
    if (is_col)
        snprintf(sql, sizeof sql, "SELECT run, %s FROM samples WHERE name = ? AND aggregate IS NULL AND error = 0"
                 " AND %s IS NOT NULL", m, m);
    else
        snprintf(sql, sizeof sql, "SELECT s.run, e.value FROM samples s JOIN extra e ON e.sample = s.id AND e.key = ?2"
                 " WHERE s.name = ?1 AND s.aggregate IS NULL AND s.error = 0 AND e.value IS NOT NULL");
    if (sqlite3_prepare_v2(w->h->db, sql, -1, qs, NULL) != SQLITE_OK) return -1;
    if (!is_col) sqlite3_bind_text(*qs, 2, m, -1, SQLITE_STATIC);
    return 0;
}

/* Every name the filter takes, shown. -1: a database error, -2 out of memory. */
static int show_names(show_t *w, const mb_filter_t *filter) {
    sqlite3_stmt *st = NULL, *qs = NULL;
    int rc = -1, step = SQLITE_ERROR;
    if (prepare_samples(w, &qs) != 0 ||
        sqlite3_prepare_v2(w->h->db, "SELECT id, name FROM names ORDER BY name", -1, &st, NULL) != SQLITE_OK)
        goto out;
    show_begin(w);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        if (!mb_filter_match(filter, name)) continue;
        sqlite3_reset(qs);
        sqlite3_bind_int64(qs, 1, sqlite3_column_int64(st, 0));
        if ((rc = load_samples(w, qs)) != 0) goto out;
        rc = -1;
        if (!w->ns) continue;
        w->shown++;
        size_t np = make_points(w);
        if (np == (size_t)-1) {
            rc = -2;
            goto out;
        }
        if (w->o->format == MB_HIST_JSON) print_json(w, name, np);
        else if (w->o->format == MB_HIST_CSV) print_csv(w, name, np);
        else print_text(w, name, np);
    }
    if (step == SQLITE_DONE) rc = 0;
out:
    sqlite3_finalize(st);
    sqlite3_finalize(qs);
    return rc;
}

static void show_free(show_t *w) {
    for (size_t i = 0; i < w->ncm; i++) {
        free(w->cm[i].id);
        free(w->cm[i].date);
    }
    free(w->cm);
    free(w->rcm);
    free(w->s);
    free(w->pt);
    free(w->xa);
    free(w->xb);
    json_decref(w->jdoc);
}

int mb_hist_show(mb_hist_t *h, const mb_hist_show_opts_t *o, FILE *out, char *err, size_t errsz) {
    if (!metric_ok(o->metric)) return hist_fail(err, errsz, -1, "--metric '%s' is not a metric name", o->metric);
    mb_filter_t filter;
    if (mb_filter_compile(&filter, o->filter, err, errsz) != 0) return -1;
    show_t w = {.h = h, .o = o, .out = out};
    int rc = -1;
    if (sqlite3_exec(h->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK)      /* one snapshot */
        if ((rc = load_commits(&w)) == 0 && (rc = load_runs(&w)) == 0) rc = show_names(&w, &filter);
    if (rc == 0 && o->format == MB_HIST_JSON) {
        if (json_dumpf(w.jdoc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) != 0) rc = -2;
        else fputc('\n', out);
    } else if (rc == 0 && !w.shown && o->format != MB_HIST_CSV) {
        fprintf(out, "no entry with %s%s%s in %s (%zu runs)\n", o->metric, o->filter ? " matching " : "",
                o->filter ? o->filter : "", h->path, w.nrun);
    }
    if (rc == -2) snprintf(err, errsz, "out of memory reading %s", h->path);
    else if (rc == -1) snprintf(err, errsz, "%s: %s", h->path, sqlite3_errmsg(h->db));
    sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
    show_free(&w);
    mb_filter_free(&filter);
    return rc == 0 ? (w.shown ? 0 : 1) : -2;
}
