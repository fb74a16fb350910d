/* gbench_read.c: Google Benchmark JSON read as a stream, one "benchmarks" element at a time, and validated field by field. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/base/gbench_read.h"
#include "harness/base/json_read.h"

/*
 * How a file is read. jansson alone would build the whole file's tree
 * (about 2 KiB of objects a row) before the first row could be looked at.
 * Instead the top-level object is parsed here up to "benchmarks": [, and then
 * one element at a time: a flat object of plain strings, numbers and
 * literals (every row Google Benchmark or membench writes) by a strict
 * scanner here, anything else (escapes, non-ASCII, nesting, any error) by
 * jansson. What the file says, and every error message, is what jansson's
 * parse of the whole file gives: jansson parses each value from the bytes
 * that parse would see, and where the file is malformed outside a value,
 * jansson is given a short synthetic start that puts its parser in the same
 * state, then the rest of the file (rd_exact). Line and column are jansson's
 * (UTF-8 characters since the last newline), counted as the file goes by.
 */

/* The read buffer, and at least how much of it jansson is given (unless the
 * file ends first); both can be made tiny to test the buffer's edges. */
#ifndef MB_GB_CHUNK
#define MB_GB_CHUNK (1 << 20)
#endif
#ifndef MB_GB_WINDOW
#define MB_GB_WINDOW (1 << 16)
#endif
enum { RD_CHUNK = MB_GB_CHUNK, RD_WINDOW = MB_GB_WINDOW,
       JSON_MAX_DEPTH = 2048 };     /* jansson's JSON_PARSER_MAX_DEPTH */

/* ------------------------------------------------------------------------ */
/* The input: a file read in chunks, or a buffer. */

typedef struct rd {
    const char *path;                   /* syntax errors name it (as jansson's file loader did) */
    const char *name;                   /* validation errors name it: the path cut as mb_gb_file_t's */
    int fd;                             /* -1: a buffer */
    char *own;                          /* the read buffer, cap bytes */
    size_t cap;
    const char *b;                      /* the data: b[pos, len) not yet read */
    size_t pos, len;
    bool eof;                           /* nothing after b[len) */
    size_t lc_pos;                      /* line and column (jansson's counting) at b[lc_pos] */
    long line, col;
    char *err;
    size_t errsz;
} rd_t;

/* Count lines and columns up to b[upto]: a newline starts a line; any other byte but a UTF-8 continuation is a column. */
static void lc_advance(rd_t *rd, size_t upto) {
    const unsigned char *p = (const unsigned char *)rd->b + rd->lc_pos, *e = (const unsigned char *)rd->b + upto;
    const unsigned char *nl;
    while (p < e && (nl = memchr(p, '\n', (size_t)(e - p)))) {
        rd->line++;
        rd->col = 0;
        p = nl + 1;
    }
    long col = 0;
    for (; p < e; p++) col += (*p & 0xC0) != 0x80;
    rd->col += col;
    rd->lc_pos = upto;
}

/* At least want bytes unread, unless the file ends first (read errors end it, as for jansson's loader). -1: out of memory. */
static int rd_more(rd_t *rd, size_t want) {
    if (rd->eof || rd->len - rd->pos >= want) return 0;
    if (rd->pos) {                      /* keep the unread bytes only */
        lc_advance(rd, rd->pos);
        memmove(rd->own, rd->own + rd->pos, rd->len - rd->pos);
        rd->len -= rd->pos;
        rd->lc_pos -= rd->pos;
        rd->pos = 0;
    }
    if (want > rd->cap) {
        size_t ncap = rd->cap ? rd->cap : RD_CHUNK;
        while (ncap < want) ncap *= 2;
        char *nb = realloc(rd->own, ncap);
        if (!nb) return -1;
        rd->own = nb;
        rd->b = nb;
        rd->cap = ncap;
    }
    while (rd->len < want) {
        ssize_t n = read(rd->fd, rd->own + rd->len, rd->cap - rd->len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            rd->eof = true;
            break;
        }
        rd->len += (size_t)n;
    }
    return 0;
}

static bool is_ws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Skip whitespace; the next byte, -1 at the end of the file, -2 out of memory. */
static int rd_peek(rd_t *rd) {
    for (;;) {
        while (rd->pos < rd->len) {
            unsigned char c = (unsigned char)rd->b[rd->pos];
            if (!is_ws(c)) return c;
            rd->pos++;
        }
        if (rd->eof) return -1;
        if (rd_more(rd, 1) != 0) return -2;
    }
}

static int rd_oom(rd_t *rd) {
    snprintf(rd->err, rd->errsz, "%s: out of memory reading it", rd->path);
    return -1;
}

/* jansson's error je, from a parse of prefix (pchars characters, no newline) and then the file from b[pos]. */
static int rd_syntax(rd_t *rd, const json_error_t *je, long pchars) {
    if (je->line <= 0) {
        snprintf(rd->err, rd->errsz, "%s: %s", rd->path, je->text);
        return -1;
    }
    lc_advance(rd, rd->pos);
    long line = rd->line + je->line - 1, col = je->line == 1 ? rd->col + je->column - pchars : je->column;
    snprintf(rd->err, rd->errsz, "%s: malformed JSON at line %ld, column %ld: %s", rd->path, line, col, je->text);
    return -1;
}

