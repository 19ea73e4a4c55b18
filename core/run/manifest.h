/* manifest.h - manifest.json, written into every output folder: tool
 * version, scenario file and its SHA-256, settings, parameter values, seed
 * and command line, so that any CSV beside it can be reproduced. */
#ifndef DEMOB_MANIFEST_H
#define DEMOB_MANIFEST_H
#include "demob.h"
#include "util/strbuf.h"

typedef struct manifest_info {
    const char *command;          /* "run", "sweep", ... */
    const char *scenario_path;
    const demob_model *model;
    long runs;                    /* runs made */
    int argc;                     /* the command line, for "command_line" */
    char **argv;
    const char *extra_json;       /* more members, already formatted as
                                   * "\"key\": value, ..." (or NULL) */
} manifest_info;

/* Formats the manifest; 0 ok, -1 if the scenario file cannot be hashed. */
int manifest_format(const manifest_info *info, strbuf *out, demob_error *err);
/* Writes dir/manifest.json atomically. */
int manifest_write(const char *dir, const manifest_info *info, demob_error *err);
/* Appends s as a JSON string literal. */
void manifest_json_string(strbuf *b, const char *s);
/* Appends ["a", "b", ...]. */
void manifest_json_string_array(strbuf *b, const char *const *v, int n);

#endif
