/* cli.h: what the subcommands of the command line share: their call, the name lists, the one output epilogue. */
#ifndef MB_CLI_H
#define MB_CLI_H

#include <stdio.h>

#include "harness/base/outfile.h"
#include "harness/cli/options.h"
#include "harness/run/registry.h"

/* A subcommand's call: its options parsed by the table (options.h). */
typedef struct mb_cli_call {
    mb_optval_t v[MB_NOPTS];            /* every option, given or default */
    char **args;                        /* the operands */
    int nargs;                          /* how many */
    int argc;                           /* the subcommand's own argv, argv[0] the executable */
    char **argv;                        /* (compare reads the order of --times and --no-times) */
} mb_cli_call_t;

/* The subcommands, one file each (harness/cli/<name>.c); the status is the process's. */
int mb_cmd_list(mb_cli_call_t *c);
int mb_cmd_run(mb_cli_call_t *c);
int mb_cmd_report(mb_cli_call_t *c);
int mb_cmd_import_hyperfine(mb_cli_call_t *c);
int mb_cmd_compare(mb_cli_call_t *c);
int mb_cmd_tour(mb_cli_call_t *c);
int mb_cmd_fuzz(mb_cli_call_t *c);
int mb_cmd_merge(mb_cli_call_t *c);
int mb_cmd_check(mb_cli_call_t *c);
int mb_cmd_history(mb_cli_call_t *c);
int mb_cmd_trace_convert(mb_cli_call_t *c);
/* probe is hidden and not in the table: it reads its own argv (probe.c). */
int mb_cmd_probe(int argc, char **argv);

/* The command being run (mb_cmd_t, -1 before one is known), for the synopsis after a usage error. */
extern int mb_cli_cmd;
#define usage_error(...) mb_usage_error(mb_cli_cmd, __VA_ARGS__)

/* Run this same command again with jemalloc preloaded (run --allocator
 * jemalloc: it has to be loaded when the process starts); once. */
void mb_cli_reexec_with_jemalloc(void);

/* Comma lists of names ("all" for every one) into new arrays (freed by the
 * caller); an unknown name, a name given twice or none is a usage error. */
size_t mb_cli_strategies(const char *list, const mb_strategy_t ***out);
size_t mb_cli_workloads(const char *list, const mb_workload_t ***out);

/* "membench: <err>" on stderr; returns 2, the status of bad input. */
int mb_cli_fail(const char *err);

/* The one output epilogue of every subcommand that writes a file (--out,
 * "-" for stdout, written atomically: outfile.h). Open: a path that cannot
 * be written is a usage error, after release(arg) when release is given.
 * Commit: status, or 2 (and one line) when the file cannot be committed.
 * Write: open, write(out, arg), commit; a negative return of write aborts
 * the file and is returned as it is (the writer has said why). */
void mb_cli_open(mb_outfile_t *of, const char *path, void (*release)(void *), void *arg);
int mb_cli_commit(mb_outfile_t *of, int status);
int mb_cli_write(const char *path, int (*write)(FILE *out, void *arg), void (*release)(void *), void *arg);

/* The output's name in messages: the path, or "stdout" for none or "-". */
const char *mb_cli_out_name(const char *path);

#endif