/*
 * The offset in data (n bytes) where jansson stopped, from its position: it
 * counts the bytes it read, less every NUL byte it lost (rd_past), and the
 * only NUL bytes a parse gets past are lost ones.
 */
static size_t jansson_offset(const char *data, size_t n, size_t at) {
    size_t end = at, from = 0;
    const char *z;
    while (end <= n && from < end && (z = memchr(data + from, '\0', end - from))) {
        from = (size_t)(z - data) + 1;
        end++;
    }
    return end < n ? end : n;
}

/*
 * jansson's parse of prefix (NULL: none) and then the file from b[pos], with
 * flags. It is given at least RD_WINDOW bytes, and the whole value: when it
 * stopped within 4 bytes (a UTF-8 sequence) of what it was given, it may have
 * stopped at the end of the buffer and not of the value (a number cut short,
 * a premature end), so it is run again on twice as much. The value, with
 * *used = how many bytes of the file it took; or NULL with *je, or with *oom.
 */
static json_t *rd_jansson(rd_t *rd, const char *prefix, size_t flags, json_error_t *je, size_t *used, bool *oom) {
    size_t plen = prefix ? strlen(prefix) : 0, want = RD_WINDOW;
    *oom = false;
    for (;;) {
        if (rd_more(rd, want) != 0) break;
        size_t avail = rd->len - rd->pos, n = plen + avail;
        const char *data = rd->b + rd->pos;
        char *tmp = NULL;
        if (plen) {
            if (!(tmp = malloc(n ? n : 1))) break;
            memcpy(tmp, prefix, plen);
            memcpy(tmp + plen, data, avail);
            data = tmp;
        }
        mb_json_oom_reset();
        json_t *j = json_loadb(data, n, flags, je);
        size_t at = jansson_offset(data, n, je->position > 0 ? (size_t)je->position : 0);
        free(tmp);
        if (j && je->text[0]) {         /* a number's or literal's look-ahead byte was bad UTF-8: jansson noted the */
            json_decref(j);             /* error but returned the value; the whole file's parse fails there */
            j = NULL;
        }
        if (!j && (mb_json_oom() || json_error_code(je) == json_error_out_of_memory || !je->text[0])) break;
        if (!rd->eof && at + 4 >= n) {
            if (j) json_decref(j);
            want = 2 * avail > want ? 2 * avail : 2 * want;
            continue;
        }
        *used = at > plen ? at - plen : 0;
        return j;
    }
    *oom = true;
    return NULL;
}

/*
 * Past a value jansson parsed that took used bytes from b[pos]. A number or
 * literal ends where jansson read one byte too far and put it back; a NUL
 * byte put back is lost (its stream takes NUL for "buffer empty"), so the
 * whole file's parse never sees it, nor counts its column: skip it too.
 */
static void rd_past(rd_t *rd, const json_t *v, size_t used) {
    rd->pos += used;
    if ((json_is_number(v) || json_is_boolean(v) || json_is_null(v)) && rd->pos < rd->len && !rd->b[rd->pos]) {
        lc_advance(rd, rd->pos);
        rd->lc_pos++;
        rd->pos++;
    }
}

/* UTF-8 characters of s (jansson's columns). */
static long utf8_chars(const char *s) {
    long n = 0;
    for (; *s; s++) n += (*s & 0xC0) != 0x80;
    return n;
}

/*
 * The file is malformed at b[pos] (after whitespace): jansson says how, given
 * prefix first, the start of a document that leaves its parser where the
 * whole file's parse is here ("{" after an object's brace, "{\"\":\"\"," after
 * a member's comma, "[\"\"" after an element, ...). A prefix ends in a token
 * that needs no look-ahead (a string, a brace, a colon, a comma), never a
 * number or literal, which would run on into the file's next bytes.
 */
static int rd_exact(rd_t *rd, const char *prefix, size_t flags) {
    json_error_t je;
    size_t used;
    bool oom;
    json_t *j = rd_jansson(rd, prefix, flags, &je, &used, &oom);
    if (oom) return rd_oom(rd);
    if (!j) return rd_syntax(rd, &je, prefix ? utf8_chars(prefix) : 0);
    json_decref(j);                     /* not seen: the caller found the error first */
    lc_advance(rd, rd->pos);
    snprintf(rd->err, rd->errsz, "%s: malformed JSON at line %ld, column %ld: unexpected text", rd->path, rd->line,
             rd->col);
    return -1;
}

/* The nesting depth of a parsed value (a scalar is 1). */
static size_t json_depth(json_t *j) {
    size_t d = 0, i;
    const char *k;
    json_t *v;
    if (json_is_object(j)) {
        json_object_foreach(j, k, v) {
            size_t x = json_depth(v);
            if (x > d) d = x;
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) {
            size_t x = json_depth(v);
            if (x > d) d = x;
        }
    }
    return d + 1;
}

/* ------------------------------------------------------------------------ */
/* A row's fields, from the fast scanner or from jansson, and their checks. */

typedef enum { F_STRING, F_INTEGER, F_REAL, F_TRUE, F_FALSE, F_NULL, F_OBJECT, F_ARRAY } fkind_t;

