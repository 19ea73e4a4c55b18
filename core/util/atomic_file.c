/* atomic_file.c - output files that are either complete or absent, and
 * mkdir -p for output folders.
 *
 * The data goes to "<path>.tmp-XXXXXX" in the same folder (rename is only
 * atomic within one file system), is fsync'ed, then renamed over path; the
 * folder is fsync'ed so the rename itself survives a crash. A reader never
 * sees half a file, and a failed run (disk full, killed) leaves any earlier
 * file at path as it was. Every failure names the path and strerror. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

struct atomic_file {
    int fd;
    int write_errno;    /* errno of a failed atomic_write, or 0 */
    char *path;         /* final name */
    char *tmp;          /* temporary name, same folder */
};

/* mkstemp creates files 0600; outputs should get the usual 0666 & ~umask.
 * umask() can only be read by setting it, which races with other threads,
 * so read it from /proc (Linux >= 4.7) and assume 022 otherwise. */
static mode_t file_mode(void)
{
    mode_t mask = 022;
    FILE *fp = fopen("/proc/self/status", "re");
    if (fp) {
        char line[128];
        unsigned m;
        while (fgets(line, sizeof line, fp))
            if (sscanf(line, "Umask: %o", &m) == 1) {
                mask = (mode_t)m & 0777;
                break;
            }
        fclose(fp);
    }
    return 0666 & ~mask;
}

/* The folder holding path ("." for a bare name), malloc'ed. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static void free_file(atomic_file *f)
{
    free(f->path);
    free(f->tmp);
    free(f);
}

atomic_file *atomic_open(const char *path, demob_error *err)
{
    atomic_file *f = calloc(1, sizeof *f);
    size_t n = strlen(path);
    if (f) {
        f->fd = -1;
        f->path = strdup(path);
        f->tmp = malloc(n + sizeof ".tmp-XXXXXX");
    }
    if (!f || !f->path || !f->tmp) {
        if (f)
            free_file(f);
        demob_error_set(err, DEMOB_ERUN, "cannot create '%s': out of memory", path);
        return NULL;
    }
    memcpy(f->tmp, path, n);
    memcpy(f->tmp + n, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    f->fd = mkstemp(f->tmp);
    if (f->fd < 0) {
        demob_error_set(err, DEMOB_ERUN, "cannot create '%s': %s", path, strerror(errno));
        free_file(f);
        return NULL;
    }
    /* Not inherited by children (e.g. a plot command run later). */
    fcntl(f->fd, F_SETFD, FD_CLOEXEC);
    if (fchmod(f->fd, file_mode()) != 0) {
        demob_error_set(err, DEMOB_ERUN, "cannot create '%s': %s", path, strerror(errno));
        atomic_abort(f);
        return NULL;
    }
    return f;
}

int atomic_write(atomic_file *f, const void *data, size_t n, demob_error *err)
{
    if (f->write_errno)
        return demob_error_set(err, DEMOB_ERUN, "cannot write '%s': %s", f->path,
                               strerror(f->write_errno));
    const char *p = data;
    while (n > 0) {
        ssize_t k = write(f->fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            /* Remembered so that commit refuses a file with a hole in it,
             * even if the caller ignored this return value. */
            f->write_errno = errno;
            return demob_error_set(err, DEMOB_ERUN, "cannot write '%s': %s", f->path,
                                   strerror(errno));
        }
        /* A short write (a signal, a nearly full disk): write the rest; a
         * full disk then shows up as ENOSPC on the next call. */
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Makes the rename durable. Some file systems cannot fsync a folder
 * (EINVAL); that is no error of ours. */
static int sync_folder(const char *path, demob_error *err)
{
    char *dir = folder_of(path);
    if (!dir)
        return demob_error_set(err, DEMOB_ERUN, "cannot sync folder of '%s': out of memory",
                               path);
    int rc = 0;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL))
        rc = demob_error_set(err, DEMOB_ERUN, "cannot sync folder '%s': %s", dir,
                             strerror(errno));
    if (fd >= 0)
        close(fd);
    free(dir);
    return rc;
}

