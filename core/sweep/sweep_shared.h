/* sweep_shared.h - what `demob sweep` and `demob merge` agree on: the
 * files of a sweep folder, the quantiles header, where the outcomes start
 * in summary.csv, and the sweep fields of manifest.json. */
#ifndef DEMOB_SWEEP_SHARED_H
#define DEMOB_SWEEP_SHARED_H
#include "demob.h"
#include "util/json_flat.h"
#include "run/output.h"

/* The CSV files of a sweep: the run files of output.h (same indices), then
 * points.csv and quantiles.csv. sensitivity.csv is derived from points.csv
 * and summary.csv (sweep_sens.h). */
enum { SW_POINTS = OUT_NFILES, SW_QUANTILES, SW_NFILES };
extern const char *const sweep_shared_file_names[SW_NFILES];
extern const char *const sweep_shared_quantiles_header[];

/* Index of the first outcome column of a sweep's summary.csv: point, run,
 * then the model's named params. */
int sweep_shared_first_outcome(const demob_model *m);
/* The declared [min, max] of value slot v (NaN, NaN when none): demob.h
 * has no getter for it yet. */
void sweep_shared_param_range(const demob_model *m, demob_value v, double *lo, double *hi);

/* The most runs (points x replicates) a sweep folder can claim. */
#define SWEEP_MAX_RUNS (1L << 40)

/* The sweep fields of a folder's manifest.json. */
typedef struct sweep_shared_manifest {
    jflat j;
    const char *command;      /* "sweep" or "merge" */
    const char *id;
    const char *design;       /* design_sha256 */
    const char *scenario;     /* scenario_sha256 */
    const char *files;        /* "points.csv summary.csv ..." */
    long shard, shards, points, replicates;
    int outcome_column;
} sweep_shared_manifest;

/* Loads dir/manifest.json; DEMOB_EINPUT with a message when it is missing,
 * not the manifest of a sweep, or its numbers are out of range. */
int sweep_shared_manifest_load(const char *dir, sweep_shared_manifest *mf, demob_error *err);
void sweep_shared_manifest_free(sweep_shared_manifest *mf);

#endif
