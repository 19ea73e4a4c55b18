/* report.c - builds the HTML page of `demob report` (see report.h) from
 * outcomes.c (the numbers), plot.c (the charts) and the manifests
 * (json_flat.c). Text from the data is always escaped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/inputs.h"
#include "answers.h"
#include "util/json_flat.h"
#include "plot.h"
#include "report.h"
#include "report_fit.h"
#include "svg.h"
#include "util/path.h"
#include "util/runstats.h"

#define CHART_WIDTH 1060   /* fills the page's 1120 px column */

static const char css[] =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;color:#222;margin:24px auto;"
    "max-width:1120px;padding:0 16px;line-height:1.4}"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:"
    "2px solid #4e79a7;padding-bottom:4px}h3{font-size:16px;margin:20px 0 6px}"
    "p.sub{color:#555;margin:0 0 16px}p.note{color:#555;font-size:13px}"
    "nav{background:#f4f6f9;padding:8px 12px;border-radius:4px;font-size:14px}"
    "nav a{margin-right:14px;color:#2b5d8c}"
    "table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}"
    "th,td{border:1px solid #d8dde3;padding:4px 8px;vertical-align:top;overflow-wrap:break-word}"
    "table{max-width:100%}table.fit{table-layout:fixed;width:100%}table.fit th,table.fit td{overflow-wrap:anywhere}"
    "table.fit tr:first-child th:first-child{width:16%}tr.at th{background:#dde5ee}"
    "small.diff{color:#333}td.ms{text-align:right}"
    "th{background:#eef2f6;text-align:left}td.num{text-align:right;white-space:nowrap}"
    "tr:nth-child(even) td{background:#fafbfc}td small,th small{color:#666}"
    "tr.total td{font-weight:bold}"
    "figure{margin:16px 0;border:1px solid #e3e6ea;border-radius:4px;padding:4px}"
    "figure svg{max-width:100%;height:auto;display:block}"
    "code{background:#f4f6f9;padding:1px 4px;border-radius:3px;word-break:break-all}";

/* What the page shows first: the scenario's report { } declaration from
 * the manifest of the first folder that has one, the command line over
 * it. Without any: every state charted, no milestones, no peak. */
typedef struct report_keys {
    const char *const *key_states;   /* NULL: every state of the first folder */
    size_t n_key_states;
    const char *const *by_origin;
    size_t n_by_origin;
    outcomes_options oo;             /* return state, peak state (NULL: none), point */
} report_keys;

typedef struct scen {
    const char *dir;
    char label[PLOT_LABEL_SIZE];
    jflat manifest;
    int has_manifest;
    outcomes oc;
    answers ans;            /* the answer table's cells: stocks */
    answers ans_out;        /* and outcomes (outcomes.csv) */
    int stochastic;         /* several runs */
} scen;

static const char *declared(const jflat *m, const char *key, const char *const **items, size_t *n)
{
    const jflat_entry *e = jflat_find(m, key);
    if (e && items) {
        *items = (const char *const *)e->items;
        *n = e->n_items;
    }
    return e ? e->value : NULL;
}

static void find_keys(const scen *sc, int n, const report_input *in, report_keys *k)
{
    memset(k, 0, sizeof *k);
    k->oo = in->oo;
    for (int i = 0; i < n; i++) {
        const jflat *m = &sc[i].manifest;
        int any = 0;
        for (size_t e = 0; sc[i].has_manifest && e < m->n && !any; e++)
            any = strncmp(m->e[e].key, "report.", 7) == 0;
        if (!any)
            continue;
        declared(m, "report.key_states", &k->key_states, &k->n_key_states);
        declared(m, "report.by_origin", &k->by_origin, &k->n_by_origin);
        if (!k->oo.return_state)
            k->oo.return_state = declared(m, "report.return_state", NULL, NULL);
        if (!k->oo.peak_state)
            k->oo.peak_state = declared(m, "report.peak_state", NULL, NULL);
        break;
    }
}

static void esc(strbuf *b, const char *s)
{
    svg_escape(b, s ? s : "");
}

/* 1234567.8 -> "1,234,568"; below 100, one decimal unless whole. */
static void fmt_amount(char *buf, size_t size, double v)
{
    if (isnan(v)) {
        snprintf(buf, size, "-");
        return;
    }
    char tmp[64];
    if (fabs(v) < 100 && v != floor(v))
        snprintf(tmp, sizeof tmp, "%.1f", fabs(v));
    else
        snprintf(tmp, sizeof tmp, "%.0f", fabs(v));
    for (char *p = tmp; *p; p++)
        if (*p == ',')
            *p = '.';
    char *dot = strchr(tmp, '.');
    size_t ip = dot ? (size_t)(dot - tmp) : strlen(tmp), j = 0;
    char out[96];
    if (v < 0 && (tmp[0] != '0' || (dot && strspn(dot + 1, "0") != strlen(dot + 1))))
        out[j++] = '-';
    for (size_t i = 0; i < ip; i++) {
        if (i > 0 && (ip - i) % 3 == 0)
            out[j++] = ',';
        out[j++] = tmp[i];
    }
    out[j] = '\0';
    snprintf(buf, size, "%s%s", out, dot ? dot : "");
}

static void put_amount(strbuf *b, double v)
{
    char s[96];
    fmt_amount(s, sizeof s, v);
    strbuf_puts(b, s);
}

/* A distribution: the mean, and the p5-p95 range below it. */
static void put_stat_body(strbuf *b, const ostat *s, int stochastic)
{
    put_amount(b, s->mean);
    if (stochastic && s->n > 1 && !isnan(s->p5)) {
        strbuf_puts(b, "<br><small>");
        put_amount(b, s->p5);
        strbuf_puts(b, " &ndash; ");
        put_amount(b, s->p95);
        strbuf_puts(b, "</small>");
    }
}

static void put_stat(strbuf *b, const ostat *s, int stochastic)
{
    strbuf_puts(b, "<td class=\"num\">");
    put_stat_body(b, s, stochastic);
    strbuf_puts(b, "</td>");
}

static void put_step(strbuf *b, const outcomes *oc, double step)
{
    long t = (long)floor(step + 0.5);
    strbuf_printf(b, "step %ld", t);
    const char *d = outcomes_date(oc, t);
    if (*d) {
        strbuf_puts(b, " <small>(");
        esc(b, d);
        strbuf_puts(b, ")</small>");
    }
}

static void milestone_cell(strbuf *b, const scen *s, const ostat *m, const char *what)
{
    strbuf_printf(b, "%s: ", what);
    long runs = s->oc.n_runs;
    if (m->n == 0) {
        strbuf_printf(b, "not within %ld steps", s->oc.final_step);
    } else {
        put_step(b, &s->oc, m->p50);
        if (s->stochastic && m->n > 1 && m->p5 != m->p95)
            strbuf_printf(b, "<br><small>p5&ndash;p95: %.0f&ndash;%.0f</small>", m->p5, m->p95);
        if (m->n < runs)
            strbuf_printf(b, "<br><small>reached in %ld of %ld runs</small>", m->n, runs);
    }
}

