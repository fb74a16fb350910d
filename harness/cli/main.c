/* main.c: the membench command line: the subcommands dispatched, each in its own file of harness/cli/ (docs/design.md section 7);
 * every option is declared in options.c. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/cli/cli.h"
#include "harness/run/context.h"
#include "runtime/mem.h"

int mb_cli_cmd = -1;
static char **main_argv;                /* for re-executing with jemalloc */
static char *main_cmd;                  /* argv[1] before the subcommand parsers reuse it */

void mb_cli_reexec_with_jemalloc(void) {
    if (mb_mem_jemalloc_loaded() || getenv("MB_JEMALLOC_REEXEC")) return;
    const char *old = getenv("LD_PRELOAD");
    char pre[4096];
    snprintf(pre, sizeof pre, "libjemalloc.so.2%s%s", old && *old ? ":" : "", old ? old : "");
    setenv("LD_PRELOAD", pre, 1);
    setenv("MB_JEMALLOC_REEXEC", "1", 1);
    fflush(NULL);
    main_argv[1] = main_cmd;
    execv("/proc/self/exe", main_argv);
}

/* Standard streams closed when membench starts (`2>&-`) are reopened on
 * /dev/null first: otherwise the output file would take fd 1 or 2 and the
 * progress lines and messages would land inside the results. */
static void reopen_std_fds(void) {
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        int nfd = open("/dev/null", fd ? O_WRONLY : O_RDONLY);
        if (nfd < 0) _exit(2);          /* nowhere safe to write, nothing written */
        if (nfd != fd) {
            dup2(nfd, fd);
            close(nfd);
        }
    }
}

/* The subcommands of the table, by mb_cmd_t. */
static int (*const commands[])(mb_cli_call_t *) = {
    [MB_CMD_LIST] = mb_cmd_list, [MB_CMD_RUN] = mb_cmd_run, [MB_CMD_REPORT] = mb_cmd_report,
    [MB_CMD_IMPORT] = mb_cmd_import_hyperfine, [MB_CMD_COMPARE] = mb_cmd_compare, [MB_CMD_TOUR] = mb_cmd_tour,
    [MB_CMD_FUZZ] = mb_cmd_fuzz, [MB_CMD_MERGE] = mb_cmd_merge, [MB_CMD_CHECK] = mb_cmd_check,
    [MB_CMD_HISTORY] = mb_cmd_history, [MB_CMD_TRACECONV] = mb_cmd_trace_convert,
};

/* help [COMMAND], --version, man (hidden): -1 when cmd is none of them. */
static int builtin(const char *cmd, int argc, char **argv) {
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        int c = argc > 2 ? mb_cmd_find(argv[2]) : -1;
        if (argc > 2 && c < 0) usage_error("help: unknown command '%s'", argv[2]);
        if (c >= 0) mb_opts_help(stdout, (mb_cmd_t)c);
        else mb_opts_usage(stdout, -1);
        return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
    }
    if (!strcmp(cmd, "--version")) {
        printf("membench %s (%s)\n", mb_version, mb_git_commit);
        return 0;
    }
    if (!strcmp(cmd, "man")) {          /* hidden: writes docs/membench.1 */
        mb_opts_man(stdout);
        return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
    }
    return -1;
}

int main(int argc, char **argv) {
    reopen_std_fds();
    main_argv = argv;
    main_cmd = argv[1];
    if (argc < 2) usage_error("missing command");
    const char *cmd = argv[1];
    int rc = builtin(cmd, argc, argv);
    if (rc >= 0) return rc;
    argv[1] = argv[0];
    opterr = 0;
    mb_cli_cmd = mb_cmd_find(cmd);
    if (mb_cli_cmd >= 0 && (size_t)mb_cli_cmd < sizeof commands / sizeof *commands && commands[mb_cli_cmd]) {
        mb_cli_call_t c = {.argc = argc - 1, .argv = argv + 1};
        mb_opts_parse((mb_cmd_t)mb_cli_cmd, c.argc, c.argv, c.v, &c.args, &c.nargs);
        return commands[mb_cli_cmd](&c);
    }
    if (!strcmp(cmd, "probe")) return mb_cmd_probe(argc - 1, argv + 1);
    usage_error("unknown command '%s'", cmd);
}
