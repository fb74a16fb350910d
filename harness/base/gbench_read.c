/* gbench_read.c: Google Benchmark JSON read as a stream, one "benchmarks" element at a time (the top level and
 * the rows' order here; the input in gbench_input.c, each row in gbench_row.c), and whole files kept in memory. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/base/gbench_int.h"
#include "harness/base/json_read.h"

/* ------------------------------------------------------------------------ */
/* The file, top level and "benchmarks". */

typedef struct gbs {
    rd_t *rd;                           /* the input */
    mb_gb_row_fn fn;                    /* called with each good row */
    void *arg;                          /* its argument */
    rowbuf_t rb;                        /* the row being read */
    json_t *context;                    /* "context", whatever its type */
    bool has_bench;                     /* "benchmarks" seen */
    const char *bench_type;             /* its type when it is not an array; NULL: an array */
    bool row_failed;                    /* row_err holds the first bad row's message */
    char row_err[1024];                 /* the first bad row's message */
} gbs_t;

/* Element idx of "benchmarks" at b[pos]: read, checked and handed to fn while every row so far was good. */
static int read_element(gbs_t *st, size_t idx) {
    rd_t *rd = st->rd;
    rowbuf_t *rb = &st->rb;
    size_t used = 0;
    json_t *j = NULL;
    int k = FAST_SLOW;
    if (rd->b[rd->pos] == '{') {
        while ((k = gb_fast_row(rb, rd->b + rd->pos, rd->b + rd->len, rd->eof, &used)) == FAST_MORE)
            if (gb_rd_more(rd, 2 * (rd->len - rd->pos) + 4096) != 0) return gb_rd_oom(rd);
        if (k == FAST_OOM || (k == FAST_OK && gb_fast_strings(rb, rd->b + rd->pos, used) != 0)) return gb_rd_oom(rd);
    }
    if (k != FAST_OK) {
        json_error_t je;
        bool oom;
        j = gb_rd_jansson(rd, NULL, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &je, &used, &oom);
        if (oom) return gb_rd_oom(rd);
        /* Malformed, or too deep inside the file's object and array (jansson's depth limit counts them):
         * the whole file's parse fails here, perhaps sooner; "[[\"\"," puts the element as deep as that. */
        if (!j || gb_json_depth(j) + 2 > JSON_MAX_DEPTH) {
            if (j) json_decref(j);
            return gb_rd_exact(rd, "[[\"\",", JSON_REJECT_DUPLICATES);
        }
    }
    if (!st->row_failed) {
        char why[256];
        mb_gb_row_t r;
        const char *nm = NULL;
        int st_ = 0;
        if (j && !json_is_object(j)) {
            snprintf(why, sizeof why, "is %s, not an object", gb_type_name(j));
            st_ = -1;
        } else if (j && gb_json_fields(rb, j) != 0) {
            json_decref(j);
            return gb_rd_oom(rd);
        }
        if (st_ == 0) {
            const field_t *n = gb_slot_field(rb, K_NAME);
            if (n && n->kind == F_STRING) nm = n->s;
            st_ = gb_read_row(rb, &r, why, sizeof why);
        }
        if (st_ != 0) {
            if (nm) snprintf(st->row_err, sizeof st->row_err, "%s: benchmarks[%zu] (%.100s) %s", rd->name, idx, nm, why);
            else snprintf(st->row_err, sizeof st->row_err, "%s: benchmarks[%zu] %s", rd->name, idx, why);
            st->row_failed = true;
        } else if (st->fn && st->fn(st->arg, &r) != 0) {
            if (j) json_decref(j);
            return gb_rd_oom(rd);
        }
    }
    if (j) {
        gb_rd_past(rd, j, used);
        json_decref(j);
    } else {
        rd->pos += used;
    }
    return 0;
}

/* "benchmarks": [ ... ] from b[pos] = '['. */
static int read_benchmarks(gbs_t *st) {
    rd_t *rd = st->rd;
    rd->pos++;
    int c = gb_rd_peek(rd);
    if (c == ']') {
        rd->pos++;
        return 0;
    }
    for (size_t idx = 0;; idx++) {
        if (c == -2) return gb_rd_oom(rd);
        if (c == -1) return gb_rd_exact(rd, idx ? "[\"\"," : "[", JSON_REJECT_DUPLICATES);
        if (read_element(st, idx) != 0) return -1;
        c = gb_rd_peek(rd);
        if (c == ',') {
            rd->pos++;
            c = gb_rd_peek(rd);
            continue;
        }
        if (c == ']') {
            rd->pos++;
            return 0;
        }
        return c == -2 ? gb_rd_oom(rd) : gb_rd_exact(rd, "[\"\"", JSON_REJECT_DUPLICATES);
    }
}

