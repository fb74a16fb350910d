/* trace_convert.c: `membench trace-convert IN OUT`: a binary trace to text or text to binary (docs/traces.md). */
#include "harness/cli/cli.h"
#include "harness/trace/trace.h"

int mb_cmd_trace_convert(mb_cli_call_t *c) {
    return mb_trace_convert(c->args[0], c->args[1]);
}
