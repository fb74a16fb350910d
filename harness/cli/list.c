/* list.c: `membench list`: the strategies and workloads, on the console or as JSON. */
#include "harness/cli/cli.h"
#include "harness/report/report.h"

int mb_cmd_list(mb_cli_call_t *c) {
    if (c->v[MB_O_FORMAT].choice == 1) mb_report_list_json(stdout);
    else mb_report_list_console(stdout);
    return 0;
}
