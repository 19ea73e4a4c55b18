/* manifest.h - manifest.json, written into every output folder: tool
 * version, scenario file and its SHA-256, settings, parameter values, seed
 * and command line, so that any CSV beside it can be reproduced. */
#ifndef DEMOB_MANIFEST_H
#define DEMOB_MANIFEST_H
#include "demob.h"
#include "util/inputs.h"
#include "util/strbuf.h"

/* What the scenario's report { ... } declares for `demob report` (written
 * as a "report" object; NULL lists and names are left out). */
typedef struct manifest_report {
    const char *const *key_states;   /* charted across scenarios          */
    int n_key_states;
    const char *const *by_origin;    /* charted and tabulated by origin   */
    int n_by_origin;
    const char *return_state;        /* milestones: entering this state   */
    const char *peak_state;          /* peak occupancy of this state      */
} manifest_report;

/* A file the scenario read (util/inputs.h): the manifest's "inputs". */
typedef inputs_file manifest_input;

typedef struct manifest_info {
    const char *command;          /* "run", "sweep", ... */
    const char *scenario_path;
    const demob_model *model;
    long runs;                    /* runs made */
    int argc;                     /* the command line, for "command_line" */
    char **argv;
    const char *extra_json;       /* more members, already formatted as
                                   * "\"key\": value, ..." (or NULL) */
    const manifest_input *inputs; /* every file the scenario read (or NULL) */
    int n_inputs;
    const char *currency;         /* the scenario's currency, or NULL */
} manifest_info;

/* The scenario's SHA-256 (64 hex digits) into hex: of the bytes the runs
 * used, inputs[0] (the script, read once), when the list is given; else
 * of the file, read now. 0, or DEMOB_ERUN when it cannot be read. */
int manifest_scenario_hex(const char *scenario_path, const manifest_input *inputs, int n_inputs, char hex[65],
                          demob_error *err);
/* Formats the manifest, with a "report" object after the params when
 * report is not NULL ("scenario_sha256": manifest_scenario_hex); 0 ok, or
 * DEMOB_ERUN when the scenario cannot be hashed. */
int manifest_format(const manifest_info *info, const manifest_report *report, strbuf *out,
                    demob_error *err);
/* Writes dir/manifest.json atomically (without / with a report object). */
int manifest_write(const char *dir, const manifest_info *info, demob_error *err);
int manifest_write_report(const char *dir, const manifest_info *info, const manifest_report *report,
                          demob_error *err);
/* Appends the "inputs" array (without the key). */
void manifest_json_inputs(strbuf *b, const manifest_input *in, int n);
/* Appends s as a JSON string literal. */
void manifest_json_string(strbuf *b, const char *s);
/* Appends ["a", "b", ...]. */
void manifest_json_string_array(strbuf *b, const char *const *v, int n);

#endif
