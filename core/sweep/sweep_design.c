/* sweep_design.c - sweep specs (what to vary) and the designs they give
 * (the matrix of points): grid, explicit points, Latin hypercube and random
 * sampling over uniform, normal, lognormal, triangular and discrete
 * distributions. See sweep_design.h for the layout and the seeding. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv_read.h"
#include "engine/rng.h"
#include "sweep_design.h"

/* Buffers for the parts of an error message: a param's name (longer ones
 * are cut) and a description of the value at fault. */
#define SWEEP_MSG_NAME_SIZE 256
#define SWEEP_MSG_WHAT_SIZE 300

/* More points than this is surely a mistake (and would not fit anyway:
 * the design alone holds 8 bytes per point and param). */
#define SWEEP_MAX_POINTS 1000000000L

static int oom(demob_error *err)
{
    return demob_error_set(err, DEMOB_ERUN, "out of memory");
}

/* ------------------------------------------------------------ the spec */

void sweep_spec_init(sweep_spec *s)
{
    memset(s, 0, sizeof *s);
}

void sweep_dist_free(sweep_dist *d)
{
    free(d->values);
    free(d->cum);
    d->values = d->cum = NULL;
    d->n = 0;
}

static void free_points(sweep_spec *s)
{
    for (int c = 0; c < s->n_cols; c++)
        free(s->pt_names[c]);
    free(s->pt_names);
    free(s->pt_values);
    s->pt_names = NULL;
    s->pt_values = NULL;
    s->n_cols = 0;
    s->n_rows = 0;
}

void sweep_spec_clear_design(sweep_spec *s)
{
    for (int i = 0; i < s->n_factors; i++) {
        free(s->factors[i].name);
        free(s->factors[i].levels);
        sweep_dist_free(&s->factors[i].dist);
    }
    s->n_factors = 0;
    free_points(s);
}

void sweep_spec_free(sweep_spec *s)
{
    sweep_spec_clear_design(s);
    free(s->factors);
    sweep_spec_init(s);
}

int sweep_spec_has_design(const sweep_spec *s)
{
    return s->n_factors > 0 || s->n_rows > 0;
}

static const char *kind_name(sweep_factor_kind k)
{
    return k == FACTOR_GRID ? "grid" : k == FACTOR_LHS ? "lhs" : "random";
}

/* A param may appear once in a design: twice would make one block's
 * values overwrite the other's silently. */
static int check_new_name(const sweep_spec *s, const char *what, const char *name, demob_error *err)
{
    if (!name[0])
        return demob_error_set(err, DEMOB_EINPUT, "%s: empty param name", what);
    for (int i = 0; i < s->n_factors; i++)
        if (strcmp(s->factors[i].name, name) == 0)
            return demob_error_set(err, DEMOB_EINPUT, "%s: param '%s' is already in the design (%s)", what, name,
                                   kind_name(s->factors[i].kind));
    for (int c = 0; c < s->n_cols; c++)
        if (strcmp(s->pt_names[c], name) == 0)
            return demob_error_set(err, DEMOB_EINPUT, "%s: param '%s' is already in the design (points)", what,
                                   name);
    return 0;
}

static sweep_factor *new_factor(sweep_spec *s, const char *name, sweep_factor_kind kind, demob_error *err)
{
    if (s->n_factors == s->cap_factors) {
        int cap = s->cap_factors ? 2 * s->cap_factors : 8;
        sweep_factor *f = realloc(s->factors, (size_t)cap * sizeof *f);
        if (!f) {
            oom(err);
            return NULL;
        }
        s->factors = f;
        s->cap_factors = cap;
    }
    sweep_factor *f = &s->factors[s->n_factors];
    memset(f, 0, sizeof *f);
    if (!(f->name = strdup(name))) {
        oom(err);
        return NULL;
    }
    f->kind = kind;
    s->n_factors++;
    return f;
}