static void header_row(strbuf *b, const char *first, const scen *sc, int n, int span)
{
    strbuf_printf(b, "<tr><th>%s</th>", first);
    for (int i = 0; i < n; i++) {
        strbuf_printf(b, "<th%s>", span > 1 ? " colspan=\"2\"" : "");
        esc(b, sc[i].label);
        strbuf_puts(b, "</th>");
    }
    strbuf_puts(b, "</tr>\n");
}


/* A table row with each scenario's total cost ("-" without costs). */
static void cost_total_row(strbuf *b, const scen *sc, int n, const char *label)
{
    strbuf_puts(b, "<tr class=\"total\"><td>");
    strbuf_puts(b, label);
    strbuf_puts(b, "</td>");
    for (int i = 0; i < n; i++) {
        if (sc[i].oc.has_costs)
            put_stat(b, &sc[i].oc.cost_total, sc[i].stochastic);
        else
            strbuf_puts(b, "<td class=\"num\">-</td>");
    }
    strbuf_puts(b, "</tr>\n");
}
static void key_outcomes(strbuf *b, const scen *sc, int n, const char *currency)
{
    strbuf_puts(b, "<h2 id=\"outcomes\">Key outcomes</h2>\n<table class=\"fit\">\n");
    header_row(b, "At the final step, all origins", sc, n, 1);
    /* Every state of the first scenario, in its order, then any other. */
    for (int k = 0; k < n; k++) {
        for (size_t s = 0; s < sc[k].oc.n_states; s++) {
            const char *name = sc[k].oc.states[s];
            int seen = 0;
            for (int j = 0; j < k && !seen; j++)
                seen = outcomes_state(&sc[j].oc, name) >= 0;
            if (seen)
                continue;
            strbuf_puts(b, "<tr><td>");
            esc(b, name);
            strbuf_puts(b, "</td>");
            for (int i = 0; i < n; i++) {
                long si = outcomes_state(&sc[i].oc, name);
                if (si < 0)
                    strbuf_puts(b, "<td class=\"num\">-</td>");
                else
                    put_stat(b, &sc[i].oc.final_total[si], sc[i].stochastic);
            }
            strbuf_puts(b, "</tr>\n");
        }
    }
    int any_peak = 0, any_cost = 0;
    for (int i = 0; i < n; i++) {
        any_peak |= sc[i].oc.has_peak;
        any_cost |= sc[i].oc.has_costs;
    }
    if (any_peak) {
        strbuf_puts(b, "<tr><td>peak occupancy of a state <small>(see below)</small></td>");
        for (int i = 0; i < n; i++) {
            if (!sc[i].oc.has_peak) {
                strbuf_puts(b, "<td class=\"num\">-</td>");
                continue;
            }
            strbuf_puts(b, "<td class=\"num\">");
            put_stat_body(b, &sc[i].oc.peak, sc[i].stochastic);
            strbuf_puts(b, "<br><small>at ");
            put_step(b, &sc[i].oc, sc[i].oc.peak_step.p50);
            strbuf_puts(b, "</small></td>");
        }
        strbuf_puts(b, "</tr>\n");
    }
    if (any_cost)
    {
        char label[64];
        snprintf(label, sizeof label, "total cost%s%s", *currency ? ", " : "", currency);
        cost_total_row(b, sc, n, label);
    }
    strbuf_puts(b, "</table>\n");
    int any_sto = 0;
    for (int i = 0; i < n; i++)
        any_sto |= sc[i].stochastic;
    if (any_sto)
        strbuf_puts(b, "<p class=\"note\">Stochastic outputs: the mean over runs, with the "
                       "5th&ndash;95th percentile range over runs below it.</p>\n");
}

/* ---------------------------------------------------------- answers */

#define ANSWER_MAX_DATES 8

/* The answer dates: --at, else the manifest's answer_at (the dates the
 * run's own answer table used: its --at, the scenario's report_at or
 * their defaults), else (older folders) every 12
 * steps of a monthly run (at most 3) and the final step, else the middle
 * and the final step. Written into buf as strings; returns their count. */
static size_t answer_dates(const report_input *in, const scen *s0, char buf[][32], size_t max)
{
    size_t n = 0;
    const char *list = in->at;
    const jflat_entry *e = s0->has_manifest ? jflat_find(&s0->manifest, "answer_at") : NULL;
    if (list) {
        for (const char *p = list; *p && n < max;) {
            size_t len = strcspn(p, ",");
            snprintf(buf[n++], 32, "%.*s", (int)(len < 31 ? len : 31), p);
            p += len + (p[len] == ',');
        }
        return n;
    }
    if (e && e->items) {
        for (size_t i = 0; i < e->n_items && n < max; i++)
            snprintf(buf[n++], 32, "%s", e->items[i]);
        return n;
    }
    const char *unit = s0->has_manifest ? jflat_get(&s0->manifest, "unit") : NULL;
    long final = s0->oc.final_step;
    if (unit && strcmp(unit, "month") == 0 && final > 12) {
        for (long t = 12; t < final && n < 3; t += 12)
            snprintf(buf[n++], 32, "%ld", t);
    } else if (final >= 2) {
        snprintf(buf[n++], 32, "%ld", final / 2);
    }
    snprintf(buf[n++], 32, "final");
    return n;
}

/* The rows: one per key state (all origins); then, the hook for
 * outcome { } declarations, one per manifest entry "outcomes.NAME.states"
 * (with "outcomes.NAME.origins" when there is one), named in names.
 * rows and names hold answer_rows_max() entries. */
static size_t answer_rows_max(const scen *s0, const report_keys *k)
{
    return (k->key_states ? k->n_key_states : s0->oc.n_states) + (s0->has_manifest ? s0->manifest.n : 0);
}

static size_t answer_rows(const scen *s0, const report_keys *k, answer_row *rows, char (*names)[128])
{
    size_t n = 0;
    size_t n_keys = k->key_states ? k->n_key_states : s0->oc.n_states;
    for (size_t i = 0; i < n_keys; i++) {
        const char *const *st = k->key_states ? &k->key_states[i] : (const char *const *)&s0->oc.states[i];
        rows[n++] = (answer_row){ *st, st, 1, NULL, 0 };
    }
    for (size_t i = 0; s0->has_manifest && i < s0->manifest.n; i++) {
        const jflat_entry *e = &s0->manifest.e[i];
        size_t len = strlen(e->key);
        if (strncmp(e->key, "outcomes.", 9) != 0 || len < 17 || strcmp(e->key + len - 7, ".states") != 0 ||
            !e->items)
            continue;
        snprintf(names[n], sizeof names[n], "%.*s", (int)(len - 16), e->key + 9);
        answer_row r = { names[n], (const char *const *)e->items, e->n_items, NULL, 0 };
        char okey[200];
        snprintf(okey, sizeof okey, "outcomes.%s.origins", names[n]);
        const jflat_entry *o = jflat_find(&s0->manifest, okey);
        if (o && o->items) {
            r.origins = (const char *const *)o->items;
            r.n_origins = o->n_items;
        }
        rows[n++] = r;
    }
    return n;
}

