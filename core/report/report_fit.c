/* report_fit.c - the calibration section of `demob report` (see
 * report_fit.h): what a fit folder says about its params and how well the
 * model meets the observations, as tables and small inline SVG charts. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fit_charts.h"
#include "fit_data.h"
#include "plot.h"
#include "report_fit.h"
#include "svg.h"

#define WIDE 1060      /* a chart across the page's column */
#define SMALL 520      /* two small charts side by side */
#define SMALL_H 230
#define MAX_SERIES 64

static void esc(strbuf *b, const char *s)
{
    svg_escape(b, s ? s : "");
}

/* A number cell: fmt below 1000 in size, whole numbers from there (an
 * exponent reads badly in a table). */
static void num_cell(strbuf *b, double v, const char *fmt)
{
    strbuf_puts(b, "<td class=\"num\">");
    if (isnan(v))
        strbuf_puts(b, "-");
    else
        strbuf_printf(b, fabs(v) >= 1000 ? "%.0f" : fmt, v);
    strbuf_puts(b, "</td>");
}

static void settings(strbuf *b, const report_fit *f)
{
    static const char *const keys[] = { "chains", "iterations", "warmup", "particles", "starts", "evaluations",
                                        "log_likelihood", "acceptance" };
    char num[64];
    strbuf_puts(b, "<p class=\"note\">Method <b>");
    esc(b, *f->method ? f->method : "unknown");
    strbuf_puts(b, "</b>");
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        const jflat_entry *e = jflat_find(&f->manifest, keys[k]);
        if (!e)
            continue;
        strbuf_printf(b, "; %s ", keys[k]);
        esc(b, jflat_display(e, num, sizeof num));
    }
    strbuf_printf(b, "; %zu observations.</p>\n", f->n_obs);
}

static void estimates(strbuf *b, const report_fit *f)
{
    int mle = strcmp(f->method, "mle") == 0, warned = 0;
    strbuf_puts(b, "<table class=\"fit\">\n<tr><th>param</th>");
    strbuf_puts(b, mle ? "<th>estimate</th><th>2.5% (profile)</th><th>97.5% (profile)</th></tr>\n"
                       : "<th>mean</th><th>sd</th><th>2.5%</th><th>50%</th><th>97.5%</th><th>R-hat</th>"
                         "<th>ESS</th></tr>\n");
    for (size_t p = 0; p < f->n_est; p++) {
        const report_fit_est *e = &f->est[p];
        int w = !mle && report_fit_warned(e);
        warned |= w;
        strbuf_puts(b, w ? "<tr class=\"warn\"><td>" : "<tr><td>");
        esc(b, e->param);
        if (w)
            strbuf_puts(b, " <b title=\"R-hat above 1.01 or ESS below 400\">&#9888;</b>");
        strbuf_puts(b, "</td>");
        num_cell(b, e->estimate, "%.4g");
        if (!mle)
            num_cell(b, e->sd, "%.3g");
        num_cell(b, e->q025, "%.4g");
        if (!mle)
            num_cell(b, e->q50, "%.4g");
        num_cell(b, e->q975, "%.4g");
        if (!mle) {
            num_cell(b, e->rhat, "%.3f");
            num_cell(b, e->ess, "%.0f");
        }
        strbuf_puts(b, "</tr>\n");
    }
    strbuf_puts(b, "</table>\n");
    if (mle)
        strbuf_puts(b, "<p class=\"note\">The estimate maximises the likelihood; the 95% interval is where the "
                       "profile likelihood falls 1.92 below its maximum.</p>\n");
    else
        strbuf_puts(b, "<p class=\"note\">Posterior mean, sd and quantiles of the kept draws; R-hat is the "
                       "rank-normalised split R-hat and ESS the bulk effective sample size. "
                       "&#9888; marks a param with R-hat above 1.01 or an ESS below 400: its chains have not "
                       "mixed well enough to trust the numbers; run longer chains or more of them.</p>\n");
    const jflat_entry *wl = jflat_find(&f->manifest, "warnings");
    if (wl && wl->items && wl->n_items) {
        strbuf_puts(b, "<p class=\"note\"><b>Warnings of the fit:</b></p>\n<ul class=\"warnings\">\n");
        for (size_t i = 0; i < wl->n_items; i++) {
            strbuf_puts(b, "<li>");
            esc(b, wl->items[i]);
            strbuf_puts(b, "</li>\n");
        }
        strbuf_puts(b, "</ul>\n");
    } else if (warned) {
        strbuf_puts(b, "<p class=\"note\"><b>Warning:</b> a param misses the targets above.</p>\n");
    }
}

