/* history.c: the results history in SQLite (history.h, docs/history.md): the database, its schema, appending a
 * run; showing it is history_show.c. */
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
#include "harness/results/history_int.h"
#include "harness/stats/mannwhitney.h"


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

int hist_fail(char *err, size_t errsz, int rc, const char *fmt, ...) {
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

/* Whose file is it? In one read transaction: asked one by one, another process creating the history could
 * commit between them (no application id yet, then tables), and the file would look like another program's.
 * 0 with *app (0: a new database), or -1 with err; *busy: only because another process held a lock. */
static int check_owner(mb_hist_t *h, long long *app, bool *busy, char *err, size_t errsz) {
    const char *path = h->path;
    if (exec(h, "BEGIN", err, errsz) != 0) return -1;
    *app = query_int(h, "PRAGMA application_id", err, errsz);
    long long ver = *app < 0 ? -1 : query_int(h, "PRAGMA user_version", err, errsz);
    long long tables = ver < 0 ? -1 : query_int(h, "SELECT count(*) FROM sqlite_master", err, errsz);
    bool read_busy = is_busy(h);
    sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
    if (*app < 0 || ver < 0 || tables < 0) {
        if (read_busy) {
            *busy = true;
            return -1;
        }
        size_t l = strlen(err);
        snprintf(err + l, errsz - l, " (a corrupt history database? left untouched)");
        return -1;
    }
    if (*app != MB_HIST_APPID && (*app != 0 || tables != 0))
        return hist_fail(err, errsz, -1, "%s: a SQLite database of another program, not a membench history; left "
                         "untouched", path);
    if (*app == MB_HIST_APPID && ver > MB_HIST_VERSION)
        return hist_fail(err, errsz, -1, "%s: history schema version %lld is newer than this membench's (%d); left "
                         "untouched", path, ver, MB_HIST_VERSION);
    if (*app == MB_HIST_APPID && ver < 1)
        return hist_fail(err, errsz, -1, "%s: a membench history without a schema version; left untouched", path);
    return 0;
}

/* A new database's schema, once, even when two processes create it at once. */
static int create_schema(mb_hist_t *h, char *err, size_t errsz) {
    if (exec(h, "BEGIN IMMEDIATE", err, errsz) != 0) return -1;
    long long again = query_int(h, "PRAGMA application_id", err, errsz);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=%d;", MB_HIST_APPID, MB_HIST_VERSION);
    if (again < 0 || (again == 0 && (exec(h, schema, err, errsz) != 0 || exec(h, sql, err, errsz) != 0)) ||
        exec(h, "COMMIT", err, errsz) != 0) {
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

/* One attempt of mb_hist_open past the checks of the file; *busy: it failed only because another process held a lock. */
static mb_hist_t *open_once(const char *path, bool create, bool *busy, char *err, size_t errsz) {
    mb_hist_t *h = calloc(1, sizeof *h);
    if (!h) {
        hist_fail(err, errsz, -1, "out of memory");
        return NULL;
    }
    snprintf(h->path, sizeof h->path, "%s", path);
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &h->db, flags, NULL) != SQLITE_OK) {
        hist_fail(err, errsz, -1, "%s: %s", path, h->db ? sqlite3_errmsg(h->db) : "cannot open");
        *busy = is_busy(h);
        mb_hist_close(h);
        return NULL;
    }
    sqlite3_busy_timeout(h->db, 60000);
    sqlite3_extended_result_codes(h->db, 0);
    long long app = -1;
    bool read_busy = false;
    if (check_owner(h, &app, &read_busy, err, errsz) == 0 && exec(h, "PRAGMA journal_mode=WAL", err, errsz) == 0 &&
        exec(h, "PRAGMA synchronous=NORMAL", err, errsz) == 0 && (app != 0 || create_schema(h, err, errsz) == 0))
        return h;
    *busy = read_busy || is_busy(h);
    mb_hist_close(h);
    return NULL;
}

mb_hist_t *mb_hist_open(const char *path, bool create, char *err, size_t errsz) {
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    if (!exists && !create) {
        hist_fail(err, errsz, -1, "%s: no such history database (membench history import or run --history creates it)", path);
        return NULL;
    }
    if (exists && !S_ISREG(sb.st_mode)) {
        hist_fail(err, errsz, -1, "%s: not a regular file, so not a history database", path);
        return NULL;
    }
    /* Look at the header before SQLite does: a file that is not SQLite is never opened for writing. */
    if (exists && sb.st_size > 0) {
        FILE *f = fopen(path, "rb");
        char head[16] = {0};
        if (!f) {
            hist_fail(err, errsz, -1, "%s: %s", path, strerror(errno));
            return NULL;
        }
        size_t got = fread(head, 1, sizeof head, f);
        fclose(f);
        if (got < sizeof head || memcmp(head, "SQLite format 3", 16)) {
            hist_fail(err, errsz, -1, "%s: not a membench history database (not SQLite); left untouched", path);
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

int hist_col_index(const char *name) {
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

/* The content hash of a results file: its JSON canonical (keys sorted, no whitespace), two FNV-1a lanes. */
int hist_doc_hash(const json_t *doc, char hash[40]) {
    char *canon = doc ? json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17)) : NULL;
    if (!canon) return -1;
    size_t cl = strlen(canon);
    snprintf(hash, 40, "%016" PRIx64 "%016" PRIx64, mb_fnv1a(MB_FNV1A_BASIS, canon, cl),   /* two lanes: a 128-bit hash */
             mb_fnv1a(0x84222325cbf29ce4ULL, canon, cl));
    free(canon);
    return 0;
}

static int content_hash(const char *buf, size_t len, const char *name, char hash[40], char *err, size_t errsz) {
    json_error_t je;
    json_t *doc = json_loadb(buf, len, 0, &je);
    int rc = hist_doc_hash(doc, hash);
    json_decref(doc);
    return rc == 0 ? 0 : hist_fail(err, errsz, -1, "%s: cannot read it as JSON", name);
}

/* The statements of one import. */
typedef struct ins {
    sqlite3_stmt *q_hash;               /* a run with this hash */
    sqlite3_stmt *i_run;                /* a new run */
    sqlite3_stmt *i_name, *q_name;      /* a name, and its id */
    sqlite3_stmt *i_sample;             /* a row */
    sqlite3_stmt *i_extra;              /* a counter without a column */
} ins_t;

static int ins_prepare(mb_hist_t *h, ins_t *q) {
    char ins[2048];
    int k = snprintf(ins, sizeof ins,
                     "INSERT INTO samples (run, name, seq, aggregate, repetition_index, repetitions, iterations,"
                     " family_index, error, error_message, label, real_time, cpu_time");
    for (int i = 0; i < NCOLS; i++) k += snprintf(ins + k, sizeof ins - (size_t)k, ", %s", counter_cols[i]);
    k += snprintf(ins + k, sizeof ins - (size_t)k, ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?");
    for (int i = 0; i < NCOLS; i++) k += snprintf(ins + k, sizeof ins - (size_t)k, ",?");
    snprintf(ins + k, sizeof ins - (size_t)k, ")");
    bool ok = sqlite3_prepare_v2(h->db, "SELECT id FROM runs WHERE hash = ?", -1, &q->q_hash, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h->db, "INSERT INTO runs (hash, source, imported_at, git_commit, date, epoch, host, options,"
                                  " incomplete, context) VALUES (?,?,?,?,?,?,?,?,?,?)", -1, &q->i_run, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h->db, "INSERT OR IGNORE INTO names (name) VALUES (?)", -1, &q->i_name, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h->db, "SELECT id FROM names WHERE name = ?", -1, &q->q_name, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h->db, ins, -1, &q->i_sample, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h->db, "INSERT INTO extra (sample, key, value) VALUES (?,?,?)", -1, &q->i_extra, NULL) ==
            SQLITE_OK;
    return ok ? 0 : -1;
}

static void ins_finalize(ins_t *q) {
    sqlite3_finalize(q->q_hash);
    sqlite3_finalize(q->i_run);
    sqlite3_finalize(q->i_name);
    sqlite3_finalize(q->q_name);
    sqlite3_finalize(q->i_sample);
    sqlite3_finalize(q->i_extra);
}

/* The run's row (hash, source name, what the context says) into runs; its id, or -1. */
static long long insert_run(mb_hist_t *h, ins_t *q, const char *hash, const char *name, const json_t *ctx) {
    const char *commit = ctx_str(ctx, "git_commit", "unknown"), *date = ctx_str(ctx, "date", "");
    long long epoch = parse_date(date);
    if (epoch < 0) epoch = (long long)time(NULL);
    char *ctxtext = ctx ? json_dumps(ctx, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) : strdup("{}");
    const json_t *opts = json_object_get(ctx, "options");
    char *opttext = opts ? json_dumps(opts, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) : NULL;
    sqlite3_stmt *r = q->i_run;
    sqlite3_bind_text(r, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(r, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(r, 3, (long long)time(NULL));
    sqlite3_bind_text(r, 4, commit, -1, SQLITE_STATIC);
    sqlite3_bind_text(r, 5, date, -1, SQLITE_STATIC);
    sqlite3_bind_int64(r, 6, epoch);
    sqlite3_bind_text(r, 7, ctx_str(ctx, "host_name", ""), -1, SQLITE_STATIC);
    if (opttext) sqlite3_bind_text(r, 8, opttext, -1, SQLITE_STATIC);
    else sqlite3_bind_null(r, 8);
    sqlite3_bind_int(r, 9, json_is_true(json_object_get(ctx, "incomplete")));
    sqlite3_bind_text(r, 10, ctxtext ? ctxtext : "{}", -1, SQLITE_STATIC);
    long long run = sqlite3_step(r) == SQLITE_DONE ? sqlite3_last_insert_rowid(h->db) : -1;
    free(ctxtext);
    free(opttext);
    return run;
}

/* Row i of a run (name_id its run_name's) into samples, and its counters without a column into extra. */
static int insert_row(mb_hist_t *h, ins_t *q, long long run, long long name_id, size_t i, const mb_gb_row_t *r) {
    const char *base = r->run_name ? r->run_name : r->name;
    sqlite3_stmt *st = q->i_sample;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int64(st, 2, name_id);
    sqlite3_bind_int64(st, 3, (long long)i);
    if (r->aggregate) {
        size_t bl = strlen(base);
        const char *agg = !strncmp(r->name, base, bl) && r->name[bl] == '_' ? r->name + bl + 1 : r->name;
        sqlite3_bind_text(st, 4, agg, -1, SQLITE_STATIC);
    }
    bind_opt_int(st, 5, r->repetition_index);
    bind_opt_int(st, 6, r->repetitions);
    bind_opt_int(st, 7, r->iterations);
    bind_opt_int(st, 8, r->family_index);
    sqlite3_bind_int(st, 9, r->error);
    if (r->error) sqlite3_bind_text(st, 10, r->error_message, -1, SQLITE_STATIC);
    if (r->label) sqlite3_bind_text(st, 11, r->label, -1, SQLITE_STATIC);
    if (r->has_times) {
        sqlite3_bind_double(st, 12, r->real_ns);
        sqlite3_bind_double(st, 13, r->cpu_ns);
    }
    for (size_t c = 0; c < r->ncounters; c++) {
        int ci = hist_col_index(r->counters[c].name);
        if (ci >= 0) bind_counter(st, 14 + ci, &r->counters[c]);
    }
    if (sqlite3_step(st) != SQLITE_DONE) return -1;
    long long sample = sqlite3_last_insert_rowid(h->db);
    for (size_t c = 0; c < r->ncounters; c++) {
        if (hist_col_index(r->counters[c].name) >= 0) continue;
        sqlite3_reset(q->i_extra);
        sqlite3_bind_int64(q->i_extra, 1, sample);
        sqlite3_bind_text(q->i_extra, 2, r->counters[c].name, -1, SQLITE_STATIC);
        bind_counter(q->i_extra, 3, &r->counters[c]);
        if (sqlite3_step(q->i_extra) != SQLITE_DONE) return -1;
    }
    return 0;
}

/* Every row of f into samples under run; rows of one name come together, so its id is looked up once. */
static int insert_rows(ins_t *q, mb_hist_t *h, long long run, const mb_gb_file_t *f) {
    const char *last_name = NULL;
    long long name_id = 0;
    for (size_t i = 0; i < f->n; i++) {
        const mb_gb_row_t *r = &f->rows[i];
        const char *base = r->run_name ? r->run_name : r->name;
        if (!last_name || strcmp(last_name, base)) {
            sqlite3_reset(q->i_name);
            sqlite3_bind_text(q->i_name, 1, base, -1, SQLITE_STATIC);
            if (sqlite3_step(q->i_name) != SQLITE_DONE) return -1;
            sqlite3_reset(q->q_name);
            sqlite3_bind_text(q->q_name, 1, base, -1, SQLITE_STATIC);
            if (sqlite3_step(q->q_name) != SQLITE_ROW) return -1;
            name_id = sqlite3_column_int64(q->q_name, 0);
            last_name = base;
        }
        if (insert_row(h, q, run, name_id, i, r) != 0) return -1;
    }
    return 0;
}

int hist_insert_file(mb_hist_t *h, const mb_gb_file_t *f, const char *hash, const char *name, bool *dup,
                       long long *run_id, char *err, size_t errsz) {
    ins_t q = {0};
    int rc = -2;
    if (exec(h, "BEGIN IMMEDIATE", err, errsz) != 0) return -2;
    if (ins_prepare(h, &q) != 0) goto dberr;
    sqlite3_bind_text(q.q_hash, 1, hash, -1, SQLITE_STATIC);
    int s = sqlite3_step(q.q_hash);
    if (s == SQLITE_ROW) {              /* already there: nothing appended */
        *dup = true;
        *run_id = sqlite3_column_int64(q.q_hash, 0);
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
        ins_finalize(&q);
        return 0;
    }
    long long run = s == SQLITE_DONE ? insert_run(h, &q, hash, name, f->context) : -1;
    if (run < 0 || insert_rows(&q, h, run, f) != 0) goto dberr;
    ins_finalize(&q);
    if (exec(h, "COMMIT", err, errsz) != 0) {
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
        return -2;
    }
    *run_id = run;
    return 0;
dberr:
    snprintf(err, errsz, "%s: %s (nothing appended)", h->path, sqlite3_errmsg(h->db));
    sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
    ins_finalize(&q);
    return rc;
}

int mb_hist_import(mb_hist_t *h, const char *buf, size_t len, const char *name, bool *dup, long long *run_id,
                   size_t *nrows, char *err, size_t errsz) {
    *dup = false;
    *run_id = 0;
    *nrows = 0;
    mb_gb_file_t f;
    if (mb_gb_parse(buf, len, name, &f, err, errsz) != 0) return -1;
    char hash[40];
    int rc = content_hash(buf, len, name, hash, err, errsz);
    if (rc == 0) rc = hist_insert_file(h, &f, hash, name, dup, run_id, err, errsz);
    if (rc == 0 && !*dup) *nrows = f.n;
    mb_gb_free(&f);
    return rc;
}
