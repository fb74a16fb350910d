/* outfile.c: atomic output files (temporary file + fsync + rename). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

static mb_outfile_t *outfile_live;      /* the one open temporary file, removed at exit if not committed */

static pid_t outfile_owner;             /* the process that opened it: a case's child never removes it */

static void outfile_atexit(void) {
    if (outfile_live && outfile_live->tmp[0] && getpid() == outfile_owner) unlink(outfile_live->tmp);
}

/* Interrupted (Ctrl-C, kill): remove the temporary file, then die of the signal. */
static void outfile_on_signal(int sig) {
    if (outfile_live && outfile_live->tmp[0] && getpid() == outfile_owner) unlink(outfile_live->tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Temporary files are named .<name>.tmp.<pid>.XXXXXX. A membench killed
 * with SIGKILL cannot remove its own: the next run into the same directory
 * removes every one whose pid is gone. */
static void remove_stale_tmps(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *n = de->d_name, *t = NULL;
        if (n[0] != '.') continue;
        for (const char *p = strstr(n, ".tmp."); p; p = strstr(p + 1, ".tmp.")) t = p;
        if (!t) continue;
        char *end;
        errno = 0;
        long pid = strtol(t + 5, &end, 10);
        if (errno || end == t + 5 || pid <= 0 || *end != '.' || strlen(end + 1) != 6) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, n) < (int)sizeof path) unlink(path);
    }
    closedir(d);
}

int mb_outfile_open(mb_outfile_t *o, const char *path, char *err, size_t errsz) {
    memset(o, 0, sizeof *o);
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
        return 0;
    }
    if (!*path || strlen(path) + 32 >= sizeof o->path) {
        snprintf(err, errsz, "cannot write '%s': bad file name", path);
        return -1;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* /dev/null, a pipe, a terminal: nothing to replace atomically. */
        o->f = fopen(path, "w");
        if (!o->f) {
            snprintf(err, errsz, "cannot write '%s': %s", path, strerror(errno));
            return -1;
        }
        o->direct = true;
        return 0;
    }
    snprintf(o->path, sizeof o->path, "%s", path);
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", dirlen ? dirlen : 1, dirlen ? path : ".");
    remove_stale_tmps(dir);
    snprintf(o->tmp, sizeof o->tmp, "%.*s.%s.tmp.%ld.XXXXXX", dirlen, path, slash ? slash + 1 : path, (long)getpid());
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        snprintf(err, errsz, "cannot write '%s': %s", path, strerror(errno));
        o->tmp[0] = '\0';
        return -1;
    }
    mode_t um = umask(0);
    umask(um);
    fchmod(fd, 0666 & ~um);
    o->f = fdopen(fd, "w");
    if (!o->f) {
        snprintf(err, errsz, "cannot write '%s': %s", path, strerror(errno));
        close(fd);
        unlink(o->tmp);
        o->tmp[0] = '\0';
        return -1;
    }
    static int registered;
    if (!registered) {
        atexit(outfile_atexit);
        signal(SIGINT, outfile_on_signal);
        signal(SIGTERM, outfile_on_signal);
        signal(SIGHUP, outfile_on_signal);
        registered = 1;
    }
    outfile_live = o;
    outfile_owner = getpid();
    return 0;
}

int mb_outfile_commit(mb_outfile_t *o, char *err, size_t errsz) {
    if (!o->tmp[0]) {
        int bad = fflush(o->f) != 0 || ferror(o->f);
        if (o->direct && fclose(o->f) != 0) bad = 1;
        o->f = NULL;
        if (bad) {
            snprintf(err, errsz, "cannot write the output: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    int bad = fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0;
    int e = errno;
    if (fclose(o->f) != 0 && !bad) { bad = 1; e = errno; }
    o->f = NULL;
    if (bad || rename(o->tmp, o->path) != 0) {
        if (!bad) e = errno;
        snprintf(err, errsz, "cannot write '%s': %s", o->path, strerror(e));
        unlink(o->tmp);
        o->tmp[0] = '\0';
        if (outfile_live == o) outfile_live = NULL;
        return -1;
    }
    o->tmp[0] = '\0';
    if (outfile_live == o) outfile_live = NULL;
    return 0;
}

void mb_outfile_abort(mb_outfile_t *o) {
    if (o->direct && o->f) fclose(o->f);
    if (o->direct) o->f = NULL;
    if (o->tmp[0]) {
        if (o->f) fclose(o->f);
        o->f = NULL;
        unlink(o->tmp);
        o->tmp[0] = '\0';
    }
    if (outfile_live == o) outfile_live = NULL;
}