static void small_figure_begin(strbuf *b)
{
    strbuf_puts(b, "<figure style=\"flex:1 1 420px;margin:0\">\n");
}

static void one_fit(strbuf *b, const report_fit *f, const char *label, const char *dir, int i)
{
    strbuf_printf(b, "<h2 id=\"fit%d\">Calibration: ", i + 1);
    esc(b, label);
    strbuf_puts(b, "</h2>\n");
    settings(b, f);
    strbuf_puts(b, "<h3>Estimates</h3>\n");
    estimates(b, f);
    strbuf_puts(b, "<h3>Observed and fitted</h3>\n");
    const char *names[MAX_SERIES];
    size_t n = report_fit_series(f, names, MAX_SERIES);
    for (size_t s = 0; s < n; s++) {
        strbuf_puts(b, "<figure>\n");
        report_fit_series_svg(f, names[s], WIDE, b);
        strbuf_puts(b, "</figure>\n");
    }
    int mle = strcmp(f->method, "mle") == 0;
    strbuf_puts(b, mle ? "<h3>Profile-likelihood intervals</h3>\n" : "<h3>Traces and densities</h3>\n");
    if (!mle && f->n_draws == 0) {
        strbuf_puts(b, "<p class=\"note\">No posterior.csv in this folder: no draws to show.</p>\n");
    } else {
        strbuf_puts(b, "<div class=\"small\" style=\"display:flex;flex-wrap:wrap;gap:8px;margin:8px 0\">\n");
        for (size_t p = 0; p < f->n_est; p++) {
            small_figure_begin(b);
            if (mle)
                report_fit_interval_svg(f, p, SMALL, 140, b);
            else
                report_fit_trace_svg(f, p, SMALL, SMALL_H, b);
            strbuf_puts(b, "</figure>\n");
            if (mle)
                continue;
            small_figure_begin(b);
            report_fit_density_svg(f, p, SMALL, SMALL_H, b);
            strbuf_puts(b, "</figure>\n");
        }
        strbuf_puts(b, "</div>\n");
    }
    strbuf_puts(b, "<h3>Manifest</h3>\n<p class=\"note\">Folder <code>");
    esc(b, dir);
    strbuf_puts(b, "</code>.</p>\n");
    report_manifest_table(b, &f->manifest, " class=\"fit\"", NULL);
}

int report_fit_section(const report_input *in, strbuf *out, demob_error *err)
{
    for (int i = 0; i < in->n_fits; i++) {
        report_fit f;
        int rc = report_fit_load(in->fits[i], &f, err);
        if (rc == 0)
            one_fit(out, &f, in->fit_labels && in->fit_labels[i] ? in->fit_labels[i] : f.label, in->fits[i], i);
        report_fit_free(&f);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int report_fit_page(const report_input *in, const char *css, strbuf *out, demob_error *err)
{
    strbuf title;
    strbuf_init(&title);
    if (in->title) {
        strbuf_puts(&title, in->title);
    } else {
        strbuf_puts(&title, "demob report: calibration of ");
        for (int i = 0; i < in->n_fits; i++) {
            char label[256];
            plot_dir_label(in->fits[i], label, sizeof label);
            strbuf_printf(&title, "%s%s", i ? ", " : "", in->fit_labels && in->fit_labels[i] ? in->fit_labels[i] : label);
        }
    }
    strbuf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta name=\"generator\" content=\"demob " DEMOB_VERSION "\">\n<title>");
    esc(out, title.data);
    strbuf_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
    esc(out, title.data);
    strbuf_free(&title);
    strbuf_puts(out, "</h1>\n<p class=\"sub\">Made by demob " DEMOB_VERSION " from the output of demob fit: "
                     "how well the model meets the observations, and what they say about its params.</p>\n");
    int rc = report_fit_section(in, out, err);
    strbuf_puts(out, "</body>\n</html>\n");
    if (rc == 0 && out->failed)
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory while writing the report");
    return rc;
}
