/* fit_charts.h - the charts of a fit folder (fit_data.h) as SVG: each
 * observed series as points over the model's prediction and its 95% band;
 * per param a trace (value by iteration, one line per chain), a density
 * (histogram of the kept draws) and, for mle, the profile-likelihood
 * interval. Deterministic: the same folder gives the same bytes. */
#ifndef DEMOB_FIT_CHARTS_H
#define DEMOB_FIT_CHARTS_H
#include "fit_data.h"
#include "util/strbuf.h"

/* The names of the series of fitted.csv, in order of first appearance
 * (pointers into f; at most max). Returns their count. */
size_t report_fit_series(const report_fit *f, const char **names, size_t max);

/* Observed points over the fitted line and band of one series, width
 * px wide (0: the default). Returns the chart's height. */
double report_fit_series_svg(const report_fit *f, const char *series, double width, strbuf *out);
/* Param p's draws by iteration, one line per chain. */
void report_fit_trace_svg(const report_fit *f, size_t p, double width, double height, strbuf *out);
/* Param p's histogram of draws, with the mean and the 95% interval. */
void report_fit_density_svg(const report_fit *f, size_t p, double width, double height, strbuf *out);
/* Param p's estimate and 95% interval (mle: from the profile likelihood). */
void report_fit_interval_svg(const report_fit *f, size_t p, double width, double height, strbuf *out);

/* Every series of f (or only the one named, NULL: all) stacked in one
 * <svg> for `demob plot`. DEMOB_EINPUT when the name is not a series. */
int report_fit_plot_svg(const report_fit *f, const char *series, double width, strbuf *out, demob_error *err);

#endif