static void answer_value(strbuf *b, const answer_cell *c, int stochastic)
{
    if (c->n == 0) {
        strbuf_puts(b, "<small>not saved</small>");
        return;
    }
    ostat st = { c->n, c->mean, NAN, NAN, NAN };
    st.p5 = c->p5;
    st.p95 = c->p95;
    put_stat_body(b, &st, stochastic);
}

/* The difference from the first scenario, and "*" when Welch's t-test at
 * 95% says it is beyond run-to-run chance. */
static void answer_diff(strbuf *b, const answer_cell *base, const answer_cell *c, int *marks)
{
    if (c->n == 0 || base->n == 0)
        return;
    double d = c->mean - base->mean;
    strbuf_puts(b, "<br><small class=\"diff\">");
    strbuf_puts(b, d > 0 ? "+" : d < 0 ? "&minus;" : "&plusmn;");
    put_amount(b, fabs(d));
    int beyond = stats_welch_beyond(base->n, base->mean, base->sd * base->sd, c->n, c->mean, c->sd * c->sd);
    if (beyond == 1) {
        strbuf_puts(b, " <b title=\"beyond run-to-run chance\">*</b>");
        (*marks)++;
    }
    strbuf_puts(b, "</small>");
}

/* One row per outcome of the first folder's outcomes.csv (not already a
 * row), after the rows of stocks: each sums one outcome (*rows grows to
 * hold them all). names holds their labels (the caller frees them). */
static int outcome_rows(const scen *sc, answer_row **rowsp, size_t n_rows, char ***names, size_t *n_out,
                        demob_error *err)
{
    char path[PATH_MAX];
    path_join(path, sizeof path, sc[0].dir, "outcomes.csv");
    *names = NULL;
    *n_out = 0;
    if (path_kind(path) != 2)
        return 0;
    size_t n_names = 0;
    int rc = answers_outcome_names(path, names, &n_names, err);
    answer_row *rows = rc == 0 ? realloc(*rowsp, (n_rows + n_names + 1) * sizeof *rows) : NULL;
    if (rows)
        *rowsp = rows;
    else if (rc == 0)
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
    for (size_t i = 0; rc == 0 && i < n_names; i++) {
        int dup = 0;
        for (size_t r = 0; r < n_rows && !dup; r++)
            dup = strcmp(rows[r].label, (*names)[i]) == 0;
        if (dup)
            continue;
        /* Compact the kept names to the front, freeing the dropped ones. */
        char *name = (*names)[i];
        (*names)[i] = NULL;
        (*names)[*n_out] = name;
        rows[n_rows + *n_out] = (answer_row){ name, (const char *const *)&(*names)[*n_out], 1, NULL, 0 };
        (*n_out)++;
    }
    for (size_t i = *n_out; i < n_names; i++)
        free((*names)[i]);
    return rc;
}

/* A folder's cells: stocks from populations.csv, else quantiles.csv's
 * means; outcomes from outcomes.csv when the folder has one. */
static int load_answers(scen *s, const answer_row *rows, size_t n_rows, size_t n_out, const char *const *at,
                        size_t n_at, long point, demob_error *err)
{
    char path[PATH_MAX];
    path_join(path, sizeof path, s->dir, s->oc.from_quantiles ? "quantiles.csv" : "populations.csv");
    int rc = answers_load_file(path, rows, n_rows, at, n_at, point, &s->ans, err);
    path_join(path, sizeof path, s->dir, "outcomes.csv");
    if (rc == 0 && n_out > 0 && path_kind(path) == 2)
        rc = answers_load_file(path, rows + n_rows, n_out, at, n_at, point, &s->ans_out, err);
    return rc;
}

/* The cell of row r (stocks, then outcomes) at date a; a cell with n = 0
 * ("not saved") when the folder has no outcomes.csv. */
static const answer_cell *answer_at(const scen *s, size_t r, size_t n_rows, size_t a)
{
    static const answer_cell none = { 0, NAN, NAN, NAN, NAN };
    if (r < n_rows)
        return &s->ans.cell[r * s->ans.n_at + a];
    if (!s->ans_out.cell)
        return &none;
    return &s->ans_out.cell[(r - n_rows) * s->ans_out.n_at + a];
}

/* The manifest's "range": what a folder's ranges include. */
static const char *range_of(const scen *s)
{
    return s->has_manifest ? jflat_get(&s->manifest, "range") : NULL;
}

static int any_range(const scen *sc, int n)
{
    for (int i = 0; i < n; i++)
        if (range_of(&sc[i]))
            return 1;
    return 0;
}

/* What the ranges include, per folder, in the run's own words (from
 * "Range includes:" on when the sentence has it). */
static void range_note(strbuf *b, const scen *sc, int n)
{
    strbuf_puts(b, "<p class=\"note\">What the ranges include.");
    for (int i = 0; i < n; i++) {
        const char *r = range_of(&sc[i]);
        const char *from = r ? strstr(r, "Range includes:") : NULL;
        strbuf_puts(b, " <b>");
        esc(b, sc[i].label);
        strbuf_puts(b, "</b>: ");
        if (from)
            from += strlen("Range includes:") + (from[strlen("Range includes:")] == ' ');
        const char *text = r ? (from ? from : r) : "not recorded (an older output folder: run-to-run chance only)";
        size_t len = strlen(text);
        while (len > 0 && (text[len - 1] == '.' || text[len - 1] == ' '))
            len--;
        char *cut = strndup(text, len);
        esc(b, cut ? cut : text);
        free(cut);
        strbuf_puts(b, ".");
    }
    strbuf_puts(b, "</p>\n");
}

/* Folders read without populations.csv: their rows of stocks are means. */
static void quantile_note(strbuf *b, const scen *sc, int n, size_t n_rows)
{
    int any = 0;
    for (int i = 0; i < n; i++)
        any |= sc[i].oc.from_quantiles;
    if (!any || n_rows == 0)
        return;
    strbuf_puts(b, "<p class=\"note\">Rows of stocks for ");
    for (int i = 0, k = 0; i < n; i++)
        if (sc[i].oc.from_quantiles) {
            strbuf_puts(b, k++ ? ", " : "");
            esc(b, sc[i].label);
        }
    strbuf_puts(b, ": the mean over runs from quantiles.csv, without a range or a test (the folder holds no "
                   "populations.csv, and quantiles of origins do not add up to those of their sum; run with "
                   "--save all for them). Outcome rows come from outcomes.csv, run by run.</p>\n");
}