/* The fields the rules name; K_OTHER: a counter if it is a number. */
enum { K_NAME, K_RUN_NAME, K_RUN_TYPE, K_ERROR_OCCURRED, K_ERROR_MESSAGE, K_LABEL, K_TIME_UNIT, K_REAL_TIME,
       K_CPU_TIME, K_ITERATIONS, K_FAMILY_INDEX, K_REPETITION_INDEX, K_REPETITIONS, K_PER_FAMILY_INSTANCE_INDEX,
       K_THREADS, K_SHARD, K_OTHER };

/* Google Benchmark's own fields (the numeric ones are bookkeeping, never counters) by key. */
static int key_slot(const char *k, size_t n) {
#define IS(s) (!memcmp(k, s, n))
    switch (n) {
    case 4: if (IS("name")) return K_NAME; break;
    case 5:
        if (IS("label")) return K_LABEL;
        if (IS("shard")) return K_SHARD;        /* membench merge: the shard an entry ran in */
        break;
    case 7: if (IS("threads")) return K_THREADS; break;
    case 8:
        if (IS("run_name")) return K_RUN_NAME;
        if (IS("run_type")) return K_RUN_TYPE;
        if (IS("cpu_time")) return K_CPU_TIME;
        break;
    case 9:
        if (IS("time_unit")) return K_TIME_UNIT;
        if (IS("real_time")) return K_REAL_TIME;
        break;
    case 10: if (IS("iterations")) return K_ITERATIONS; break;
    case 11: if (IS("repetitions")) return K_REPETITIONS; break;
    case 12: if (IS("family_index")) return K_FAMILY_INDEX; break;
    case 13: if (IS("error_message")) return K_ERROR_MESSAGE; break;
    case 14: if (IS("error_occurred")) return K_ERROR_OCCURRED; break;
    case 16: if (IS("repetition_index")) return K_REPETITION_INDEX; break;
    case 25: if (IS("per_family_instance_index")) return K_PER_FAMILY_INSTANCE_INDEX; break;
    }
    return K_OTHER;
#undef IS
}

typedef struct field {
    const char *key;                    /* NUL-terminated */
    fkind_t kind;
    int slot;
    const char *s;                      /* F_STRING: the value, NUL-terminated */
    long long i;                        /* F_INTEGER */
    double d;                           /* F_REAL */
    /* the fast scanner's offsets from the element's start, before the strings are copied */
    size_t koff, klen, soff, slen;
} field_t;

typedef struct rowbuf {
    field_t *f;                         /* the fields, in file order */
    size_t nf, fcap;
    int slot[K_OTHER];                  /* index in f of each named field, or -1 */
    char *str;                          /* the fast scanner's strings, NUL-terminated */
    size_t scap;
    mb_gb_counter_t *c;                 /* the row's counters */
    size_t ccap;
} rowbuf_t;

static void rowbuf_free(rowbuf_t *rb) {
    free(rb->f);
    free(rb->str);
    free(rb->c);
}

static field_t *rb_push(rowbuf_t *rb) {
    if (rb->nf == rb->fcap) {
        size_t ncap = rb->fcap ? 2 * rb->fcap : 32;
        field_t *nf = realloc(rb->f, ncap * sizeof *nf);
        if (!nf) return NULL;
        rb->f = nf;
        rb->fcap = ncap;
    }
    field_t *f = &rb->f[rb->nf++];
    memset(f, 0, sizeof *f);
    return f;
}

static void rb_reset(rowbuf_t *rb) {
    rb->nf = 0;
    for (int k = 0; k < K_OTHER; k++) rb->slot[k] = -1;
}

/* Printable ASCII but '"' and '\\': a string character the fast scanner takes as it is. */
static bool plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }
static bool digit(int c) { return c >= '0' && c <= '9'; }

/* The end of a run of plain characters from p (at most e): eight bytes at a
 * time while none of them is '"', '\\', below 0x20 or above 0x7f. */
static inline const char *plain_run(const char *p, const char *e) {
    static const bool tab[256] = {[0x20 ... 0x21] = true, [0x23 ... 0x5b] = true, [0x5d ... 0x7f] = true};
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (e - p >= 8) {
        uint64_t x, q, b;
        memcpy(&x, p, 8);
        q = x ^ (ones * '"');
        b = x ^ (ones * '\\');
        if ((((q - ones) & ~q) | ((b - ones) & ~b) | ((x - ones * 0x20) & ~x) | x) & highs) break;
        p += 8;
    }
    while (p < e && tab[(unsigned char)*p]) p++;
    return p;
}

static int bitlen128(unsigned __int128 n) {
    uint64_t hi = (uint64_t)(n >> 64), lo = (uint64_t)n;
    return hi ? 128 - __builtin_clzll(hi) : lo ? 64 - __builtin_clzll(lo) : 0;
}

/* m * 10^ex (m > 0, -22 <= ex <= 27) correctly rounded to a double, half to
 * even, as strtod rounds: exact integer arithmetic. 10^ex = 5^ex 2^ex; the
 * power of 5 is below 2^64, so m 5^ex, or m 2^s / 5^-ex with a remainder,
 * is exact in 128 bits; then 53 bits are kept. */
