/* list.c: `membench list`: the strategies (attributes, bytes per object) and workloads (sizes), on the console or as JSON. */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "harness/report/report.h"

static void attrs_text(unsigned a, char *buf, size_t n) {
    size_t l = 0;
    buf[0] = '\0';
    for (const mb_attr_info_t *ai = mb_attr_info; ai->name; ai++)
        if ((a & ai->bit) && l < n) l += (size_t)snprintf(buf + l, n - l, "%s%s", l ? " " : "", ai->name);
    if (!l) snprintf(buf, n, "-");
}

void mb_report_list_console(FILE *out) {
    fprintf(out, "Strategies:\n  %-12s %-61s %9s  %s\n", "name", "attributes", "overhead", "description");
    for (size_t i = 0; mb_strategies[i]; i++) {
        const mb_strategy_t *s = mb_strategies[i];
        char a[128];
        attrs_text(s->attrs, a, sizeof a);
        fprintf(out, "  %-12s %-61s %7zu B  %s\n", s->name, a, sizeof(mb_obj_t) + s->side_bytes, s->description);
    }
    fprintf(out, "\nWorkloads:\n  %-18s %10s %10s %10s  %s\n", "name", "quick", "default", "large", "description");
    for (size_t i = 0; mb_workloads[i]; i++) {
        const mb_workload_t *w = mb_workloads[i];
        fprintf(out, "  %-18s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "  %s\n", w->name, w->size_quick,
                w->size_default, w->size_large, w->description);
    }
}

/* The start of one entry of list's JSON: its name and description. */
static void json_entry(FILE *out, size_t i, const char *name, const char *description) {
    fprintf(out, "%s\n    {\"name\": ", i ? "," : "");
    mb_json_write_str(out, name);
    fprintf(out, ", \"description\": ");
    mb_json_write_str(out, description);
}

void mb_report_list_json(FILE *out) {
    fprintf(out, "{\n  \"strategies\": [");
    for (size_t i = 0; mb_strategies[i]; i++) {
        const mb_strategy_t *s = mb_strategies[i];
        json_entry(out, i, s->name, s->description);
        fprintf(out, ", \"attributes\": [");
        int first = 1;
        for (const mb_attr_info_t *ai = mb_attr_info; ai->name; ai++)
            if (s->attrs & ai->bit) {
                fprintf(out, "%s\"%s\"", first ? "" : ", ", ai->name);
                first = 0;
            }
        fprintf(out, "], \"overhead_bytes\": %zu}", sizeof(mb_obj_t) + s->side_bytes);
    }
    fprintf(out, "\n  ],\n  \"workloads\": [");
    for (size_t i = 0; mb_workloads[i]; i++) {
        const mb_workload_t *w = mb_workloads[i];
        json_entry(out, i, w->name, w->description);
        fprintf(out, ", \"sizes\": {\"quick\": %" PRIu64 ", \"default\": %" PRIu64 ", \"large\": %" PRIu64 "}}",
                w->size_quick, w->size_default, w->size_large);
    }
    fprintf(out, "\n  ]\n}\n");
}