static int answer_table(strbuf *b, scen *sc, int n, const report_input *in, const report_keys *k,
                        demob_error *err)
{
    char dates[ANSWER_MAX_DATES][32];
    const char *at[ANSWER_MAX_DATES];
    size_t n_at = answer_dates(in, &sc[0], dates, ANSWER_MAX_DATES);
    for (size_t a = 0; a < n_at; a++)
        at[a] = dates[a];
    size_t max_rows = answer_rows_max(&sc[0], k);
    answer_row *rows = malloc((max_rows + 1) * sizeof *rows);
    char (*mnames)[128] = malloc((max_rows + 1) * sizeof *mnames);
    if (!rows || !mnames) {
        free(rows);
        free(mnames);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    size_t n_rows = answer_rows(&sc[0], k, rows, mnames);
    char **onames = NULL;
    size_t n_out = 0;
    int rc = outcome_rows(sc, &rows, n_rows, &onames, &n_out, err);
    for (int i = 0; i < n && rc == 0; i++)
        rc = load_answers(&sc[i], rows, n_rows, n_out, at, n_at, in->oo.point, err);
    /* A step given with --at must be in the output (a run's own answer
     * dates that --every left out are shown as "not saved" instead). */
    for (size_t a = 0; rc == 0 && in->at && a < n_at && n_rows > 0; a++) {
        int found = 0;
        for (size_t r = 0; r < n_rows && !found; r++)
            found = sc[0].ans.cell[r * n_at + a].n > 0;
        if (!found)
            rc = demob_error_set(err, DEMOB_EINPUT, "--at: step %s is not in the output of %s (after the last "
                                 "step, or left out by --every)", at[a], sc[0].dir);
    }
    if (rc != 0) {
        answers_names_free(onames, n_out);
        free(rows);
        free(mnames);
        return rc;
    }
    int any_sto = 0, marks = 0;
    for (int i = 0; i < n; i++)
        any_sto |= sc[i].stochastic;
    strbuf_puts(b, "<h2 id=\"answers\">Answers</h2>\n<table class=\"fit\">\n");
    header_row(b, "people, all origins", sc, n, 1);
    for (size_t a = 0; a < n_at; a++) {
        const answers *a0 = &sc[0].ans;
        strbuf_printf(b, "<tr class=\"at\"><th colspan=\"%d\">", n + 1);
        if (a0->step[a] >= 0) {
            strbuf_printf(b, "step %ld", a0->step[a]);
            if (*a0->date[a]) {
                strbuf_puts(b, " (");
                esc(b, a0->date[a]);
                strbuf_puts(b, ")");
            }
            if (strcmp(at[a], "final") == 0 || a0->step[a] == sc[0].oc.final_step)
                strbuf_puts(b, ", the final step");
        } else {
            esc(b, at[a]);
        }
        strbuf_puts(b, "</th></tr>\n");
        for (size_t r = 0; r < n_rows + n_out; r++) {
            strbuf_puts(b, "<tr><td>");
            esc(b, rows[r].label);
            strbuf_puts(b, r >= n_rows ? " <small>(outcome)</small></td>" : "</td>");
            const answer_cell *base = answer_at(&sc[0], r, n_rows, a);
            for (int i = 0; i < n; i++) {
                const answer_cell *c = answer_at(&sc[i], r, n_rows, a);
                strbuf_puts(b, "<td class=\"num\">");
                answer_value(b, c, sc[i].stochastic);
                if (i > 0)
                    answer_diff(b, base, c, &marks);
                strbuf_puts(b, "</td>");
            }
            strbuf_puts(b, "</tr>\n");
        }
    }
    answers_names_free(onames, n_out);
    free(rows);
    free(mnames);
    strbuf_puts(b, "</table>\n<p class=\"note\">");
    int ranged = any_sto && any_range(sc, n);
    if (any_sto)
        strbuf_puts(b, ranged ? "The mean over runs, with the 5th&ndash;95th percentile range over runs below it. "
                              : "The mean over runs, with the 5th&ndash;95th percentile range over runs below it: "
                                "the range includes run-to-run chance only. ");
    if (n > 1) {
        strbuf_puts(b, "Below each value of the second and later columns: its difference from the first "
                       "column (");
        esc(b, sc[0].label);
        strbuf_puts(b, ")");
        if (any_sto)
            strbuf_puts(b, "; <b>*</b> marks a difference beyond run-to-run chance: Welch's t-test of the two "
                           "means over runs at the 5% level (two-sided). Without a mark the difference may be "
                           "chance; with one run on a side no test is made");
        for (int i = 0; any_sto && i < n; i++) {
            const char *u = sc[i].has_manifest ? jflat_get(&sc[i].manifest, "uncertainty") : NULL;
            if (u && strcmp(u, "chance") != 0) {
                strbuf_puts(b, " (where a range also includes parameters, the test asks whether a difference is "
                               "beyond that wider spread over runs)");
                break;
            }
        }
        if (any_sto && marks == 0)
            strbuf_puts(b, ". No difference here is beyond run-to-run chance");
        strbuf_puts(b, ".");
    }
    strbuf_puts(b, " Dates: ");
    strbuf_puts(b, in->at ? "--at" : sc[0].has_manifest && jflat_find(&sc[0].manifest, "answer_at")
                                         ? "the run's answer dates (report_at or --at)"
                                         : "every 12 steps of a monthly run and the final step (choose with --at)");
    strbuf_puts(b, ".</p>\n");
    if (ranged)
        range_note(b, sc, n);
    quantile_note(b, sc, n, n_rows);
    return 0;
}

static int figure(strbuf *b, const plot_request *r, demob_error *err)
{
    strbuf_puts(b, "<figure>\n");
    int rc = plot_svg(r, b, err);
    strbuf_puts(b, "</figure>\n");
    return rc;
}

/* A chart of the n folders from dirs (labels alike) with the report's
 * common settings: the point, the width, the given height. */
static void chart_request(plot_request *r, const char *const *dirs, const char *const *labels, int n,
                          const report_input *in, double height)
{
    plot_request_init(r);
    r->dirs = dirs;
    r->labels = labels;
    r->n_dirs = n;
    r->point = in->oo.point;
    r->width = CHART_WIDTH;
    r->height = height;
}

static int has_file(const char *dir, const char *name)
{
    char path[PATH_MAX];
    path_join(path, sizeof path, dir, name);
    return path_kind(path) == 2;
}

/* When some folder holds no populations.csv (the default file set), one
 * chart per outcome of the first folder's outcomes.csv, every folder
 * that has one overlaid: the median and p5-p95 band over runs. */
static int outcome_charts(strbuf *b, const scen *sc, int n, const report_input *in, const char *const *dirs,
                          const char *const *labels, demob_error *err)
{
    int any_q = 0, m = 0;
    const char *od[REPORT_MAX_DIRS], *ol[REPORT_MAX_DIRS];
    for (int i = 0; i < n; i++) {
        any_q |= sc[i].oc.from_quantiles;
        if (has_file(dirs[i], "outcomes.csv")) {
            od[m] = dirs[i];
            ol[m++] = labels[i];
        }
    }
    if (!any_q || m == 0 || od[0] != dirs[0])
        return 0;
    char path[PATH_MAX], **names = NULL;
    size_t n_names = 0;
    path_join(path, sizeof path, dirs[0], "outcomes.csv");
    int rc = answers_outcome_names(path, &names, &n_names, err);
    for (size_t i = 0; rc == 0 && i < n_names; i++) {
        plot_request r;
        chart_request(&r, od, ol, m, in, 380);
        r.kind = TIDY_OUTCOMES;
        r.by = SERIES_TOTAL;
        r.items = (const char *const *)&names[i];
        r.n_items = 1;
        rc = figure(b, &r, err);
    }
    answers_names_free(names, n_names);
    return rc;
}

static int charts(strbuf *b, const scen *sc, int n, const report_input *in, const report_keys *k,
                  plot_cache *cache, demob_error *err)
{
    const char *dirs[REPORT_MAX_DIRS], *labels[REPORT_MAX_DIRS];
    for (int i = 0; i < n; i++) {
        dirs[i] = sc[i].dir;
        labels[i] = sc[i].label;
    }
    strbuf_puts(b, "<h2 id=\"charts\">Charts</h2>\n");
    int rc;
    plot_request r;
    /* Key states across scenarios. */
    const outcomes *first = &sc[0].oc;
    size_t n_keys = k->key_states ? k->n_key_states : first->n_states;
    for (size_t i = 0; i < n_keys; i++) {
        const char *const *state = k->key_states ? &k->key_states[i] : (const char *const *)&first->states[i];
        if (outcomes_state(first, *state) < 0)
            continue;
        chart_request(&r, dirs, labels, n, in, 380);
        r.cache = cache;
        r.by = SERIES_TOTAL;
        r.items = state;
        r.n_items = 1;
        if ((rc = figure(b, &r, err)) != 0)
            return rc;
    }
    /* The by-origin states. */
    for (size_t i = 0; i < k->n_by_origin; i++) {
        if (outcomes_state(first, k->by_origin[i]) < 0)
            continue;
        chart_request(&r, dirs, labels, n, in, 380);
        /* quantiles.csv of one folder: each origin's median and band. */
        r.type = n == 1 && first->from_quantiles ? PLOT_FAN : PLOT_LINE;
        r.by = SERIES_BY_ORIGIN;
        r.items = &k->by_origin[i];
        r.n_items = 1;
        if ((rc = figure(b, &r, err)) != 0)
            return rc;
    }
    /* Outcomes over time, when a folder has no populations.csv. */
    if ((rc = outcome_charts(b, sc, n, in, dirs, labels, err)) != 0)
        return rc;
    /* Costs to date, when every scenario has costs.csv. */
    int all_costs = 1;
    for (int i = 0; i < n; i++)
        all_costs &= sc[i].oc.has_costs && has_file(sc[i].dir, "costs.csv");
    if (all_costs) {
        chart_request(&r, dirs, labels, n, in, 380);
        r.kind = TIDY_COSTS;
        r.by = n == 1 ? SERIES_BY_ITEM : SERIES_TOTAL;
        r.type = n == 1 ? PLOT_AREA : PLOT_AUTO;
        r.cumulative = 1;
        if ((rc = figure(b, &r, err)) != 0)
            return rc;
    }
    /* Each scenario's stocks by state, stacked. */
    for (int i = 0; i < n; i++) {
        chart_request(&r, &dirs[i], &labels[i], 1, in, 400);
        r.cache = cache;
        r.type = PLOT_AREA;
        if ((rc = figure(b, &r, err)) != 0)
            return rc;
    }
    return 0;
}

/* The manifest's --every when it is above 1 (output saved every K steps),
 * else NULL. The command line is recorded as a list of arguments. */
static const char *every_of(const jflat *m)
{
    const jflat_entry *e = jflat_find(m, "command_line");
    for (size_t i = 0; e && e->items && i < e->n_items; i++) {
        const char *a = e->items[i];
        const char *v = strncmp(a, "--every=", 8) == 0 ? a + 8
                        : strcmp(a, "--every") == 0 && i + 1 < e->n_items ? e->items[i + 1] : NULL;
        if (v && atol(v) > 1)
            return v;
    }
    return NULL;
}

static void milestones(strbuf *b, const scen *sc, int n, const report_keys *k)
{
    int any = 0;
    for (int i = 0; i < n; i++)
        any |= sc[i].oc.has_milestones;
    const char *ret = k->oo.return_state;
    strbuf_puts(b, "<h2 id=\"milestones\">Milestones</h2>\n");
    if (!ret) {
        strbuf_puts(b, "<p class=\"note\">No return state: the scenario declares none (report { "
                       "return_state = ... }); choose one with --return-state.</p>\n");
        return;
    }
    int from_q = 0;
    for (int i = 0; i < n; i++)
        from_q |= sc[i].oc.from_quantiles;
    if (!any && from_q) {
        strbuf_puts(b, "<p class=\"note\">Not available: these folders hold no populations.csv nor "
                       "flows.csv (the default file set of a large stochastic run); run with --save all to "
                       "have them.</p>\n");
        return;
    }
    if (!any) {
        strbuf_puts(b, "<p class=\"note\">No state named <code>");
        esc(b, ret);
        strbuf_puts(b, "</code> in these outputs (choose one with --return-state).</p>\n");
        return;
    }
    strbuf_puts(b, "<p class=\"note\">The first step by which 50% and 90% of each origin's "
                   "caseload at the start have entered <code>");
    esc(b, ret);
    strbuf_puts(b, "</code>");
    for (int i = 0; i < n; i++)
        if (sc[i].oc.has_milestones && strcmp(sc[i].oc.milestone_source, "flows.csv") != 0) {
            strbuf_puts(b, " (where there is no flows.csv, or it misses steps: people in that state and the one "
                           "declared after it)");
            break;
        }
    strbuf_puts(b, ". Stochastic outputs: the median step over runs.");
    for (int i = 0; i < n; i++) {
        const char *every = sc[i].has_manifest ? every_of(&sc[i].manifest) : NULL;
        if (!every)
            continue;
        strbuf_puts(b, " <b>Approximate</b> for ");
        esc(b, sc[i].label);
        strbuf_printf(b, ": its output was saved every %s steps (--every), so a milestone is the first "
                         "saved step at or after it, up to %ld step%s late.", every, atol(every) - 1,
                      atol(every) == 2 ? "" : "s");
    }
    strbuf_puts(b, "</p>\n<table class=\"fit\">\n");
    header_row(b, "origin <small>(caseload)</small>", sc, n, 1);
    for (size_t o = 0; o < sc[0].oc.n_origins; o++) {
        const char *name = sc[0].oc.origins[o];
        strbuf_puts(b, "<tr><td>");
        esc(b, name);
        strbuf_puts(b, " <small>(");
        put_amount(b, sc[0].oc.initial[o]);
        strbuf_puts(b, ")</small></td>");
        for (int i = 0; i < n; i++) {
            long oi = outcomes_origin(&sc[i].oc, name);
            if (oi < 0 || !sc[i].oc.has_milestones) {
                strbuf_puts(b, sc[i].oc.from_quantiles ? "<td><small>not available: no populations.csv "
                                                         "(--save all)</small></td>" : "<td>-</td>");
                continue;
            }
            strbuf_puts(b, "<td class=\"ms\">");
            milestone_cell(b, &sc[i], &sc[i].oc.m50[oi], "50%");
            strbuf_puts(b, "<br>");
            milestone_cell(b, &sc[i], &sc[i].oc.m90[oi], "90%");
            strbuf_puts(b, "</td>");
        }
        strbuf_puts(b, "</tr>\n");
    }
    strbuf_puts(b, "</table>\n");
}

static void peak_note(strbuf *b, const report_keys *k)
{
    if (!k->oo.peak_state)
        return;
    strbuf_puts(b, "<p class=\"note\">Peak occupancy: the largest number of people in <code>");
    esc(b, k->oo.peak_state);
    strbuf_puts(b, "</code> at any step, all origins (choose the state with --peak-state).</p>\n");
}

/* One state by origin at the final step, scenarios side by side. */
static void by_origin_table(strbuf *b, const scen *sc, int n, const char *state)
{
    if (outcomes_state(&sc[0].oc, state) < 0)
        return;
    strbuf_puts(b, "<h3 id=\"");
    esc(b, state);
    strbuf_puts(b, "\">");
    char first[8] = { 0 };
    size_t len = strlen(state);
    /* The name with its first letter capitalised (ASCII only). */
    first[0] = state[0] >= 'a' && state[0] <= 'z' ? (char)(state[0] - 'a' + 'A') : state[0];
    esc(b, first);
    esc(b, len ? state + 1 : "");
    strbuf_puts(b, " by origin at the final step</h3>\n<table class=\"fit\">\n");
    header_row(b, "origin", sc, n, 1);
    for (size_t o = 0; o < sc[0].oc.n_origins; o++) {
        strbuf_puts(b, "<tr><td>");
        esc(b, sc[0].oc.origins[o]);
        strbuf_puts(b, "</td>");
        for (int i = 0; i < n; i++) {
            long oi = outcomes_origin(&sc[i].oc, sc[0].oc.origins[o]);
            long si = outcomes_state(&sc[i].oc, state);
            strbuf_puts(b, "<td class=\"num\">");
            if (oi >= 0 && si >= 0)
                put_amount(b, sc[i].oc.final_mean[(size_t)oi * sc[i].oc.n_states + (size_t)si]);
            else
                strbuf_puts(b, "-");
            strbuf_puts(b, "</td>");
        }
        strbuf_puts(b, "</tr>\n");
    }
    strbuf_puts(b, "</table>\n");
}

static void final_stocks(strbuf *b, const scen *sc, int n, const report_keys *k)
{
    strbuf_puts(b, "<h2 id=\"final\">Final stocks by origin and state</h2>\n");
    for (int i = 0; i < n; i++) {
        const outcomes *oc = &sc[i].oc;
        strbuf_puts(b, "<h3>");
        esc(b, sc[i].label);
        strbuf_printf(b, " <small>step %ld", oc->final_step);
        const char *d = outcomes_date(oc, oc->final_step);
        if (*d) {
            strbuf_puts(b, ", ");
            esc(b, d);
        }
        strbuf_puts(b, sc[i].stochastic ? "; mean over runs</small></h3>\n" : "</small></h3>\n");
        strbuf_puts(b, "<table>\n<tr><th>origin</th>");
        for (size_t s = 0; s < oc->n_states; s++) {
            strbuf_puts(b, "<th>");
            esc(b, oc->states[s]);
            strbuf_puts(b, "</th>");
        }
        strbuf_puts(b, "<th>total</th></tr>\n");
        double *col = calloc(oc->n_states + 1, sizeof *col);
        for (size_t o = 0; o < oc->n_origins; o++) {
            strbuf_puts(b, "<tr><td>");
            esc(b, oc->origins[o]);
            strbuf_puts(b, "</td>");
            double row = 0;
            for (size_t s = 0; s < oc->n_states; s++) {
                double v = oc->final_mean[o * oc->n_states + s];
                row += v;
                if (col)
                    col[s] += v;
                strbuf_puts(b, "<td class=\"num\">");
                put_amount(b, v);
                strbuf_puts(b, "</td>");
            }
            strbuf_puts(b, "<td class=\"num\">");
            put_amount(b, row);
            strbuf_puts(b, "</td></tr>\n");
        }
        if (col) {
            strbuf_puts(b, "<tr class=\"total\"><td>total</td>");
            double all = 0;
            for (size_t s = 0; s < oc->n_states; s++) {
                all += col[s];
                strbuf_puts(b, "<td class=\"num\">");
                put_amount(b, col[s]);
                strbuf_puts(b, "</td>");
            }
            strbuf_puts(b, "<td class=\"num\">");
            put_amount(b, all);
            strbuf_puts(b, "</td></tr>\n");
        }
        free(col);
        strbuf_puts(b, "</table>\n");
    }
    for (size_t i = 0; i < k->n_by_origin; i++)
        by_origin_table(b, sc, n, k->by_origin[i]);
}

static void costs(strbuf *b, const scen *sc, int n, const char *currency)
{
    int any = 0;
    for (int i = 0; i < n; i++)
        any |= sc[i].oc.has_costs;
    if (!any)
        return;
    strbuf_puts(b, "<h2 id=\"costs\">Costs</h2>\n<table class=\"fit\">\n");
    char first[64];
    snprintf(first, sizeof first, "category (whole horizon%s%s)", *currency ? ", " : "", currency);
    header_row(b, first, sc, n, 1);
    for (int k = 0; k < n; k++)
        for (size_t c = 0; c < sc[k].oc.n_categories; c++) {
            const char *name = sc[k].oc.categories[c];
            int seen = 0;
            for (int j = 0; j < k && !seen; j++)
                for (size_t cc = 0; cc < sc[j].oc.n_categories && !seen; cc++)
                    seen = strcmp(sc[j].oc.categories[cc], name) == 0;
            if (seen)
                continue;
            strbuf_puts(b, "<tr><td>");
            esc(b, name);
            strbuf_puts(b, "</td>");
            for (int i = 0; i < n; i++) {
                size_t cc;
                for (cc = 0; cc < sc[i].oc.n_categories; cc++)
                    if (strcmp(sc[i].oc.categories[cc], name) == 0)
                        break;
                if (cc < sc[i].oc.n_categories)
                    put_stat(b, &sc[i].oc.cost[cc], sc[i].stochastic);
                else
                    strbuf_puts(b, "<td class=\"num\">-</td>");
            }
            strbuf_puts(b, "</tr>\n");
        }
    cost_total_row(b, sc, n, "total");
    strbuf_puts(b, "</table>\n");
}

/* Which files (the manifest's "inputs") scenario i read differently from
 * the first one: a changed module or CSV moves results as a parameter does. */
static void inputs_vs_first(strbuf *b, const scen *sc, int i)
{
    if (i == 0 || !sc[0].has_manifest)
        return;
    strbuf diff;
    strbuf_init(&diff);
    int k = inputs_compare_manifests(&sc[0].manifest, &sc[i].manifest, &diff);
    if (k == 0) {
        strbuf_puts(b, "<p class=\"note\">Inputs: the same files as ");
        esc(b, sc[0].label);
        strbuf_puts(b, ".</p>\n");
    } else if (k > 0) {
        strbuf_puts(b, "<p class=\"note\">Inputs that differ from ");
        esc(b, sc[0].label);
        strbuf_puts(b, ":</p>\n<pre>");
        esc(b, diff.data ? diff.data : "");
        strbuf_puts(b, "</pre>\n");
    }
    strbuf_free(&diff);
}

/* ---------------------------------------------------------- funding */

/* One budget of one folder, from budgets.csv's means over runs. */
typedef struct fund {
    double final_balance, spent, gap;
    long first_gap;      /* first step with a mean gap > 0, or -1 */
} fund;

static void fund_of(const series_set *s, const char *budget, fund *f)
{
    char key[300];
    f->final_balance = f->spent = f->gap = NAN;
    f->first_gap = -1;
    snprintf(key, sizeof key, "%s.balance", budget);
    long g = series_group(s, key);
    if (g >= 0 && s->n_steps)
        f->final_balance = s->mean[(size_t)g * s->n_steps + s->n_steps - 1];
    snprintf(key, sizeof key, "%s.spent", budget);
    if ((g = series_group(s, key)) >= 0)
        for (size_t t = 0, f0 = 1; t < s->n_steps; t++, f0 = 0)
            f->spent = (f0 ? 0 : f->spent) + s->mean[(size_t)g * s->n_steps + t];
    snprintf(key, sizeof key, "%s.gap", budget);
    if ((g = series_group(s, key)) >= 0)
        for (size_t t = 0; t < s->n_steps; t++) {
            double v = s->mean[(size_t)g * s->n_steps + t];
            f->gap = (t ? f->gap : 0) + v;
            if (v > 0 && f->first_gap < 0)
                f->first_gap = (long)s->x[t];
        }
}

static int funding(strbuf *b, const scen *sc, int n, const report_input *in, const char *currency,
                   demob_error *err)
{
    const char *dirs[REPORT_MAX_DIRS], *labels[REPORT_MAX_DIRS];
    series_set sets[REPORT_MAX_DIRS];
    int m = 0, rc = 0;
    memset(sets, 0, sizeof sets);
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        path_join(path, sizeof path, sc[i].dir, "budgets.csv");
        if (path_kind(path) != 2)
            continue;
        series_query q = { .by = SERIES_BY_ITEM, .point = in->oo.point };
        if ((rc = series_load(path, &q, &sets[m], err)) != 0) {
            series_free(&sets[m]);
            goto out;
        }
        dirs[m] = sc[i].dir;
        labels[m++] = sc[i].label;
    }
    if (m == 0)
        goto out;
    strbuf_puts(b, "<h2 id=\"funding\">Funding</h2>\n<p class=\"note\">From budgets.csv, the mean over "
                   "runs: the balance at the final step, the amount spent and the gap (what the flows "
                   "paid from the budget would have cost beyond its balance) summed over the run, and "
                   "the first step with a gap");
    if (*currency) {
        strbuf_puts(b, "; amounts in ");
        esc(b, currency);
    }
    strbuf_puts(b, ".</p>\n<table class=\"fit\">\n<tr><th>budget</th><th>scenario</th><th>final balance</th>"
                   "<th>spent</th><th>gap</th><th>first gap</th></tr>\n");
    for (int i = 0; i < m; i++)
        for (size_t g = 0; g < sets[i].n_groups; g++) {
            const char *name = sets[i].groups[g], *dot = strrchr(name, '.');
            if (!dot || strcmp(dot, ".balance") != 0)
                continue;
            char budget[256];
            snprintf(budget, sizeof budget, "%.*s", (int)(dot - name), name);
            fund f;
            fund_of(&sets[i], budget, &f);
            strbuf_puts(b, "<tr><td>");
            esc(b, budget);
            strbuf_puts(b, "</td><td>");
            esc(b, labels[i]);
            strbuf_puts(b, "</td><td class=\"num\">");
            put_amount(b, f.final_balance);
            strbuf_puts(b, "</td><td class=\"num\">");
            put_amount(b, f.spent);
            strbuf_puts(b, "</td><td class=\"num\">");
            put_amount(b, f.gap);
            strbuf_puts(b, "</td><td class=\"num\">");
            if (f.first_gap >= 0)
                put_step(b, &sc[0].oc, (double)f.first_gap);
            else
                strbuf_puts(b, "none");
            strbuf_puts(b, "</td></tr>\n");
        }
    strbuf_puts(b, "</table>\n");
    plot_request r;
    chart_request(&r, dirs, labels, m, in, 400);
    r.kind = TIDY_BUDGETS;
    r.type = PLOT_LINE;
    rc = figure(b, &r, err);
out:
    for (int i = 0; i < m; i++)
        series_free(&sets[i]);
    return rc;
}