/* An object key at b[pos] = '"' into *key (malloc'd, klen bytes) and *raw (its bytes in the file). 1: the key is
 * not one jansson accepts as a key. */
static int read_key(rd_t *rd, char **key, size_t *klen, size_t *raw) {
    for (;;) {                          /* plain: the key is its bytes */
        size_t i = rd->pos + 1;
        while (i < rd->len && plain((unsigned char)rd->b[i])) i++;
        if (i == rd->len && !rd->eof) {
            if (gb_rd_more(rd, 2 * (rd->len - rd->pos) + 4096) != 0) return -1;
            continue;
        }
        if (i < rd->len && rd->b[i] == '"') {
            *klen = i - rd->pos - 1;
            *raw = *klen + 2;
            if (!(*key = malloc(*klen + 1))) return -1;
            memcpy(*key, rd->b + rd->pos + 1, *klen);
            (*key)[*klen] = '\0';
            return 0;
        }
        break;
    }
    json_error_t je;                    /* escapes, UTF-8, or malformed: jansson decodes it */
    bool oom;
    json_t *j = gb_rd_jansson(rd, NULL, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &je, raw, &oom);
    if (oom) return -1;
    if (!j || !json_is_string(j) || memchr(json_string_value(j), '\0', json_string_length(j))) {
        if (j) json_decref(j);
        return 1;
    }
    *klen = json_string_length(j);
    *key = malloc(*klen + 1);
    if (*key) memcpy(*key, json_string_value(j), *klen + 1);
    json_decref(j);
    return *key ? 0 : -1;
}

/* The top level is not an object: a syntax error if the file is not JSON, else not Google Benchmark JSON. */
static int read_not_object(rd_t *rd, int c) {
    if (c != '[') return gb_rd_exact(rd, NULL, JSON_REJECT_DUPLICATES);
    json_error_t je;                    /* an array: parsed whole to tell a syntax error first */
    size_t used;
    bool oom;
    json_t *j = gb_rd_jansson(rd, NULL, JSON_REJECT_DUPLICATES, &je, &used, &oom);
    if (oom) return gb_rd_oom(rd);
    if (!j) return gb_rd_syntax(rd, &je, 0);
    json_decref(j);
    snprintf(rd->err, rd->errsz, "%s: not Google Benchmark JSON: the top level is an array, not an object", rd->name);
    return -1;
}

/* A duplicate key at b[pos] (raw bytes): jansson's message for it. */
static int read_duplicate(rd_t *rd, size_t raw) {
    char *pre = malloc(raw + 6);
    if (!pre) return gb_rd_oom(rd);
    pre[0] = '{';
    memcpy(pre + 1, rd->b + rd->pos, raw);
    memcpy(pre + 1 + raw, ":\"\",", 5);
    gb_rd_exact(rd, pre, JSON_REJECT_DUPLICATES);
    free(pre);
    return -1;
}

/* ": VALUE" of top-level member key (klen bytes) at b[pos]: "benchmarks" element by element when an array,
 * anything else parsed whole ("context" kept). */
static int read_value(gbs_t *st, const char *key, size_t klen) {
    rd_t *rd = st->rd;
    int c = gb_rd_peek(rd);
    if (c != ':') return c == -2 ? gb_rd_oom(rd) : gb_rd_exact(rd, "{\"\"", JSON_REJECT_DUPLICATES);
    rd->pos++;
    c = gb_rd_peek(rd);
    if (c == -2) return gb_rd_oom(rd);
    bool bench = klen == 10 && !memcmp(key, "benchmarks", 10);
    if (bench && c == '[') {
        st->has_bench = true;
        return read_benchmarks(st);
    }
    json_error_t je;
    size_t used;
    bool oom;
    json_t *j = gb_rd_jansson(rd, NULL, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &je, &used,
                              &oom);
    if (oom) return gb_rd_oom(rd);
    if (!j || gb_json_depth(j) + 1 > JSON_MAX_DEPTH) {      /* as for an element, one level up */
        if (j) json_decref(j);
        return gb_rd_exact(rd, "{\"\":", JSON_REJECT_DUPLICATES);
    }
    gb_rd_past(rd, j, used);
    if (bench) {
        st->has_bench = true;
        st->bench_type = gb_type_name(j);
    }
    if (klen == 7 && !memcmp(key, "context", 7)) st->context = j;
    else json_decref(j);
    return 0;
}

