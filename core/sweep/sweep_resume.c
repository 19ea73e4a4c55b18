/* sweep_resume.c - whether a sweep journal can be trusted by --resume
 * (see sweep_resume.h): a journal edited by hand or by a faulty disk (a
 * record written twice, records of zeros) would otherwise commit output
 * files with rows missing, repeated or out of order. Every record is
 * checked before anything is written; only the starts and ends of the
 * rows are read, and whole segments of the files with one row a run. */
#include <stdio.h>
#include <string.h>

#include "sweep_resume.h"

/* What one segment [a, b) of a partial holds. */
typedef struct segment {
    char head[48];    /* its first bytes, NUL-terminated */
    char last;        /* its last byte */
    long lines;       /* newlines, when counted */
} segment;

static int read_segment(const sweep_journal *j, int f, uint64_t a, uint64_t b, int count, segment *s,
                        demob_error *err)
{
    memset(s, 0, sizeof *s);
    if (b == a)
        return 0;
    size_t n = b - a < sizeof s->head - 1 ? (size_t)(b - a) : sizeof s->head - 1;
    int rc = sweep_journal_read(j, f, a, s->head, n, err);
    if (rc == 0)
        rc = sweep_journal_read(j, f, b - 1, &s->last, 1, err);
    char buf[1 << 14];
    for (uint64_t at = a; count && rc == 0 && at < b; at += n) {
        n = b - at < sizeof buf ? (size_t)(b - at) : sizeof buf;
        if ((rc = sweep_journal_read(j, f, at, buf, n, err)) == 0)
            for (size_t i = 0; i < n; i++)
                s->lines += buf[i] == '\n';
    }
    return rc;
}

/* Does the segment hold rows starting with prefix (exactly `lines` of
 * them when lines >= 0, at least one when need)? */
static int rows_ok(const segment *s, const char *prefix, long lines, int need, uint64_t len)
{
    if (len == 0)
        return !need && lines <= 0;
    return s->last == '\n' && strncmp(s->head, prefix, strlen(prefix)) == 0 && (lines < 0 || s->lines == lines);
}

int sweep_resume_check(const sweep_journal *j, const sweep_order *o, long R, const int jf[SW_NFILES], demob_error *err)
{
    uint64_t a[SJ_MAX_FILES], b[SJ_MAX_FILES];
    int rc = sweep_journal_record(j, -1, a, err);
    for (long k = 0; k < j->jobs && rc == 0; k++) {
        if ((rc = sweep_journal_record(j, k, b, err)))
            break;
        long p = sweep_order_shard_point(o, k / R), r = k % R, last = r == R - 1;
        char pfx[48], run_pfx[48];
        snprintf(pfx, sizeof pfx, "%ld,", p);
        snprintf(run_pfx, sizeof run_pfx, "%ld,%ld,", p, p * R + r + 1);
        for (int f = 0; f < SW_NFILES && rc == 0; f++) {
            int i = jf[f];
            if (i < 0)
                continue;
            if (b[i] < a[i]) {
                rc = -1;
                break;
            }
            int one_row = f == OUT_SUMMARY || f == SW_POINTS;
            segment s;
            if ((rc = read_segment(j, i, a[i], b[i], one_row, &s, err)))
                break;
            int ok;
            if (f == OUT_SUMMARY)
                ok = rows_ok(&s, run_pfx, 1, 1, b[i] - a[i]);
            else if (f == SW_POINTS)
                ok = rows_ok(&s, pfx, last ? 1 : 0, last, b[i] - a[i]);
            else if (f == SW_QUANTILES)
                ok = last ? rows_ok(&s, pfx, -1, 1, b[i] - a[i]) : b[i] == a[i];
            else
                ok = rows_ok(&s, pfx, -1, f == OUT_POPULATIONS, b[i] - a[i]);
            if (!ok)
                rc = -1;
        }
        if (rc == -1)
            return demob_error_set(err, DEMOB_EINPUT,
                                   "--resume: record %ld of '%s/%s' does not match the rows of run %ld (point %ld) "
                                   "in the partial files (a damaged or edited journal); drop --resume to start the "
                                   "sweep over",
                                   k + 1, j->dir, SJ_JOURNAL_NAME, p * R + r + 1, p);
        memcpy(a, b, sizeof a);
    }
    return rc;
}