static double scale10(uint64_t m, int ex) {
    static const uint64_t p5[28] = {
        1ULL, 5ULL, 25ULL, 125ULL, 625ULL, 3125ULL, 15625ULL, 78125ULL, 390625ULL, 1953125ULL, 9765625ULL,
        48828125ULL, 244140625ULL, 1220703125ULL, 6103515625ULL, 30517578125ULL, 152587890625ULL,
        762939453125ULL, 3814697265625ULL, 19073486328125ULL, 95367431640625ULL, 476837158203125ULL,
        2384185791015625ULL, 11920928955078125ULL, 59604644775390625ULL, 298023223876953125ULL,
        1490116119384765625ULL, 7450580596923828125ULL};
    unsigned __int128 n;
    int e2;
    bool sticky = false;                /* bits below n that are not 0 */
    if (ex >= 0) {
        n = (unsigned __int128)m * p5[ex];
        e2 = ex;
    } else {
        int s = 127 - (64 - __builtin_clzll(m));        /* m 2^s just below 2^127: the quotient keeps 75+ bits */
        unsigned __int128 num = (unsigned __int128)m << s;
        n = num / p5[-ex];
        sticky = num % p5[-ex] != 0;
        e2 = ex - s;
    }
    int bl = bitlen128(n);
    if (bl > 53) {
        int sh = bl - 53;
        unsigned __int128 one = 1, rem = n & ((one << sh) - 1), half = one << (sh - 1);
        n >>= sh;
        e2 += sh;
        if (rem > half || (rem == half && (sticky || (n & 1)))) n++;   /* 2^53 is still exact */
    }
    return ldexp((double)(uint64_t)n, e2);
}

/*
 * The number token at s ('-' or a digit; the data ends at e) by JSON's
 * grammar, read as jansson reads it: strtoll for an integer, strtod for a
 * real. Its end, with *integer and its value; e if the data ends inside it
 * (read more); NULL if it is not JSON's grammar or it overflows (jansson's
 * "too big integer", "real number overflow"): jansson reads it then. The
 * digits are gathered as they are checked, and most numbers take a short
 * cut to strtoll's and strtod's result: an integer of at most 18 digits
 * cannot overflow, and a real of at most 19 significant digits and a
 * decimal exponent from -22 to 27 is scale10 of them (exact).
 */
static const char *number_token(const char *s, const char *e, bool *integer, long long *i, double *d) {
    const char *p = s;
    bool neg = *p == '-';
    uint64_t m = 0;
    int nd = 0, ex = 0;
#define DIGIT() do { if (m || *p != '0') nd++; if (nd <= 19) m = m * 10 + (uint64_t)(*p - '0'); } while (0)
    *integer = true;
    if (neg && ++p == e) return e;
    if (*p == '0') p++;
    else if (digit(*p)) do { DIGIT(); p++; } while (p < e && digit(*p));
    else return NULL;
    if (p == e) return e;
    if (*p == '.') {
        *integer = false;
        if (++p == e) return e;
        if (!digit(*p)) return NULL;
        do { DIGIT(); ex--; p++; } while (p < e && digit(*p));
        if (p == e) return e;
    }
    if (*p == 'e' || *p == 'E') {
        *integer = false;
        if (++p == e) return e;
        bool eneg = *p == '-';
        if ((*p == '-' || *p == '+') && ++p == e) return e;
        if (!digit(*p)) return NULL;
        int x = 0;
        do {
            if (x < 100000) x = x * 10 + (*p - '0');
            p++;
        } while (p < e && digit(*p));
        if (p == e) return e;
        ex += eneg ? -x : x;
    }
#undef DIGIT
    if (*integer) {
        if (nd <= 18) {
            *i = neg ? -(long long)m : (long long)m;
            return p;
        }
        errno = 0;
        *i = strtoll(s, NULL, 10);
        return errno == ERANGE ? NULL : p;
    }
    if (nd <= 19 && (m == 0 || (ex >= -22 && ex <= 27))) {
        double v = m ? scale10(m, ex) : 0;
        *d = neg ? -v : v;
        return p;
    }
    errno = 0;
    *d = strtod(s, NULL);
    return errno == ERANGE && isinf(*d) ? NULL : p;
}

enum { FAST_OK, FAST_SLOW, FAST_MORE, FAST_OOM };

/*
 * The element at p0 ('{', e the end of the data) if it is a flat object of
 * plain strings, numbers, true, false and null, keys not repeated, exactly as
 * jansson reads it (its number grammar, strtoll and strtod): FAST_OK with
 * *used its length and the fields in rb (offsets only). FAST_SLOW: something
 * else, jansson reads it; FAST_MORE: the data ends first (not the file).
 */
