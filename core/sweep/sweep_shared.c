/* sweep_shared.c - file names, headers and manifest fields shared by
 * demob sweep and demob merge (see sweep_shared.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep_shared.h"
#include "util/path.h"

const char *const sweep_shared_file_names[SW_NFILES] = {"populations.csv", "flows.csv",  "costs.csv",    "budgets.csv",
                                              "summary.csv",     "constraints.csv", "points.csv", "quantiles.csv"};

const char *const sweep_shared_quantiles_header[] = {"point", "step", "date", "origin", "state", "mean",
                                           "sd",    "p5",   "p50",  "p95",    NULL};

int sweep_shared_first_outcome(const demob_model *m)
{
    int n = 2;
    for (int v = 0; v < demob_model_n_values(m); v++)
        n += demob_model_value_name(m, v) != NULL;
    return n;
}

void sweep_shared_param_range(const demob_model *m, demob_value v, double *lo, double *hi)
{
    demob_model_value_range(m, v, lo, hi);
}

static int get_long(const sweep_shared_manifest *mf, const char *key, long *out)
{
    const char *v = jflat_get(&mf->j, key);
    if (!v)
        return -1;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (!*v || *end || errno)
        return -1;
    *out = x;
    return 0;
}

int sweep_shared_manifest_load(const char *dir, sweep_shared_manifest *mf, demob_error *err)
{
    memset(mf, 0, sizeof *mf);
    char path[PATH_FILE_SIZE];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    demob_error e = {0};
    if (jflat_load(path, &mf->j, &e) != 0)
        return demob_error_set(err, DEMOB_EINPUT, "%s (not a finished sweep folder?)", e.message);
    long oc = 0;
    mf->command = jflat_get(&mf->j, "command");
    mf->id = jflat_get(&mf->j, "sweep.id");
    mf->design = jflat_get(&mf->j, "sweep.design_sha256");
    mf->scenario = jflat_get(&mf->j, "scenario_sha256");
    mf->files = jflat_get(&mf->j, "sweep.files");
    if (!mf->command || !mf->id || !mf->design || !mf->scenario || !mf->files ||
        get_long(mf, "sweep.shard_index", &mf->shard) || get_long(mf, "sweep.shard_count", &mf->shards) ||
        get_long(mf, "sweep.points", &mf->points) || get_long(mf, "sweep.replicates", &mf->replicates) ||
        get_long(mf, "sweep.outcome_column", &oc)) {
        sweep_shared_manifest_free(mf);
        return demob_error_set(err, DEMOB_EINPUT, "%s is not the manifest of a demob sweep", path);
    }
    mf->outcome_column = (int)oc;
    /* Numbers a merge multiplies and indexes with: in range. */
    if (mf->shards < 1 || mf->shard < 0 || mf->shard >= mf->shards || mf->points < 1 || mf->replicates < 1 ||
        mf->replicates > SWEEP_MAX_RUNS / mf->points || oc < 0 || oc > 1000000) {
        sweep_shared_manifest_free(mf);
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s: its sweep fields are out of range (shard, shard_count, points, replicates or "
                               "outcome_column)",
                               path);
    }
    return 0;
}

void sweep_shared_manifest_free(sweep_shared_manifest *mf)
{
    jflat_free(&mf->j);
    memset(mf, 0, sizeof *mf);
}
