/* fit_pf.c - the bootstrap particle filter of pmcmc (Gordon, Salmond and
 * Smith 1993; used inside particle marginal Metropolis-Hastings, Andrieu,
 * Doucet and Holenstein 2010): P runs of the stochastic model step
 * together; at each observation time every particle is weighted by the
 * likelihood of the rows observed then, the mean weight multiplies the
 * estimate, and the particles are resampled systematically by copying
 * whole runs and their recorded values. The estimate of the likelihood is
 * unbiased. See fit.h for the streams.
 *
 * A particle is either a demob_sim (any model without hooks) or, for a
 * plain model, the integers of engine/lean_step.h and a stream: the same
 * draws, a fraction of the memory and of the work per step. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/lean_step.h"
#include "engine/rng.h"
#include "fit.h"

struct fit_pf {
    int P, steps;
    demob_sim **sim;             /* [P]; lean: [1], reset for the values  */
    lean_plan *lean;             /* non-NULL: the lean path               */
    int W, cells;                /* lean: integers per particle, of which
                                  * stocks (then cumulative doubles)      */
    int64_t *run;                /* lean: [P * W]                         */
    int64_t *moves;              /* lean: [P * W] scratch of a step       */
    rng *rng;                    /* lean: [P]                             */
    uint64_t key;                /* lean: rng_seed_key of the model's seed */
    int *gather_first, *gather;  /* lean: row k sums run[gather[g]] for g
                                  * in gather_first[k] .. [k + 1] - 1     */
    double *raw;                 /* [P * n_rows]                          */
    double *lw;                  /* [P]                                   */
    double *spacing;             /* [P]: j / P, resampling's points        */
    int *kids;                   /* [P] offspring per particle            */
    int *dead;                   /* [P] the slots without offspring       */
    int *row_step, *until;       /* [n_rows]: a row's step; the last step
                                  * of a row that reads it (a flow since
                                  * it), or -1                            */
    int *live, n_live;           /* [n_rows]: the rows a later row reads,
                                  * at this resampling; n_live -1: all    */
    fit_obs_memo *memo;          /* [n_rows * FIT_OBS_MEMO]: weights by count */
    unsigned char *obs_at;       /* [steps + 1]                           */
    int last_obs;
};

static int oom(demob_error *err) { return demob_error_set(err, DEMOB_ERUN, "out of memory"); }

/* Row k's value in a lean particle is the sum of these integers, in the
 * order fit_obs_record adds the stocks or cumulative flows. */
static int build_gather(struct fit_pf *f, const fit_obs *o, const demob_model *m)
{
    int n = 0, ns = demob_model_n_states(m);
    for (int s = 0; s < o->n_series; s++)
        for (int j = 0; j < o->series[s].n_rows; j++)
            n += o->series[s].rows[j].n_origins * o->series[s].n_targets;
    f->gather_first = malloc(((size_t)o->n_rows + 1) * sizeof *f->gather_first);
    f->gather = malloc(((size_t)n + 1) * sizeof *f->gather);
    if (!f->gather_first || !f->gather)
        return -1;
    int k = 0, g = 0;
    for (int s = 0; s < o->n_series; s++) {
        const fit_series *se = &o->series[s];
        for (int j = 0; j < se->n_rows; j++, k++) {
            const fit_row *r = &se->rows[j];
            f->gather_first[k] = g;
            for (int a = 0; a < r->n_origins; a++)
                for (int b = 0; b < se->n_targets; b++) {
                    int i = se->kind == FIT_STOCK ? r->origins[a] * ns + se->targets[b]
                                                  : lean_cum_index(f->lean, r->origins[a], se->targets[b]);
                    if (i >= 0)
                        f->gather[g++] = i;
                }
        }
    }
    f->gather_first[k] = g;
    return 0;
}

static int open_lean(struct fit_pf *f, const fit_obs *o, const demob_model *m)
{
    int P = f->P;
    if (!(f->lean = lean_plan_new(m)))
        return -1;
    f->W = lean_width(f->lean);
    f->cells = lean_cells(f->lean);
    f->run = malloc((size_t)P * (size_t)f->W * sizeof *f->run + 1);
    f->moves = malloc((size_t)P * (size_t)f->W * sizeof *f->moves + 1);
    f->rng = malloc((size_t)P * sizeof *f->rng);
    return f->run && f->moves && f->rng ? build_gather(f, o, m) : -1;
}

