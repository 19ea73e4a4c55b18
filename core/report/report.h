/* report.h - `demob report`: one self-contained HTML page (inline CSS and
 * SVG, no script, no network) about one or several output folders: key
 * outcomes side by side, charts (stocks by state, key states overlaid
 * across scenarios with fan bands for stochastic outputs, states by
 * origin, costs to date), milestones of a return state, final stocks by
 * origin and state, costs, and each scenario's parameters and manifest. The page
 * is deterministic: the same folders give the same bytes. Which states
 * are key, by origin, returned to and peaked come from the scenario's
 * report { } declaration in the manifest (report.c: find_keys), else from
 * the command line; this code knows no state names. */
#ifndef DEMOB_REPORT_H
#define DEMOB_REPORT_H
#include "demob.h"
#include "outcomes.h"
#include "util/strbuf.h"

#define REPORT_MAX_DIRS 8

typedef struct report_input {
    const char *const *dirs;
    const char *const *labels;   /* NULL: manifest scenario names */
    int n_dirs;
    const char *title;           /* NULL: made up */
    outcomes_options oo;         /* return state, peak state, point */
    const char *at;              /* answer dates, "12,24" or "2021-11,final";
                                    NULL: the manifest's report_at, else defaults */
    const char *const *fits;     /* folders of demob fit: a calibration section
                                    each (report_fit.h); n_dirs may then be 0 */
    const char *const *fit_labels;   /* per fit, or NULL: manifest scenario names */
    int n_fits;
} report_input;

/* Appends the page to out. DEMOB_EINPUT on bad input (err names it). */
int report_html(const report_input *in, strbuf *out, demob_error *err);

/* The manifest as a two-column table (<table ATTRS>), leaving out the keys
 * that start with skip (NULL: none); shared by the page's sections. */
struct jflat;
void report_manifest_table(strbuf *b, const struct jflat *m, const char *attrs, const char *skip);

#endif