/* One member of the top-level object at b[pos] (first: right after '{'), and what follows it: 1 when that was
 * the object's '}', 0 when a ',' (another member follows), -1 on failure. seen: the keys so far. */
static int read_member(gbs_t *st, json_t *seen, bool first) {
    rd_t *rd = st->rd;
    const char *state = first ? "{" : "{\"\":\"\",";
    int c = gb_rd_peek(rd);
    if (c == -2) return gb_rd_oom(rd);
    if (first && c == '}') {
        rd->pos++;
        return 1;
    }
    if (c != '"') return gb_rd_exact(rd, state, JSON_REJECT_DUPLICATES);
    size_t klen, raw;
    char *key = NULL;
    int k = read_key(rd, &key, &klen, &raw);
    if (k < 0) return gb_rd_oom(rd);
    if (k > 0) return gb_rd_exact(rd, state, JSON_REJECT_DUPLICATES);
    int ret = -1;
    if (json_object_getn(seen, key, klen)) {
        read_duplicate(rd, raw);
    } else if (json_object_setn_new(seen, key, klen, json_null()) != 0) {
        gb_rd_oom(rd);
    } else {
        rd->pos += raw;
        ret = read_value(st, key, klen);
    }
    free(key);
    if (ret != 0) return -1;
    c = gb_rd_peek(rd);
    if (c == ',' || c == '}') {
        rd->pos++;
        return c == '}';
    }
    return c == -2 ? gb_rd_oom(rd) : gb_rd_exact(rd, "{\"\":\"\"", JSON_REJECT_DUPLICATES);
}

/* The file is JSON: now its structure, in the order the rules are listed. */
static int read_verdict(gbs_t *st) {
    rd_t *rd = st->rd;
    if (st->context && !json_is_object(st->context))
        snprintf(rd->err, rd->errsz, "%s: \"context\" is %s, not an object", rd->name, gb_type_name(st->context));
    else if (!st->has_bench)
        snprintf(rd->err, rd->errsz, "%s: not Google Benchmark JSON: no \"benchmarks\" array", rd->name);
    else if (st->bench_type)
        snprintf(rd->err, rd->errsz, "%s: \"benchmarks\" is %s, not an array", rd->name, st->bench_type);
    else if (st->row_failed)
        snprintf(rd->err, rd->errsz, "%s", st->row_err);
    else
        return 0;
    return -1;
}

/* The whole file: its top-level object member by member, "benchmarks" element by element. */
static int read_top(gbs_t *st) {
    rd_t *rd = st->rd;
    int c = gb_rd_peek(rd);
    if (c == -2) return gb_rd_oom(rd);
    if (c != '{') return read_not_object(rd, c);
    rd->pos++;
    json_t *seen = json_object();       /* the keys so far: a repeated one is an error */
    if (!seen) return gb_rd_oom(rd);
    int m = 0;
    for (bool first = true; m == 0; first = false) m = read_member(st, seen, first);
    json_decref(seen);
    if (m < 0) return -1;
    c = gb_rd_peek(rd);
    if (c == -2) return gb_rd_oom(rd);
    if (c != -1) return gb_rd_exact(rd, "{}", JSON_REJECT_DUPLICATES);
    return read_verdict(st);
}

static int read_source(rd_t *rd, mb_gb_row_fn fn, void *arg, json_t **context) {
    gbs_t st = {.rd = rd, .fn = fn, .arg = arg};
    int ret = read_top(&st);
    gb_rowbuf_free(&st.rb);
    if (ret == 0 && context) context[0] = st.context;
    else if (st.context) json_decref(st.context);
    if (ret != 0 && context) context[0] = NULL;
    return ret;
}

int mb_gb_read(const char *path, mb_gb_row_fn fn, void *arg, json_t **context, char *err, size_t errsz) {
    char name[sizeof ((mb_gb_file_t *)0)->path];
    snprintf(name, sizeof name, "%s", path);
    rd_t rd = {.path = path, .name = name, .err = err, .errsz = errsz, .line = 1};
    if (context) *context = NULL;
    rd.fd = open(path, O_RDONLY);
    if (rd.fd < 0) {
        char text[JSON_ERROR_TEXT_LENGTH - 1];  /* jansson's words, cut where it cuts them */
        snprintf(text, sizeof text, "unable to open %s: %s", path, strerror(errno));
        snprintf(err, errsz, "%s: %s", path, text);
        return -1;
    }
    int ret = read_source(&rd, fn, arg, context);
    close(rd.fd);
    free(rd.own);
    return ret;
}