int sweep_spec_add_grid(sweep_spec *s, const char *what, const char *name, const double *levels, int n,
                        demob_error *err)
{
    int rc = check_new_name(s, what, name, err);
    if (rc)
        return rc;
    if (n < 1)
        return demob_error_set(err, DEMOB_EINPUT, "%s: param '%s' has no levels", what, name);
    for (int i = 0; i < n; i++) {
        if (!isfinite(levels[i]))
            return demob_error_set(err, DEMOB_EINPUT, "%s: param '%s': level %d is not a finite number", what,
                                   name, i + 1);
        for (int k = 0; k < i; k++)
            if (levels[k] == levels[i])
                return demob_error_set(err, DEMOB_EINPUT, "%s: param '%s': level %.12g is given twice", what,
                                       name, levels[i]);
    }
    double *copy = malloc((size_t)n * sizeof *copy);
    if (!copy)
        return oom(err);
    memcpy(copy, levels, (size_t)n * sizeof *copy);
    sweep_factor *f = new_factor(s, name, FACTOR_GRID, err);
    if (!f) {
        free(copy);
        return DEMOB_ERUN;
    }
    f->levels = copy;
    f->n_levels = n;
    return 0;
}

/* The truncation [lo, hi] of a normal, lognormal or beta: numbers, in order,
 * holding some probability. */
static int check_trunc(const char *what, const sweep_dist *d, demob_error *err)
{
    if (isnan(d->lo) || isnan(d->hi))
        return demob_error_set(err, DEMOB_EINPUT, "%s: truncation bounds must be numbers", what);
    if (d->lo > d->hi)
        return demob_error_set(err, DEMOB_EINPUT, "%s: min %.12g > max %.12g", what, d->lo, d->hi);
    double plo, phi;
    sweep_dist_trunc_probs(d, &plo, &phi);
    if (!(phi > plo))
        return demob_error_set(err, DEMOB_EINPUT, "%s: the range [%.12g, %.12g] has (numerically) no probability",
                               what, d->lo, d->hi);
    return 0;
}

int sweep_dist_check(const char *what, sweep_dist *d, demob_error *err)
{
    switch (d->kind) {
    case DIST_UNIFORM:
        if (!isfinite(d->a) || !isfinite(d->b))
            return demob_error_set(err, DEMOB_EINPUT, "%s: min and max must be finite numbers", what);
        if (d->a > d->b)
            return demob_error_set(err, DEMOB_EINPUT, "%s: min %.12g > max %.12g", what, d->a, d->b);
        return 0;
    case DIST_NORMAL:
    case DIST_LOGNORMAL: {
        const char *m = d->kind == DIST_NORMAL ? "mean" : "mu", *sd = d->kind == DIST_NORMAL ? "sd" : "sigma";
        if (!isfinite(d->a))
            return demob_error_set(err, DEMOB_EINPUT, "%s: %s must be a finite number", what, m);
        if (!isfinite(d->b) || !(d->b > 0))
            return demob_error_set(err, DEMOB_EINPUT, "%s: %s must be a finite number > 0 (got %.12g)", what, sd,
                                   d->b);
        if (d->kind == DIST_LOGNORMAL && d->hi <= 0)
            return demob_error_set(err, DEMOB_EINPUT, "%s: a lognormal is positive: max %.12g must be > 0", what,
                                   d->hi);
        return check_trunc(what, d, err);
    }
    case DIST_BETA:
        if (!isfinite(d->a) || !(d->a > 0) || !isfinite(d->b) || !(d->b > 0))
            return demob_error_set(err, DEMOB_EINPUT, "%s: alpha and beta must be finite numbers > 0 (got %.12g, %.12g)",
                                   what, d->a, d->b);
        if (d->hi <= 0 || d->lo >= 1)
            return demob_error_set(err, DEMOB_EINPUT, "%s: a beta lies in [0, 1]: [min, max] = [%.12g, %.12g] misses it",
                                   what, d->lo, d->hi);
        return check_trunc(what, d, err);
    case DIST_TRIANGULAR:
        if (!isfinite(d->a) || !isfinite(d->b) || !isfinite(d->c))
            return demob_error_set(err, DEMOB_EINPUT, "%s: min, mode and max must be finite numbers", what);
        if (d->a > d->c)
            return demob_error_set(err, DEMOB_EINPUT, "%s: min %.12g > max %.12g", what, d->a, d->c);
        if (d->b < d->a || d->b > d->c)
            return demob_error_set(err, DEMOB_EINPUT, "%s: mode %.12g is outside [min, max] = [%.12g, %.12g]",
                                   what, d->b, d->a, d->c);
        return 0;
    case DIST_DISCRETE: {
        /* Called once per distribution: cum holds the raw weights (or is
         * NULL: equal weights) and becomes cumulative here. */
        if (d->n < 1 || !d->values)
            return demob_error_set(err, DEMOB_EINPUT, "%s: a discrete choice needs at least one value", what);
        if (!d->cum) {
            if (!(d->cum = malloc((size_t)d->n * sizeof *d->cum)))
                return oom(err);
            for (int i = 0; i < d->n; i++)
                d->cum[i] = 1.0;
        }
        double total = 0;
        for (int i = 0; i < d->n; i++) {
            if (!isfinite(d->values[i]))
                return demob_error_set(err, DEMOB_EINPUT, "%s: value %d is not a finite number", what, i + 1);
            if (!isfinite(d->cum[i]) || d->cum[i] < 0)
                return demob_error_set(err, DEMOB_EINPUT, "%s: weight %d must be a finite number >= 0", what, i + 1);
            total += d->cum[i];
        }
        if (!(total > 0))
            return demob_error_set(err, DEMOB_EINPUT, "%s: the weights add up to 0", what);
        double acc = 0;
        for (int i = 0; i < d->n; i++) {
            acc += d->cum[i];
            d->cum[i] = acc / total;
        }
        d->cum[d->n - 1] = 1.0;
        return 0;
    }
    }
    return demob_error_set(err, DEMOB_EINPUT, "%s: unknown distribution", what);
}