static int fast_row(rowbuf_t *rb, const char *p0, const char *e, bool eof, size_t *used) {
    const char *p = p0 + 1;
#define END() do { if (p >= e) return eof ? FAST_SLOW : FAST_MORE; } while (0)
#define WS() do { while (p < e && is_ws((unsigned char)*p)) p++; END(); } while (0)
    rb_reset(rb);
    WS();
    if (*p == '}') {
        *used = (size_t)(p + 1 - p0);
        return FAST_OK;
    }
    for (;;) {
        if (*p != '"') return FAST_SLOW;
        const char *k = ++p;
        p = plain_run(p, e);
        END();
        if (*p != '"') return FAST_SLOW;
        size_t klen = (size_t)(p - k);
        p++;
        WS();
        if (*p != ':') return FAST_SLOW;
        p++;
        WS();
        field_t *f = rb_push(rb);
        if (!f) return FAST_OOM;
        f->koff = (size_t)(k - p0);
        f->klen = klen;
        const char *v = p;
        if (*p == '"') {
            v = ++p;
            p = plain_run(p, e);
            END();
            if (*p != '"') return FAST_SLOW;
            f->kind = F_STRING;
            f->soff = (size_t)(v - p0);
            f->slen = (size_t)(p - v);
            p++;
        } else if (*p == '-' || digit(*p)) {
            bool integer;
            if (!(p = number_token(v, e, &integer, &f->i, &f->d))) return FAST_SLOW;
            END();
            if (!is_ws((unsigned char)*p) && *p != ',' && *p != '}') return FAST_SLOW;
            f->kind = integer ? F_INTEGER : F_REAL;
        } else {
            static const char *const lit[3] = {"true", "false", "null"};
            static const fkind_t lk[3] = {F_TRUE, F_FALSE, F_NULL};
            int w = *p == 't' ? 0 : *p == 'f' ? 1 : *p == 'n' ? 2 : -1;
            if (w < 0) return FAST_SLOW;                        /* nested, or not JSON */
            size_t n = strlen(lit[w]);
            if ((size_t)(e - p) <= n) return eof ? FAST_SLOW : FAST_MORE;
            if (memcmp(p, lit[w], n) || (!is_ws((unsigned char)p[n]) && p[n] != ',' && p[n] != '}')) return FAST_SLOW;
            f->kind = lk[w];
            p += n;
        }
        f->slot = key_slot(k, klen);
        if (f->slot != K_OTHER) {
            if (rb->slot[f->slot] >= 0) return FAST_SLOW;        /* a duplicate key: jansson says so */
            rb->slot[f->slot] = (int)(rb->nf - 1);
        } else {
            for (size_t i = 0; i + 1 < rb->nf; i++)
                if (rb->f[i].slot == K_OTHER && rb->f[i].klen == klen && !memcmp(p0 + rb->f[i].koff, k, klen))
                    return FAST_SLOW;
        }
        WS();
        if (*p == ',') {
            p++;
            WS();
            continue;
        }
        if (*p != '}') return FAST_SLOW;
        *used = (size_t)(p + 1 - p0);
        return FAST_OK;
    }
#undef WS
#undef END
}

/* The fast scanner's strings copied out of the data at p0 (used bytes), NUL-terminated. -1: out of memory. */
static int fast_strings(rowbuf_t *rb, const char *p0, size_t used) {
    if (rb->scap < used + 1) {
        size_t ncap = rb->scap ? rb->scap : 4096;
        while (ncap < used + 1) ncap *= 2;
        char *ns = realloc(rb->str, ncap);
        if (!ns) return -1;
        rb->str = ns;
        rb->scap = ncap;
    }
    char *o = rb->str;                  /* each string and its quotes fit: room for the NUL */
    for (size_t i = 0; i < rb->nf; i++) {
        field_t *f = &rb->f[i];
        memcpy(o, p0 + f->koff, f->klen);
        o[f->klen] = '\0';
        f->key = o;
        o += f->klen + 1;
        if (f->kind == F_STRING) {
            memcpy(o, p0 + f->soff, f->slen);
            o[f->slen] = '\0';
            f->s = o;
            o += f->slen + 1;
        }
    }
    return 0;
}

static fkind_t json_kind(const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_OBJECT: return F_OBJECT;
    case JSON_ARRAY: return F_ARRAY;
    case JSON_STRING: return F_STRING;
    case JSON_INTEGER: return F_INTEGER;
    case JSON_REAL: return F_REAL;
    case JSON_TRUE: return F_TRUE;
    case JSON_FALSE: return F_FALSE;
    default: return F_NULL;
    }
}

static const char *kind_name(fkind_t k) {
    switch (k) {
    case F_OBJECT: return "an object";
    case F_ARRAY: return "an array";
    case F_STRING: return "a string";
    case F_INTEGER: case F_REAL: return "a number";
    case F_TRUE: case F_FALSE: return "a boolean";
    default: return "null";
    }
}

static const char *type_name(const json_t *v) { return kind_name(json_kind(v)); }

/* A jansson object's members as fields. -1: out of memory. */
static int json_fields(rowbuf_t *rb, json_t *b) {
    rb_reset(rb);
    const char *key;
    json_t *v;
    json_object_foreach(b, key, v) {
        field_t *f = rb_push(rb);
        if (!f) return -1;
        f->key = key;
        f->kind = json_kind(v);
        f->slot = key_slot(key, strlen(key));
        if (f->slot != K_OTHER) rb->slot[f->slot] = (int)(rb->nf - 1);
        if (f->kind == F_STRING) f->s = json_string_value(v);
        else if (f->kind == F_INTEGER) f->i = (long long)json_integer_value(v);
        else if (f->kind == F_REAL) f->d = json_real_value(v);
    }
    return 0;
}

