/* merge.c: `membench merge SHARD.json...`: the shards of one `run --shard I/N` plan into one results file (harness/results/merge.h). */
#include <jansson.h>

#include "harness/cli/cli.h"
#include "harness/results/merge.h"

static int write_doc(FILE *out, void *arg) {
    if (json_dumpf(arg, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) == 0 && fputc('\n', out) != EOF)
        return 0;
    fprintf(stderr, "membench: cannot write the merged results\n");
    return -1;
}

static void release_doc(void *arg) { json_decref(arg); }

int mb_cmd_merge(mb_cli_call_t *c) {
    json_t *doc;
    unsigned missing;
    char err[2048];
    if (mb_merge(c->args, c->nargs, c->v[MB_O_PARTIAL].flag, &doc, &missing, err, sizeof err) != 0) return mb_cli_fail(err);
    const char *outpath = c->v[MB_O_OUT].text;
    int status = mb_cli_write(outpath, write_doc, release_doc, doc);
    if (status < 0) status = 2;
    else if (status == 0) {
        const json_t *ctx = json_object_get(doc, "context");
        json_int_t count = json_integer_value(json_object_get(ctx, "shard_count"));
        fprintf(stderr, "membench: merged %d of %lld shards (%zu entries) into %s%s\n", c->nargs, (long long)count,
                json_array_size(json_object_get(doc, "benchmarks")), mb_cli_out_name(outpath),
                missing ? ", marked incomplete: the missing shards are listed in its context (shards_missing)" : "");
    }
    json_decref(doc);
    return status;
}
