/* text.c: the text form of a trace (docs/traces.md), to and from the binary one, and `membench trace-convert`. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/strategy.h"
#include "harness/trace/trace_fmt.h"

int mb_trace_bin2text(const unsigned char *buf, size_t len, FILE *out, char *err, size_t errsz) {
    mb_trace_header_t h;
    if (mb_trace_validate(buf, len, &h, err, errsz) != 0) return -1;
    fprintf(out, "membench-trace %u\nworkload %s\nn %" PRIu64 "\nseed %" PRIu64 "\ninterning %d\nfinalizers %d\n"
            "checksum %" PRIu64 "\nleaks-off %" PRIu64 "\nleaks-on %" PRIu64 "\nuncollectable %" PRIu64
            "\nops %" PRIu64 "\nmain\n", MB_TRACE_VERSION, h.workload, h.n, h.seed, h.interning, h.finalizers,
            h.checksum, h.leaks_acyclic[0], h.leaks_acyclic[1], h.uncollectable_legacy, h.ops);
    rd_t r = {.b = buf, .len = len, .err = err, .errsz = errsz};
    /* Skip the header again (it is valid). */
    r.pos = 6;
    uint64_t x;
    mbt_rd_varint(&r, &x, "");
    r.pos += x;
    for (int i = 0; i < 9; i++) mbt_rd_varint(&r, &x, "");
    for (uint64_t body = 0; body <= h.nfin; body++) {
        if (body) fprintf(out, "fin %" PRIu64 "\n", body - 1);
        for (;;) {
            uint64_t op;
            mbt_rd_varint(&r, &op, "");
            if (op == MB_T_END) break;
            fputs(mbt_ops[op].name, out);
            for (const char *a = mbt_ops[op].args; *a; a++) {
                mbt_rd_varint(&r, &x, "");
                if (*a == 'i') fprintf(out, " %" PRId64, unzz(x));
                else if (*a != 'S') fprintf(out, " %" PRIu64, x);
                else {
                    fputs(" \"", out);
                    for (uint64_t j = 0; j < x; j++) {
                        unsigned char ch = r.b[r.pos + j];
                        if (ch == '"' || ch == '\\') fprintf(out, "\\%c", ch);
                        else if (ch < 0x20 || ch >= 0x7f) fprintf(out, "\\x%02x", ch);
                        else fputc(ch, out);
                    }
                    fputc('"', out);
                    r.pos += x;
                }
            }
            fputc('\n', out);
        }
        fputs("end\n", out);
    }
    return ferror(out) ? (snprintf(err, errsz, "write error"), -1) : 0;
}

