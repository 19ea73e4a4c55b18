/* sweep_journal.c - partial output files and the progress journal that
 * let a sweep resume after SIGINT or kill -9 (see sweep_journal.h).
 *
 * Journal layout: a 256-byte text header
 *     demob-sweep-journal 1\n id=<64 hex>\n shard=K/N\n files=a.csv b.csv\n
 * padded with spaces to 255 bytes and a newline, then one fixed-size record
 * per finished run: the length of each partial file as 8 bytes, little
 * endian. Record i therefore sits at 256 + i * 8 * n_files: no index is
 * needed to find where a point's rows start and end. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sweep_journal.h"
#include "util/path.h"
#include "util/timer.h"

#define HDR 256
/* Seconds between fdatasync calls: what a power cut may cost at most.
 * (SIGINT and kill -9 lose nothing: the data is in the page cache.) */
#define SYNC_SECONDS 5.0

static size_t recsize(const sweep_journal *j)
{
    return 8 * (size_t)j->n_files;
}

static void path_of(const sweep_journal *j, const char *name, const char *suffix, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s%s", j->dir, name, suffix);
}

static int sys_fail(demob_error *err, const char *what, const sweep_journal *j, const char *name)
{
    return demob_error_set(err, DEMOB_ERUN, "cannot %s '%s/%s': %s", what, j->dir, name, strerror(errno));
}

static int pwrite_all(int fd, const void *data, size_t n, uint64_t off)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, (off_t)off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

/* Reads exactly n bytes at off: 0, or -1 (errno set; EIO-like ENODATA for
 * a short file). */
