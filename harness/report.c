/* report.c: the console table of `run` and the output of `list`. */
#include <inttypes.h>
#include <string.h>

#include "report.h"

char *mb_fmt_ns(char *buf, size_t n, double ns) {
    if (ns < 1e3) snprintf(buf, n, "%.0f ns", ns);
    else if (ns < 1e6) snprintf(buf, n, "%.2f us", ns / 1e3);
    else if (ns < 1e9) snprintf(buf, n, "%.2f ms", ns / 1e6);
    else snprintf(buf, n, "%.2f s", ns / 1e9);
    return buf;
}

char *mb_fmt_bytes(char *buf, size_t n, double b) {
    if (b < 1024) snprintf(buf, n, "%.0f B", b);
    else if (b < 1024.0 * 1024) snprintf(buf, n, "%.1f KiB", b / 1024);
    else if (b < 1024.0 * 1024 * 1024) snprintf(buf, n, "%.1f MiB", b / (1024.0 * 1024));
    else snprintf(buf, n, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    return buf;
}

char *mb_fmt_count(char *buf, size_t n, double v) {
    if (v < 1e4) snprintf(buf, n, "%.0f", v);
    else if (v < 1e6) snprintf(buf, n, "%.1fk", v / 1e3);
    else if (v < 1e9) snprintf(buf, n, "%.2fM", v / 1e6);
    else snprintf(buf, n, "%.2fG", v / 1e9);
    return buf;
}

#define ROW_FMT "%-44s %10s %10s %9s %9s %9s %10s %6s %10s %10s %10s %17s\n"

void mb_report_begin(mb_report_t *r, FILE *out) {
    r->out = out;
    r->rows = 0;
    fprintf(out, ROW_FMT, "case", "time", "items/s", "allocated", "freed", "leaked", "peak live", "colls",
            "gc time", "pause p99", "pause max", "checksum");
}

void mb_report_row(mb_report_t *r, const mb_case_t *c, const mb_result_t *res, const char *problem) {
    char name[128], t[32], ips[32], al[32], fr[32], lk[32], pk[32], co[32], gt[32], p99[32], pm[32], ck[32];
    snprintf(name, sizeof name, "%s/%s/interning:%s", c->workload->name, c->strategy->name,
             c->args.interning ? "on" : "off");
    double secs = (double)res->real_ns / 1e9;
    mb_fmt_ns(t, sizeof t, (double)res->real_ns);
    mb_fmt_count(ips, sizeof ips, secs > 0 ? (double)res->ops / secs : 0);
    mb_fmt_count(al, sizeof al, (double)res->stats.objects_allocated);
    mb_fmt_count(fr, sizeof fr, (double)res->stats.objects_freed);
    mb_fmt_count(lk, sizeof lk, (double)res->stats.leaked_objects);
    mb_fmt_bytes(pk, sizeof pk, (double)res->stats.peak_live_bytes);
    snprintf(co, sizeof co, "%" PRIu64, res->stats.collections);
    mb_fmt_ns(gt, sizeof gt, (double)res->stats.gc_time_ns);
    mb_fmt_ns(p99, sizeof p99, (double)res->pause_p99_ns);
    mb_fmt_ns(pm, sizeof pm, (double)res->pause_max_ns);
    snprintf(ck, sizeof ck, "%" PRIu64, res->checksum);
    fprintf(r->out, ROW_FMT, name, t, ips, al, fr, lk, pk, co, gt, p99, pm, ck);
    if (problem)
        fprintf(r->out, "  ^ FAILED: %s (leaked %" PRIu64 ", expected %" PRIu64 ")\n", problem,
                res->stats.leaked_objects, res->expected_leaks);
    r->rows++;
}

void mb_report_end(mb_report_t *r) { fflush(r->out); }

static void attrs_text(unsigned a, char *buf, size_t n) {
    snprintf(buf, n, "%s%s%s%s%s", a & MB_ATTR_COUNTS ? "counts " : "", a & MB_ATTR_FREES ? "frees " : "",
             a & MB_ATTR_CYCLES ? "cycles " : "", a & MB_ATTR_TRACES ? "traces " : "",
             a & MB_ATTR_POLICY ? "heap-policy " : "");
    size_t l = strlen(buf);
    if (l) buf[l - 1] = '\0';
    else snprintf(buf, n, "-");
}

void mb_report_list_console(FILE *out) {
    fprintf(out, "Strategies:\n  %-12s %-34s %9s  %s\n", "name", "attributes", "overhead", "description");
    for (size_t i = 0; mb_strategies[i]; i++) {
        const mb_strategy_t *s = mb_strategies[i];
        char a[128];
        attrs_text(s->attrs, a, sizeof a);
        fprintf(out, "  %-12s %-34s %7zu B  %s\n", s->name, a, sizeof(mb_obj_t) + s->side_bytes, s->description);
    }
    fprintf(out, "\nWorkloads:\n  %-18s %10s %10s %10s  %s\n", "name", "quick", "default", "large", "description");
    for (size_t i = 0; mb_workloads[i]; i++) {
        const mb_workload_t *w = mb_workloads[i];
        fprintf(out, "  %-18s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "  %s\n", w->name, w->size_quick,
                w->size_default, w->size_large, w->description);
    }
}

/* JSON string: the names and descriptions are ours, but escape anyway. */
static void json_str(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fprintf(out, "\\%c", *s);
        else if ((unsigned char)*s < 0x20) fprintf(out, "\\u%04x", *s);
        else fputc(*s, out);
    }
    fputc('"', out);
}

void mb_report_list_json(FILE *out) {
    static const char *const attr_names[] = {"counts", "frees", "cycles", "traces", "heap-policy"};
    fprintf(out, "{\n  \"strategies\": [");
    for (size_t i = 0; mb_strategies[i]; i++) {
        const mb_strategy_t *s = mb_strategies[i];
        fprintf(out, "%s\n    {\"name\": ", i ? "," : "");
        json_str(out, s->name);
        fprintf(out, ", \"description\": ");
        json_str(out, s->description);
        fprintf(out, ", \"attributes\": [");
        int first = 1;
        for (unsigned b = 0; b < 5; b++)
            if (s->attrs & (1u << b)) {
                fprintf(out, "%s\"%s\"", first ? "" : ", ", attr_names[b]);
                first = 0;
            }
        fprintf(out, "], \"overhead_bytes\": %zu}", sizeof(mb_obj_t) + s->side_bytes);
    }
    fprintf(out, "\n  ],\n  \"workloads\": [");
    for (size_t i = 0; mb_workloads[i]; i++) {
        const mb_workload_t *w = mb_workloads[i];
        fprintf(out, "%s\n    {\"name\": ", i ? "," : "");
        json_str(out, w->name);
        fprintf(out, ", \"description\": ");
        json_str(out, w->description);
        fprintf(out, ", \"sizes\": {\"quick\": %" PRIu64 ", \"default\": %" PRIu64 ", \"large\": %" PRIu64 "}}",
                w->size_quick, w->size_default, w->size_large);
    }
    fprintf(out, "\n  ]\n}\n");
}
