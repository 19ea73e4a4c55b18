/* sweep_sens.h - sensitivity.csv: which param drives each outcome of a
 * sweep. Computed from the folder's points.csv and summary.csv only, so
 * that a sweep and a merge of its shards give the same bytes.
 *
 * For each outcome column of summary.csv (from column first_outcome on:
 * final.<state>, flow.<flow>, peak.<state>, cost.total, ...) the outcome of
 * a point is the mean over its replicates; over the points, each param
 * that varies gets Spearman's rank correlation and the PRCC with the
 * outcome (util/stats.h). Rows:
 *     outcome,param,spearman,prcc,rank,note
 * in summary column order, and within an outcome by |PRCC| (largest
 * first; rank 1 is the strongest driver). A PRCC that is undefined (the
 * other params decide the outcome, say) is an empty cell, ranks last (by
 * |Spearman| among such), and its note says why; the note is empty
 * otherwise. Outcomes that do not vary over the points are left out.
 *
 * summary.csv is parsed once: the point means of all outcomes go to an
 * unlinked temporary file beside the output (8 bytes per point and
 * outcome), read back once per block of outcome columns. Memory: about
 * 8 (2k + 6) bytes per point for k params (ids, ranks, one outcome's
 * ranks and sort scratch) plus at most SENS_BLOCK_BYTES for a block of
 * outcome columns: e.g. 4.8 MB + 4 MB for 100,000 points and 2 params. */
#ifndef DEMOB_SWEEP_SENS_H
#define DEMOB_SWEEP_SENS_H
#include "demob.h"

#define SENS_BLOCK_BYTES ((size_t)4 << 20)

int sweep_sensitivity(const char *points_path, const char *summary_path, int first_outcome,
                      const char *out_path, demob_error *err);

#endif
