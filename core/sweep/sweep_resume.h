/* sweep_resume.h - the check a journal passes before `sweep --resume`
 * trusts it: each recorded run's rows are where the journal says, in the
 * order the sweep writes them. */
#ifndef DEMOB_SWEEP_RESUME_H
#define DEMOB_SWEEP_RESUME_H
#include "demob.h"
#include "sweep_journal.h"
#include "sweep_order.h"
#include "sweep_shared.h"

/* Checks the j->jobs records of j against the rows in the partials: the
 * lengths never go down; run k (point p = the shard's (k / R)-th, replicate
 * r = k % R) added exactly one summary row "p,run," (run = p * R + r + 1)
 * when summary.csv is saved, population rows starting with "p," when
 * populations.csv is, whole rows of p to any other file, and one
 * points.csv row and the quantiles rows of p after its last replicate,
 * nothing before. jf[f] is file f's index in the journal, or -1.
 * DEMOB_EINPUT naming the first record that fails. */
int sweep_resume_check(const sweep_journal *j, const sweep_order *o, long R, const int jf[SW_NFILES], demob_error *err);

#endif
