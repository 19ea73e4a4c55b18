/* report_fit.h - the calibration section of `demob report` for folders
 * written by demob fit, and the page of a report with fit folders only. */
#ifndef DEMOB_REPORT_FIT_H
#define DEMOB_REPORT_FIT_H
#include "demob.h"
#include "report.h"
#include "util/strbuf.h"

/* Appends one section per fit folder of in (in->fits): the method and its
 * settings, the estimates with R-hat and ESS (warnings marked), observed
 * vs fitted charts, per param a trace and a density (mcmc, pmcmc) or the
 * profile-likelihood interval (mle), and the manifest. DEMOB_EINPUT on a
 * bad folder (err names the file and line). */
int report_fit_section(const report_input *in, strbuf *out, demob_error *err);

/* The whole page when in has fit folders and no run folders; css is the
 * report's style sheet. */
int report_fit_page(const report_input *in, const char *css, strbuf *out, demob_error *err);

#endif