static void details(strbuf *b, const scen *sc, int n)
{
    strbuf_puts(b, "<h2 id=\"details\">Scenarios: parameters and manifests</h2>\n");
    for (int i = 0; i < n; i++) {
        const scen *s = &sc[i];
        strbuf_puts(b, "<h3>");
        esc(b, s->label);
        strbuf_puts(b, "</h3>\n<p class=\"note\">Folder <code>");
        esc(b, s->dir);
        strbuf_printf(b, "</code>: %ld run%s, steps %ld to %ld.</p>\n", s->oc.n_runs,
                      s->oc.n_runs == 1 ? "" : "s", s->oc.first_step, s->oc.final_step);
        if (!s->has_manifest) {
            strbuf_puts(b, "<p class=\"note\">No manifest.json in this folder.</p>\n");
            continue;
        }
        int params = 0;
        for (size_t k = 0; k < s->manifest.n; k++)
            params += strncmp(s->manifest.e[k].key, "params.", 7) == 0;
        if (params) {
            strbuf_puts(b, "<table>\n<tr><th>parameter</th><th>value</th></tr>\n");
            for (size_t k = 0; k < s->manifest.n; k++) {
                const jflat_entry *e = &s->manifest.e[k];
                if (strncmp(e->key, "params.", 7) != 0)
                    continue;
                char num[64];
                strbuf_puts(b, "<tr><td>");
                esc(b, e->key + 7);
                strbuf_puts(b, "</td><td class=\"num\">");
                esc(b, jflat_display(e, num, sizeof num));
                strbuf_puts(b, "</td></tr>\n");
            }
            strbuf_puts(b, "</table>\n");
        }
        report_manifest_table(b, &s->manifest, "", "params.");
        inputs_vs_first(b, sc, i);
    }
}

