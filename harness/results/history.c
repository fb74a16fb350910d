/* history.c: the results history in SQLite (history.h, docs/history.md). */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "runtime/util.h"
#include "harness/stats/aggregate.h"
#include "harness/base/filter.h"
#include "harness/base/gbench_read.h"
#include "harness/results/history.h"
#include "harness/stats/mannwhitney.h"

struct mb_hist {
    sqlite3 *db;
    char path[4096];
};

/* The counters with a column of their own (metrics.h's, in report order);
 * any other numeric field of an entry goes to the table extra. Changing
 * this list changes the schema: bump MB_HIST_VERSION. */
static const char *const counter_cols[] = {
    "items_per_second", "objects_allocated", "objects_freed", "leaked_objects", "leaked_bytes",
    "uncollectable_objects", "peak_live_bytes", "peak_rss_bytes", "collections", "gc_time_ns",
    "pause_p50_ns", "pause_p99_ns", "pause_max_ns", "checksum",
};
enum { NCOLS = sizeof counter_cols / sizeof *counter_cols };

static const char schema[] =
    "CREATE TABLE runs ("
    " id INTEGER PRIMARY KEY,"
    " hash TEXT NOT NULL UNIQUE,"          /* the canonical JSON's content hash */
    " source TEXT NOT NULL,"               /* the file imported, or run:<output> */
    " imported_at INTEGER NOT NULL,"       /* seconds since 1970, UTC */
    " git_commit TEXT NOT NULL,"           /* context git_commit, or unknown */
    " date TEXT NOT NULL,"                 /* context date as written */
    " epoch INTEGER NOT NULL,"             /* that date in seconds since 1970, UTC (runs are ordered by it) */
    " host TEXT NOT NULL,"                 /* context host_name */
    " options TEXT,"                       /* context options, JSON */
    " incomplete INTEGER NOT NULL,"        /* an interrupted run or a partial merge */
    " context TEXT NOT NULL);"             /* the whole context, JSON */
    "CREATE INDEX runs_epoch ON runs(epoch, id);"
    "CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE samples ("
    " id INTEGER PRIMARY KEY,"
    " run INTEGER NOT NULL REFERENCES runs(id),"
    " name INTEGER NOT NULL REFERENCES names(id),"   /* run_name: an aggregate's base name */
    " seq INTEGER NOT NULL,"               /* position in the file's benchmarks */
    " aggregate TEXT,"                     /* NULL for a repetition; mean, median, stddev, cv, ... */
    " repetition_index INTEGER, repetitions INTEGER, iterations INTEGER, family_index INTEGER,"
    " error INTEGER NOT NULL, error_message TEXT, label TEXT,"
    " real_time REAL, cpu_time REAL,"      /* ns */
    " items_per_second, objects_allocated, objects_freed, leaked_objects, leaked_bytes,"
    " uncollectable_objects, peak_live_bytes, peak_rss_bytes, collections, gc_time_ns,"
    " pause_p50_ns, pause_p99_ns, pause_max_ns, checksum);"   /* as written: INTEGER or REAL */
    "CREATE INDEX samples_name ON samples(name, run);"
    "CREATE TABLE extra (sample INTEGER NOT NULL REFERENCES samples(id), key TEXT NOT NULL, value,"
    " PRIMARY KEY (sample, key)) WITHOUT ROWID;";

static int fail(char *err, size_t errsz, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errsz, int rc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
    return rc;
}

static int exec(mb_hist_t *h, const char *sql, char *err, size_t errsz) {
    char *m = NULL;
    if (sqlite3_exec(h->db, sql, NULL, NULL, &m) == SQLITE_OK) return 0;
    snprintf(err, errsz, "%s: %s", h->path, m ? m : sqlite3_errmsg(h->db));
    sqlite3_free(m);
    return -1;
}

/* The single integer of a query (a PRAGMA), or -1 with err. */
static long long query_int(mb_hist_t *h, const char *sql, char *err, size_t errsz) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errsz, "%s: %s", h->path, sqlite3_errmsg(h->db));
        return -1;
    }
    long long v = -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE) snprintf(err, errsz, "%s: %s", h->path, sqlite3_errmsg(h->db));
    else v = 0;
    sqlite3_finalize(st);
    return v;
}