int sweep_spec_add_sampled(sweep_spec *s, const char *what, const char *name, sweep_factor_kind kind,
                           sweep_dist *d, demob_error *err)
{
    int rc = check_new_name(s, what, name, err);
    if (rc)
        return rc;
    sweep_factor *f = new_factor(s, name, kind, err);
    if (!f)
        return DEMOB_ERUN;
    f->dist = *d;
    memset(d, 0, sizeof *d);
    return 0;
}

int sweep_spec_add_param_range(sweep_spec *s, const char *what, const char *name, sweep_factor_kind kind,
                               demob_error *err)
{
    int rc = check_new_name(s, what, name, err);
    if (rc)
        return rc;
    sweep_factor *f = new_factor(s, name, kind, err);
    if (!f)
        return DEMOB_ERUN;
    f->use_param_range = 1;
    f->dist.kind = DIST_UNIFORM;
    f->dist.a = NAN;
    f->dist.b = NAN;
    return 0;
}

int sweep_spec_resolve_range(sweep_spec *s, int factor, double lo, double hi, demob_error *err)
{
    sweep_factor *f = &s->factors[factor];
    if (isnan(lo) || isnan(hi))
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s: param '%s' declares no range: give one (%s=min:max) or declare "
                               "param { \"%s\", default, min =, max = }",
                               kind_name(f->kind), f->name, f->name, f->name);
    f->dist.kind = DIST_UNIFORM;
    f->dist.a = lo;
    f->dist.b = hi;
    f->use_param_range = 0;
    char what[SWEEP_MSG_WHAT_SIZE];
    snprintf(what, sizeof what, "%s %s", kind_name(f->kind), f->name);
    return sweep_dist_check(what, &f->dist, err);
}

int sweep_spec_resolve_dist(sweep_spec *s, int factor, const sweep_dist *d, demob_error *err)
{
    sweep_factor *f = &s->factors[factor];
    sweep_dist copy;
    int rc = sweep_dist_copy(&copy, d, err);
    if (rc)
        return rc;
    sweep_dist_free(&f->dist);
    f->dist = copy;
    f->use_param_range = 0;
    return 0;
}

