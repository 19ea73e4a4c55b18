/* share_limits.c - the cuts of a step's movers (docs/model.md, "Limits on
 * the movers"): capacities, then budgets (and the funding gap), then
 * ceilings and synchronised withdrawal together, on the sim's want and
 * move arrays; share.c does the sharing of each limit. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sim_internal.h"

/* move = min over the link's capacities of its share of each. */
void share_apply_capacities(demob_sim *s)
{
    const demob_model *m = s->m;
    for (int c = 0; c < m->n_caps; c++) {
        const int *links = m->cap_links[c];
        int n = m->cap_n_links[c];
        if (n == 0)
            continue;
        double lim = s->val[m->caps[c].limit];
        if (s->stochastic) {
            int64_t limit = lim >= DEMOB_MAX_COUNT ? INT64_MAX / 2 : (int64_t)floor(lim);
            if (m->caps[c].policy == DEMOB_SHARE_PRIORITY)
                share_priority_i(links, m->cap_rank[c], n, s->want_i, limit, s->cut_i, s->rem_scratch,
                                 s->scratch);
            else
                share_proportional_i(links, n, s->want_i, limit, s->cut_i, s->rem_scratch, s->scratch);
            for (int i = 0; i < n; i++)
                if (s->cut_i[links[i]] < s->move_i[links[i]])
                    s->move_i[links[i]] = s->cut_i[links[i]];
            if (s->n_con) {
                double w = 0, a = 0;
                for (int i = 0; i < n; i++)
                    w += (double)s->want_i[links[i]], a += (double)s->cut_i[links[i]];
                model_con_note(s, c, w, lim, w - a);
            }
        } else {
            if (m->caps[c].policy == DEMOB_SHARE_PRIORITY)
                share_priority_d(links, m->cap_rank[c], n, s->want_d, lim, s->cut_d);
            else
                share_proportional_d(links, n, s->want_d, lim, s->cut_d);
            for (int i = 0; i < n; i++)
                if (s->cut_d[links[i]] < s->move_d[links[i]])
                    s->move_d[links[i]] = s->cut_d[links[i]];
            if (s->n_con) {
                double w = 0, a = 0;
                for (int i = 0; i < n; i++)
                    w += s->want_d[links[i]], a += s->cut_d[links[i]];
                model_con_note(s, c, w, lim, w - a);
            }
        }
    }
}

static void mark_link_ceilings(demob_sim *s, int l, int k);

/* Cuts the listed links (their current moves) down to `limit` in total.
 * Called by ceiling k (k >= 0), marks the ceilings whose input changed. */
static void cut_to(demob_sim *s, const int *links, int n, double limit, int k)
{
    if (s->stochastic) {
        int64_t lim = limit <= 0 ? 0 : limit >= DEMOB_MAX_COUNT ? INT64_MAX / 2 : (int64_t)floor(limit);
        share_proportional_i(links, n, s->move_i, lim, s->cut_i, s->rem_scratch, s->scratch);
        for (int i = 0; i < n; i++) {
            int l = links[i];
            if (k >= 0 && s->move_i[l] != s->cut_i[l])
                mark_link_ceilings(s, l, k);
            s->move_i[l] = s->cut_i[l];
        }
    } else {
        share_proportional_d(links, n, s->move_d, limit < 0 ? 0 : limit, s->cut_d);
        for (int i = 0; i < n; i++) {
            int l = links[i];
            if (k >= 0 && s->move_d[l] != s->cut_d[l])
                mark_link_ceilings(s, l, k);
            s->move_d[l] = s->cut_d[l];
        }
    }
}

static double sum_moves(const demob_sim *s, const int *links, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += s->stochastic ? (double)s->move_i[links[i]] : s->move_d[links[i]];
    return sum;
}

/* Synchronised withdrawal: departures of group a along the listed flows may
 * not exceed ratio times those of group b in the same step, and vice versa.
 * The larger side is cut down to ratio times the smaller. */
/* Returns 1 if it cut anything. */
static int apply_syncs(demob_sim *s)
{
    const demob_model *m = s->m;
    int changed = 0;
    /* Both lists live past the first n_links ints of the scratch arrays,
     * which cut_to's sharing uses. */
    int *la = s->scratch + s->n_links + 1, *lb = s->active + s->n_links + 1;
    for (int k = 0; k < m->n_syncs; k++) {
        const sync_def *sy = &m->syncs[k];
        int na = 0, nb = 0;
        for (int l = 0; l < s->n_links; l++) {
            const link *lk = &m->links[l];
            if (!sy->flows[lk->flow])
                continue;
            if (sy->in_a[lk->origin])
                la[na++] = l;
            else if (sy->in_b[lk->origin])
                lb[nb++] = l;
        }
        double da = sum_moves(s, la, na), db = sum_moves(s, lb, nb), after = -1;
        if (da > sy->ratio * db) {
            cut_to(s, la, na, sy->ratio * db, -1);
            changed = 1;
            after = s->n_con ? sum_moves(s, la, na) : 0;
        } else if (db > sy->ratio * da) {
            cut_to(s, lb, nb, sy->ratio * da, -1);
            changed = 1;
            after = s->n_con ? sum_moves(s, lb, nb) : 0;
        }
        if (s->n_con) {
            double big = da > db ? da : db;
            model_con_note(s, model_con_first_sync(s) + k, big, sy->ratio * (da > db ? db : da),
                           after < 0 ? 0 : big - after);
        }
    }
    return changed;
}

