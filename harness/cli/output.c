/* output.c: the one epilogue of the subcommands that write a file: open, write, commit; and the one failure line. */
#include <string.h>

#include "harness/cli/cli.h"

int mb_cli_fail(const char *err) {
    fprintf(stderr, "membench: %s\n", err);
    return 2;
}

const char *mb_cli_out_name(const char *path) {
    return path && strcmp(path, "-") ? path : "stdout";
}

void mb_cli_open(mb_outfile_t *of, const char *path, void (*release)(void *), void *arg) {
    char err[4200];
    if (mb_outfile_open(of, path, err, sizeof err) == 0) return;
    if (release) release(arg);          /* freed first: LeakSanitizer builds exit 1 on a leak, not 2 */
    usage_error("%s", err);
}

int mb_cli_commit(mb_outfile_t *of, int status) {
    char err[4200];
    return mb_outfile_commit(of, err, sizeof err) == 0 ? status : mb_cli_fail(err);
}

int mb_cli_write(const char *path, int (*write)(FILE *out, void *arg), void (*release)(void *), void *arg) {
    mb_outfile_t of;
    mb_cli_open(&of, path, release, arg);
    int status = write(of.f, arg);
    if (status < 0) {
        mb_outfile_abort(&of);
        return status;
    }
    return mb_cli_commit(&of, status);
}