int sweep_spec_set_points(sweep_spec *s, const char *what, const char *const *names, int n_cols,
                          const double *values, long n_rows, demob_error *err)
{
    if (s->n_rows > 0)
        return demob_error_set(err, DEMOB_EINPUT, "%s: points are given twice", what);
    if (n_cols < 1)
        return demob_error_set(err, DEMOB_EINPUT, "%s: points name no param", what);
    if (n_rows < 1)
        return demob_error_set(err, DEMOB_EINPUT, "%s: no points", what);
    for (int c = 0; c < n_cols; c++) {
        int rc = check_new_name(s, what, names[c], err);
        if (rc)
            return rc;
        for (int k = 0; k < c; k++)
            if (strcmp(names[k], names[c]) == 0)
                return demob_error_set(err, DEMOB_EINPUT, "%s: column '%s' is given twice", what, names[c]);
    }
    size_t cells = (size_t)n_rows * (size_t)n_cols;
    s->pt_names = calloc((size_t)n_cols, sizeof *s->pt_names);
    s->pt_values = malloc(cells * sizeof *s->pt_values);
    if (!s->pt_names || !s->pt_values) {
        free_points(s);
        return oom(err);
    }
    s->n_cols = n_cols;
    for (int c = 0; c < n_cols; c++)
        if (!(s->pt_names[c] = strdup(names[c]))) {
            free_points(s);
            return oom(err);
        }
    memcpy(s->pt_values, values, cells * sizeof *s->pt_values);
    s->n_rows = n_rows;
    return 0;
}

/* ------------------------------------------------- command-line parsing */

/* A whole token as a finite number. */
static int parse_num(const char *what, const char *tok, size_t len, double *out, demob_error *err)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return demob_error_set(err, DEMOB_EINPUT, "%s: '%.*s' is not a number", what, (int)len, tok);
    memcpy(buf, tok, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end || buf[0] == ' ' || !isfinite(v))
        return demob_error_set(err, DEMOB_EINPUT, "%s: '%s' is not a number", what, buf);
    *out = v;
    return 0;
}

/* Splits "name=rest": copies name into buf, returns rest (or NULL). */
static const char *split_name(const char *opt, const char *arg, char *buf, size_t n, demob_error *err)
{
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    if (len == 0 || len >= n) {
        demob_error_set(err, DEMOB_EINPUT, "%s: '%s' is not NAME=VALUES", opt, arg);
        return NULL;
    }
    memcpy(buf, arg, len);
    buf[len] = '\0';
    return eq ? eq + 1 : arg + len;
}

int sweep_parse_grid(sweep_spec *s, const char *arg, demob_error *err)
{
    char name[SWEEP_MSG_NAME_SIZE], what[SWEEP_MSG_WHAT_SIZE];
    const char *rest = split_name("--grid", arg, name, sizeof name, err);
    if (!rest)
        return DEMOB_EINPUT;
    if (rest == arg + strlen(arg) || !*rest)
        return demob_error_set(err, DEMOB_EINPUT, "--grid: '%s' is not NAME=V1,V2,...", arg);
    snprintf(what, sizeof what, "--grid %s", name);
    int n = 1;
    for (const char *q = rest; *q; q++)
        n += *q == ',';
    double *levels = malloc((size_t)n * sizeof *levels);
    if (!levels)
        return oom(err);
    const char *q = rest;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        size_t len = strcspn(q, ",");
        rc = parse_num(what, q, len, &levels[i], err);
        q += len + (q[len] == ',');
    }
    if (rc == 0)
        rc = sweep_spec_add_grid(s, what, name, levels, n, err);
    free(levels);
    return rc;
}

/* Tokens of a "a:b:c" spec: pointers and lengths, at most max. */
static int tokens(const char *spec, const char **tok, size_t *len, int max)
{
    int n = 0;
    const char *q = spec;
    for (;;) {
        size_t l = strcspn(q, ":");
        if (n < max) {
            tok[n] = q;
            len[n] = l;
        }
        n++;
        if (!q[l])
            break;
        q += l + 1;
    }
    return n;
}

static int tok_is(const char *tok, size_t len, const char *word)
{
    return strlen(word) == len && strncmp(tok, word, len) == 0;
}