/* People moving along the listed links that cost money. */
static double paid_movers(const demob_sim *s, const int *links, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        if (s->val[s->m->flows[s->m->links[links[i]].flow].unit_cost] > 0)
            sum += link_move(s, links[i]);
    return sum;
}

/* Movers along flows with a unit cost are paid from their budget. When
 * the balance does not cover them, every paid link is scaled to the
 * affordable fraction, and (stochastic) the money left buys one more person
 * at a time, links in order. Free links (cost 0) are never cut by money.
 * Each link remembers the movers money cut (budget_cut) and the movers it
 * kept (budget_kept), for share_settle_gaps. */
void share_apply_budgets(demob_sim *s)
{
    const demob_model *m = s->m;
    for (int b = 0; b < m->n_budgets; b++) {
        const int *links = s->budget_links[b];
        int n = s->budget_n_links[b];
        double *cut = s->budget_cut[b], *kept = s->budget_kept[b];
        s->gap[b] = 0;
        if (n == 0)
            continue;
        double want = 0;
        for (int i = 0; i < n; i++) {
            int l = links[i];
            double mv = s->stochastic ? (double)s->move_i[l] : s->move_d[l];
            want += mv * s->val[m->flows[m->links[l].flow].unit_cost];
            cut[i] = 0;
            kept[i] = mv;
        }
        double bal = s->balance[b] > 0 ? s->balance[b] : 0;
        if (s->n_con) {
            double people = paid_movers(s, links, n);
            model_con_note(s, model_con_first_budget(s) + b, people, people, 0);
        }
        if (want <= bal)
            continue;
        s->gap[b] = want - bal;   /* deterministic: the unpaid demand */
        double f = bal / want; /* in [0, 1) */
        double left = bal;
        for (int i = 0; i < n; i++) {
            int l = links[i];
            double cost = s->val[m->flows[m->links[l].flow].unit_cost];
            if (cost <= 0)
                continue;
            if (s->stochastic) {
                int64_t keep = (int64_t)floor((double)s->move_i[l] * f);
                if (keep > s->move_i[l])
                    keep = s->move_i[l];
                s->cut_i[l] = s->move_i[l] - keep; /* people cut */
                s->move_i[l] = keep;
                left -= (double)keep * cost;
            } else {
                cut[i] = s->move_d[l] * (1 - f);
                s->move_d[l] *= f;
                kept[i] = s->move_d[l];
            }
        }
        if (!s->stochastic)
            continue;
        double gap = 0;
        for (int i = 0; i < n; i++) {
            int l = links[i];
            double cost = s->val[m->flows[m->links[l].flow].unit_cost];
            if (cost <= 0)
                continue;
            while (s->cut_i[l] > 0 && cost <= left * (1 + 1e-12)) {
                s->move_i[l]++;
                s->cut_i[l]--;
                left -= cost;
            }
            cut[i] = (double)s->cut_i[l];
            kept[i] = (double)s->move_i[l];
            gap += cut[i] * cost;
        }
        s->gap[b] = gap;   /* stochastic: the cost of the people cut */
    }
    for (int b = 0; s->n_con && b < m->n_budgets; b++)
        if (s->gap[b] > 0) {
            double kept = paid_movers(s, s->budget_links[b], s->budget_n_links[b]);
            int k = model_con_first_budget(s) + b;
            model_con_note(s, k, s->con_want[k], kept, s->con_want[k] - kept);
        }
}

/* The funding gap counts the movers money cut only where money was the
 * binding limit: a link a ceiling or a sync cut further in the same step
 * would not have moved them anyway, so its unpaid movers leave the gap. */
void share_settle_gaps(demob_sim *s)
{
    const demob_model *m = s->m;
    for (int b = 0; b < m->n_budgets; b++) {
        if (s->gap[b] == 0)
            continue;
        double refused = 0;   /* people money alone refused */
        for (int i = 0; i < s->budget_n_links[b]; i++) {
            int l = s->budget_links[b][i];
            if (s->budget_cut[b][i] > 0 && link_move(s, l) < s->budget_kept[b][i])
                s->gap[b] -= s->budget_cut[b][i] * s->val[m->flows[m->links[l].flow].unit_cost];
            else
                refused += s->budget_cut[b][i];
        }
        if (s->gap[b] < 0)   /* rounding only */
            s->gap[b] = 0;
        if (s->n_con) {
            /* constraints.csv agrees with the gap: the budget cut only the
             * people no later limit refused too */
            s->con_cut[model_con_first_budget(s) + b] = refused;
        }
    }
}

/* A cut changed link l's movers: the ceilings capping either of its
 * cells look again, those after ceiling k in this round, the others (and
 * k itself, unless its cut settled it: s->ceil_settled) in the next. */