const char *fit_pf_path(const fit_problem *p, const demob_model *m)
{
    const char *why = NULL;
    if (p->pf_general)
        return "whole runs";
    return lean_supported(m, &why) ? "lean" : why;
}

int fit_pf_open(fit_eval *e, const demob_model *m, demob_error *err)
{
    const fit_problem *p = e->p;
    struct fit_pf *f = calloc(1, sizeof *f);
    if (!f)
        return oom(err);
    e->pf = f;
    int P = p->particles, nr = p->obs->n_rows;
    int lean = strcmp(fit_pf_path(p, m), "lean") == 0;
    f->P = P;
    f->steps = demob_model_steps(m);
    f->sim = calloc(lean ? 1 : (size_t)P, sizeof *f->sim);
    f->raw = calloc((size_t)P * (size_t)nr + 1, sizeof *f->raw);
    f->lw = calloc((size_t)P, sizeof *f->lw);
    f->spacing = calloc((size_t)P, sizeof *f->spacing);
    f->kids = calloc((size_t)P, sizeof *f->kids);
    f->dead = calloc((size_t)P, sizeof *f->dead);
    f->row_step = calloc((size_t)nr + 1, sizeof *f->row_step);
    f->until = calloc((size_t)nr + 1, sizeof *f->until);
    f->live = calloc((size_t)nr + 1, sizeof *f->live);
    f->obs_at = calloc((size_t)f->steps + 1, 1);
    f->memo = calloc((size_t)nr * FIT_OBS_MEMO + 1, sizeof *f->memo);
    if (!f->sim || !f->raw || !f->lw || !f->spacing || !f->kids || !f->dead || !f->row_step || !f->until ||
        !f->live || !f->obs_at || !f->memo || (lean && open_lean(f, p->obs, m) != 0))
        return oom(err);
    for (int i = 0; i < (lean ? 1 : P); i++)
        if (!(f->sim[i] = demob_sim_new(m, err)))
            return err && err->status ? err->status : DEMOB_ERUN;
    for (int j = 0; j < P; j++)
        f->spacing[j] = (double)j / P;
    f->key = rng_seed_key(demob_model_seed(m));
    f->last_obs = 0;
    for (int s = 0, k = 0; s < p->obs->n_series; s++) {
        const fit_series *se = &p->obs->series[s];
        for (int j = 0; j < se->n_rows; j++, k++) {
            int t = se->rows[j].step;
            f->row_step[k] = t;
            f->until[k] = -1;
            if (t <= f->steps) {
                f->obs_at[t] = 1;
                if (t > f->last_obs)
                    f->last_obs = t;
            }
        }
        for (int j = 0; j < se->n_rows; j++)
            if (se->kind == FIT_FLOW && se->rows[j].prev >= 0) {
                int *u = &f->until[k - se->n_rows + se->rows[j].prev];
                if (se->rows[j].step > *u)
                    *u = se->rows[j].step;
            }
    }
    return 0;
}

void fit_pf_close(fit_eval *e)
{
    struct fit_pf *f = e->pf;
    for (int i = 0; f->sim && i < (f->lean ? 1 : f->P); i++)
        demob_sim_free(f->sim[i]);
    free(f->sim);
    lean_plan_free(f->lean);
    free(f->run);
    free(f->moves);
    free(f->rng);
    free(f->gather_first);
    free(f->gather);
    free(f->raw);
    free(f->lw);
    free(f->spacing);
    free(f->kids);
    free(f->dead);
    free(f->row_step);
    free(f->until);
    free(f->live);
    free(f->obs_at);
    free(f->memo);
    free(f);
    e->pf = NULL;
}

/* Integer i of a lean particle as fit_obs_record reads it from a sim: a
 * stock, or a cumulative count (a double). */
static inline double lean_number(const struct fit_pf *f, const int64_t *run, int i)
{
    return i < f->cells ? (double)run[i] : lean_cum_value(run[i]);
}

