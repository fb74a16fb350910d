/* options.h: every option of every subcommand, declared once in one table
 * (options.c), from which come the parser's validation, `membench COMMAND
 * --help`, the usage synopsis, the man page (docs/membench.1) and the
 * options written to the JSON context. */
#ifndef MB_OPTIONS_H
#define MB_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The history database of `membench history` when --db is not given: stated
 * here only (the Makefile's HISTORY and scripts/mb-dashboard read this line). */
#define MB_HISTORY_DB_DEFAULT "results/history.sqlite"

/* The subcommands. */
typedef enum mb_cmd {
    MB_CMD_LIST, MB_CMD_RUN, MB_CMD_REPORT, MB_CMD_IMPORT, MB_CMD_COMPARE, MB_CMD_TOUR, MB_CMD_FUZZ, MB_CMD_MERGE,
    MB_CMD_CHECK, MB_CMD_HISTORY, MB_CMD_TRACECONV, MB_NCMDS
} mb_cmd_t;

/* What an option's value is. */
typedef enum mb_opt_kind {
    MB_OK_FLAG,                         /* no value */
    MB_OK_UINT,                         /* an integer in [min, max] */
    MB_OK_NUM,                          /* a finite number in [min, max] */
    MB_OK_CHOICE,                       /* one of choices ("a|b|c"); the value is its index */
    MB_OK_TEXT,                         /* any text (a list, a file, a regular expression) */
} mb_opt_kind_t;

/* The options; one id may be declared for several subcommands (one row each). */
typedef enum mb_opt_id {
    MB_O_STRATEGY, MB_O_WORKLOAD, MB_O_INTERNING, MB_O_SIZE, MB_O_SCALE, MB_O_REPS, MB_O_SEED,
    MB_O_FORMAT, MB_O_OUT, MB_O_TIMEOUT, MB_O_ALLOCATOR, MB_O_HEAPMUL, MB_O_FINALIZERS, MB_O_PARAMS,
    MB_O_INPROC, MB_O_TWINS, MB_O_FILTER, MB_O_AGGONLY,
    MB_O_ALPHA, MB_O_THRESH, MB_O_MEMTHRESH, MB_O_MEMFLOOR, MB_O_TIMERULE, MB_O_TIMES, MB_O_NOTIMES,
    MB_O_MEMORY, MB_O_NOMEMORY, MB_O_NOCOUNTERS, MB_O_COUNTERS, MB_O_STRICT, MB_O_METRIC,
    MB_O_SEEDS, MB_O_SECONDS, MB_O_STEPS,
    MB_O_SHARD, MB_O_SHARDCOSTS, MB_O_PARTIAL,
    MB_O_ONLY, MB_O_DEPTH,
    MB_O_HISTORY, MB_O_NOHISTORY, MB_O_DB, MB_O_WINDOW,
    MB_O_RECORD,
    MB_NOPTS
} mb_opt_id_t;

typedef struct mb_optdef {
    mb_cmd_t cmd;                       /* the subcommand */
    mb_opt_id_t id;
    char shortopt;                      /* 's' for -s; 0: long only */
    const char *name;                   /* the long name, without "--" */
    mb_opt_kind_t kind;
    const char *meta;                   /* the value's name in help: LIST, N, FILE */
    const char *choices;                /* MB_OK_CHOICE: "console|json" */
    const char *def;                    /* the default as given on the command line; NULL: none */
    const char *def_doc;                /* the default in words when def is NULL or depends ("the scale's") */
    long double min, max;               /* MB_OK_UINT, MB_OK_NUM: the range, inclusive (exact for 64-bit integers) */
    const char *doc;                    /* one line */
} mb_optdef_t;

extern const mb_optdef_t mb_optdefs[];
extern const size_t mb_noptdefs;

typedef struct mb_cmddef {
    const char *name;                   /* "run" */
    const char *args;                   /* positional arguments: "BASELINE.json CONTENDER.json" or "" */
    int nargs;                          /* how many; -1: one or more; -2: any number */
    const char *doc;                    /* what it does, one line */
} mb_cmddef_t;

extern const mb_cmddef_t mb_cmddefs[MB_NCMDS];

/* A parsed value: the default's when not given (def NULL: nothing set). */
typedef struct mb_optval {
    bool given;                         /* on the command line */
    bool set;                           /* given or defaulted */
    const char *text;                   /* as written */
    uint64_t u;                         /* MB_OK_UINT */
    double d;                           /* MB_OK_NUM (and MB_OK_UINT as a double) */
    int choice;                         /* MB_OK_CHOICE: index in choices */
    bool flag;                          /* MB_OK_FLAG: given */
} mb_optval_t;

/* Parse argv (argv[0] the program) for cmd into v[MB_NOPTS]; positional
 * arguments are left in *args and *nargs. "-h"/"--help" prints the command's
 * help on stdout and exits 0. Bad input: one line naming the problem, the
 * command's synopsis, exit 2. */
void mb_opts_parse(mb_cmd_t cmd, int argc, char **argv, mb_optval_t v[MB_NOPTS], char ***args, int *nargs);

/* The row of an option of cmd, or NULL if cmd does not take it. */
const mb_optdef_t *mb_opt_find(mb_cmd_t cmd, mb_opt_id_t id);

/* The command named s, or -1. */
int mb_cmd_find(const char *s);

/* Usage error: "membench: <message>", the synopsis of cmd (or of every
 * command when cmd < 0), exit 2. */
_Noreturn void mb_usage_error(int cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Write the synopsis of every command (`membench --help`). */
void mb_opts_usage(FILE *out, int cmd);
/* `membench COMMAND --help`: synopsis, what it does, every option with its default and range. */
void mb_opts_help(FILE *out, mb_cmd_t cmd);
/* The man page (troff), docs/membench.1. */
void mb_opts_man(FILE *out);

/* The options of cmd as one JSON object: every option with a value (given
 * or default) under its long name; integers and numbers as JSON numbers,
 * flags as true/false, the rest as strings. */
void mb_opts_json(FILE *out, mb_cmd_t cmd, const mb_optval_t v[MB_NOPTS]);

/* The value of an option of cmd as text (given or default), for the JSON
 * context; NULL if the option has no value (a flag not given, no default). */
const char *mb_opt_text(const mb_optdef_t *d, const mb_optval_t *v, char *buf, size_t n);

#endif
