/* fit_pf.c - the bootstrap particle filter of pmcmc (Gordon, Salmond and
 * Smith 1993; used inside particle marginal Metropolis-Hastings, Andrieu,
 * Doucet and Holenstein 2010): P runs of the stochastic model step
 * together; at each observation time every particle is weighted by the
 * likelihood of the rows observed then, the mean weight multiplies the
 * estimate, and the particles are resampled systematically by copying
 * whole runs (demob_sim_copy) and their recorded values. The estimate of
 * the likelihood is unbiased. See fit.h for the streams. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/rng.h"
#include "fit.h"

struct fit_pf {
    int P, steps;
    demob_sim **sim;             /* [P]                                   */
    double *raw;                 /* [P * n_rows]                          */
    double *lw;                  /* [P]                                   */
    int *anc;                    /* [P]                                   */
    int *kids;                   /* [P] offspring per particle            */
    fit_obs_memo *memo;          /* [n_rows * FIT_OBS_MEMO]: weights by count */
    unsigned char *obs_at;       /* [steps + 1]                           */
    int last_obs;
};

int fit_pf_open(fit_eval *e, const demob_model *m, demob_error *err)
{
    const fit_problem *p = e->p;
    struct fit_pf *f = calloc(1, sizeof *f);
    if (!f)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    e->pf = f;
    int P = p->particles, nr = p->obs->n_rows;
    f->P = P;
    f->steps = demob_model_steps(m);
    f->sim = calloc((size_t)P, sizeof *f->sim);
    f->raw = calloc((size_t)P * (size_t)nr + 1, sizeof *f->raw);
    f->lw = calloc((size_t)P, sizeof *f->lw);
    f->anc = calloc((size_t)P, sizeof *f->anc);
    f->kids = calloc((size_t)P, sizeof *f->kids);
    f->obs_at = calloc((size_t)f->steps + 1, 1);
    f->memo = calloc((size_t)nr * FIT_OBS_MEMO + 1, sizeof *f->memo);
    if (!f->sim || !f->raw || !f->lw || !f->anc || !f->kids || !f->obs_at || !f->memo)
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    for (int i = 0; i < P; i++)
        if (!(f->sim[i] = demob_sim_new(m, err)))
            return err && err->status ? err->status : DEMOB_ERUN;
    f->last_obs = 0;
    for (int s = 0; s < p->obs->n_series; s++)
        for (int j = 0; j < p->obs->series[s].n_rows; j++) {
            int t = p->obs->series[s].rows[j].step;
            if (t <= f->steps) {
                f->obs_at[t] = 1;
                if (t > f->last_obs)
                    f->last_obs = t;
            }
        }
    return 0;
}

void fit_pf_close(fit_eval *e)
{
    struct fit_pf *f = e->pf;
    for (int i = 0; f->sim && i < f->P; i++)
        demob_sim_free(f->sim[i]);
    free(f->sim);
    free(f->raw);
    free(f->lw);
    free(f->anc);
    free(f->kids);
    free(f->obs_at);
    free(f->memo);
    free(f);
    e->pf = NULL;
}

double fit_pf_loglik(fit_eval *e, long run)
{
    struct fit_pf *f = e->pf;
    const fit_obs *o = e->p->obs;
    int P = f->P, nr = o->n_rows;
    uint64_t base = (uint64_t)(run - 1);
    rng r;
    rng_seed(&r, demob_model_seed(demob_sim_model(f->sim[0])), ((uint64_t)3 << 61) + base);
    for (int i = 0; i < P; i++) {
        if (demob_sim_reset(f->sim[i], (long)(base * (uint64_t)P + (uint64_t)i + 1), e->values, &e->last) != 0)
            return -INFINITY;
        fit_obs_record(o, &e->ix, f->sim[i], f->raw + (size_t)i * (size_t)nr);
    }
    double ll = 0;
    for (int t = 0; t <= f->last_obs; t++) {
        if (t > 0)
            for (int i = 0; i < P; i++) {
                if (demob_sim_step(f->sim[i], &e->last) != 0)
                    return -INFINITY;
                fit_obs_record(o, &e->ix, f->sim[i], f->raw + (size_t)i * (size_t)nr);
            }
        if (!f->obs_at[t])
            continue;
        double mx = -INFINITY;
        fit_obs_memo_clear(f->memo, &e->ix, t);
        for (int i = 0; i < P; i++) {
            f->lw[i] = fit_obs_loglik_at_memo(o, &e->ix, t, f->raw + (size_t)i * (size_t)nr, e->values, f->memo);
            if (f->lw[i] > mx)
                mx = f->lw[i];
        }
        if (mx == -INFINITY) {
            demob_error_set(&e->last, DEMOB_EINPUT, "every particle is impossible at step %d", t);
            return -INFINITY;
        }
        double W = 0;
        for (int i = 0; i < P; i++)
            W += f->lw[i] = exp(f->lw[i] - mx);
        ll += mx + log(W / P);
        /* Systematic resampling: one uniform, P evenly spaced points. */
        double u = ((double)(rng_next(&r) >> 11) + 0.5) * 0x1.0p-53 / P, cum = f->lw[0] / W;
        for (int j = 0, i = 0; j < P; j++) {
            double pos = u + (double)j / P;
            while (pos > cum && i < P - 1)
                cum += f->lw[++i] / W;
            f->anc[j] = i;
        }
        /* In place: a particle with offspring keeps its slot for its first
         * child; the slots of those without offspring take the other
         * children, in order (fewer copies than rebuilding every slot). The
         * set of particles is the same as copying anc[j] into slot j. */
        int *kids = f->kids;
        memset(kids, 0, (size_t)P * sizeof *kids);
        for (int j = 0; j < P; j++)
            kids[f->anc[j]]++;
        for (int i = 0, dead = 0; i < P; i++)
            while (kids[i] > 1) {
                while (kids[dead] != 0)
                    dead++;
                demob_sim_copy(f->sim[dead], f->sim[i], NULL);
                /* The copy goes on from a stream of its own. */
                demob_sim_reseed(f->sim[dead], ((uint64_t)1 << 61) +
                                 (base * (uint64_t)(f->steps + 1) + (uint64_t)t) * (uint64_t)P + (uint64_t)dead);
                memcpy(f->raw + (size_t)dead * (size_t)nr, f->raw + (size_t)i * (size_t)nr, (size_t)nr * sizeof *f->raw);
                kids[dead] = -1;  /* filled */
                kids[i]--;
            }
    }
    /* The particles' mean prediction of every row. */
    memset(e->pred, 0, (size_t)nr * sizeof *e->pred);
    for (int i = 0; i < P; i++) {
        fit_obs_predictions(o, f->raw + (size_t)i * (size_t)nr, e->raw);
        for (int k = 0; k < nr; k++)
            e->pred[k] += e->raw[k] / P;
    }
    return ll;
}