/* fit_obs_record for every lean particle at step t, row by row. */
static void record_lean(struct fit_pf *f, const fit_eval *e, int t)
{
    const fit_obs_steps *ix = &e->ix;
    const size_t nr = (size_t)e->p->obs->n_rows, W = (size_t)f->W;
    for (int q = ix->start[t]; q < ix->start[t + 1]; q++) {
        int k = ix->flat[q], g0 = f->gather_first[k], g1 = f->gather_first[k + 1];
        if (g1 == g0 + 1) {   /* one cell or link (0 + x is x for counts) */
            const int g = f->gather[g0];
            for (int i = 0; i < f->P; i++)
                f->raw[(size_t)i * nr + (size_t)k] = lean_number(f, f->run + (size_t)i * W, g);
            continue;
        }
        for (int i = 0; i < f->P; i++) {
            const int64_t *run = f->run + (size_t)i * W;
            double v = 0;
            for (int g = g0; g < g1; g++)
                v += lean_number(f, run, f->gather[g]);
            f->raw[(size_t)i * nr + (size_t)k] = v;
        }
    }
}

/* Every particle at t = 0 of run `base + 1`'s filter; -1 when the values
 * are refused (message in e->last). */
static int start_particles(struct fit_pf *f, fit_eval *e, uint64_t base)
{
    const fit_obs *o = e->p->obs;
    int P = f->P, nr = o->n_rows;
    if (f->lean) {
        if (demob_sim_reset(f->sim[0], (long)(base * (uint64_t)P + 1), e->values, &e->last) != 0)
            return -1;
        if (lean_plan_load(f->lean, f->sim[0]) != 0) {
            demob_error_set(&e->last, DEMOB_ERUN, "internal error: the lean filter cannot take this run");
            return -1;
        }
        for (int i = 0; i < P; i++) {
            lean_start(f->lean, f->run + (size_t)i * (size_t)f->W);
            rng_seed_keyed(&f->rng[i], f->key, base * (uint64_t)P + (uint64_t)i + 1);
        }
        record_lean(f, e, 0);
        return 0;
    }
    for (int i = 0; i < P; i++) {
        if (demob_sim_reset(f->sim[i], (long)(base * (uint64_t)P + (uint64_t)i + 1), e->values, &e->last) != 0)
            return -1;
        fit_obs_record(o, &e->ix, f->sim[i], f->raw + (size_t)i * (size_t)nr);
    }
    return 0;
}

/* Every particle one step on, to step t. */
static int step_particles(struct fit_pf *f, fit_eval *e, int t)
{
    const fit_obs *o = e->p->obs;
    int P = f->P, nr = o->n_rows;
    if (f->lean) {
        lean_step_runs(f->lean, f->run, P, f->rng, f->moves);
        record_lean(f, e, t);
        return 0;
    }
    for (int i = 0; i < P; i++) {
        if (demob_sim_step(f->sim[i], &e->last) != 0)
            return -1;
        fit_obs_record(o, &e->ix, f->sim[i], f->raw + (size_t)i * (size_t)nr);
    }
    return 0;
}

/* Particle dst becomes a copy of src that goes on from stream `stream`. */
static void copy_particle(struct fit_pf *f, int nr, int dst, int src, uint64_t stream)
{
    if (f->lean) {
        memcpy(f->run + (size_t)dst * (size_t)f->W, f->run + (size_t)src * (size_t)f->W,
               (size_t)f->W * sizeof *f->run);
        rng_seed_keyed(&f->rng[dst], f->key, stream);
    } else {
        demob_sim_copy(f->sim[dst], f->sim[src], NULL);
        demob_sim_reseed(f->sim[dst], stream);
    }
    double *to = f->raw + (size_t)dst * (size_t)nr;
    const double *from = f->raw + (size_t)src * (size_t)nr;
    if (f->n_live < 0)
        memcpy(to, from, (size_t)nr * sizeof *f->raw);
    else
        for (int q = 0; q < f->n_live; q++)
            to[f->live[q]] = from[f->live[q]];
}

/* The rows recorded by step t that a row after t reads (its flow is the
 * difference), or all (n_live -1) when the predictions are wanted: what a
 * copy at step t must take with it. */