static const field_t *slot_field(const rowbuf_t *rb, int k) { return rb->slot[k] >= 0 ? &rb->f[rb->slot[k]] : NULL; }
static bool is_number(const field_t *f) { return f->kind == F_INTEGER || f->kind == F_REAL; }
static double number(const field_t *f) { return f->kind == F_INTEGER ? (double)f->i : f->d; }

/* Multiplier from time_unit to ns; 0 if the unit is unknown. */
static double unit_ns(const char *u) {
    if (!strcmp(u, "ns")) return 1;
    if (!strcmp(u, "us")) return 1e3;
    if (!strcmp(u, "ms")) return 1e6;
    if (!strcmp(u, "s")) return 1e9;
    return 0;
}

/* An optional string field: absent is fine (*out = dflt); present must be a string. */
static int opt_str(const rowbuf_t *rb, int k, const char *key, const char *dflt, const char **out, char *why,
                   size_t wsz) {
    const field_t *v = slot_field(rb, k);
    if (!v) { *out = dflt; return 0; }
    if (v->kind != F_STRING) { snprintf(why, wsz, "\"%s\" is %s, not a string", key, kind_name(v->kind)); return -1; }
    *out = v->s;
    return 0;
}

/* One element's fields into r; -1 with why (the caller adds where). */
static int read_row(rowbuf_t *rb, mb_gb_row_t *r, char *why, size_t wsz) {
    memset(r, 0, sizeof *r);
    const char *rt, *unit;
    if (opt_str(rb, K_NAME, "name", NULL, &r->name, why, wsz) != 0) return -1;
    if (!r->name || !*r->name) { snprintf(why, wsz, "has no \"name\""); return -1; }
    if (opt_str(rb, K_RUN_NAME, "run_name", r->name, &r->run_name, why, wsz) != 0) return -1;
    if (opt_str(rb, K_RUN_TYPE, "run_type", "iteration", &rt, why, wsz) != 0) return -1;
    if (strcmp(rt, "iteration") && strcmp(rt, "aggregate")) {
        snprintf(why, wsz, "has run_type \"%.40s\", not \"iteration\" or \"aggregate\"", rt);
        return -1;
    }
    r->aggregate = !strcmp(rt, "aggregate");
    const field_t *eo = slot_field(rb, K_ERROR_OCCURRED);
    if (eo && eo->kind != F_TRUE && eo->kind != F_FALSE) {
        snprintf(why, wsz, "\"error_occurred\" is %s, not a boolean", kind_name(eo->kind));
        return -1;
    }
    r->error = eo && eo->kind == F_TRUE;
    if (opt_str(rb, K_ERROR_MESSAGE, "error_message", "", &r->error_message, why, wsz) != 0) return -1;
    if (opt_str(rb, K_LABEL, "label", NULL, &r->label, why, wsz) != 0) return -1;
    if (opt_str(rb, K_TIME_UNIT, "time_unit", "ns", &unit, why, wsz) != 0) return -1;
    double mul = unit_ns(unit);
    if (mul == 0) { snprintf(why, wsz, "has time_unit \"%.20s\", not ns, us, ms or s", unit); return -1; }
    const field_t *rtv = slot_field(rb, K_REAL_TIME), *ctv = slot_field(rb, K_CPU_TIME);
    for (int k = 0; k < 2; k++) {
        const field_t *v = k ? ctv : rtv;
        const char *key = k ? "cpu_time" : "real_time";
        if (!v) {
            if (r->error) continue;
            snprintf(why, wsz, "has no \"%s\"", key);
            return -1;
        }
        if (!is_number(v)) { snprintf(why, wsz, "\"%s\" is %s, not a number", key, kind_name(v->kind)); return -1; }
        double ns = number(v) * mul;
        if (!isfinite(ns) || ns < 0 || ns > 1e18) {
            snprintf(why, wsz, "\"%s\" is %g %s, not a time from 0 to 1e18 ns", key, number(v), unit);
            return -1;
        }
        if (k) r->cpu_ns = ns;
        else r->real_ns = ns;
    }
    r->has_times = rtv && ctv;
    static const char *const int_keys[4] = {"iterations", "family_index", "repetition_index", "repetitions"};
    static const int int_slots[4] = {K_ITERATIONS, K_FAMILY_INDEX, K_REPETITION_INDEX, K_REPETITIONS};
    long long *int_out[4] = {&r->iterations, &r->family_index, &r->repetition_index, &r->repetitions};
    for (int k = 0; k < 4; k++) {
        const field_t *v = slot_field(rb, int_slots[k]);
        *int_out[k] = -1;
        if (!v) continue;
        long long lo = k == 3 ? 1 : 0;
        if (v->kind != F_INTEGER || v->i < lo || v->i > 1000000000000000000LL) {
            if (v->kind == F_INTEGER) snprintf(why, wsz, "\"%s\" is %lld, not an integer from %lld to 1e18", int_keys[k],
                                               v->i, lo);
            else snprintf(why, wsz, "\"%s\" is %s, not an integer from %lld to 1e18", int_keys[k],
                          v->kind == F_REAL ? "a real number" : kind_name(v->kind), lo);
            return -1;
        }
        *int_out[k] = v->i;
    }
    if (rb->ccap < rb->nf) {
        size_t ncap = rb->ccap ? rb->ccap : 32;
        while (ncap < rb->nf) ncap *= 2;
        mb_gb_counter_t *nc = realloc(rb->c, ncap * sizeof *nc);
        if (!nc) { snprintf(why, wsz, "out of memory reading it"); return -1; }
        rb->c = nc;
        rb->ccap = ncap;
    }
    r->counters = rb->c;
    for (size_t i = 0; i < rb->nf; i++) {
        const field_t *f = &rb->f[i];
        if (f->slot != K_OTHER || !is_number(f)) continue;
        rb->c[r->ncounters++] = (mb_gb_counter_t){f->key, number(f), f->kind == F_INTEGER,
                                                  f->kind == F_INTEGER ? f->i : 0};
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The file, top level and "benchmarks". */

typedef struct gbs {
    rd_t *rd;
    mb_gb_row_fn fn;
    void *arg;
    rowbuf_t rb;
    json_t *context;                    /* "context", whatever its type */
    bool has_bench;                     /* "benchmarks" seen */
    const char *bench_type;             /* its type when it is not an array; NULL: an array */
    bool row_failed;                    /* row_err holds the first bad row's message */
    char row_err[1024];
} gbs_t;

/* Element idx of "benchmarks" at b[pos]: read, checked and handed to fn while every row so far was good. */
static int read_element(gbs_t *st, size_t idx) {
    rd_t *rd = st->rd;
    rowbuf_t *rb = &st->rb;
    size_t used = 0;
    json_t *j = NULL;
    int k = FAST_SLOW;
    if (rd->b[rd->pos] == '{') {
        while ((k = fast_row(rb, rd->b + rd->pos, rd->b + rd->len, rd->eof, &used)) == FAST_MORE)
            if (rd_more(rd, 2 * (rd->len - rd->pos) + 4096) != 0) return rd_oom(rd);
        if (k == FAST_OOM || (k == FAST_OK && fast_strings(rb, rd->b + rd->pos, used) != 0)) return rd_oom(rd);
    }
    if (k != FAST_OK) {
        json_error_t je;
        bool oom;
        j = rd_jansson(rd, NULL, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &je, &used, &oom);
        if (oom) return rd_oom(rd);
        /* Malformed, or too deep inside the file's object and array (jansson's depth limit counts them):
         * the whole file's parse fails here, perhaps sooner; "[[\"\"," puts the element as deep as that. */
        if (!j || json_depth(j) + 2 > JSON_MAX_DEPTH) {
            if (j) json_decref(j);
            return rd_exact(rd, "[[\"\",", JSON_REJECT_DUPLICATES);
        }
    }
    if (!st->row_failed) {
        char why[256];
        mb_gb_row_t r;
        const char *nm = NULL;
        int st_ = 0;
        if (j && !json_is_object(j)) {
            snprintf(why, sizeof why, "is %s, not an object", type_name(j));
            st_ = -1;
        } else if (j && json_fields(rb, j) != 0) {
            json_decref(j);
            return rd_oom(rd);
        }
        if (st_ == 0) {
            const field_t *n = slot_field(rb, K_NAME);
            if (n && n->kind == F_STRING) nm = n->s;
            st_ = read_row(rb, &r, why, sizeof why);
        }
        if (st_ != 0) {
            if (nm) snprintf(st->row_err, sizeof st->row_err, "%s: benchmarks[%zu] (%.100s) %s", rd->name, idx, nm, why);
            else snprintf(st->row_err, sizeof st->row_err, "%s: benchmarks[%zu] %s", rd->name, idx, why);
            st->row_failed = true;
        } else if (st->fn && st->fn(st->arg, &r) != 0) {
            if (j) json_decref(j);
            return rd_oom(rd);
        }
    }
    if (j) {
        rd_past(rd, j, used);
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
    int c = rd_peek(rd);
    if (c == ']') {
        rd->pos++;
        return 0;
    }
    for (size_t idx = 0;; idx++) {
        if (c == -2) return rd_oom(rd);
        if (c == -1) return rd_exact(rd, idx ? "[\"\"," : "[", JSON_REJECT_DUPLICATES);
        if (read_element(st, idx) != 0) return -1;
        c = rd_peek(rd);
        if (c == ',') {
            rd->pos++;
            c = rd_peek(rd);
            continue;
        }
        if (c == ']') {
            rd->pos++;
            return 0;
        }
        return c == -2 ? rd_oom(rd) : rd_exact(rd, "[\"\"", JSON_REJECT_DUPLICATES);
    }
}

/* An object key at b[pos] = '"' into *key (malloc'd, klen bytes) and *raw (its bytes in the file). 1: the key is
 * not one jansson accepts as a key. */
static int read_key(rd_t *rd, char **key, size_t *klen, size_t *raw) {
    for (;;) {                          /* plain: the key is its bytes */
        size_t i = rd->pos + 1;
        while (i < rd->len && plain((unsigned char)rd->b[i])) i++;
        if (i == rd->len && !rd->eof) {
            if (rd_more(rd, 2 * (rd->len - rd->pos) + 4096) != 0) return -1;
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
    json_t *j = rd_jansson(rd, NULL, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &je, raw, &oom);
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

/* The whole file: its top-level object member by member, "benchmarks" element by element. */
static int read_top(gbs_t *st) {
    rd_t *rd = st->rd;
    int c = rd_peek(rd);
    if (c == -2) return rd_oom(rd);
    if (c != '{') {
        if (c != '[') return rd_exact(rd, NULL, JSON_REJECT_DUPLICATES);
        json_error_t je;                /* an array: parsed whole to tell a syntax error first */
        size_t used;
        bool oom;
        json_t *j = rd_jansson(rd, NULL, JSON_REJECT_DUPLICATES, &je, &used, &oom);
        if (oom) return rd_oom(rd);
        if (!j) return rd_syntax(rd, &je, 0);
        json_decref(j);
        snprintf(rd->err, rd->errsz, "%s: not Google Benchmark JSON: the top level is an array, not an object", rd->name);
        return -1;
    }
    rd->pos++;
    json_t *seen = json_object();       /* the keys so far: a repeated one is an error */
    if (!seen) return rd_oom(rd);
    int ret = -1;
    char *key = NULL;
    for (bool first = true;; first = false) {
        const char *state = first ? "{" : "{\"\":\"\",";
        c = rd_peek(rd);
        if (c == -2) { rd_oom(rd); goto out; }
        if (first && c == '}') {
            rd->pos++;
            break;
        }
        if (c != '"') { rd_exact(rd, state, JSON_REJECT_DUPLICATES); goto out; }
        size_t klen, raw;
        int k = read_key(rd, &key, &klen, &raw);
        if (k < 0) { rd_oom(rd); goto out; }
        if (k > 0) { rd_exact(rd, state, JSON_REJECT_DUPLICATES); goto out; }
        if (json_object_getn(seen, key, klen)) {
            char *pre = malloc(raw + 6);
            if (!pre) { rd_oom(rd); goto out; }
            pre[0] = '{';
            memcpy(pre + 1, rd->b + rd->pos, raw);
            memcpy(pre + 1 + raw, ":\"\",", 5);
            rd_exact(rd, pre, JSON_REJECT_DUPLICATES);
            free(pre);
            goto out;
        }
        if (json_object_setn_new(seen, key, klen, json_null()) != 0) { rd_oom(rd); goto out; }
        rd->pos += raw;
        c = rd_peek(rd);
        if (c != ':') { c == -2 ? rd_oom(rd) : rd_exact(rd, "{\"\"", JSON_REJECT_DUPLICATES); goto out; }
        rd->pos++;
        c = rd_peek(rd);
        if (c == -2) { rd_oom(rd); goto out; }
        bool bench = klen == 10 && !memcmp(key, "benchmarks", 10);
        if (bench && c == '[') {
            st->has_bench = true;
            if (read_benchmarks(st) != 0) goto out;
        } else {
            json_error_t je;
            size_t used;
            bool oom;
            json_t *j = rd_jansson(rd, NULL, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &je,
                                   &used, &oom);
            if (oom) { rd_oom(rd); goto out; }
            if (!j || json_depth(j) + 1 > JSON_MAX_DEPTH) {   /* as for an element, one level up */
                if (j) json_decref(j);
                rd_exact(rd, "{\"\":", JSON_REJECT_DUPLICATES);
                goto out;
            }
            rd_past(rd, j, used);
            if (bench) {
                st->has_bench = true;
                st->bench_type = type_name(j);
            }
            if (klen == 7 && !memcmp(key, "context", 7)) st->context = j;
            else json_decref(j);
        }
        free(key);
        key = NULL;
        c = rd_peek(rd);
        if (c == ',') {
            rd->pos++;
            continue;
        }
        if (c == '}') {
            rd->pos++;
            break;
        }
        c == -2 ? rd_oom(rd) : rd_exact(rd, "{\"\":\"\"", JSON_REJECT_DUPLICATES);
        goto out;
    }
    c = rd_peek(rd);
    if (c == -2) { rd_oom(rd); goto out; }
    if (c != -1) { rd_exact(rd, "{}", JSON_REJECT_DUPLICATES); goto out; }
    /* the file is JSON: now its structure, in the order the rules are listed */
    if (st->context && !json_is_object(st->context))
        snprintf(rd->err, rd->errsz, "%s: \"context\" is %s, not an object", rd->name, type_name(st->context));
    else if (!st->has_bench)
        snprintf(rd->err, rd->errsz, "%s: not Google Benchmark JSON: no \"benchmarks\" array", rd->name);
    else if (st->bench_type)
        snprintf(rd->err, rd->errsz, "%s: \"benchmarks\" is %s, not an array", rd->name, st->bench_type);
    else if (st->row_failed)
        snprintf(rd->err, rd->errsz, "%s", st->row_err);
    else
        ret = 0;
out:
    free(key);
    json_decref(seen);
    return ret;
}

static int read_source(rd_t *rd, mb_gb_row_fn fn, void *arg, json_t **context) {
    gbs_t st = {.rd = rd, .fn = fn, .arg = arg};
    int ret = read_top(&st);
    rowbuf_free(&st.rb);
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
    struct mb_gb_arena *next;
    size_t used, cap;
    max_align_t data[];
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