static void mark_link_ceilings(demob_sim *s, int l, int k)
{
    const demob_model *m = s->m;
    int cells[2] = { m->links[l].cell_from, m->links[l].cell_to };
    for (int c = 0; c < 2; c++)
        for (int j = m->cell_ceil_first[cells[c]]; j < m->cell_ceil_first[cells[c] + 1]; j++) {
            int kk = m->cell_ceil[j];
            if (kk == s->ceil_settled)
                continue;
            uint64_t *set = kk > k ? s->ceil_now : s->ceil_next;
            set[kk / 64] |= (uint64_t)1 << (kk % 64);
        }
}

/* Ceiling k: entries into its cells are cut to the room left after the
 * step's departures. With `safe`, only departures that no later cut can
 * shrink count (those into uncapped states along flows no sync
 * constrains): one such pass always ends within every ceiling. Returns 0
 * if it did not cut (its entries were within the room), 1 if it cut and
 * would not cut again on what it left (stochastic, room >= 0: the entries
 * are then exactly floor(room)), 2 if it cut and must look again. */
static int ceiling_pass(demob_sim *s, int k, int safe)
{
    const demob_model *m = s->m;
    const ceiling_def *c = &m->ceilings[k];
    double occ = 0;
    int no = model_ceiling_n_origins(m, k);
    for (int i = 0; i < no; i++) {
        int cell = model_ceiling_origin(m, k, i) * s->n_s + c->state;
        occ += s->stochastic ? (double)s->stock_i[cell] : s->stock_d[cell];
    }
    for (int i = m->ceil_out_first[k]; i < m->ceil_out_first[k + 1]; i++) {
        int l = m->ceil_out[i];
        if (!safe || m->stable_exit[l])
            occ -= link_move(s, l);
    }
    /* Forced exits of fixed-duration states cannot be refused. */
    int *cut = s->scratch + s->n_links + 1, n = 0;
    for (int i = m->ceil_in_first[k]; i < m->ceil_in_first[k + 1]; i++) {
        int l = m->ceil_in[i];
        if (l < 0)
            occ += link_move(s, ~l);
        else
            cut[n++] = l;
    }
    double room = s->val[c->limit] - occ;
    double entries = sum_moves(s, cut, n);
    int rc = 0;
    if (entries > room + (s->stochastic ? 0 : 1e-9 * (1 + fabs(room)))) {
        int settled = s->stochastic && room >= 0;
        s->ceil_settled = settled ? k : -1;
        cut_to(s, cut, n, room, safe ? -1 : k);
        s->ceil_settled = -1;
        rc = settled ? 1 : 2;
    }
    if (s->n_con)   /* constraints.csv: wanted, room, cut */
        model_con_note(s, model_con_first_ceiling(s) + k, entries, room, rc ? entries - sum_moves(s, cut, n) : 0);
    return rc;
}

static void every_ceiling(uint64_t *set, int nc)
{
    for (int w = 0; w <= nc / 64; w++)
        set[w] = w < nc / 64 ? ~(uint64_t)0 : ((uint64_t)1 << (nc % 64)) - 1;
}

/* Ceilings and synchronised withdrawal, together: cutting entries into one
 * state lowers departures from another (shrinking its room), and a sync
 * cut lowers departures too, so both are repeated until nothing changes.
 * Each round looks at the ceilings in order; but a ceiling that
 * did not cut when it last looked, and none of whose links has changed
 * since, would not cut now: it is skipped. A round costs the ceilings
 * whose links moved, not all of them. Cycles of full states can shrink
 * without end: after a bounded number of rounds, one safe pass and a last
 * sync settle it, within every ceiling (the safe pass did not count the
 * departures a sync may still cut). */
void share_apply_limits(demob_sim *s)
{
    const demob_model *m = s->m;
    int nc = m->n_ceilings;
    if (nc == 0) {
        apply_syncs(s);
        return;
    }
    int words = nc / 64 + 1;
    every_ceiling(s->ceil_now, nc);
    memset(s->ceil_next, 0, (size_t)words * sizeof(uint64_t));
    int rounds = 2 * (nc + m->n_syncs) + 4;
    for (int round = 0; round < rounds; round++) {
        int changed = 0;
        for (int w = 0; w < words; w++)
            while (s->ceil_now[w]) {   /* re-read: a cut may mark a later one */
                int k = w * 64 + __builtin_ctzll(s->ceil_now[w]);
                s->ceil_now[w] &= s->ceil_now[w] - 1;
                int cut = ceiling_pass(s, k, 0);
                changed |= cut != 0;
                if (cut == 2)
                    s->ceil_next[k / 64] |= (uint64_t)1 << (k % 64);
            }
        if (apply_syncs(s)) {
            changed = 1;
            every_ceiling(s->ceil_next, nc);
        }
        if (!changed)
            return;
        uint64_t *t = s->ceil_now;
        s->ceil_now = s->ceil_next;
        s->ceil_next = t;
        memset(s->ceil_next, 0, (size_t)words * sizeof(uint64_t));
    }
    for (int k = 0; k < nc; k++)
        ceiling_pass(s, k, 1);
    apply_syncs(s);
}

