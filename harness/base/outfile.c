/* outfile.c: atomic output files (temporary file + fsync + rename), one writer per path. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/base/outfile.h"

static mb_outfile_t *outfile_live;      /* the one open temporary file, removed at exit if not committed */

static pid_t outfile_owner;             /* the process that opened it: a case's child never removes it */

/* Remove what the live output owns: its temporary file and its lock file. */
static void outfile_cleanup(void) {
    if (!outfile_live || getpid() != outfile_owner) return;
    if (outfile_live->tmp[0]) unlink(outfile_live->tmp);
    if (outfile_live->lockfd >= 0) unlink(outfile_live->lock);
}

static void outfile_atexit(void) { outfile_cleanup(); }

/* Interrupted (Ctrl-C, kill): remove the temporary file, then die of the signal. */
static void outfile_on_signal(int sig) {
    outfile_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* A lock file is stale when nobody holds its lock: taking the lock, then
 * removing it while held, cannot break a live writer (one that opened it and
 * has not locked it yet sees, once locked, that the name no longer leads to
 * its file, and starts over). */
static void remove_stale_lock(const char *path) {
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &fl) == 0) unlink(path);
    close(fd);
}

/* Temporary files are named .<name>.tmp.<pid>.XXXXXX, lock files .<name>.lock.
 * A membench killed with SIGKILL cannot remove its own: the next run into the
 * same directory removes every temporary file whose pid is gone and every
 * lock file nobody holds. */
static void remove_stale_files(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *n = de->d_name, *t = NULL;
        if (n[0] != '.') continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, n) >= (int)sizeof path) continue;
        size_t len = strlen(n);
        if (len > 6 && !strcmp(n + len - 5, ".lock")) {
            remove_stale_lock(path);
            continue;
        }
        for (const char *p = strstr(n, ".tmp."); p; p = strstr(p + 1, ".tmp.")) t = p;
        if (!t) continue;
        char *end;
        errno = 0;
        long pid = strtol(t + 5, &end, 10);
        if (errno || end == t + 5 || pid <= 0 || *end != '.' || strlen(end + 1) != 6) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        unlink(path);
    }
    closedir(d);
}

/* Follow symbolic links from path (up to 40, as the kernel does) into out:
 * the file the output really goes to, which may not exist yet (a dangling
 * link). 0, or -1 with errno. */
static int resolve_links(const char *path, char *out, size_t n) {
    char cur[4096], target[4096];
    if (snprintf(cur, sizeof cur, "%s", path) >= (int)sizeof cur) { errno = ENAMETOOLONG; return -1; }
    for (int hops = 0;; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) break;
        if (hops == 40) { errno = ELOOP; return -1; }
        ssize_t l = readlink(cur, target, sizeof target - 1);
        if (l < 0) return -1;
        target[l] = '\0';
        if (target[0] == '/') {
            snprintf(cur, sizeof cur, "%s", target);
        } else {                        /* relative to the link's directory */
            char *slash = strrchr(cur, '/');
            int dirlen = slash ? (int)(slash - cur + 1) : 0;
            char next[4096];
            if (snprintf(next, sizeof next, "%.*s%s", dirlen, cur, target) >= (int)sizeof next) {
                errno = ENAMETOOLONG;
                return -1;
            }
            snprintf(cur, sizeof cur, "%s", next);
        }
    }
    if (snprintf(out, n, "%s", cur) >= (int)n) { errno = ENAMETOOLONG; return -1; }
    return 0;
}

/* Take the lock of o->path (the lock file o->lock, a POSIX record lock: held
 * by this process alone, not by the cases' children, released by the kernel
 * if membench dies). 0, or -1 with err naming the other writer. */