void mb_hist_close(mb_hist_t *h) {
    if (!h) return;
    sqlite3_close(h->db);
    free(h);
}

static bool is_busy(mb_hist_t *h) {
    int e = h && h->db ? sqlite3_errcode(h->db) : 0;
    return e == SQLITE_BUSY || e == SQLITE_LOCKED;
}

/* One attempt of mb_hist_open past the checks of the file; *busy: it failed only because another process held a lock. */
static mb_hist_t *open_once(const char *path, bool create, bool *busy, char *err, size_t errsz) {
    mb_hist_t *h = calloc(1, sizeof *h);
    if (!h) {
        fail(err, errsz, -1, "out of memory");
        return NULL;
    }
    snprintf(h->path, sizeof h->path, "%s", path);
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &h->db, flags, NULL) != SQLITE_OK) {
        fail(err, errsz, -1, "%s: %s", path, h->db ? sqlite3_errmsg(h->db) : "cannot open");
        *busy = is_busy(h);
        mb_hist_close(h);
        return NULL;
    }
    sqlite3_busy_timeout(h->db, 60000);
    sqlite3_extended_result_codes(h->db, 0);
    /* Read-only questions first: whose file is it? In one read transaction:
     * asked one by one, another process creating the history could commit
     * between them (no application id yet, then tables), and the file would
     * look like another program's. */
    if (exec(h, "BEGIN", err, errsz) != 0) {
        *busy = is_busy(h);
        mb_hist_close(h);
        return NULL;
    }
    long long app = query_int(h, "PRAGMA application_id", err, errsz);
    long long ver = app < 0 ? -1 : query_int(h, "PRAGMA user_version", err, errsz);
    long long tables = ver < 0 ? -1 : query_int(h, "SELECT count(*) FROM sqlite_master", err, errsz);
    bool read_busy = is_busy(h);
    sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
    if (app < 0 || ver < 0 || tables < 0) {
        if (read_busy) {
            *busy = true;
            mb_hist_close(h);
            return NULL;
        }
        size_t l = strlen(err);
        snprintf(err + l, errsz - l, " (a corrupt history database? left untouched)");
        *busy = is_busy(h);
        mb_hist_close(h);
        return NULL;
    }
    if (app != MB_HIST_APPID && (app != 0 || tables != 0)) {
        fail(err, errsz, -1, "%s: a SQLite database of another program, not a membench history; left untouched", path);
        *busy = is_busy(h);
        mb_hist_close(h);
        return NULL;
    }
    if (app == MB_HIST_APPID && ver > MB_HIST_VERSION) {
        fail(err, errsz, -1, "%s: history schema version %lld is newer than this membench's (%d); left untouched", path,
             ver, MB_HIST_VERSION);
        *busy = is_busy(h);
        mb_hist_close(h);
        return NULL;
    }
    if (app == MB_HIST_APPID && ver < 1) {
        fail(err, errsz, -1, "%s: a membench history without a schema version; left untouched", path);
        *busy = is_busy(h);
        mb_hist_close(h);
        return NULL;
    }
    if (exec(h, "PRAGMA journal_mode=WAL", err, errsz) != 0 || exec(h, "PRAGMA synchronous=NORMAL", err, errsz) != 0) {
        *busy = is_busy(h);
        mb_hist_close(h);
        return NULL;
    }
    if (app == 0) {                     /* new: the schema, once, even when two processes create it at once */
        if (exec(h, "BEGIN IMMEDIATE", err, errsz) != 0) {
            *busy = is_busy(h);
            mb_hist_close(h);
            return NULL;
        }
        long long again = query_int(h, "PRAGMA application_id", err, errsz);
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=%d;", MB_HIST_APPID, MB_HIST_VERSION);
        if (again < 0 || (again == 0 && (exec(h, schema, err, errsz) != 0 || exec(h, sql, err, errsz) != 0)) ||
            exec(h, "COMMIT", err, errsz) != 0) {
            sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
            *busy = is_busy(h);
            mb_hist_close(h);
            return NULL;
        }
    }
    return h;
}