int atomic_commit(atomic_file *f, demob_error *err)
{
    int rc = 0;
    if (f->write_errno)
        rc = demob_error_set(err, DEMOB_ERUN, "cannot write '%s': %s", f->path,
                             strerror(f->write_errno));
    /* Delayed allocation can report a full disk only at fsync or close. */
    else if (fsync(f->fd) != 0)
        rc = demob_error_set(err, DEMOB_ERUN, "cannot write '%s': %s", f->path,
                             strerror(errno));
    int fd = f->fd;
    f->fd = -1;
    if (close(fd) != 0 && rc == 0)
        rc = demob_error_set(err, DEMOB_ERUN, "cannot write '%s': %s", f->path,
                             strerror(errno));
    if (rc == 0 && rename(f->tmp, f->path) != 0)
        rc = demob_error_set(err, DEMOB_ERUN, "cannot rename '%s' to '%s': %s", f->tmp,
                             f->path, strerror(errno));
    if (rc != 0) {
        unlink(f->tmp);
        free_file(f);
        return rc;
    }
    rc = sync_folder(f->path, err);
    free_file(f);
    return rc;
}

void atomic_abort(atomic_file *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    unlink(f->tmp);
    free_file(f);
}

const char *atomic_path(const atomic_file *f)
{
    return f->path;
}

const char *atomic_tmp_path(const atomic_file *f)
{
    return f->tmp;
}

/* Creates one folder; an existing folder is fine. */
static int make_one(const char *dir, const char *whole, demob_error *err)
{
    if (mkdir(dir, 0777) == 0)
        return 0;
    int e = errno;
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        e = ENOTDIR;
    }
    return demob_error_set(err, DEMOB_ERUN, "cannot create output folder '%s': %s", whole,
                           strerror(e));
}

int atomic_make_dirs(const char *path, demob_error *err)
{
    if (path[0] == '\0')
        return demob_error_set(err, DEMOB_ERUN, "cannot create output folder '': %s",
                               strerror(ENOENT));
    char *p = strdup(path);
    if (!p)
        return demob_error_set(err, DEMOB_ERUN, "cannot create output folder '%s': out of memory",
                               path);
    int rc = 0;
    /* Each prefix ending before a '/', then the whole path. */
    for (char *s = p + 1; *s && rc == 0; s++) {
        if (*s != '/' || s[-1] == '/')
            continue;
        *s = '\0';
        rc = make_one(p, path, err);
        *s = '/';
    }
    if (rc == 0)
        rc = make_one(p, path, err);
    free(p);
    return rc;
}

int atomic_write_buffer(const char *path, const strbuf *b, demob_error *err)
{
    if (b->failed)
        return demob_error_set(err, DEMOB_ERUN, "%s: out of memory while formatting", path);
    atomic_file *f = atomic_open(path, err);
    if (!f)
        return DEMOB_ERUN;
    if (atomic_write(f, b->data ? b->data : "", b->len, err) != 0) {
        atomic_abort(f);
        return DEMOB_ERUN;
    }
    return atomic_commit(f, err) != 0 ? DEMOB_ERUN : 0;
}

/* Is name "<something>.tmp-XXXXXX", a temporary file of atomic_open? */
static int is_temporary(const char *name)
{
    size_t n = strlen(name);
    return n > 11 && memcmp(name + n - 11, ".tmp-", 5) == 0;
}

/* Removes temporary files below the folder open at fd (closed here);
 * subfolders to a depth of 4, symbolic links never followed. */
static void remove_temporaries(int fd, int depth)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISREG(st.st_mode) && is_temporary(e->d_name))
            unlinkat(dirfd(d), e->d_name, 0);
        else if (S_ISDIR(st.st_mode) && depth < 4) {
            int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                remove_temporaries(sub, depth + 1);
        }
    }
    closedir(d);
}

int atomic_lock_dir(const char *dir, int *fd, demob_error *err)
{
    *fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (*fd < 0)
        return demob_error_set(err, DEMOB_ERUN, "cannot open output folder '%s': %s", dir, strerror(errno));
    if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(*fd);
        *fd = -1;
        if (e == EWOULDBLOCK)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "'%s' is in use by another demob command (the folder is locked); give each "
                                   "run, sweep or merge its own -o folder", dir);
        return demob_error_set(err, DEMOB_ERUN, "cannot lock output folder '%s': %s", dir, strerror(e));
    }
    int scan = dup(*fd);
    if (scan >= 0)
        remove_temporaries(scan, 0);
    return 0;
}