int sweep_parse_dist(const char *what, const char *spec, sweep_dist *d, demob_error *err)
{
    enum { MAXTOK = 4096 };
    memset(d, 0, sizeof *d);
    d->lo = -INFINITY;
    d->hi = INFINITY;
    const char **tok = malloc(MAXTOK * sizeof *tok);
    size_t *len = malloc(MAXTOK * sizeof *len);
    if (!tok || !len) {
        free(tok);
        free(len);
        return oom(err);
    }
    int n = tokens(spec, tok, len, MAXTOK), rc = 0;
    static const char usage[] = "lo:hi, uniform:lo:hi, normal:mean:sd[:lo:hi], lognormal:mu:sigma[:lo:hi], "
                                "triangular:lo:mode:hi, beta:alpha:beta[:lo:hi] or discrete:v1:v2:... (v@weight)";
    double x[5] = {0};
    if (n > MAXTOK) {
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: too many values (at most %d)", what, MAXTOK - 1);
    } else if (tok_is(tok[0], len[0], "discrete")) {
        d->kind = DIST_DISCRETE;
        d->n = n - 1;
        if (d->n < 1) {
            rc = demob_error_set(err, DEMOB_EINPUT, "%s: discrete needs values, as in discrete:300:600:900", what);
        } else if (!(d->values = malloc((size_t)d->n * sizeof *d->values)) ||
                   !(d->cum = malloc((size_t)d->n * sizeof *d->cum))) {
            rc = oom(err);
        }
        for (int i = 0; rc == 0 && i < d->n; i++) {
            const char *t = tok[i + 1];
            size_t l = len[i + 1];
            const char *at = memchr(t, '@', l);
            size_t vl = at ? (size_t)(at - t) : l;
            rc = parse_num(what, t, vl, &d->values[i], err);
            d->cum[i] = 1.0;
            if (rc == 0 && at)
                rc = parse_num(what, at + 1, l - vl - 1, &d->cum[i], err);
        }
    } else {
        int first = 1, want_min = 2, want_max = 2;
        if (tok_is(tok[0], len[0], "uniform"))
            d->kind = DIST_UNIFORM;
        else if (tok_is(tok[0], len[0], "normal"))
            d->kind = DIST_NORMAL, want_max = 4;
        else if (tok_is(tok[0], len[0], "lognormal"))
            d->kind = DIST_LOGNORMAL, want_max = 4;
        else if (tok_is(tok[0], len[0], "beta"))
            d->kind = DIST_BETA, want_max = 4;
        else if (tok_is(tok[0], len[0], "triangular"))
            d->kind = DIST_TRIANGULAR, want_min = want_max = 3;
        else
            d->kind = DIST_UNIFORM, first = 0;
        int nv = n - first;
        double probe;
        demob_error ignore;
        if (!first && parse_num(what, tok[0], len[0], &probe, &ignore) != 0)
            rc = demob_error_set(err, DEMOB_EINPUT, "%s: unknown distribution '%.*s' (give %s)", what, (int)len[0],
                                 tok[0], usage);
        else if (nv != want_min && nv != want_max)
            rc = demob_error_set(err, DEMOB_EINPUT, "%s: '%s' has %d value%s (give %s)", what, spec, nv,
                                 nv == 1 ? "" : "s", usage);
        for (int i = 0; rc == 0 && i < nv; i++)
            rc = parse_num(what, tok[first + i], len[first + i], &x[i], err);
        if (rc == 0) {
            d->a = x[0];
            d->b = x[1];
            d->c = x[2];
            if (nv == 4) {
                d->lo = x[2];
                d->hi = x[3];
                d->c = 0;
            }
        }
    }
    free(tok);
    free(len);
    if (rc == 0)
        rc = sweep_dist_check(what, d, err);
    if (rc)
        sweep_dist_free(d);
    return rc;
}

