/* report.c: `membench report FILE.json`: a results file shown in another format; and the suite writer `run` and `import-hyperfine` share. */
#include <jansson.h>

#include "harness/base/filter.h"
#include "harness/cli/cli.h"
#include "harness/cli/suite_out.h"
#include "harness/results/suite_read.h"

static int write_suite(FILE *out, void *arg) {
    const mb_cli_suite_out_t *o = arg;
    mb_context_t ctx;
    mb_context_read(&ctx);
    mb_report_suite(out, o->fmt, o->suite, &ctx);
    int status = 0;
    for (size_t i = 0; i < o->suite->n; i++) status |= o->suite->v[i].error;
    return status;
}

static void release_suite(void *arg) { mb_suite_free(((mb_cli_suite_out_t *)arg)->suite); }

int mb_cli_suite_out(mb_suite_t *s, mb_format_t fmt, const char *path) {
    mb_cli_suite_out_t o = {.suite = s, .fmt = fmt};
    int status = mb_cli_write(path, write_suite, release_suite, &o);
    mb_suite_free(s);
    return status;
}

mb_format_t mb_cli_format(const char *name) {
    mb_format_t fmt;
    if (mb_format_parse(name, &fmt) != 0) usage_error("--format '%s' is not built in", name);
    return fmt;
}

/* Keep the entries the filter selects, in order; none is a usage error. */
static void filter_suite(mb_suite_t *suite, mb_filter_t *filter, const char *regex, const char *path) {
    size_t kept = 0;
    for (size_t e = 0; e < suite->n; e++) {
        if (mb_filter_match(filter, suite->v[e].name)) suite->v[kept++] = suite->v[e];
        else if (suite->v[e].extra) json_decref(suite->v[e].extra);
    }
    suite->n = kept;
    if (!kept) {
        mb_suite_free(suite);
        usage_error("--filter '%s' matches no entry of %s", regex, path);
    }
    mb_filter_free(filter);
}

int mb_cmd_report(mb_cli_call_t *c) {
    const mb_optval_t *v = c->v;
    mb_format_t fmt = mb_cli_format(v[MB_O_FORMAT].text);
    mb_filter_t filter;
    char err[1024];
    if (mb_filter_compile(&filter, v[MB_O_FILTER].given ? v[MB_O_FILTER].text : NULL, err, sizeof err) != 0)
        usage_error("%s", err);
    mb_suite_t suite = {0};
    if (mb_gbjson_read(c->args[0], &suite, err, sizeof err) != 0) return mb_cli_fail(err);
    suite.aggregates_only = v[MB_O_AGGONLY].flag;
    if (filter.active) filter_suite(&suite, &filter, v[MB_O_FILTER].text, c->args[0]);
    return mb_cli_suite_out(&suite, fmt, v[MB_O_OUT].text);
}
