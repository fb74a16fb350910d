/* import_hyperfine.c: `membench import-hyperfine FILE.json`: hyperfine's export as Google Benchmark JSON (harness/results/hyperfine.h). */
#include "harness/cli/cli.h"
#include "harness/cli/suite_out.h"
#include "harness/results/hyperfine.h"

int mb_cmd_import_hyperfine(mb_cli_call_t *c) {
    mb_format_t fmt = mb_cli_format(c->v[MB_O_FORMAT].text);
    mb_suite_t suite = {.executable = "hyperfine"};
    char err[1024];
    if (mb_hyperfine_import(c->args[0], &suite, err, sizeof err) != 0) return mb_cli_fail(err);
    return mb_cli_suite_out(&suite, fmt, c->v[MB_O_OUT].text);
}