int sweep_parse_sampled(sweep_spec *s, const char *opt, sweep_factor_kind kind, const char *arg, demob_error *err)
{
    char name[SWEEP_MSG_NAME_SIZE], what[SWEEP_MSG_WHAT_SIZE];
    const char *rest = split_name(opt, arg, name, sizeof name, err);
    if (!rest)
        return DEMOB_EINPUT;
    snprintf(what, sizeof what, "%s %s", opt, name);
    if (!*rest) {
        if (strchr(arg, '='))
            return demob_error_set(err, DEMOB_EINPUT, "%s: '%s' has no range after '='", opt, arg);
        return sweep_spec_add_param_range(s, what, name, kind, err);
    }
    sweep_dist d;
    int rc = sweep_parse_dist(what, rest, &d, err);
    if (rc)
        return rc;
    rc = sweep_spec_add_sampled(s, what, name, kind, &d, err);
    sweep_dist_free(&d);
    return rc;
}

int sweep_points_read_csv(sweep_spec *s, const char *path, demob_error *err)
{
    csv_reader *r = csvr_open(path, err);
    if (!r)
        return err && err->status ? err->status : DEMOB_EINPUT;
    size_t nc = csvr_ncols(r);
    int skip = csvr_find(r, "point");
    int n_cols = (int)nc - (skip >= 0);
    const char **names = calloc(nc + 1, sizeof *names);
    double *vals = NULL;
    size_t cap = 0, n = 0;
    long rows = 0;
    int rc = 0;
    if (!names) {
        rc = oom(err);
        goto done;
    }
    for (size_t c = 0, k = 0; c < nc; c++)
        if ((int)c != skip)
            names[k++] = csvr_colname(r, c);
    if (n_cols < 1) {
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: no param column (the header names the params)", path);
        goto done;
    }
    int got;
    while ((got = csvr_next(r, err)) > 0) {
        if (n + (size_t)n_cols > cap) {
            size_t nc2 = cap ? 2 * cap : 1024;
            while (nc2 < n + (size_t)n_cols)
                nc2 *= 2;
            double *v = realloc(vals, nc2 * sizeof *v);
            if (!v) {
                rc = oom(err);
                goto done;
            }
            vals = v;
            cap = nc2;
        }
        for (size_t c = 0; c < nc; c++) {
            if ((int)c == skip)
                continue;
            if ((rc = csvr_number(r, c, &vals[n++], err)))
                goto done;
        }
        rows++;
    }
    if (got < 0) {
        rc = err && err->status ? err->status : DEMOB_EINPUT;
        goto done;
    }
    if (rows == 0) {
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: no points (only a header)", path);
        goto done;
    }
    rc = sweep_spec_set_points(s, path, names, n_cols, vals, rows, err);
done:
    free(names);
    free(vals);
    csvr_close(r);
    return rc;
}

/* ------------------------------------------------------ distributions */

/* Wichura, M. J. (1988) "Algorithm AS 241: The Percentage Points of the
 * Normal Distribution", Applied Statistics 37(3), 477-484: PPND16, rational
 * approximations good to about 1e-16 in three regions of p. */
double sweep_norm_quantile(double p)
{
    static const double a[8] = {3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
                                1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
                                3.3430575583588128105e+4, 2.5090809287301226727e+3};
    static const double b[8] = {1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2,
                                5.3941960214247511077e+3, 2.1213794301586595867e+4, 3.9307895800092710610e+4,
                                2.8729085735721942674e+4, 5.2264952788528545610e+3};
    static const double c[8] = {1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
                                3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
                                2.27238449892691845833e-2, 7.74545014278341407640e-4};
    static const double d[8] = {1.0, 2.05319162663775882187e0, 1.67638483018380384940e0,
                                6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2,
                                5.47593808499534494600e-4, 1.05075007164441684324e-9};
    static const double e[8] = {6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
                                2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
                                2.71155556874348757815e-5, 2.01033439929228813265e-7};
    static const double f[8] = {1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1,
                                1.48753612908506148525e-2, 7.86869131145613259100e-4, 1.84631831751005468180e-5,
                                1.42151175831644588870e-7, 2.04426310338993978564e-15};
    if (!(p > 0))
        return -INFINITY;
    if (!(p < 1))
        return INFINITY;
    double q = p - 0.5, r, num, den;
    const double *pn, *pd;
    if (fabs(q) <= 0.425) {
        r = 0.180625 - q * q;
        pn = a;
        pd = b;
        num = pn[7], den = pd[7];
        for (int i = 6; i >= 0; i--) {
            num = num * r + pn[i];
            den = den * r + pd[i];
        }
        return q * num / den;
    }
    r = q < 0 ? p : 1 - p;
    r = sqrt(-log(r));
    if (r <= 5) {
        r -= 1.6;
        pn = c;
        pd = d;
    } else {
        r -= 5;
        pn = e;
        pd = f;
    }
    num = pn[7], den = pd[7];
    for (int i = 6; i >= 0; i--) {
        num = num * r + pn[i];
        den = den * r + pd[i];
    }
    double z = num / den;
    return q < 0 ? -z : z;
}

