/* test_atomic.c - atomic output files and atomic_make_dirs: a commit replaces the
 * file, an abort or a failure (disk full, unwritable folder, a folder in
 * the way) leaves no temporary and keeps an older file byte for byte. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/atomic_file.h"

typedef struct fixture {
    char dir[64];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    strcpy(fx->dir, "/tmp/demob-test-atomic-XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    /* A test that failed half-way may have left its mounts behind. */
    const char *mounts[] = {"small", "readonly"};
    for (int i = 0; i < 2; i++) {
        char mnt[128];
        snprintf(mnt, sizeof mnt, "%s/%s", fx->dir, mounts[i]);
        umount2(mnt, MNT_DETACH);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    int rc = system(cmd);
    free(fx);
    return rc == 0 ? 0 : -1;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* The whole file, or NULL when absent. Caller frees. */
static char *read_text(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    char *buf = calloc(1, 1 << 16);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 16) - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

/* How many entries of dir contain ".tmp-". */
static int count_temps(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp-"))
            n++;
    closedir(d);
    return n;
}

static void test_commit_replaces(void **state)
{
    fixture *fx = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/summary.csv", fx->dir);
    write_text(path, "old\n");

    demob_error err = {0};
    atomic_file *f = atomic_open(path, &err);
    assert_non_null(f);
    assert_string_equal(atomic_path(f), path);
    assert_int_equal(count_temps(fx->dir), 1);
    assert_int_equal(atomic_write(f, "run,count\n", 10, &err), 0);
    assert_int_equal(atomic_write(f, "1,3000\n", 7, &err), 0);
    /* Until the commit, readers still see the old file. */
    char *text = read_text(path);
    assert_string_equal(text, "old\n");
    free(text);
    assert_int_equal(atomic_commit(f, &err), 0);
    text = read_text(path);
    assert_string_equal(text, "run,count\n1,3000\n");
    free(text);
    assert_int_equal(count_temps(fx->dir), 0);

    /* Permissions follow the umask, not mkstemp's 0600. */
    mode_t mask = umask(022);
    umask(mask);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
}

static void test_abort_keeps_old_file(void **state)
{
    fixture *fx = *state;
    char path[128], fresh[128];
    snprintf(path, sizeof path, "%s/flows.csv", fx->dir);
    snprintf(fresh, sizeof fresh, "%s/never.csv", fx->dir);
    write_text(path, "old contents\n");
    demob_error err = {0};

    atomic_file *f = atomic_open(path, &err);
    assert_non_null(f);
    assert_int_equal(atomic_write(f, "new", 3, &err), 0);
    atomic_abort(f);
    char *text = read_text(path);
    assert_string_equal(text, "old contents\n");
    free(text);

    f = atomic_open(fresh, &err);
    assert_non_null(f);
    assert_int_equal(atomic_write(f, "new", 3, &err), 0);
    atomic_abort(f);
    assert_int_equal(access(fresh, F_OK), -1);
    assert_int_equal(count_temps(fx->dir), 0);
    atomic_abort(NULL);
}

static void test_missing_folder_and_file_in_the_way(void **state)
{
    fixture *fx = *state;
    char path[160];
    demob_error err = {0};
    snprintf(path, sizeof path, "%s/no/such/x.csv", fx->dir);
    assert_null(atomic_open(path, &err));
    assert_int_equal(err.status, DEMOB_ERUN);
    char want[300];
    snprintf(want, sizeof want, "cannot create '%s': No such file or directory", path);
    assert_string_equal(err.message, want);

    /* A regular file where a folder should be. */
    char file[128];
    snprintf(file, sizeof file, "%s/plain", fx->dir);
    write_text(file, "x");
    snprintf(path, sizeof path, "%s/x.csv", file);
    assert_null(atomic_open(path, &err));
    snprintf(want, sizeof want, "cannot create '%s': Not a directory", path);
    assert_string_equal(err.message, want);
}

/* A folder where the file should go: everything succeeds up to the
 * rename, which fails; the temporary must not stay behind. */
static void test_rename_failure_cleans_up(void **state)
{
    fixture *fx = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/adir", fx->dir);
    assert_int_equal(mkdir(path, 0777), 0);
    demob_error err = {0};
    atomic_file *f = atomic_open(path, &err);
    assert_non_null(f);
    assert_int_equal(atomic_write(f, "x\n", 2, &err), 0);
    assert_int_equal(atomic_commit(f, &err), DEMOB_ERUN);
    assert_non_null(strstr(err.message, "cannot rename '"));
    assert_non_null(strstr(err.message, "': Is a directory"));
    assert_int_equal(count_temps(fx->dir), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
}

/* Disk full: a 16 KiB tmpfs holding an older file; writing 256 KiB fails
 * with ENOSPC. Mounting needs root (CAP_SYS_ADMIN); without it, the same
 * write path fails through RLIMIT_FSIZE (EFBIG) instead. Either way the
 * old file must survive and the temporary must go. */
static void test_disk_full(void **state)
{
    fixture *fx = *state;
    char mnt[128], path[160];
    snprintf(mnt, sizeof mnt, "%s/small", fx->dir);
    assert_int_equal(mkdir(mnt, 0777), 0);
    int mounted = mount("tmpfs", mnt, "tmpfs", 0, "size=16k") == 0;
    snprintf(path, sizeof path, "%s/populations.csv", mnt);
    write_text(path, "old\n");

    struct rlimit old_limit;
    void (*old_handler)(int) = SIG_DFL;
    if (!mounted) {
        assert_int_equal(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
        struct rlimit small = old_limit;
        small.rlim_cur = 16 * 1024;
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
        old_handler = signal(SIGXFSZ, SIG_IGN);   /* get EFBIG, not a signal */
    }

    demob_error err = {0};
    atomic_file *f = atomic_open(path, &err);
    assert_non_null(f);
    static char chunk[4096];
    memset(chunk, 'x', sizeof chunk);
    int rc = 0;
    for (int i = 0; i < 64 && rc == 0; i++)
        rc = atomic_write(f, chunk, sizeof chunk, &err);
    assert_int_equal(rc, DEMOB_ERUN);
    char want[300];
    snprintf(want, sizeof want, "cannot write '%s': %s", path,
             strerror(mounted ? ENOSPC : EFBIG));
    assert_string_equal(err.message, want);
    /* Commit after a failed write refuses, and cleans up. */
    demob_error err2 = {0};
    assert_int_equal(atomic_commit(f, &err2), DEMOB_ERUN);
    assert_string_equal(err2.message, want);

    if (!mounted) {
        setrlimit(RLIMIT_FSIZE, &old_limit);
        signal(SIGXFSZ, old_handler);
    }
    char *text = read_text(path);
    assert_string_equal(text, "old\n");
    free(text);
    assert_int_equal(count_temps(mnt), 0);
    if (mounted)
        assert_int_equal(umount(mnt), 0);
}

/* An unwritable folder: a read-only mount when we are root (permission
 * bits do not stop root), mode 0555 otherwise. */
static void test_unwritable_folder(void **state)
{
    fixture *fx = *state;
    char ro[128], path[160];
    snprintf(ro, sizeof ro, "%s/readonly", fx->dir);
    assert_int_equal(mkdir(ro, 0777), 0);
    int mounted = geteuid() == 0 && mount("tmpfs", ro, "tmpfs", MS_RDONLY, "size=16k") == 0;
    if (!mounted)
        assert_int_equal(chmod(ro, 0555), 0);
    demob_error err = {0};
    snprintf(path, sizeof path, "%s/x.csv", ro);
    assert_null(atomic_open(path, &err));
    char want[300];
    snprintf(want, sizeof want, "cannot create '%s': %s", path,
             strerror(mounted ? EROFS : EACCES));
    assert_string_equal(err.message, want);

    snprintf(path, sizeof path, "%s/sub/dir", ro);
    assert_int_equal(atomic_make_dirs(path, &err), DEMOB_ERUN);
    snprintf(want, sizeof want, "cannot create output folder '%s': %s", path,
             strerror(mounted ? EROFS : EACCES));
    assert_string_equal(err.message, want);
    if (mounted)
        assert_int_equal(umount(ro), 0);
    else
        chmod(ro, 0755);
}

static void test_make_dirs(void **state)
{
    fixture *fx = *state;
    char path[160];
    demob_error err = {0};
    snprintf(path, sizeof path, "%s/a/b//c/", fx->dir);
    assert_int_equal(atomic_make_dirs(path, &err), 0);
    assert_int_equal(atomic_make_dirs(path, &err), 0);   /* existing is fine */
    snprintf(path, sizeof path, "%s/a/b/c", fx->dir);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));

    char file[128];
    snprintf(file, sizeof file, "%s/a/f", fx->dir);
    write_text(file, "x");
    snprintf(path, sizeof path, "%s/a/f/g", fx->dir);
    assert_int_equal(atomic_make_dirs(path, &err), DEMOB_ERUN);
    char want[300];
    snprintf(want, sizeof want, "cannot create output folder '%s': Not a directory", path);
    assert_string_equal(err.message, want);
    assert_int_equal(atomic_make_dirs(file, &err), DEMOB_ERUN);
    snprintf(want, sizeof want, "cannot create output folder '%s': Not a directory", file);
    assert_string_equal(err.message, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_keeps_old_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_folder_and_file_in_the_way, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rename_failure_cleans_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_make_dirs, setup, teardown),
    };
    return cmocka_run_group_tests_name("atomic_file", tests, NULL, NULL);
}
