/* scratch.h - a scratch folder for a group of unit tests: made in the
 * group's setup, removed in its teardown, with files written into it.
 * Include after <cmocka.h> (scratch_put asserts). */
#ifndef DEMOB_TEST_SCRATCH_H
#define DEMOB_TEST_SCRATCH_H
#include <stdio.h>
#include <stdlib.h>

/* Makes /tmp/demob-test-<name>-XXXXXX into dir: 0, or -1. */
static inline int scratch_make(char *dir, size_t size, const char *name)
{
    snprintf(dir, size, "/tmp/demob-test-%s-XXXXXX", name);
    return mkdtemp(dir) ? 0 : -1;
}

/* Removes dir and everything in it: 0, or -1. */
static inline int scratch_remove(const char *dir)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to dir/name; returns the path, valid for the next seven
 * calls too (a ring of buffers). */
static inline const char *scratch_put(const char *dir, const char *name, const char *text)
{
    static char paths[8][160];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    return p;
}

#endif