double sweep_dist_quantile(const sweep_dist *d, double u)
{
    switch (d->kind) {
    case DIST_UNIFORM:
        return d->a + u * (d->b - d->a);
    case DIST_NORMAL:
    case DIST_LOGNORMAL: {
        double plo, phi;
        sweep_dist_trunc_probs(d, &plo, &phi);
        double v = d->a + d->b * sweep_norm_quantile(plo + u * (phi - plo));
        if (d->kind == DIST_LOGNORMAL)
            v = exp(v);
        /* Rounding at the edges of a truncation must not step outside it. */
        return v < d->lo ? d->lo : v > d->hi ? d->hi : v;
    }
    case DIST_BETA: {
        double plo, phi;
        sweep_dist_trunc_probs(d, &plo, &phi);
        double v = sweep_beta_quantile(plo + u * (phi - plo), d->a, d->b);
        return v < d->lo ? d->lo : v > d->hi ? d->hi : v;
    }
    case DIST_TRIANGULAR: {
        double lo = d->a, mode = d->b, hi = d->c, w = hi - lo;
        if (!(w > 0))
            return lo;
        if (u * w < mode - lo)
            return lo + sqrt(u * w * (mode - lo));
        return hi - sqrt((1 - u) * w * (hi - mode));
    }
    case DIST_DISCRETE: {
        int lo = 0, hi = d->n - 1;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (d->cum[mid] >= u)
                hi = mid;
            else
                lo = mid + 1;
        }
        return d->values[lo];
    }
    }
    return NAN;
}

double sweep_round12(double v)
{
    if (!isfinite(v))
        return v;
    char buf[40];
    snprintf(buf, sizeof buf, "%.12g", v);
    return strtod(buf, NULL);
}

/* ------------------------------------------------------------- designs */

/* A uniform double strictly inside (0, 1): the midpoint of one of 2^53
 * cells, so inverse CDFs never see 0 or 1. */