static int tfail(char *err, size_t errsz, unsigned line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int tfail(char *err, size_t errsz, unsigned line, const char *fmt, ...) {
    char m[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    snprintf(err, errsz, "line %u: %s", line, m);
    return -1;
}

/* A number at *p (after blanks): signed when sgn. */
static bool tnum(const char **p, bool sgn, uint64_t *v) {
    const char *s = *p;
    while (*s == ' ' || *s == '\t') s++;
    if (!(*s == '-' && sgn) && !(*s >= '0' && *s <= '9')) return false;
    char *e;
    errno = 0;
    if (sgn) *v = (uint64_t)strtoll(s, &e, 10);
    else *v = strtoull(s, &e, 10);
    if (errno || (*e && *e != ' ' && *e != '\t')) return false;
    *p = e;
    return true;
}

/* The text reader's state. */
typedef struct tp {
    mb_trace_header_t h;                /* the header read so far */
    bool seen[10];                      /* header keys seen (KEYS order) */
    bool version;                       /* the first line was read */
    int section;                        /* -2 header, -1 main, k finalizer body k; -3 between sections */
    wbuf_t body;                        /* the body, binary */
    uint64_t nops;                      /* operations in it */
    unsigned line;                      /* the line being read */
    char *err;                          /* where a failure is described */
    size_t errsz;                       /* its size */
} tp_t;

static const char *const KEYS[10] = {"workload", "n", "seed", "interning", "finalizers", "checksum",
                                     "leaks-off", "leaks-on", "uncollectable", "ops"};

/* The first line: "membench-trace VERSION". */
static int t_version(tp_t *t, const char *word, const char *s) {
    uint64_t v;
    if (strcmp(word, "membench-trace") || !tnum(&s, false, &v))
        return tfail(t->err, t->errsz, t->line, "a text trace begins with 'membench-trace %u'", MB_TRACE_VERSION);
    if (v != MB_TRACE_VERSION)
        return tfail(t->err, t->errsz, t->line, "format version %" PRIu64 "; this membench reads version %u", v,
                     MB_TRACE_VERSION);
    t->version = true;
    return 0;
}

/* A header line ("KEY VALUE"), or "main", which ends the header. */
static int t_header(tp_t *t, const char *word, const char *s) {
    mb_trace_header_t *h = &t->h;
    if (!strcmp(word, "main")) {
        for (int k = 0; k < 10; k++)
            if (!t->seen[k]) return tfail(t->err, t->errsz, t->line, "the header has no '%s' line", KEYS[k]);
        t->section = -1;
        return 0;
    }
    int k = 0;
    while (k < 10 && strcmp(word, KEYS[k])) k++;
    if (k == 10) return tfail(t->err, t->errsz, t->line, "unknown header line '%s'", word);
    t->seen[k] = true;
    if (k == 0) {
        while (*s == ' ' || *s == '\t') s++;
        if (!*s || strlen(s) >= sizeof h->workload) return tfail(t->err, t->errsz, t->line, "bad workload name");
        snprintf(h->workload, sizeof h->workload, "%s", s);
        return 0;
    }
    uint64_t v;
    if (!tnum(&s, false, &v)) return tfail(t->err, t->errsz, t->line, "'%s' wants a number", word);
    uint64_t *dst[] = {NULL, &h->n, &h->seed, NULL, NULL, &h->checksum, &h->leaks_acyclic[0],
                       &h->leaks_acyclic[1], &h->uncollectable_legacy, &h->ops};
    if (k == 3 || k == 4) {
        if (v > 1) return tfail(t->err, t->errsz, t->line, "'%s' is 0 or 1", word);
        if (k == 3) h->interning = v;
        else h->finalizers = v;
    } else {
        *dst[k] = v;
    }
    return 0;
}

/* A quoted string operand at *sp (after blanks), with \", \\, \n and \xHH escapes, into the body. */
static int t_string(tp_t *t, const char *word, int i, const char **sp) {
    const char *s = *sp;
    while (*s == ' ' || *s == '\t') s++;
    if (*s != '"') return tfail(t->err, t->errsz, t->line, "%s: operand %d is a quoted string", word, i + 1);
    wbuf_t str = {0};
    for (s++; *s && *s != '"'; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\\') {
            s++;
            if (*s == 'x' && s[1] && s[2]) {
                char hx[3] = {s[1], s[2], 0};
                ch = (unsigned char)strtoul(hx, NULL, 16);
                s += 2;
            } else if (*s == '"' || *s == '\\') ch = (unsigned char)*s;
            else if (*s == 'n') ch = '\n';
            else { free(str.b); return tfail(t->err, t->errsz, t->line, "bad escape in a string"); }
        }
        mbt_wb_put(&str, &ch, 1);
    }
    if (*s != '"') { free(str.b); return tfail(t->err, t->errsz, t->line, "unterminated string"); }
    mbt_wb_varint(&t->body, str.n);
    if (str.n) mbt_wb_put(&t->body, str.b, str.n);
    free(str.b);
    *sp = s + 1;
    return 0;
}

/* A line of a section: "end", or an operation and its operands. */
static int t_op(tp_t *t, const char *word, const char *s) {
    if (!strcmp(word, "end")) {
        mbt_wb_varint(&t->body, MB_T_END);
        t->section = -3;
        return 0;
    }
    unsigned op = 1;
    while (op < MB_T_NOPS && strcmp(word, mbt_ops[op].name)) op++;
    if (op == MB_T_NOPS) return tfail(t->err, t->errsz, t->line, "unknown operation '%s'", word);
    mbt_wb_varint(&t->body, op);
    t->nops++;
    int i = 0;
    for (const char *a = mbt_ops[op].args; *a; a++, i++) {
        uint64_t v;
        if (*a == 'S') {
            if (t_string(t, word, i, &s) != 0) return -1;
        } else if (!tnum(&s, *a == 'i', &v)) {
            return tfail(t->err, t->errsz, t->line, "%s: operand %d is missing or not a number (%s takes %zu)", word,
                         i + 1, word, strlen(mbt_ops[op].args));
        } else {
            mbt_wb_varint(&t->body, *a == 'i' ? zz((int64_t)v) : v);
        }
    }
    while (*s == ' ' || *s == '\t') s++;
    if (*s) return tfail(t->err, t->errsz, t->line, "%s: extra operand '%s'", word, s);
    return 0;
}

/* One line (no newline): blank and # lines skipped, else its first word says what it is. */
static int t_line(tp_t *t, const char *l) {
    const char *s = l;
    while (*s == ' ' || *s == '\t') s++;
    if (!*s || *s == '#') return 0;
    char word[32];
    size_t wn = strcspn(s, " \t");
    if (wn >= sizeof word) return tfail(t->err, t->errsz, t->line, "unknown word '%.40s'", s);
    memcpy(word, s, wn);
    word[wn] = 0;
    s += wn;
    if (!t->version) return t_version(t, word, s);
    if (t->section == -2) return t_header(t, word, s);
    if (t->section == -3) {
        uint64_t v;
        if (strcmp(word, "fin") || !tnum(&s, false, &v) || v != t->h.nfin)
            return tfail(t->err, t->errsz, t->line, "expected 'fin %" PRIu64 "' (bodies are numbered in order)",
                         t->h.nfin);
        t->section = (int)t->h.nfin++;
        return 0;
    }
    return t_op(t, word, s);
}

/* The whole binary trace (header, body, trailer), validated, to out. */
static int t_write(tp_t *t, FILE *out) {
    wbuf_t all = {0};
    mbt_put_header(&all, &t->h);
    size_t b0 = all.n;
    mbt_wb_put(&all, t->body.b, t->body.n);
    mbt_put_trailer(&all, t->nops, mb_fnv1a(MB_FNV1A_BASIS, all.b + b0, t->body.n));
    char e[512];
    mb_trace_header_t chk;
    int rc = -1;
    if (mb_trace_validate(all.b, all.n, &chk, e, sizeof e) != 0)
        snprintf(t->err, t->errsz, "the text makes an invalid trace: binary %s", e);
    else if ((rc = fwrite(all.b, 1, all.n, out) == all.n ? 0 : -1) != 0)
        snprintf(t->err, t->errsz, "write error");
    free(all.b);
    return rc;
}

int mb_trace_text2bin(const char *text, size_t len, FILE *out, char *err, size_t errsz) {
    (void)len;
    tp_t t = {.section = -2, .err = err, .errsz = errsz};
    int rc = -1;
    for (const char *p = text; *p;) {
        const char *eol = strchr(p, '\n');
        if (!eol) eol = p + strlen(p);
        t.line++;
        char l[65536];
        size_t n = (size_t)(eol - p);
        if (n >= sizeof l) { tfail(err, errsz, t.line, "line too long"); goto out; }
        memcpy(l, p, n);
        l[n] = 0;
        if (n && l[n - 1] == '\r') l[--n] = 0;
        p = *eol ? eol + 1 : eol;
        if (t_line(&t, l) != 0) goto out;
    }
    if (t.section != -3) {
        tfail(err, errsz, t.line, !t.version ? "empty trace" : t.section == -2 ? "no 'main' section" : "missing 'end'");
        goto out;
    }
    rc = t_write(&t, out);
out:
    free(t.body.b);
    return rc;
}

int mb_trace_convert(const char *in, const char *out) {
    unsigned char *buf;
    size_t len;
    char err[1024];
    if (mbt_read_file(in, &buf, &len, err, sizeof err) != 0) {
        fprintf(stderr, "membench: trace-convert: %s\n", err);
        return 2;
    }
    bool bin = len >= 4 && !memcmp(buf, MB_TRACE_MAGIC, 4);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    bool stdo = !strcmp(out, "-");
    FILE *f = stdo ? stdout : fopen(tmp, "wb");
    if (!f) {
        fprintf(stderr, "membench: trace-convert: cannot write %s: %s\n", tmp, strerror(errno));
        free(buf);
        return 2;
    }
    int rc = bin ? mb_trace_bin2text(buf, len, f, err, sizeof err) : mb_trace_text2bin((const char *)buf, len, f, err, sizeof err);
    free(buf);
    if (!stdo) {
        if (fclose(f) != 0 && !rc) {
            rc = -1;
            snprintf(err, sizeof err, "write error");
        }
        if (!rc && rename(tmp, out) != 0) {
            rc = -1;
            snprintf(err, sizeof err, "cannot write %s: %s", out, strerror(errno));
        }
        if (rc) remove(tmp);
    }
    if (rc) {
        fprintf(stderr, "membench: trace-convert: %s: %s\n", in, err);
        return 2;
    }
    return 0;
}
