/* outfile.h: atomic output files: written to a temporary file in the same directory, then renamed. */
#ifndef MB_OUTFILE_H
#define MB_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

/* Invariant: while open, `path` is untouched; the output exists only in
 * `tmp`. After commit, path holds the whole output; after abort, nothing
 * new exists. A reader never sees a partial file. A path that exists and is
 * not a regular file (/dev/null, a pipe) is written directly. A symbolic
 * link is followed: its target is written, the link stays. One writer per
 * path: open takes a lock (.NAME.lock beside it, a POSIX record lock) and a
 * second membench writing the same path fails, naming the first. */
typedef struct mb_outfile {
    FILE *f;                            /* the temporary file, or stdout when path is NULL */
    char path[4096];                    /* the destination ("" for stdout) */
    char tmp[4096];                     /* the temporary file beside it ("" when none) */
    bool direct;                        /* path is not a regular file (/dev/null, a pipe): written in place */
    char lock[4096];                    /* the lock file beside path: one writer per path */
    int lockfd;                         /* its descriptor while held, else -1 */
} mb_outfile_t;

/* Open the temporary file (path NULL or "-": stdout). 0, or -1 with err. */
int mb_outfile_open(mb_outfile_t *o, const char *path, char *err, size_t errsz);
/* Flush, sync and rename over path. 0, or -1 with err (the temp file removed). */
int mb_outfile_commit(mb_outfile_t *o, char *err, size_t errsz);
/* Remove the temporary file. */
void mb_outfile_abort(mb_outfile_t *o);

#endif