static int pread_all(int fd, void *data, size_t n, uint64_t off)
{
    char *p = data;
    while (n > 0) {
        ssize_t r = pread(fd, p, n, (off_t)off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0) {
            errno = ENODATA;
            return -1;
        }
        p += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

static void put_le(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}

static void format_header(const sweep_journal *j, const char *id, long shard, long shards, char hdr[HDR])
{
    int n = snprintf(hdr, HDR, "demob-sweep-journal 1\nid=%s\nshard=%ld/%ld\nfiles=", id, shard, shards);
    for (int f = 0; f < j->n_files && n < HDR; f++)
        n += snprintf(hdr + n, (size_t)(HDR - n), "%s%s", f ? " " : "", j->names[f]);
    if (n > HDR - 2)
        n = HDR - 2;
    hdr[n++] = '\n';
    memset(hdr + n, ' ', (size_t)(HDR - 1 - n));
    hdr[HDR - 1] = '\n';
}

/* The value of "key=" in a header, into out. */
static void header_field(const char *hdr, const char *key, char *out, size_t n)
{
    out[0] = '\0';
    size_t kl = strlen(key);
    for (const char *p = hdr; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
            const char *v = p + kl + 1;
            size_t l = strcspn(v, "\n");
            if (l >= n)
                l = n - 1;
            memcpy(out, v, l);
            out[l] = '\0';
            return;
        }
    }
}

static int open_partials(sweep_journal *j, int truncate, demob_error *err)
{
    char path[PATH_FILE_SIZE];
    for (int f = 0; f < j->n_files; f++) {
        path_of(j, j->names[f], ".partial", path, sizeof path);
        j->fd[f] = open(path, O_RDWR | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
        if (j->fd[f] < 0)
            return demob_error_set(err, DEMOB_ERUN, "cannot open '%s': %s", path, strerror(errno));
    }
    return 0;
}

int sweep_journal_open(sweep_journal *j, const char *dir, const char *id, long shard, long shards, const char *const *names,
            int n_files, int resume, int *had_journal, demob_error *err)
{
    memset(j, 0, sizeof *j);
    j->jfd = -1;
    for (int f = 0; f < SJ_MAX_FILES; f++)
        j->fd[f] = -1;
    if (n_files > SJ_MAX_FILES)
        return demob_error_set(err, DEMOB_ERUN, "too many output files");
    snprintf(j->dir, sizeof j->dir, "%s", dir);
    j->n_files = n_files;
    for (int f = 0; f < n_files; f++)
        snprintf(j->names[f], sizeof j->names[f], "%s", names[f]);
    *had_journal = 0;
    char path[PATH_FILE_SIZE];
    path_of(j, SJ_JOURNAL_NAME, "", path, sizeof path);
    j->jfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (j->jfd < 0)
        return sys_fail(err, "open", j, SJ_JOURNAL_NAME);
    /* One sweep per folder at a time: two writers would interleave rows. */
    if (flock(j->jfd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(j->jfd);
        j->jfd = -1;
        if (e == EWOULDBLOCK)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "'%s' is in use by another demob sweep (its journal is locked); give each "
                                   "sweep or shard its own -o folder",
                                   dir);
        errno = e;
        return sys_fail(err, "lock", j, SJ_JOURNAL_NAME);
    }
    struct stat st;
    if (fstat(j->jfd, &st) != 0)
        return sys_fail(err, "read", j, SJ_JOURNAL_NAME);
    char hdr[HDR + 1], want[HDR];
    format_header(j, id, shard, shards, want);
    if (st.st_size >= HDR) {
        *had_journal = 1;
        if (pread_all(j->jfd, hdr, HDR, 0) != 0)
            return sys_fail(err, "read", j, SJ_JOURNAL_NAME);
        hdr[HDR] = '\0';
    }
    if (resume && *had_journal) {
        char got_id[80], got_shard[64], want_shard[64];
        header_field(hdr, "id", got_id, sizeof got_id);
        header_field(hdr, "shard", got_shard, sizeof got_shard);
        snprintf(want_shard, sizeof want_shard, "%ld/%ld", shard, shards);
        if (strncmp(hdr, "demob-sweep-journal 1\n", 22) != 0)
            return demob_error_set(err, DEMOB_EINPUT, "'%s/%s' is not a demob sweep journal", dir, SJ_JOURNAL_NAME);
        if (strcmp(got_id, id) != 0)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "--resume: '%s' holds an unfinished sweep of another scenario, design or "
                                   "settings (sweep id %.12s, this one %.12s); use another -o folder, or drop "
                                   "--resume to start this sweep over",
                                   dir, got_id, id);
        if (strcmp(got_shard, want_shard) != 0)
            return demob_error_set(err, DEMOB_EINPUT, "--resume: '%s' holds shard %s of this sweep, not %s", dir,
                                   got_shard, want_shard);
        if (memcmp(hdr, want, HDR) != 0)
            return demob_error_set(err, DEMOB_EINPUT, "--resume: '%s' was written with other --save files", dir);
        int rc = open_partials(j, 0, err);
        if (rc)
            return rc;
        /* The last record whose lengths all fit in the partial files. */
        long n = (long)((uint64_t)(st.st_size - HDR) / recsize(j));
        uint64_t sizes[SJ_MAX_FILES], offs[SJ_MAX_FILES];
        for (int f = 0; f < j->n_files; f++) {
            struct stat ps;
            if (fstat(j->fd[f], &ps) != 0)
                return sys_fail(err, "read", j, j->names[f]);
            sizes[f] = (uint64_t)ps.st_size;
        }
        j->jobs = n;
        for (; n > 0; n--) {
            if ((rc = sweep_journal_record(j, n - 1, offs, err)))
                return rc;
            int fits = 1;
            for (int f = 0; f < j->n_files; f++)
                fits &= offs[f] <= sizes[f];
            if (fits)
                break;
        }
        return sweep_journal_rewind(j, n, err);
    }
    if (*had_journal) {
        /* Starting over is fine, unless the journal is another shard of
         * this very sweep: shards sharing one folder would erase each
         * other. */
        char got_id[80], got_shard[64], want_shard[64];
        header_field(hdr, "id", got_id, sizeof got_id);
        header_field(hdr, "shard", got_shard, sizeof got_shard);
        snprintf(want_shard, sizeof want_shard, "%ld/%ld", shard, shards);
        if (strcmp(got_id, id) == 0 && strcmp(got_shard, want_shard) != 0)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "'%s' holds shard %s of this sweep (unfinished): give each shard its own -o "
                                   "folder",
                                   dir, got_shard);
    }
    /* A fresh start. */
    if (ftruncate(j->jfd, 0) != 0 || pwrite_all(j->jfd, want, HDR, 0) != 0)
        return sys_fail(err, "write", j, SJ_JOURNAL_NAME);
    j->jobs = 0;
    j->last_sync = timer_now();
    return open_partials(j, 1, err);
}