static int take_lock(mb_outfile_t *o, const char *shown, char *err, size_t errsz) {
    for (int tries = 0; tries < 100; tries++) {
        int fd = open(o->lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd < 0) {
            snprintf(err, errsz, "cannot write '%s': cannot create its lock file %s: %s", shown, o->lock, strerror(errno));
            return -1;
        }
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        if (fcntl(fd, F_SETLK, &fl) != 0) {
            int e = errno;
            struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
            long holder = fcntl(fd, F_GETLK, &q) == 0 && q.l_type != F_UNLCK ? (long)q.l_pid : 0;
            close(fd);
            if (e == EACCES || e == EAGAIN) {
                if (!holder) continue;  /* released meanwhile: try again */
                snprintf(err, errsz, "cannot write '%s': another membench (pid %ld) is writing it; wait for it or choose "
                         "another --out", shown, holder);
            } else {
                snprintf(err, errsz, "cannot write '%s': cannot lock %s: %s", shown, o->lock, strerror(e));
            }
            return -1;
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(o->lock, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
            o->lockfd = fd;
            return 0;
        }
        close(fd);                      /* removed by its last holder meanwhile: take the new one */
    }
    snprintf(err, errsz, "cannot write '%s': cannot take its lock %s", shown, o->lock);
    return -1;
}

static void release_lock(mb_outfile_t *o) {
    if (o->lockfd < 0) return;
    unlink(o->lock);                    /* while still held: see remove_stale_lock */
    close(o->lockfd);
    o->lockfd = -1;
}

/* The temporary file beside the target, o->tmp (mode 0666 less the umask),
 * open as o->f; with o's lock held. 0, or -1 with err and the lock released. */
static int open_tmp(mb_outfile_t *o, const char *path, const char *real, int dirlen, const char *base, char *err,
                    size_t errsz) {
    if (snprintf(o->tmp, sizeof o->tmp, "%.*s.%s.tmp.%ld.XXXXXX", dirlen, real, base, (long)getpid()) >= (int)sizeof o->tmp) {
        snprintf(err, errsz, "cannot write '%s': bad file name", path);
        o->tmp[0] = '\0';
        release_lock(o);
        return -1;
    }
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        snprintf(err, errsz, "cannot write '%s': %s", path, strerror(errno));
        o->tmp[0] = '\0';
        release_lock(o);
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
        release_lock(o);
        return -1;
    }
    return 0;
}

int mb_outfile_open(mb_outfile_t *o, const char *path, char *err, size_t errsz) {
    memset(o, 0, sizeof *o);
    o->lockfd = -1;
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
        return 0;
    }
    if (!*path || strlen(path) + 32 >= sizeof o->path) {
        snprintf(err, errsz, "cannot write '%s': bad file name", path);
        return -1;
    }
    /* Through a symbolic link: the link's target is the file written (the
     * temporary file beside it), and the link stays. */
    char real[4096];
    if (resolve_links(path, real, sizeof real) != 0 || strlen(real) + 32 >= sizeof o->path) {
        snprintf(err, errsz, "cannot write '%s': %s", path, strerror(errno ? errno : ENAMETOOLONG));
        return -1;
    }
    struct stat st;
    if (stat(real, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* /dev/null, a pipe, a terminal: nothing to replace atomically. */
        o->f = fopen(real, "w");
        if (!o->f) {
            snprintf(err, errsz, "cannot write '%s': %s", path, strerror(errno));
            return -1;
        }
        o->direct = true;
        return 0;
    }
    snprintf(o->path, sizeof o->path, "%s", real);
    const char *slash = strrchr(real, '/');
    int dirlen = slash ? (int)(slash - real + 1) : 0;
    const char *base = slash ? slash + 1 : real;
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", dirlen ? dirlen : 1, dirlen ? real : ".");
    if (snprintf(o->lock, sizeof o->lock, "%.*s.%s.lock", dirlen, real, base) >= (int)sizeof o->lock) {
        snprintf(err, errsz, "cannot write '%s': bad file name", path);
        return -1;
    }
    struct stat dst;
    if (stat(dir, &dst) != 0 || !S_ISDIR(dst.st_mode)) {
        snprintf(err, errsz, "cannot write '%s': %s", path, stat(dir, &dst) != 0 ? strerror(errno) : strerror(ENOTDIR));
        return -1;
    }
    remove_stale_files(dir);
    if (take_lock(o, path, err, errsz) != 0) return -1;
    if (open_tmp(o, path, real, dirlen, base, err, errsz) != 0) return -1;
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
        release_lock(o);
        if (outfile_live == o) outfile_live = NULL;
        return -1;
    }
    o->tmp[0] = '\0';
    release_lock(o);
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
    release_lock(o);
    if (outfile_live == o) outfile_live = NULL;
}