int mb_gb_read_buffer(const char *buf, size_t len, const char *name, mb_gb_row_fn fn, void *arg, json_t **context,
                      char *err, size_t errsz) {
    char cut[sizeof ((mb_gb_file_t *)0)->path];
    snprintf(cut, sizeof cut, "%s", name);
    rd_t rd = {.path = name, .name = cut, .fd = -1, .b = buf ? buf : "", .len = buf ? len : 0, .eof = true, .err = err, .errsz = errsz,
               .line = 1};
    if (context) *context = NULL;
    return read_source(&rd, fn, arg, context);
}

/* ------------------------------------------------------------------------ */
/* Whole files: every row kept, its strings and counters in an arena. */

typedef struct mb_gb_arena {
    struct mb_gb_arena *next;           /* the block before */
    size_t used, cap;                   /* bytes used, allocated */
    max_align_t data[];                 /* the strings and counters */
} arena_t;

static void *arena_alloc(mb_gb_file_t *f, size_t n) {
    n = (n + 15) & ~(size_t)15;
    arena_t *a = f->arena;
    if (!a || a->cap - a->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        arena_t *na = malloc(sizeof *na + cap);
        if (!na) return NULL;
        na->next = a;
        na->used = 0;
        na->cap = cap;
        f->arena = a = na;
    }
    void *p = (char *)a->data + a->used;
    a->used += n;
    return p;
}

static const char *arena_str(mb_gb_file_t *f, const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(f, n);
    if (p) memcpy(p, s, n);
    return p;
}

static int keep_row(void *arg, const mb_gb_row_t *r) {
    mb_gb_file_t *f = arg;
    if ((f->n & (f->n - 1)) == 0) {     /* 0, 1, 2, 4, ...: grow */
        mb_gb_row_t *nr = realloc(f->rows, (f->n ? 2 * f->n : 1) * sizeof *nr);
        if (!nr) return -1;
        f->rows = nr;
    }
    mb_gb_row_t *k = &f->rows[f->n];
    *k = *r;
    k->name = arena_str(f, r->name);
    k->run_name = r->run_name == r->name ? k->name : arena_str(f, r->run_name);
    k->error_message = arena_str(f, r->error_message);
    k->label = arena_str(f, r->label);
    k->counters = r->ncounters ? arena_alloc(f, r->ncounters * sizeof *k->counters) : NULL;
    if (!k->name || !k->run_name || !k->error_message || (r->label && !k->label) || (r->ncounters && !k->counters))
        return -1;
    for (size_t i = 0; i < r->ncounters; i++) {
        k->counters[i] = r->counters[i];
        if (!(k->counters[i].name = arena_str(f, r->counters[i].name))) return -1;
    }
    f->n++;
    return 0;
}

void mb_gb_free(mb_gb_file_t *f) {
    free(f->rows);
    for (arena_t *a = f->arena, *next; a; a = next) {
        next = a->next;
        free(a);
    }
    if (f->context) json_decref(f->context);
    f->rows = NULL;
    f->arena = NULL;
    f->context = NULL;
    f->n = 0;
}

int mb_gb_load(const char *path, mb_gb_file_t *f, char *err, size_t errsz) {
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", path);
    if (mb_gb_read(path, keep_row, f, &f->context, err, errsz) == 0) return 0;
    mb_gb_free(f);
    return -1;
}

int mb_gb_parse(const char *buf, size_t len, const char *name, mb_gb_file_t *f, char *err, size_t errsz) {
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", name);
    if (mb_gb_read_buffer(buf, len, name, keep_row, f, &f->context, err, errsz) == 0) return 0;
    mb_gb_free(f);
    return -1;
}

bool mb_gb_counter(const mb_gb_row_t *r, const char *name, double *v) {
    for (size_t i = 0; i < r->ncounters; i++)
        if (!strcmp(r->counters[i].name, name)) {
            *v = r->counters[i].value;
            return true;
        }
    return false;
}

const mb_gb_counter_t *mb_gb_counter_get(const mb_gb_row_t *r, const char *name) {
    for (size_t i = 0; i < r->ncounters; i++)
        if (!strcmp(r->counters[i].name, name)) return &r->counters[i];
    return NULL;
}