int sweep_journal_rewind(sweep_journal *j, long jobs, demob_error *err)
{
    uint64_t offs[SJ_MAX_FILES];
    int rc = sweep_journal_record(j, jobs - 1, offs, err);
    if (rc)
        return rc;
    if (ftruncate(j->jfd, (off_t)(HDR + (uint64_t)jobs * recsize(j))) != 0)
        return sys_fail(err, "truncate", j, SJ_JOURNAL_NAME);
    for (int f = 0; f < j->n_files; f++) {
        if (ftruncate(j->fd[f], (off_t)offs[f]) != 0)
            return sys_fail(err, "truncate", j, j->names[f]);
        j->off[f] = offs[f];
    }
    j->jobs = jobs;
    j->last_sync = timer_now();
    return 0;
}

int sweep_journal_append(sweep_journal *j, int f, const char *data, size_t len, demob_error *err)
{
    if (len == 0)
        return 0;
    if (pwrite_all(j->fd[f], data, len, j->off[f]) != 0)
        return demob_error_set(err, DEMOB_ERUN, "cannot write '%s/%s.partial': %s", j->dir, j->names[f],
                               strerror(errno));
    j->off[f] += len;
    return 0;
}

int sweep_journal_sync(sweep_journal *j, demob_error *err)
{
    /* Data first, then the journal that points at it. */
    for (int f = 0; f < j->n_files; f++)
        if (j->fd[f] >= 0 && fdatasync(j->fd[f]) != 0)
            return sys_fail(err, "sync", j, j->names[f]);
    if (j->jfd >= 0 && fdatasync(j->jfd) != 0)
        return sys_fail(err, "sync", j, SJ_JOURNAL_NAME);
    j->last_sync = timer_now();
    return 0;
}

int sweep_journal_commit(sweep_journal *j, demob_error *err)
{
    return sweep_journal_commit_at(j, j->off, err);
}

int sweep_journal_commit_at(sweep_journal *j, const uint64_t *offs, demob_error *err)
{
    unsigned char rec[8 * SJ_MAX_FILES];
    for (int f = 0; f < j->n_files; f++)
        put_le(rec + 8 * f, offs[f]);
    if (pwrite_all(j->jfd, rec, recsize(j), HDR + (uint64_t)j->jobs * recsize(j)) != 0)
        return sys_fail(err, "write", j, SJ_JOURNAL_NAME);
    j->jobs++;
    if (timer_now() - j->last_sync > SYNC_SECONDS)
        return sweep_journal_sync(j, err);
    return 0;
}

int sweep_journal_record(const sweep_journal *j, long job, uint64_t *offs, demob_error *err)
{
    if (job < 0) {
        for (int f = 0; f < j->n_files; f++)
            offs[f] = 0;
        return 0;
    }
    unsigned char rec[8 * SJ_MAX_FILES];
    if (pread_all(j->jfd, rec, recsize(j), HDR + (uint64_t)job * recsize(j)) != 0)
        return demob_error_set(err, DEMOB_ERUN, "cannot read record %ld of '%s/%s': %s", job, j->dir,
                               SJ_JOURNAL_NAME, strerror(errno));
    for (int f = 0; f < j->n_files; f++)
        offs[f] = get_le(rec + 8 * f);
    return 0;
}