static double open_uniform(rng *r)
{
    return ((double)(rng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

/* Uniform integer in [0, n) without modulo bias (rejection). */
static uint64_t below(rng *r, uint64_t n)
{
    uint64_t limit = -n % n; /* 2^64 mod n */
    uint64_t x;
    do
        x = rng_next(r);
    while (x < limit);
    return x % n;
}

void sweep_design_free(sweep_design *d)
{
    if (d->names)
        for (int k = 0; k < d->n_params; k++)
            free(d->names[k]);
    free(d->names);
    free(d->x);
    memset(d, 0, sizeof *d);
}

/* The sampled column of factor f into col[0..n-1]. */
static int sample_factor(const sweep_factor *f, uint64_t seed, int index, long n, double *col, demob_error *err)
{
    rng r;
    rng_seed(&r, seed, UINT64_MAX - (uint64_t)index);
    if (f->kind == FACTOR_RANDOM) {
        for (long i = 0; i < n; i++)
            col[i] = sweep_round12(sweep_dist_quantile(&f->dist, open_uniform(&r)));
        return 0;
    }
    /* Latin hypercube: a random permutation of the n strata (Fisher-Yates),
     * then one uniform draw inside each stratum, so that every stratum
     * [k/n, (k+1)/n) of the probability scale is hit exactly once. */
    long *perm = malloc((size_t)n * sizeof *perm);
    if (!perm)
        return oom(err);
    for (long i = 0; i < n; i++)
        perm[i] = i;
    for (long i = n - 1; i > 0; i--) {
        long j = (long)below(&r, (uint64_t)i + 1);
        long t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (long i = 0; i < n; i++) {
        double u = ((double)perm[i] + open_uniform(&r)) / (double)n;
        col[i] = sweep_round12(sweep_dist_quantile(&f->dist, u));
    }
    free(perm);
    return 0;
}

int sweep_design_build(const sweep_spec *s, uint64_t seed, sweep_design *d, demob_error *err)
{
    memset(d, 0, sizeof *d);
    if (!sweep_spec_has_design(s))
        return demob_error_set(err, DEMOB_EINPUT,
                               "no design: declare sweep { grid =, lhs =, random =, points = } in the scenario, "
                               "or give --grid, --lhs, --random or --points");
    int n_sampled = 0;
    double grid = 1;
    for (int i = 0; i < s->n_factors; i++) {
        const sweep_factor *f = &s->factors[i];
        if (f->use_param_range)
            return demob_error_set(err, DEMOB_EINPUT, "%s: the range of '%s' is not resolved",
                                   kind_name(f->kind), f->name);
        if (f->kind == FACTOR_GRID)
            grid *= f->n_levels;
        else
            n_sampled++;
    }
    if (n_sampled && s->samples <= 0)
        return demob_error_set(err, DEMOB_EINPUT,
                               "sampled params (lhs, random) need a number of samples: --samples N or "
                               "sweep { samples = N }");
    long samples = n_sampled ? s->samples : 1;
    double rows = s->n_rows > 0 ? (double)s->n_rows : 1;
    double total = rows * grid * (double)samples;
    if (total > (double)SWEEP_MAX_POINTS)
        return demob_error_set(err, DEMOB_EINPUT, "the design has %.0f points, more than %ld", total,
                               SWEEP_MAX_POINTS);
    int np = s->n_cols + s->n_factors;
    long P = (long)total;
    d->n_params = np;
    d->n_points = P;
    d->names = calloc((size_t)np, sizeof *d->names);
    d->x = malloc((size_t)P * (size_t)np * sizeof *d->x);
    double *col = n_sampled ? malloc((size_t)samples * sizeof *col) : NULL;
    if (!d->names || !d->x || (n_sampled && !col)) {
        free(col);
        sweep_design_free(d);
        return oom(err);
    }
    for (int c = 0; c < s->n_cols; c++)
        d->names[c] = strdup(s->pt_names[c]);
    for (int i = 0; i < s->n_factors; i++)
        d->names[s->n_cols + i] = strdup(s->factors[i].name);
    for (int k = 0; k < np; k++)
        if (!d->names[k]) {
            free(col);
            sweep_design_free(d);
            return oom(err);
        }
    long G = (long)grid;
    /* Explicit columns: row = p / (G * samples). */
    for (long p = 0; p < P; p++) {
        long row = p / (G * samples);
        for (int c = 0; c < s->n_cols; c++)
            d->x[(size_t)p * (size_t)np + (size_t)c] = s->pt_values[(size_t)row * (size_t)s->n_cols + (size_t)c];
    }
    /* Grid columns: mixed radix over g = (p / samples) % G, last factor
     * fastest. */
    long stride = samples;
    for (int i = s->n_factors - 1; i >= 0; i--) {
        const sweep_factor *f = &s->factors[i];
        if (f->kind != FACTOR_GRID)
            continue;
        for (long p = 0; p < P; p++)
            d->x[(size_t)p * (size_t)np + (size_t)(s->n_cols + i)] = f->levels[(p / stride) % f->n_levels];
        stride *= f->n_levels;
    }
    /* Sampled columns: sample s = p % samples, the same samples for every
     * grid cell and explicit row (a crossed design). */
    for (int i = 0; i < s->n_factors; i++) {
        const sweep_factor *f = &s->factors[i];
        if (f->kind == FACTOR_GRID)
            continue;
        int rc = sample_factor(f, seed, i, samples, col, err);
        if (rc) {
            free(col);
            sweep_design_free(d);
            return rc;
        }
        for (long p = 0; p < P; p++)
            d->x[(size_t)p * (size_t)np + (size_t)(s->n_cols + i)] = col[p % samples];
    }
    free(col);
    return 0;
}