static void find_live(struct fit_pf *f, const fit_eval *e, int nr, int t)
{
    f->n_live = -1;
    if (!e->skip_pred)
        return;
    f->n_live = 0;
    for (int k = 0; k < nr; k++)
        if (f->row_step[k] <= t && f->until[k] > t)
            f->live[f->n_live++] = k;
}

void fit_pf_offspring(const double *w, int P, double u, const double *spacing, int *kids)
{
    /* Point j (u + j / P) goes to the first particle whose cumulative
     * weight reaches it, the last particle taking any point past them all.
     * So particle i < P - 1 has as many offspring as there are points in
     * (cum_{i-1}, cum_i]: the count of points up to cum_i is found from its
     * estimate (cum_i - u) P, corrected by comparing with the points
     * themselves, without a search whose every end is a mispredicted
     * branch. */
    double cum = 0;
    int below = 0;
    for (int i = 0; i < P - 1; i++) {
        cum = i == 0 ? w[0] : cum + w[i];
        double est = (cum - u) * P;
        int c = est < 0 ? 0 : est < P ? (int)est + 1 : P;   /* NaN: P, corrected */
        while (c > 0 && u + spacing[c - 1] > cum)
            c--;
        while (c < P && u + spacing[c] <= cum)
            c++;
        kids[i] = c - below;
        below = c;
    }
    kids[P - 1] = P - below;
}

double fit_pf_loglik(fit_eval *e, long run)
{
    struct fit_pf *f = e->pf;
    const fit_obs *o = e->p->obs;
    int P = f->P, nr = o->n_rows;
    uint64_t base = (uint64_t)(run - 1);
    rng r;
    rng_seed(&r, demob_model_seed(demob_sim_model(f->sim[0])), ((uint64_t)3 << 61) + base);
    if (start_particles(f, e, base) != 0)
        return -INFINITY;
    double ll = 0;
    for (int t = 0; t <= f->last_obs; t++) {
        if (t > 0 && step_particles(f, e, t) != 0)
            return -INFINITY;
        if (!f->obs_at[t])
            continue;
        double mx = -INFINITY;
        fit_obs_memo_clear(f->memo, &e->ix, t);
        fit_obs_weights_at(o, &e->ix, t, f->raw, (size_t)nr, P, e->values, f->memo, f->lw);
        for (int i = 0; i < P; i++)
            if (f->lw[i] > mx)
                mx = f->lw[i];
        if (mx == -INFINITY) {
            demob_error_set(&e->last, DEMOB_EINPUT, "every particle is impossible at step %d", t);
            return -INFINITY;
        }
        double W = 0;
        for (int i = 0; i < P; i++)
            W += f->lw[i] = exp(f->lw[i] - mx);
        ll += mx + log(W / P);
        for (int i = 0; i < P; i++)
            f->lw[i] /= W;
        int *kids = f->kids;
        fit_pf_offspring(f->lw, P, ((double)(rng_next(&r) >> 11) + 0.5) * 0x1.0p-53 / P, f->spacing, kids);
        /* In place: a particle with offspring keeps its slot for its first
         * child; the slots of those without offspring take the other
         * children, in order (fewer copies than rebuilding every slot). The
         * set of particles is the same as copying each point's ancestor
         * into its slot. Each copy goes on from a stream of its own. */
        find_live(f, e, nr, t);
        int *dead = f->dead, n_dead = 0;
        for (int i = 0; i < P; i++) {   /* the slots without offspring, in order */
            dead[n_dead] = i;
            n_dead += kids[i] == 0;
        }
        uint64_t stream0 = ((uint64_t)1 << 61) + (base * (uint64_t)(f->steps + 1) + (uint64_t)t) * (uint64_t)P;
        for (int i = 0, d = 0; i < P; i++)
            for (int c = 1; c < kids[i]; c++, d++)
                copy_particle(f, nr, dead[d], i, stream0 + (uint64_t)dead[d]);
    }
    /* The particles' mean prediction of every row. */
    memset(e->pred, 0, (size_t)nr * sizeof *e->pred);
    for (int i = 0; i < P && !e->skip_pred; i++) {
        fit_obs_predictions(o, f->raw + (size_t)i * (size_t)nr, e->raw);
        for (int k = 0; k < nr; k++)
            e->pred[k] += e->raw[k] / P;
    }
    return ll;
}