int sweep_journal_read(const sweep_journal *j, int f, uint64_t off, void *data, size_t n, demob_error *err)
{
    if (pread_all(j->fd[f], data, n, off) != 0)
        return demob_error_set(err, DEMOB_ERUN, "cannot read '%s/%s.partial': %s", j->dir, j->names[f],
                               strerror(errno));
    return 0;
}

int sweep_journal_copy(const sweep_journal *j, int f, uint64_t start, uint64_t end, atomic_file *dst, demob_error *err)
{
    char buf[1 << 16];
    while (start < end) {
        size_t n = end - start < sizeof buf ? (size_t)(end - start) : sizeof buf;
        if (pread_all(j->fd[f], buf, n, start) != 0)
            return demob_error_set(err, DEMOB_ERUN, "cannot read '%s/%s.partial': %s", j->dir, j->names[f],
                                   strerror(errno));
        int rc = atomic_write(dst, buf, n, err);
        if (rc)
            return rc;
        start += n;
    }
    return 0;
}


/* The scratch header: magic, sweep id, runs done, count of numbers. */
#define SCRATCH_MAGIC "demob-scratch-1\n"
#define SCRATCH_HDR (16 + 64 + 8 + 8)

static void scratch_header(const sweep_journal *j, const char *id, size_t n, unsigned char *h)
{
    memcpy(h, SCRATCH_MAGIC, 16);
    memcpy(h + 16, id, 64);
    put_le(h + 80, (uint64_t)j->jobs);
    put_le(h + 88, (uint64_t)n);
}

int sweep_journal_scratch_save(const sweep_journal *j, const char *id, const double *vals, size_t n,
                               demob_error *err)
{
    char path[PATH_FILE_SIZE];
    path_of(j, SJ_SCRATCH_NAME, "", path, sizeof path);
    unsigned char h[SCRATCH_HDR];
    scratch_header(j, id, n, h);
    atomic_file *f = atomic_open(path, err);
    if (!f)
        return DEMOB_ERUN;
    int rc = atomic_write(f, h, sizeof h, err);
    if (rc == 0)
        rc = atomic_write(f, vals, n * sizeof *vals, err);
    if (rc == 0)
        return atomic_commit(f, err);
    atomic_abort(f);
    return rc;
}

int sweep_journal_scratch_load(const sweep_journal *j, const char *id, double *vals, size_t n)
{
    char path[PATH_FILE_SIZE];
    path_of(j, SJ_SCRATCH_NAME, "", path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    unsigned char want[SCRATCH_HDR], got[SCRATCH_HDR];
    scratch_header(j, id, n, want);
    int rc = pread_all(fd, got, sizeof got, 0) == 0 && memcmp(want, got, sizeof got) == 0 &&
                     pread_all(fd, vals, n * sizeof *vals, SCRATCH_HDR) == 0
                 ? 0
                 : -1;
    close(fd);
    return rc;
}

void sweep_journal_close(sweep_journal *j)
{
    for (int f = 0; f < SJ_MAX_FILES; f++)
        if (j->fd[f] >= 0) {
            close(j->fd[f]);
            j->fd[f] = -1;
        }
    if (j->jfd >= 0)
        close(j->jfd);   /* releases the lock */
    j->jfd = -1;
}

void sweep_journal_remove(sweep_journal *j)
{
    char path[PATH_FILE_SIZE];
    for (int f = 0; f < j->n_files; f++) {
        path_of(j, j->names[f], ".partial", path, sizeof path);
        unlink(path);
    }
    path_of(j, SJ_SCRATCH_NAME, "", path, sizeof path);
    unlink(path);
    /* The journal goes last, while still locked: a crash before this
     * leaves a journal that --resume finishes from. */
    path_of(j, SJ_JOURNAL_NAME, "", path, sizeof path);
    unlink(path);
    sweep_journal_close(j);
}
