/* history.c: `membench history [show]` and `history import FILE.json...`: the results history (harness/results/history.h, docs/history.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/base/oom.h"
#include "harness/cli/cli.h"
#include "harness/results/history.h"

/* A whole file into *buf (malloc'd) and *len; -1 with one line on stderr when it cannot be read. */
static int read_whole(const char *path, char **buf, size_t *len) {
    FILE *f = fopen(path, "rb");
    size_t cap = 0;
    *buf = NULL;
    *len = 0;
    if (!f) {
        fprintf(stderr, "membench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (*len + 65536 > cap) {
            char *n = realloc(*buf, cap = cap ? cap * 2 : 1 << 20);
            if (!n) mb_harness_oom(path);
            *buf = n;
        }
        size_t got = fread(*buf + *len, 1, cap - *len, f);
        *len += got;
        if (!got) break;
    }
    bool rerr = ferror(f);
    fclose(f);
    if (!rerr) return 0;
    fprintf(stderr, "membench: %s: read error\n", path);
    free(*buf);
    return -1;
}

/* history import: each file appended once (a file already in, by content hash, is skipped). */
static int history_import(const char *db, char **args, int nargs) {
    if (nargs < 2) usage_error("history import: expected one or more results files");
    char err[8192];
    mb_hist_t *h = mb_hist_open(db, true, err, sizeof err);
    if (!h) return mb_cli_fail(err);
    int status = 0;
    for (int i = 1; i < nargs; i++) {
        char *buf;
        size_t len;
        if (read_whole(args[i], &buf, &len) != 0) {
            status = 2;
            continue;
        }
        bool dup;
        long long run;
        size_t nrows;
        int rc = mb_hist_import(h, buf, len, args[i], &dup, &run, &nrows, err, sizeof err);
        free(buf);
        if (rc != 0) {
            status = mb_cli_fail(err);
            if (rc == -2) break;        /* the database itself: stop */
        } else if (dup)
            fprintf(stderr, "membench: %s: already in %s (run %lld, the same content hash): skipped\n", args[i], db, run);
        else
            fprintf(stderr, "membench: %s: appended to %s as run %lld (%zu entries)\n", args[i], db, run, nrows);
    }
    mb_hist_close(h);
    return status;
}

/* What the writer of history show needs. */
typedef struct show_out {
    mb_hist_t *h;                       /* the database, open */
    mb_hist_show_opts_t o;              /* what to show */
    char err[8192];                     /* why it could not */
} show_out_t;

static int write_show(FILE *out, void *arg) {
    show_out_t *s = arg;
    return mb_hist_show(s->h, &s->o, out, s->err, sizeof s->err);
}

static void release_show(void *arg) { mb_hist_close(((show_out_t *)arg)->h); }

static int history_show(const mb_cli_call_t *c) {
    const mb_optval_t *v = c->v;
    if (c->nargs > 1) usage_error("history show: unexpected argument '%s'", c->args[1]);
    static const mb_hist_format_t fmts[] = {MB_HIST_CONSOLE, MB_HIST_MARKDOWN, MB_HIST_JSON, MB_HIST_CSV};
    show_out_t s = {.o = {.filter = v[MB_O_FILTER].given ? v[MB_O_FILTER].text : NULL, .metric = v[MB_O_METRIC].text,
                          .alpha = v[MB_O_ALPHA].d, .threshold = v[MB_O_THRESH].d, .window = (unsigned)v[MB_O_WINDOW].u,
                          .format = fmts[v[MB_O_FORMAT].choice]}};
    if (!(s.o.alpha > 0 && s.o.alpha < 1)) usage_error("--alpha must be between 0 and 1, not '%s'", v[MB_O_ALPHA].text);
    if (!(s.h = mb_hist_open(v[MB_O_DB].text, false, s.err, sizeof s.err))) return mb_cli_fail(s.err);
    mb_outfile_t of;
    mb_cli_open(&of, v[MB_O_OUT].text, release_show, &s);
    int rc = write_show(of.f, &s);
    mb_hist_close(s.h);
    if (rc < 0) {
        mb_outfile_abort(&of);
        if (rc == -1) usage_error("%s", s.err);
        return mb_cli_fail(s.err);
    }
    return mb_cli_commit(&of, rc);
}

int mb_cmd_history(mb_cli_call_t *c) {
    const char *action = c->nargs ? c->args[0] : "show";
    if (!strcmp(action, "import")) return history_import(c->v[MB_O_DB].text, c->args, c->nargs);
    if (strcmp(action, "show")) usage_error("history: unknown action '%s' (show or import)", action);
    return history_show(c);
}