void report_manifest_table(strbuf *b, const jflat *m, const char *attrs, const char *skip)
{
    strbuf_printf(b, "<table%s>\n<tr><th>manifest</th><th>value</th></tr>\n", attrs);
    for (size_t k = 0; k < m->n; k++) {
        const jflat_entry *e = &m->e[k];
        if (skip && strncmp(e->key, skip, strlen(skip)) == 0)
            continue;
        char num[64];
        strbuf_puts(b, "<tr><td>");
        esc(b, e->key);
        strbuf_puts(b, "</td><td><code>");
        esc(b, jflat_display(e, num, sizeof num));
        strbuf_puts(b, "</code></td></tr>\n");
    }
    strbuf_puts(b, "</table>\n");
}

int report_html(const report_input *in, strbuf *out, demob_error *err)
{
    int n = in->n_dirs;
    if (n == 0 && in->n_fits > 0)
        return report_fit_page(in, css, out, err);
    if (n < 1 || n > REPORT_MAX_DIRS)
        return demob_error_set(err, DEMOB_EINPUT, "give 1 to %d output folders", REPORT_MAX_DIRS);
    scen sc[REPORT_MAX_DIRS];
    memset(sc, 0, sizeof sc);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        scen *s = &sc[i];
        s->dir = in->dirs[i];
        char mpath[PATH_MAX];
        path_join(mpath, sizeof mpath, s->dir, "manifest.json");
        if (path_kind(mpath) == 2) {
            if ((rc = jflat_load(mpath, &s->manifest, err)) != 0)
                goto done;
            s->has_manifest = 1;
        }
    }
    report_keys keys;
    find_keys(sc, n, in, &keys);
    /* Money is in the first folder's currency (scenario { currency = }). */
    char currency[24] = "";
    for (int i = 0; i < n && !*currency; i++)
        if (sc[i].has_manifest && jflat_get(&sc[i].manifest, "currency"))
            snprintf(currency, sizeof currency, "%s", jflat_get(&sc[i].manifest, "currency"));
    for (int i = 0; i < n; i++) {
        outcomes_options oo = keys.oo;
        oo.coarse = sc[i].has_manifest && every_of(&sc[i].manifest) != NULL;
        if ((rc = outcomes_load(sc[i].dir, &oo, &sc[i].oc, err)) != 0)
            goto done;
        sc[i].stochastic = sc[i].oc.n_runs > 1;
    }
    {
        char labels[REPORT_MAX_DIRS][PLOT_LABEL_SIZE];
        plot_labels(in->dirs, in->labels, n, labels);
        for (int i = 0; i < n; i++)
            memcpy(sc[i].label, labels[i], sizeof sc[i].label);
    }
    strbuf title;
    strbuf_init(&title);
    if (in->title) {
        strbuf_puts(&title, in->title);
    } else {
        strbuf_puts(&title, "demob report: ");
        for (int i = 0; i < n && n <= 2; i++)
            strbuf_printf(&title, "%s%s", i ? " vs " : "", sc[i].label);
        if (n > 2)
            strbuf_printf(&title, "%s and %d other scenarios", sc[0].label, n - 1);
    }
    strbuf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta name=\"generator\" content=\"demob " DEMOB_VERSION "\">\n<title>");
    esc(out, title.data);
    strbuf_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
    esc(out, title.data);
    strbuf_free(&title);
    strbuf_puts(out, "</h1>\n<p class=\"sub\">");
    for (int i = 0; i < n; i++) {
        strbuf_puts(out, i ? "; " : "");
        esc(out, sc[i].label);
        const char *mode = sc[i].has_manifest ? jflat_get(&sc[i].manifest, "mode") : NULL;
        strbuf_printf(out, " (%s%s%ld run%s)", mode ? mode : "", mode ? ", " : "",
                      sc[i].oc.n_runs, sc[i].oc.n_runs == 1 ? "" : "s");
    }
    if (in->oo.point >= 0)
        strbuf_printf(out, "; sweep point %ld", in->oo.point);
    strbuf_puts(out, ". Made by demob " DEMOB_VERSION " from the output folders listed at the "
                     "end.</p>\n<nav><a href=\"#answers\">Answers</a><a href=\"#outcomes\">Key outcomes</a><a href=\"#charts\">"
                     "Charts</a><a href=\"#milestones\">Milestones</a><a href=\"#final\">Final "
                     "stocks</a><a href=\"#costs\">Costs</a><a href=\"#funding\">Funding</a><a href=\"#details\">Parameters and "
                     "manifests</a></nav>\n");
    if ((rc = answer_table(out, sc, n, in, &keys, err)) != 0)
        goto done;
    key_outcomes(out, sc, n, currency);
    peak_note(out, &keys);
    plot_cache *cache = plot_cache_new();
    if (!cache) {
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
        goto done;
    }
    rc = charts(out, sc, n, in, &keys, cache, err);
    plot_cache_free(cache);
    if (rc != 0)
        goto done;
    milestones(out, sc, n, &keys);
    final_stocks(out, sc, n, &keys);
    costs(out, sc, n, currency);
    if ((rc = funding(out, sc, n, in, currency, err)) != 0)
        goto done;
    if ((rc = report_fit_section(in, out, err)) != 0)
        goto done;
    details(out, sc, n);
    strbuf_puts(out, "</body>\n</html>\n");
    if (out->failed)
        rc = demob_error_set(err, DEMOB_ERUN, "out of memory while writing the report");
done:
    for (int i = 0; i < n; i++) {
        outcomes_free(&sc[i].oc);
        answers_free(&sc[i].ans);
        answers_free(&sc[i].ans_out);
        jflat_free(&sc[i].manifest);
    }
    return rc;
}
