/* test_sweep_journal.c - the sweep's partial files and journal: records
 * after each run, resume truncating what no record covers, a journal
 * ahead of its data (a power cut) walked back, another sweep's journal
 * refused, the folder lock, the scratch file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratch.h"
#include "sweep/sweep_journal.h"

static const char *ID_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char *ID_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
static const char *NAMES[2] = {"points.csv", "summary.csv"};

static char dir[64];

static int setup(void **state)
{
    (void)state;
    return scratch_make(dir, sizeof dir, "sweep-journal");
}

static int teardown(void **state)
{
    (void)state;
    return scratch_remove(dir);
}

static long file_size(const char *name)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void has(const demob_error *err, const char *part)
{
    if (!strstr(err->message, part))
        fail_msg("message '%s' lacks '%s'", err->message, part);
}

/* Three runs recorded, a fourth written but not recorded: resuming keeps
 * three runs and cuts the partials back to their lengths. */
static void test_resume_truncates(void **state)
{
    (void)state;
    sweep_journal j;
    demob_error err = {0};
    int had;
    assert_int_equal(sweep_journal_open(&j, dir, ID_A, 0, 1, NAMES, 2, 0, &had, &err), 0);
    assert_int_equal(had, 0);
    const char *rows[4] = {"0,1\n", "0,2\n", "1,3\n", "1,4\n"};
    for (int r = 0; r < 3; r++) {
        assert_int_equal(sweep_journal_append(&j, 1, rows[r], 4, &err), 0);
        if (r == 1)
            assert_int_equal(sweep_journal_append(&j, 0, "0,5\n", 4, &err), 0);
        assert_int_equal(sweep_journal_commit(&j, &err), 0);
    }
    assert_int_equal(sweep_journal_append(&j, 1, rows[3], 4, &err), 0);   /* not committed */
    uint64_t off[2];
    assert_int_equal(sweep_journal_record(&j, 1, off, &err), 0);
    assert_int_equal(off[0], 4);
    assert_int_equal(off[1], 8);
    sweep_journal_close(&j);
    assert_int_equal(file_size("summary.csv.partial"), 16);
    assert_int_equal(file_size(SJ_JOURNAL_NAME), 256 + 3 * 16);

    assert_int_equal(sweep_journal_open(&j, dir, ID_A, 0, 1, NAMES, 2, 1, &had, &err), 0);
    assert_int_equal(had, 1);
    assert_int_equal(j.jobs, 3);
    assert_int_equal(j.off[1], 12);
    assert_int_equal(file_size("summary.csv.partial"), 12);
    /* Run 2's rows lie between records 1 and 2: copy them into a file. */
    uint64_t a[2], b[2];
    assert_int_equal(sweep_journal_record(&j, 1, a, &err), 0);
    assert_int_equal(sweep_journal_record(&j, 2, b, &err), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/copy.csv", dir);
    atomic_file *f = atomic_open(path, &err);
    assert_non_null(f);
    assert_int_equal(sweep_journal_copy(&j, 1, a[1], b[1], f, &err), 0);
    assert_int_equal(atomic_commit(f, &err), 0);
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    char got[16] = {0};
    assert_int_equal(fread(got, 1, sizeof got - 1, in), 4);
    fclose(in);
    assert_string_equal(got, "1,3\n");
    sweep_journal_close(&j);
}

/* The partials lost their tail (a power cut before the sync): the records
 * that point past the data are dropped. */
static void test_journal_ahead_of_data(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/summary.csv.partial", dir);
    assert_int_equal(truncate(path, 6), 0);   /* run 2 ended at 8 */
    sweep_journal j;
    demob_error err = {0};
    int had;
    assert_int_equal(sweep_journal_open(&j, dir, ID_A, 0, 1, NAMES, 2, 1, &had, &err), 0);
    assert_int_equal(j.jobs, 1);
    assert_int_equal(j.off[1], 4);
    assert_int_equal(file_size(SJ_JOURNAL_NAME), 256 + 16);
    /* Rewind to nothing. */
    assert_int_equal(sweep_journal_rewind(&j, 0, &err), 0);
    assert_int_equal(file_size("summary.csv.partial"), 0);
    sweep_journal_close(&j);
}

/* Another sweep or shard is refused with --resume; a second writer is
 * locked out; without --resume the folder starts over. */
static void test_refusals_and_lock(void **state)
{
    (void)state;
    sweep_journal j, k;
    demob_error err = {0};
    int had;
    assert_int_equal(sweep_journal_open(&j, dir, ID_B, 0, 1, NAMES, 2, 1, &had, &err), DEMOB_EINPUT);
    has(&err, "unfinished sweep of another scenario, design or settings");
    sweep_journal_close(&j);
    assert_int_equal(sweep_journal_open(&j, dir, ID_A, 1, 2, NAMES, 2, 1, &had, &err), DEMOB_EINPUT);
    has(&err, "holds shard 0/1 of this sweep, not 1/2");
    sweep_journal_close(&j);
    assert_int_equal(sweep_journal_open(&j, dir, ID_A, 0, 1, NAMES, 2, 1, &had, &err), 0);
    assert_int_equal(sweep_journal_open(&k, dir, ID_A, 0, 1, NAMES, 2, 1, &had, &err), DEMOB_EINPUT);
    has(&err, "in use by another demob sweep");
    sweep_journal_close(&k);
    sweep_journal_close(&j);
    assert_int_equal(sweep_journal_open(&j, dir, ID_B, 0, 1, NAMES, 2, 0, &had, &err), 0);
    assert_int_equal(had, 1);
    assert_int_equal(j.jobs, 0);
    /* The scratch: read back only by the same sweep at the same runs done. */
    double a[3] = {1, 2, 3}, b[3] = {0};
    assert_int_not_equal(sweep_journal_scratch_load(&j, ID_B, b, 3), 0);
    assert_int_equal(sweep_journal_scratch_save(&j, ID_B, a, 3, &err), 0);
    assert_int_equal(sweep_journal_scratch_load(&j, ID_B, b, 3), 0);
    assert_memory_equal(a, b, sizeof a);
    assert_int_not_equal(sweep_journal_scratch_load(&j, ID_A, b, 3), 0);
    assert_int_not_equal(sweep_journal_scratch_load(&j, ID_B, b, 2), 0);
    j.jobs++;
    assert_int_not_equal(sweep_journal_scratch_load(&j, ID_B, b, 3), 0);
    j.jobs--;
    sweep_journal_remove(&j);
    assert_int_equal(file_size(SJ_JOURNAL_NAME), -1);
    assert_int_equal(file_size("points.csv.partial"), -1);
    assert_int_equal(file_size(SJ_SCRATCH_NAME), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resume_truncates),
        cmocka_unit_test(test_journal_ahead_of_data),
        cmocka_unit_test(test_refusals_and_lock),
    };
    return cmocka_run_group_tests_name("sweep_journal", tests, setup, teardown);
}