mb_hist_t *mb_hist_open(const char *path, bool create, char *err, size_t errsz) {
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    if (!exists && !create) {
        fail(err, errsz, -1, "%s: no such history database (membench history import or run --history creates it)", path);
        return NULL;
    }
    if (exists && !S_ISREG(sb.st_mode)) {
        fail(err, errsz, -1, "%s: not a regular file, so not a history database", path);
        return NULL;
    }
    /* Look at the header before SQLite does: a file that is not SQLite is never opened for writing. */
    if (exists && sb.st_size > 0) {
        FILE *f = fopen(path, "rb");
        char head[16] = {0};
        if (!f) {
            fail(err, errsz, -1, "%s: %s", path, strerror(errno));
            return NULL;
        }
        size_t got = fread(head, 1, sizeof head, f);
        fclose(f);
        if (got < sizeof head || memcmp(head, "SQLite format 3", 16)) {
            fail(err, errsz, -1, "%s: not a membench history database (not SQLite); left untouched", path);
            return NULL;
        }
    }
    /* Two processes opening a new database at once can find it locked while the other sets it up
     * (the busy timeout does not cover every step of that): try again for up to a minute. */
    for (int attempt = 0;; attempt++) {
        bool busy = false;
        mb_hist_t *h = open_once(path, create, &busy, err, errsz);
        if (h || !busy || attempt >= 1500) return h;
        struct timespec ts = {0, (20 + rand() % 50) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

/* ------------------------------------------------------------------------ */
/* Import. */


/* "2026-11-23T19:40:12+00:00" (or Z, or no zone: UTC) in seconds since 1970; -1 if not a date. */
static long long parse_date(const char *s) {
    struct tm tm = {0};
    const char *p = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
    if (!p) return -1;
    long long t = (long long)timegm(&tm);
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++) {}
    if (*p == '+' || *p == '-') {
        int hh = 0, mm = 0;
        if (sscanf(p + 1, "%2d:%2d", &hh, &mm) >= 1 || sscanf(p + 1, "%2d%2d", &hh, &mm) >= 1)
            t -= (*p == '+' ? 1 : -1) * (long long)(hh * 3600 + mm * 60);
    }
    return t;
}

static const char *ctx_str(const json_t *ctx, const char *key, const char *def) {
    const char *s = json_string_value(json_object_get(ctx, key));
    return s && *s ? s : def;
}

static int col_index(const char *name) {
    for (int i = 0; i < NCOLS; i++)
        if (!strcmp(counter_cols[i], name)) return i;
    return -1;
}

static void bind_counter(sqlite3_stmt *st, int k, const mb_gb_counter_t *c) {
    if (c->integer) sqlite3_bind_int64(st, k, c->ival);
    else sqlite3_bind_double(st, k, c->value);
}

static void bind_opt_int(sqlite3_stmt *st, int k, long long v) {
    if (v >= 0) sqlite3_bind_int64(st, k, v);
    else sqlite3_bind_null(st, k);
}

int mb_hist_import(mb_hist_t *h, const char *buf, size_t len, const char *name, bool *dup, long long *run_id,
                   size_t *nrows, char *err, size_t errsz) {
    *dup = false;
    *run_id = 0;
    *nrows = 0;
    mb_gb_file_t f;
    if (mb_gb_parse(buf, len, name, &f, err, errsz) != 0) return -1;
    /* The content hash: the JSON canonical, so whitespace and key order do not count. */
    json_error_t je;
    json_t *doc = json_loadb(buf, len, 0, &je);
    char *canon = doc ? json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(doc);
    if (!canon) {
        mb_gb_free(&f);
        return fail(err, errsz, -1, "%s: cannot read it as JSON", name);
    }
    size_t cl = strlen(canon);
    char hash[40];
    snprintf(hash, sizeof hash, "%016" PRIx64 "%016" PRIx64, mb_fnv1a(MB_FNV1A_BASIS, canon, cl),   /* two lanes: a 128-bit hash */
             mb_fnv1a(0x84222325cbf29ce4ULL, canon, cl));
    free(canon);

    const json_t *ctx = f.context;
    const char *commit = ctx_str(ctx, "git_commit", "unknown"), *date = ctx_str(ctx, "date", "");
    long long epoch = parse_date(date);
    if (epoch < 0) epoch = (long long)time(NULL);
    char *ctxtext = ctx ? json_dumps(ctx, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) : strdup("{}");
    const json_t *opts = json_object_get(ctx, "options");
    char *opttext = opts ? json_dumps(opts, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) : NULL;
    bool incomplete = json_is_true(json_object_get(ctx, "incomplete"));

    int rc = -2;
    sqlite3_stmt *q_hash = NULL, *i_run = NULL, *i_name = NULL, *q_name = NULL, *i_sample = NULL, *i_extra = NULL;
    if (exec(h, "BEGIN IMMEDIATE", err, errsz) != 0) goto out;
    char ins[2048];
    int k = snprintf(ins, sizeof ins,
                     "INSERT INTO samples (run, name, seq, aggregate, repetition_index, repetitions, iterations,"
                     " family_index, error, error_message, label, real_time, cpu_time");
    for (int i = 0; i < NCOLS; i++) k += snprintf(ins + k, sizeof ins - (size_t)k, ", %s", counter_cols[i]);
    k += snprintf(ins + k, sizeof ins - (size_t)k, ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?");
    for (int i = 0; i < NCOLS; i++) k += snprintf(ins + k, sizeof ins - (size_t)k, ",?");
    snprintf(ins + k, sizeof ins - (size_t)k, ")");
    if (sqlite3_prepare_v2(h->db, "SELECT id FROM runs WHERE hash = ?", -1, &q_hash, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(h->db, "INSERT INTO runs (hash, source, imported_at, git_commit, date, epoch, host, options,"
                                  " incomplete, context) VALUES (?,?,?,?,?,?,?,?,?,?)", -1, &i_run, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(h->db, "INSERT OR IGNORE INTO names (name) VALUES (?)", -1, &i_name, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(h->db, "SELECT id FROM names WHERE name = ?", -1, &q_name, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(h->db, ins, -1, &i_sample, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(h->db, "INSERT INTO extra (sample, key, value) VALUES (?,?,?)", -1, &i_extra, NULL) != SQLITE_OK)
        goto dberr;
    sqlite3_bind_text(q_hash, 1, hash, -1, SQLITE_STATIC);
    int s = sqlite3_step(q_hash);
    if (s == SQLITE_ROW) {
        *dup = true;
        *run_id = sqlite3_column_int64(q_hash, 0);
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
        rc = 0;
        goto out;
    }
    if (s != SQLITE_DONE) goto dberr;
    sqlite3_bind_text(i_run, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(i_run, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(i_run, 3, (long long)time(NULL));
    sqlite3_bind_text(i_run, 4, commit, -1, SQLITE_STATIC);
    sqlite3_bind_text(i_run, 5, date, -1, SQLITE_STATIC);
    sqlite3_bind_int64(i_run, 6, epoch);
    sqlite3_bind_text(i_run, 7, ctx_str(ctx, "host_name", ""), -1, SQLITE_STATIC);
    if (opttext) sqlite3_bind_text(i_run, 8, opttext, -1, SQLITE_STATIC);
    else sqlite3_bind_null(i_run, 8);
    sqlite3_bind_int(i_run, 9, incomplete);
    sqlite3_bind_text(i_run, 10, ctxtext ? ctxtext : "{}", -1, SQLITE_STATIC);
    if (sqlite3_step(i_run) != SQLITE_DONE) goto dberr;
    long long run = sqlite3_last_insert_rowid(h->db);
    const char *last_name = NULL;
    long long name_id = 0;
    for (size_t i = 0; i < f.n; i++) {
        const mb_gb_row_t *r = &f.rows[i];
        const char *base = r->run_name ? r->run_name : r->name;
        if (!last_name || strcmp(last_name, base)) {     /* rows of one name come together */
            sqlite3_reset(i_name);
            sqlite3_bind_text(i_name, 1, base, -1, SQLITE_STATIC);
            if (sqlite3_step(i_name) != SQLITE_DONE) goto dberr;
            sqlite3_reset(q_name);
            sqlite3_bind_text(q_name, 1, base, -1, SQLITE_STATIC);
            if (sqlite3_step(q_name) != SQLITE_ROW) goto dberr;
            name_id = sqlite3_column_int64(q_name, 0);
            last_name = base;
        }
        sqlite3_reset(i_sample);
        sqlite3_clear_bindings(i_sample);
        sqlite3_bind_int64(i_sample, 1, run);
        sqlite3_bind_int64(i_sample, 2, name_id);
        sqlite3_bind_int64(i_sample, 3, (long long)i);
        if (r->aggregate) {
            size_t bl = strlen(base);
            const char *agg = !strncmp(r->name, base, bl) && r->name[bl] == '_' ? r->name + bl + 1 : r->name;
            sqlite3_bind_text(i_sample, 4, agg, -1, SQLITE_STATIC);
        }
        bind_opt_int(i_sample, 5, r->repetition_index);
        bind_opt_int(i_sample, 6, r->repetitions);
        bind_opt_int(i_sample, 7, r->iterations);
        bind_opt_int(i_sample, 8, r->family_index);
        sqlite3_bind_int(i_sample, 9, r->error);
        if (r->error) sqlite3_bind_text(i_sample, 10, r->error_message, -1, SQLITE_STATIC);
        if (r->label) sqlite3_bind_text(i_sample, 11, r->label, -1, SQLITE_STATIC);
        if (r->has_times) {
            sqlite3_bind_double(i_sample, 12, r->real_ns);
            sqlite3_bind_double(i_sample, 13, r->cpu_ns);
        }
        for (size_t c = 0; c < r->ncounters; c++) {
            int ci = col_index(r->counters[c].name);
            if (ci >= 0) bind_counter(i_sample, 14 + ci, &r->counters[c]);
        }
        if (sqlite3_step(i_sample) != SQLITE_DONE) goto dberr;
        long long sample = sqlite3_last_insert_rowid(h->db);
        for (size_t c = 0; c < r->ncounters; c++) {
            if (col_index(r->counters[c].name) >= 0) continue;
            sqlite3_reset(i_extra);
            sqlite3_bind_int64(i_extra, 1, sample);
            sqlite3_bind_text(i_extra, 2, r->counters[c].name, -1, SQLITE_STATIC);
            bind_counter(i_extra, 3, &r->counters[c]);
            if (sqlite3_step(i_extra) != SQLITE_DONE) goto dberr;
        }
    }
    if (exec(h, "COMMIT", err, errsz) != 0) {
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
        goto out;
    }
    *run_id = run;
    *nrows = f.n;
    rc = 0;
    goto out;
dberr:
    snprintf(err, errsz, "%s: %s (nothing appended)", h->path, sqlite3_errmsg(h->db));
    sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
out:
    sqlite3_finalize(q_hash);
    sqlite3_finalize(i_run);
    sqlite3_finalize(i_name);
    sqlite3_finalize(q_name);
    sqlite3_finalize(i_sample);
    sqlite3_finalize(i_extra);
    free(ctxtext);
    free(opttext);
    mb_gb_free(&f);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Show. */

typedef struct commit {
    char *id;                           /* the commit */
    char *date;                         /* its first run's date */
    long long runs;                     /* runs of it */
} commit_t;

typedef struct sample {
    size_t commit;                      /* index in commit order */
    long long run;
    double v;
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
    size_t commit;
    size_t first, n;                    /* its samples: s[first .. first + n) */
    long long runs;
    double median;
    bool integer;                       /* every sample an integer: the median printed as one when whole */
    bool change;                        /* a change point: the first commit after a shift */
    double before, after, pct, p;       /* the windows' medians, the change in percent, the U test's p */
} point_t;

typedef struct run_commit {
    long long run;
    size_t commit;
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

int mb_hist_show(mb_hist_t *h, const mb_hist_show_opts_t *o, FILE *out, char *err, size_t errsz) {
    if (!metric_ok(o->metric)) return fail(err, errsz, -1, "--metric '%s' is not a metric name", o->metric);
    mb_filter_t filter;
    if (mb_filter_compile(&filter, o->filter, err, errsz) != 0) return -1;
    int rc = -2;
    commit_t *cm = NULL;
    size_t ncm = 0;
    run_commit_t *rcm = NULL;
    size_t nrun = 0;
    sample_t *s = NULL;
    size_t ns = 0, scap = 0;
    point_t *pt = NULL;
    double *xa = NULL, *xb = NULL;
    size_t xcap = 0;
    sqlite3_stmt *st = NULL, *qs = NULL;
    json_t *jdoc = NULL, *jbench = NULL;
    bool is_col = !strcmp(o->metric, "real_time") || !strcmp(o->metric, "cpu_time") || col_index(o->metric) >= 0;
    size_t shown = 0;
    if (sqlite3_exec(h->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) goto dberr;   /* one snapshot */

    /* The commits, in the order of their first run (by date, then by id). */
    if (sqlite3_prepare_v2(h->db, "SELECT git_commit, date, count(*) FROM runs GROUP BY git_commit"
                                  " ORDER BY min(epoch * 4294967296 + id)", -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    int step;
    for (size_t cap = 0; (step = sqlite3_step(st)) == SQLITE_ROW;) {
        if (ncm == cap) {
            commit_t *n = realloc(cm, (cap = cap ? cap * 2 : 64) * sizeof *n);
            if (!n) goto oom;
            cm = n;
        }
        cm[ncm].id = strdup((const char *)sqlite3_column_text(st, 0));
        cm[ncm].date = NULL;
        cm[ncm].runs = sqlite3_column_int64(st, 2);
        ncm++;
    }
    if (step != SQLITE_DONE) goto dberr;
    sqlite3_finalize(st);
    st = NULL;
    /* Each run's commit (runs by id, for a binary search); each commit's first date. */
    if (sqlite3_prepare_v2(h->db, "SELECT id, git_commit, date FROM runs ORDER BY epoch, id", -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    {
        char **sorted = malloc((ncm ? ncm : 1) * sizeof *sorted);
        size_t *idx = malloc((ncm ? ncm : 1) * sizeof *idx);
        if (!sorted || !idx) {
            free(sorted);
            free(idx);
            goto oom;
        }
        for (size_t i = 0; i < ncm; i++) sorted[i] = cm[i].id;
        qsort(sorted, ncm, sizeof *sorted, strcmp_ptr);
        for (size_t i = 0; i < ncm; i++) {
            size_t lo = 0, hi = ncm;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (strcmp(sorted[mid], cm[i].id) < 0) lo = mid + 1;
                else hi = mid;
            }
            idx[lo] = i;
        }
        for (size_t cap = 0; (step = sqlite3_step(st)) == SQLITE_ROW;) {
            if (nrun == cap) {
                run_commit_t *n = realloc(rcm, (cap = cap ? cap * 2 : 256) * sizeof *n);
                if (!n) {
                    free(sorted);
                    free(idx);
                    goto oom;
                }
                rcm = n;
            }
            const char *c = (const char *)sqlite3_column_text(st, 1);
            size_t lo = 0, hi = ncm;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (strcmp(sorted[mid], c) < 0) lo = mid + 1;
                else hi = mid;
            }
            size_t ci = idx[lo];
            if (!cm[ci].date) cm[ci].date = strdup((const char *)sqlite3_column_text(st, 2));
            rcm[nrun].run = sqlite3_column_int64(st, 0);
            rcm[nrun].commit = ci;
            nrun++;
        }
        free(sorted);
        free(idx);
    }
    if (step != SQLITE_DONE) goto dberr;
    sqlite3_finalize(st);
    st = NULL;
    if (nrun) qsort(rcm, nrun, sizeof *rcm, by_run);   /* (rcm is NULL when no run matched) */

    char sql[512];
    if (is_col)
        snprintf(sql, sizeof sql, "SELECT run, %s FROM samples WHERE name = ? AND aggregate IS NULL AND error = 0"
                 " AND %s IS NOT NULL", o->metric, o->metric);
    else
        snprintf(sql, sizeof sql, "SELECT s.run, e.value FROM samples s JOIN extra e ON e.sample = s.id AND e.key = ?2"
                 " WHERE s.name = ?1 AND s.aggregate IS NULL AND s.error = 0 AND e.value IS NOT NULL");
    if (sqlite3_prepare_v2(h->db, sql, -1, &qs, NULL) != SQLITE_OK) goto dberr;
    if (!is_col) sqlite3_bind_text(qs, 2, o->metric, -1, SQLITE_STATIC);
    if (sqlite3_prepare_v2(h->db, "SELECT id, name FROM names ORDER BY name", -1, &st, NULL) != SQLITE_OK) goto dberr;

    if (o->format == MB_HIST_JSON) {
        jdoc = json_object();
        json_t *jc = json_array();
        for (size_t i = 0; i < ncm; i++)
            json_array_append_new(jc, json_pack("{s:s, s:s, s:I}", "commit", cm[i].id, "date", cm[i].date ? cm[i].date : "",
                                                "runs", (json_int_t)cm[i].runs));
        json_object_set_new(jdoc, "metric", json_string(o->metric));
        json_object_set_new(jdoc, "alpha", json_real(o->alpha));
        json_object_set_new(jdoc, "threshold", json_real(o->threshold));
        json_object_set_new(jdoc, "window", json_integer(o->window));
        json_object_set_new(jdoc, "commits", jc);
        jbench = json_array();
        json_object_set_new(jdoc, "benchmarks", jbench);
    } else if (o->format == MB_HIST_CSV) {
        fputs("name,commit,date,runs,samples,median,change_point,before,after,change_percent,p\n", out);
    } else if (o->format == MB_HIST_MARKDOWN) {
        fprintf(out, "## History of %s\n\nThe median per commit (commits in the order of their first run); "
                "a change point: p < %g (U test) and the median changed by more than %g%%.\n", o->metric, o->alpha,
                o->threshold);
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        if (!mb_filter_match(&filter, name)) continue;
        sqlite3_reset(qs);
        sqlite3_bind_int64(qs, 1, sqlite3_column_int64(st, 0));
        ns = 0;
        int r;
        while ((r = sqlite3_step(qs)) == SQLITE_ROW) {
            if (ns == scap) {
                sample_t *n = realloc(s, (scap = scap ? scap * 2 : 1024) * sizeof *n);
                if (!n) goto oom;
                s = n;
            }
            run_commit_t key = {.run = sqlite3_column_int64(qs, 0)}, *hit = bsearch(&key, rcm, nrun, sizeof *rcm, by_run);
            if (!hit) continue;
            int t = sqlite3_column_type(qs, 1);
            if (t != SQLITE_INTEGER && t != SQLITE_FLOAT) continue;
            s[ns].commit = hit->commit;
            s[ns].run = key.run;
            s[ns].v = sqlite3_column_double(qs, 1);
            s[ns].integer = t == SQLITE_INTEGER;
            ns++;
        }
        if (r != SQLITE_DONE) goto dberr;
        if (!ns) continue;
        shown++;
        qsort(s, ns, sizeof *s, by_commit);
        if (ns > xcap) {
            free(xa);
            free(xb);
            xcap = ns;
            xa = malloc(xcap * sizeof *xa);
            xb = malloc(xcap * sizeof *xb);
            free(pt);
            pt = malloc(xcap * sizeof *pt);
            if (!xa || !xb || !pt) goto oom;
        }
        size_t np = 0;
        for (size_t i = 0; i < ns;) {
            size_t j = i;
            long long runs = 0, last = -1;
            bool integer = true;
            for (; j < ns && s[j].commit == s[i].commit; j++) {
                xa[j - i] = s[j].v;
                if (s[j].run != last) runs++;
                last = s[j].run;
                integer &= s[j].integer;
            }
            pt[np] = (point_t){.commit = s[i].commit, .first = i, .n = j - i, .runs = runs, .integer = integer,
                               .median = median_of(xa, j - i)};
            np++;
            i = j;
        }
        change_points(pt, np, s, o, xa, xb);
        char a[64], b[64];
        if (o->format == MB_HIST_JSON) {
            json_t *jp = json_array(), *jcp = json_array();
            for (size_t i = 0; i < np; i++) {
                const commit_t *c = &cm[pt[i].commit];
                json_t *p = json_pack("{s:s, s:s, s:I, s:I}", "commit", c->id, "date", c->date ? c->date : "", "runs",
                                      (json_int_t)pt[i].runs, "samples", (json_int_t)pt[i].n);
                json_object_set_new(p, "median", jnum(pt[i].median, pt[i].integer));
                json_array_append_new(jp, p);
                if (!pt[i].change) continue;
                json_t *cp = json_pack("{s:s, s:s}", "commit", c->id, "previous_commit", cm[pt[i - 1].commit].id);
                json_object_set_new(cp, "before", jnum(pt[i].before, pt[i].integer && pt[i - 1].integer));
                json_object_set_new(cp, "after", jnum(pt[i].after, pt[i].integer && pt[i - 1].integer));
                json_object_set_new(cp, "change_percent", isfinite(pt[i].pct) ? json_real(pt[i].pct) : json_null());
                json_object_set_new(cp, "p", json_real(pt[i].p));
                json_array_append_new(jcp, cp);
            }
            json_array_append_new(jbench, json_pack("{s:s, s:o, s:o}", "name", name, "points", jp, "change_points", jcp));
        } else if (o->format == MB_HIST_CSV) {
            for (size_t i = 0; i < np; i++) {
                const commit_t *c = &cm[pt[i].commit];
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
        } else {
            bool md = o->format == MB_HIST_MARKDOWN;
            if (md) fprintf(out, "\n### %s\n\n| commit | date | runs | samples | median | change point |\n"
                            "| --- | --- | ---: | ---: | ---: | --- |\n", name);
            else fprintf(out, "\n%s (%s, median per commit)\n  %-12s %-25s %5s %8s %14s  %s\n", name, o->metric, "commit",
                         "date", "runs", "samples", "median", "change");
            for (size_t i = 0; i < np; i++) {
                const commit_t *c = &cm[pt[i].commit];
                char chg[160] = "";
                if (pt[i].change) {
                    char pc[32];
                    if (isfinite(pt[i].pct)) snprintf(pc, sizeof pc, "%+.1f%%", pt[i].pct);
                    else snprintf(pc, sizeof pc, "from 0");
                    snprintf(chg, sizeof chg, "%s%s (%s -> %s, p = %.4f)%s", md ? "**" : "<< ", pc,
                             human(a, sizeof a, pt[i].before, o->metric), human(b, sizeof b, pt[i].after, o->metric),
                             pt[i].p, md ? "**" : "");
                }
                if (md) fprintf(out, "| %s | %s | %lld | %zu | %s | %s |\n", c->id, c->date ? c->date : "", pt[i].runs,
                                pt[i].n, human(a, sizeof a, pt[i].median, o->metric), chg);
                else fprintf(out, "  %-12s %-25s %5lld %8zu %14s  %s\n", c->id, c->date ? c->date : "", pt[i].runs,
                             pt[i].n, human(a, sizeof a, pt[i].median, o->metric), chg);
            }
        }
    }
    if (step != SQLITE_DONE) goto dberr;
    if (o->format == MB_HIST_JSON) {
        if (json_dumpf(jdoc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) != 0) goto oom;
        fputc('\n', out);
    } else if (!shown && o->format != MB_HIST_CSV) {
        fprintf(out, "no entry with %s%s%s in %s (%zu runs)\n", o->metric, o->filter ? " matching " : "",
                o->filter ? o->filter : "", h->path, nrun);
    }
    rc = shown ? 0 : 1;
    goto out;
oom:
    snprintf(err, errsz, "out of memory reading %s", h->path);
    rc = -2;
    goto out;
dberr:
    snprintf(err, errsz, "%s: %s", h->path, sqlite3_errmsg(h->db));
    rc = -2;
out:
    sqlite3_finalize(st);
    sqlite3_finalize(qs);
    sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
    for (size_t i = 0; i < ncm; i++) {
        free(cm[i].id);
        free(cm[i].date);
    }
    free(cm);
    free(rcm);
    free(s);
    free(pt);
    free(xa);
    free(xb);
    json_decref(jdoc);
    mb_filter_free(&filter);
    return rc;
}
