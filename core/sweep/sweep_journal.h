/* sweep_journal.h - what lets an interrupted sweep resume: its output so
 * far, kept in "<file>.partial" in the output folder in the order the
 * runs finished (job order), and a journal "sweep.journal" holding, after
 * each finished run, the byte length of every partial file.
 *
 * A run's rows are written (write(2)) before its journal record, so after
 * SIGINT or kill -9 the journal never names bytes that are not in the
 * partial files; the partials and the journal are fdatasync'ed every few
 * seconds and at the end, and on resume a record that points beyond the
 * data (a power cut between syncs) is dropped with the ones after it.
 * Resuming truncates the partials to the last record and carries on from
 * the next run: no run counted as done is run again, none is lost or
 * written twice.
 *
 * The journal starts with a header naming the sweep (a hash of scenario,
 * settings and design) and the shard, so a folder can only be resumed by
 * the same sweep. It is locked (flock) while a sweep writes the folder.
 * "sweep.scratch" holds, when a sweep stops in the middle of a point, the
 * stocks of that point's finished replicates (for its quantiles), written
 * once at the stop and tagged with the sweep and the runs done; without a
 * matching one, a resumed sweep runs the point again from its first
 * replicate.
 *
 * Ownership: the journal owns its file descriptors; sweep_journal_close releases
 * them, sweep_journal_remove deletes the files too. */
#ifndef DEMOB_SWEEP_JOURNAL_H
#define DEMOB_SWEEP_JOURNAL_H
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "util/atomic_file.h"
#include "demob.h"

#define SJ_MAX_FILES 8
#define SJ_JOURNAL_NAME "sweep.journal"
#define SJ_SCRATCH_NAME "sweep.scratch"

typedef struct sweep_journal {
    char dir[PATH_MAX];
    int n_files;
    char names[SJ_MAX_FILES][64];   /* "summary.csv", ...; partial: + ".partial" */
    int fd[SJ_MAX_FILES];
    uint64_t off[SJ_MAX_FILES];     /* bytes in each partial */
    int jfd;
    long jobs;                      /* runs recorded */
    double last_sync;
} sweep_journal;

/* Opens (and locks) the journal of dir for the sweep `id` (64 hex digits),
 * shard K of N, writing the named files. With resume, continues an
 * existing journal of the same sweep (j->jobs runs are done); without a
 * journal, or without resume, starts afresh (*had_journal tells whether
 * one was there). A journal of another sweep or shard with resume gives
 * DEMOB_EINPUT; a folder locked by another process DEMOB_EINPUT too. */
int sweep_journal_open(sweep_journal *j, const char *dir, const char *id, long shard, long shards, const char *const *names,
            int n_files, int resume, int *had_journal, demob_error *err);
/* Goes back to `jobs` runs done (jobs <= j->jobs): truncates the journal
 * and the partials. */
int sweep_journal_rewind(sweep_journal *j, long jobs, demob_error *err);
/* Appends to partial file f. */
int sweep_journal_append(sweep_journal *j, int f, const char *data, size_t len, demob_error *err);
/* Records one more finished run (the partials' current lengths). */
int sweep_journal_commit(sweep_journal *j, demob_error *err);
/* The same with given lengths (taken when the run finished, for a record
 * committed later; they must not exceed the current ones). */
int sweep_journal_commit_at(sweep_journal *j, const uint64_t *offs, demob_error *err);
/* fdatasync of the partials and the journal. */
int sweep_journal_sync(sweep_journal *j, demob_error *err);
/* Lengths of the partials after run `job` (all 0 for job < 0). */
int sweep_journal_record(const sweep_journal *j, long job, uint64_t *offs, demob_error *err);
/* Reads n bytes at off of partial f. */
int sweep_journal_read(const sweep_journal *j, int f, uint64_t off, void *data, size_t n, demob_error *err);
/* Appends bytes [start, end) of partial f to dst. */
int sweep_journal_copy(const sweep_journal *j, int f, uint64_t start, uint64_t end, atomic_file *dst, demob_error *err);
/* The scratch: n numbers for the sweep `id` at j->jobs runs done. */
int sweep_journal_scratch_save(const sweep_journal *j, const char *id, const double *vals, size_t n,
                               demob_error *err);
/* Reads them back: 0, or -1 when there is none for this sweep at j->jobs. */
int sweep_journal_scratch_load(const sweep_journal *j, const char *id, double *vals, size_t n);
void sweep_journal_close(sweep_journal *j);
/* Deletes the partials and the journal, and closes. */
void sweep_journal_remove(sweep_journal *j);

#endif
