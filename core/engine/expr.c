/* expr.c - expression slots: declaring them (demob_model_add_expr), folding
 * their constant parts, checking where they are read (roles, at freeze),
 * printing them (demob check) and evaluating them on a run's stocks (a
 * small stack machine, no allocation: the caller lends the stack). */
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "sim_internal.h"

/* Operands each op pops (leaves pop 0 and push 1). */
static int arity(int op)
{
    switch (op) {
    case DEMOB_X_CONST: case DEMOB_X_VALUE: case DEMOB_X_TOTAL: case DEMOB_X_STOCK:
    case DEMOB_X_CUMULATIVE: case DEMOB_X_MOVED: case DEMOB_X_STEP: case DEMOB_X_OWN:
        return 0;
    case DEMOB_X_NEG: case DEMOB_X_EXP: case DEMOB_X_LOG: case DEMOB_X_SQRT: case DEMOB_X_ABS:
        return 1;
    case DEMOB_X_CLAMP: case DEMOB_X_IFELSE:
        return 3;
    default:
        return 2;
    }
}

/* The arithmetic of one operator on its operands v[0..arity). */
static inline double apply_op(int op, const double *v)
{
    switch (op) {
    case DEMOB_X_ADD: return v[0] + v[1];
    case DEMOB_X_SUB: return v[0] - v[1];
    case DEMOB_X_MUL: return v[0] * v[1];
    case DEMOB_X_DIV: return v[0] / v[1];
    case DEMOB_X_POW: return pow(v[0], v[1]);
    case DEMOB_X_NEG: return -v[0];
    case DEMOB_X_MIN: return v[1] < v[0] ? v[1] : v[0];
    case DEMOB_X_MAX: return v[1] > v[0] ? v[1] : v[0];
    case DEMOB_X_EXP: return exp(v[0]);
    case DEMOB_X_LOG: return log(v[0]);
    case DEMOB_X_SQRT: return sqrt(v[0]);
    case DEMOB_X_ABS: return fabs(v[0]);
    case DEMOB_X_CLAMP: return v[0] < v[1] ? v[1] : v[0] > v[2] ? v[2] : v[0];
    case DEMOB_X_LT: return v[0] < v[1];
    case DEMOB_X_LE: return v[0] <= v[1];
    case DEMOB_X_GT: return v[0] > v[1];
    case DEMOB_X_GE: return v[0] >= v[1];
    case DEMOB_X_EQ: return v[0] == v[1];
    case DEMOB_X_IFELSE: return v[0] != 0 ? v[1] : v[2];
    default: return NAN;
    }
}

/* ----------------------------------------------------------- declaring */

static expr_def *expr_of(const demob_model *m, demob_value v)
{
    if (v < 0 || v >= m->n_values || m->values[v].expr < 0)
        return NULL;
    return &m->exprs[m->values[v].expr];
}

int demob_model_value_is_expr(const demob_model *m, demob_value v) { return expr_of(m, v) != NULL; }

demob_value demob_model_add_expr(demob_model *m, const demob_expr_node *nodes, int n, const char *where,
                                 demob_error *err)
{
    if (m->frozen)
        return demob_error_set(err, DEMOB_EINPUT, "the model is frozen");
    if (model_grow(&m->exprs, &m->cap_exprs, m->n_exprs, sizeof *m->exprs))
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    demob_value v = demob_model_add_constant(m, 0, err);
    if (v < 0)
        return v;
    expr_def *e = &m->exprs[m->n_exprs];
    memset(e, 0, sizeof *e);
    e->slot = v;
    if (!(e->where = strdup(where ? where : "")))
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    m->values[v].expr = m->n_exprs++;
    if (nodes && n > 0) {
        int rc = demob_model_set_expr(m, v, nodes, n, err);
        if (rc)
            return rc;
    }
    return v;
}

int demob_model_expr_for_event(demob_model *m, demob_value v, demob_error *err)
{
    if (m->frozen)
        return demob_error_set(err, DEMOB_EINPUT, "the model is frozen");
    if (v < 0 || v >= m->n_values || m->values[v].expr < 0)
        return demob_error_set(err, DEMOB_EINPUT, "value %d is not an expression", v);
    m->exprs[m->values[v].expr].event = 1;
    return 0;
}

static int check_node(const demob_model *m, const demob_expr_node *d, const char *where, demob_error *err)
{
    if ((int)d->op < 0 || d->op >= DEMOB_X_N_OPS)
        return demob_error_set(err, DEMOB_EINPUT, "%sexpression: unknown operator %d", where, (int)d->op);
    switch (d->op) {
    case DEMOB_X_CONST:
        if (isnan(d->x))
            return demob_error_set(err, DEMOB_EINPUT, "%sexpression: a number is NaN", where);
        return 0;
    case DEMOB_X_VALUE:
        if (d->a < 0 || d->a >= m->n_values || m->values[d->a].expr >= 0)
            return demob_error_set(err, DEMOB_EINPUT, "%sexpression: value %d is not a param", where, d->a);
        return 0;
    case DEMOB_X_TOTAL:
    case DEMOB_X_STOCK:
    case DEMOB_X_OWN:
        if (d->a < 0 || d->a >= m->n_states)
            return demob_error_set(err, DEMOB_EINPUT, "%sexpression: state index %d out of range", where, d->a);
        if (d->op == DEMOB_X_STOCK && (d->n_origins != 1 || !d->origins))
            return demob_error_set(err, DEMOB_EINPUT, "%sexpression: stock needs one origin", where);
        for (int i = 0; i < d->n_origins; i++)
            if (!d->origins || d->origins[i] < 0 || d->origins[i] >= m->n_origins)
                return demob_error_set(err, DEMOB_EINPUT, "%sexpression: origin index out of range", where);
        return 0;
    case DEMOB_X_CUMULATIVE:
    case DEMOB_X_MOVED:
        if (d->a < 0 || d->a >= m->n_flows)
            return demob_error_set(err, DEMOB_EINPUT, "%sexpression: flow index %d out of range", where, d->a);
        return 0;
    default:
        return 0;
    }
}

/* Appends the nodes, folding every operator whose operands are all
 * numbers into one number. */
int demob_model_set_expr(demob_model *m, demob_value v, const demob_expr_node *nodes, int n, demob_error *err)
{
    expr_def *e = expr_of(m, v);
    if (m->frozen)
        return demob_error_set(err, DEMOB_EINPUT, "the model is frozen");
    if (!e)
        return demob_error_set(err, DEMOB_EINPUT, "value %d is not an expression", v);
    char where[300];
    snprintf(where, sizeof where, "%s%s", e->where, *e->where ? ": " : "");
    if (n <= 0 || !nodes)
        return demob_error_set(err, DEMOB_EINPUT, "%sexpression: empty", where);
    int n_orig = 0;
    for (int i = 0; i < n; i++) {
        int rc = check_node(m, &nodes[i], where, err);
        if (rc)
            return rc;
        n_orig += nodes[i].n_origins;
    }
    expr_ins *prog = calloc((size_t)n, sizeof *prog);
    int *orig = calloc((size_t)n_orig + 1, sizeof *orig);
    int *start = calloc((size_t)n, sizeof *start);      /* per stack entry: first ins */
    unsigned char *cst = calloc((size_t)n, 1);         /* per stack entry: a number */
    if (!prog || !orig || !start || !cst) {
        free(prog), free(orig), free(start), free(cst);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    int out = 0, sp = 0, depth = 0, no = 0, rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        const demob_expr_node *d = &nodes[i];
        int k = arity((int)d->op);
        if (sp < k) {
            rc = demob_error_set(err, DEMOB_EINPUT, "%sexpression: an operator lacks operands", where);
            break;
        }
        if (k == 0) {
            prog[out] = (expr_ins){ .op = (int)d->op, .a = d->a, .x = d->x, .off = no, .n = d->n_origins };
            for (int j = 0; j < d->n_origins; j++)
                orig[no++] = d->origins[j];
            start[sp] = out++;
            cst[sp++] = d->op == DEMOB_X_CONST;
        } else {
            int first = start[sp - k], all = 1;
            for (int j = sp - k; j < sp; j++)
                all &= cst[j];
            if (d->op == DEMOB_X_DIV && cst[sp - 1] && prog[start[sp - 1]].x == 0) {
                rc = demob_error_set(err, DEMOB_EINPUT, "%sexpression: division by a constant 0", where);
                break;
            }
            if (all) {
                /* Each constant operand is one instruction. */
                double x[3];
                for (int j = 0; j < k; j++)
                    x[j] = prog[start[sp - k + j]].x;
                out = first;
                prog[out] = (expr_ins){ .op = DEMOB_X_CONST, .x = apply_op((int)d->op, x) };
            } else {
                prog[out] = (expr_ins){ .op = (int)d->op };
            }
            out++;
            sp -= k;
            start[sp] = first;
            cst[sp++] = (unsigned char)all;
        }
        if (sp > depth)
            depth = sp;
    }
    if (!rc && sp != 1)
        rc = demob_error_set(err, DEMOB_EINPUT, "%sexpression: %d values left on the stack (a malformed program)",
                             where, sp);
    free(start);
    free(cst);
    if (rc) {
        free(prog);
        free(orig);
        return rc;
    }
    expr_ins *exec = calloc((size_t)out, sizeof *exec);
    if (!exec) {
        free(prog);
        free(orig);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    /* In postfix, the instruction just before a binary operator ends its
     * right operand: when that is a leaf, the operator reads it itself. */
    int ne = 0;
    for (int i = 0; i < out; i++) {
        if (arity(prog[i].op) == 2 && ne > 0 && arity(exec[ne - 1].op) == 0 && !exec[ne - 1].imm) {
            expr_ins leaf = exec[ne - 1];
            exec[ne - 1] = leaf;
            exec[ne - 1].imm = leaf.op + 1;   /* 0 means none; CONST is 0 */
            exec[ne - 1].op = prog[i].op;
        } else {
            exec[ne++] = prog[i];
        }
    }
    free(e->prog);
    free(e->exec);
    free(e->origins);
    e->exec = exec;
    e->n_exec = ne;
    e->chain = !exec[0].imm && arity(exec[0].op) == 0;
    for (int i = 1; i < ne; i++)
        e->chain &= exec[i].imm != 0;
    e->dynamic = e->per_origin = 0;
    for (int i = 0; i < out; i++) {
        e->dynamic |= prog[i].op >= DEMOB_X_TOTAL && prog[i].op <= DEMOB_X_OWN;
        e->per_origin |= prog[i].op == DEMOB_X_OWN;
    }
    e->prog = prog;
    e->n = out;
    e->origins = orig;
    e->n_origins = no;
    e->depth = depth;
    if (depth > m->expr_depth)
        m->expr_depth = depth;
    return 0;
}

void model_expr_free(demob_model *m)
{
    for (int i = 0; i < m->n_exprs; i++) {
        free(m->exprs[i].prog);
        free(m->exprs[i].exec);
        free(m->exprs[i].origins);
        free(m->exprs[i].po_origins);
        free(m->exprs[i].where);
    }
    free(m->exprs);
}

/* A per-origin expression (one reading own "state") goes only where there
 * is an origin: a flow's rate or hazard, arrivals, a state's or a flow's
 * cost. Lists the origins it is evaluated for and gives it its row. */
static int per_origin_freeze(demob_model *m, expr_def *e, int roles, demob_error *err)
{
    const char *sep = *e->where ? ": " : "";
    int v = e->slot, bad = roles & (EXPR_CAPACITY | EXPR_CEILING | EXPR_REFILL | EXPR_EVENT);
    for (int f = 0; f < m->n_flows; f++)
        bad |= m->flows[f].budget >= 0 && m->flows[f].unit_cost == v;
    for (int k = 0; k < m->n_costs; k++)
        bad |= m->costs[k].kind == COST_FIXED && m->costs[k].amount == v;
    if (bad)
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s%sown: a capacity, ceiling, budget, fixed cost or event value has no origin (own "
                               "\"state\" goes in a flow's rate or hazard, arrivals, or a state's or flow's cost)",
                               e->where, sep);
    int no = m->n_origins;
    unsigned char *used = calloc((size_t)no + 1, 1);
    e->po_origins = calloc((size_t)no + 1, sizeof *e->po_origins);
    if (!used || !e->po_origins) {
        free(used);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    for (int o = 0; o < no; o++) {
        for (int f = 0; f < m->n_flows; f++)
            used[o] |= m->flows[f].rate == v && m->flows[f].applies[o];
        for (int k = 0; k < m->n_arrivals; k++)
            used[o] |= !m->arrivals[k].per_step && m->arrivals[k].constant == v && m->arrivals[k].origin == o;
        for (int k = 0; k < m->n_costs; k++)
            used[o] |= m->costs[k].amount == v && m->costs[k].applies && m->costs[k].applies[o];
        if (used[o])
            e->po_origins[e->n_po_origins++] = o;
    }
    free(used);
    e->po = m->n_po++;
    return 0;
}

int model_expr_freeze(demob_model *m, demob_error *err)
{
    for (int i = 0; i < m->n_exprs; i++) {
        expr_def *e = &m->exprs[i];
        if (e->n == 0)
            return demob_error_set(err, DEMOB_EINPUT, "%s%sexpression: no program", e->where, *e->where ? ": " : "");
        int v = e->slot, r = 0;
        for (int f = 0; f < m->n_flows; f++)
            if (m->flows[f].rate == v)
                r |= m->flows[f].hazard ? EXPR_HAZARD : EXPR_RATE;
        for (int c = 0; c < m->n_caps; c++)
            if (m->caps[c].limit == v)
                r |= EXPR_CAPACITY;
        for (int k = 0; k < m->n_ceilings; k++)
            if (m->ceilings[k].limit == v)
                r |= EXPR_CEILING;
        for (int k = 0; k < m->n_arrivals; k++)
            if (!m->arrivals[k].per_step && m->arrivals[k].constant == v)
                r |= EXPR_ARRIVALS;
        for (int k = 0; k < m->n_costs; k++)
            if (m->costs[k].amount == v)
                r |= EXPR_COST;
        for (int f = 0; f < m->n_flows; f++)
            if (m->flows[f].budget >= 0 && m->flows[f].unit_cost == v)
                r |= EXPR_COST;
        for (int b = 0; b < m->n_budgets; b++)
            if (m->budgets[b].refill == v)
                r |= EXPR_REFILL;
        for (int k = 0; k < m->n_events; k++)
            if (m->events[k].kind == EVENT_VALUE && m->events[k].expr == v)
                r |= EXPR_EVENT;
        if (e->event)
            r |= EXPR_EVENT;
        e->po = -1;
        if (e->per_origin) {
            int rc = per_origin_freeze(m, e, r, err);
            if (rc)
                return rc;
        }
        for (int k = 0; k < m->n_events; k++)
            if (m->events[k].kind == EVENT_VALUE && m->events[k].index == v)
                return demob_error_set(err, DEMOB_EINPUT,
                                       "the event at step %d sets an expression (declared at %s), computed every "
                                       "step: it cannot be set; set a param it reads instead",
                                       m->events[k].step, *e->where ? e->where : "its declaration");
        e->roles = r;
    }
    return 0;
}

/* ------------------------------------------------------------ running */

static inline double count_at(const demob_sim *s, int cell)
{
    return s->stochastic ? (double)s->stock_i[cell] : s->stock_d[cell];
}

/* A leaf's value: op is the leaf's opcode, p holds its fields. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline double leaf_value(const demob_sim *s, const expr_def *e, int op, const expr_ins *p, int t, int o)
{
    const demob_model *m = s->m;
    double x = 0;
    switch (op) {
    case DEMOB_X_CONST: return p->x;
    case DEMOB_X_VALUE: return s->val[p->a];
    case DEMOB_X_TOTAL:
        if (p->n == 0)
            for (int c = p->a; c < s->n_cells; c += s->n_s)
                x += count_at(s, c);
        else
            for (int j = 0; j < p->n; j++)
                x += count_at(s, e->origins[p->off + j] * s->n_s + p->a);
        return x;
    case DEMOB_X_STOCK: return count_at(s, e->origins[p->off] * s->n_s + p->a);
    case DEMOB_X_CUMULATIVE:
    case DEMOB_X_MOVED:
        for (int o = 0; o < s->n_o; o++) {
            int l = m->link_of[(size_t)p->a * (size_t)s->n_o + (size_t)o];
            if (l < 0)
                continue;
            if (op == DEMOB_X_CUMULATIVE)
                x += s->cum[l];
            else if (s->t > 0)
                x += s->stochastic ? (double)s->move_i[l] : s->move_d[l];
        }
        return x;
    case DEMOB_X_STEP: return t;
    case DEMOB_X_OWN: return count_at(s, o * s->n_s + p->a);
    default: return NAN;
    }
}

/* A binary operator on x and its operand y, the fused form. */
static inline double fused_op(int op, double x, double y)
{
    switch (op) {
    case DEMOB_X_ADD: return x + y;
    case DEMOB_X_SUB: return x - y;
    case DEMOB_X_MUL: return x * y;
    case DEMOB_X_DIV: return x / y;
    default: {
        double v[2] = { x, y };
        return apply_op(op, v);
    }
    }
}

double model_expr_eval(const demob_sim *s, const expr_def *e, double *stack, int t, int o)
{
    if (e->chain) {
        /* The same operations in the same order, the running value kept
         * in a register (common: beta * total "I" / N * dt). */
        double x = leaf_value(s, e, e->exec[0].op, &e->exec[0], t, o);
        for (int i = 1; i < e->n_exec; i++) {
            const expr_ins *p = &e->exec[i];
            x = fused_op(p->op, x, leaf_value(s, e, p->imm - 1, p, t, o));
        }
        return x;
    }
    int sp = 0;
    for (int i = 0; i < e->n_exec; i++) {
        const expr_ins *p = &e->exec[i];
        if (p->imm) {
            /* A binary operator with its right operand in the instruction. */
            double y = leaf_value(s, e, p->imm - 1, p, t, o);
            stack[sp - 1] = fused_op(p->op, stack[sp - 1], y);
            continue;
        }
        double x;
        switch (p->op) {
        case DEMOB_X_ADD: sp--; x = stack[sp - 1] + stack[sp]; sp--; break;
        case DEMOB_X_SUB: sp--; x = stack[sp - 1] - stack[sp]; sp--; break;
        case DEMOB_X_MUL: sp--; x = stack[sp - 1] * stack[sp]; sp--; break;
        case DEMOB_X_DIV: sp--; x = stack[sp - 1] / stack[sp]; sp--; break;
        case DEMOB_X_NEG: sp--; x = -stack[sp]; break;
        default: {
            int k = arity(p->op);
            if (k == 0) {
                x = leaf_value(s, e, p->op, p, t, o);
            } else {
                sp -= k;
                x = apply_op(p->op, stack + sp);
            }
            break;
        }
        }
        stack[sp++] = x;
    }
    return stack[0];
}

/* The checks of a new value of slot e at step t of run `run`: 0, or an
 * error naming the declaration's line. */
int model_expr_check(const demob_model *m, const expr_def *e, double x, int o, int t, long run,
                     demob_error *err)
{
    char at[DEMOB_MESSAGE_SIZE / 2];
    if (o >= 0)
        snprintf(at, sizeof at, "for origin '%s' at step %d, run %ld", m->origins[o].name, t, run);
    else
        snprintf(at, sizeof at, "at step %d, run %ld", t, run);
    const char *sep = *e->where ? ": " : "";
    const char *what = e->roles & EXPR_RATE ? "rate" : e->roles & EXPR_HAZARD ? "hazard"
                     : e->roles & EXPR_CAPACITY ? "capacity" : e->roles & EXPR_CEILING ? "ceiling"
                     : e->roles & EXPR_ARRIVALS ? "arrivals" : e->roles & EXPR_COST ? "cost"
                     : e->roles & EXPR_REFILL ? "budget refill" : e->roles & EXPR_EVENT ? "event value" : "value";
    if (isnan(x))
        return demob_error_set(err, DEMOB_EINPUT, "%s%s%s expression = nan %s is not a number", e->where, sep, what, at);
    if ((e->roles & EXPR_RATE) && !(x >= 0 && x <= 1))
        return demob_error_set(err, DEMOB_EINPUT, "%s%srate expression = %g %s is outside [0, 1]", e->where, sep, x, at);
    if ((e->roles & ~EXPR_EVENT) && x < 0)
        return demob_error_set(err, DEMOB_EINPUT, "%s%s%s expression = %g %s is negative", e->where, sep, what, x, at);
    if ((e->roles & ~EXPR_HAZARD) && isinf(x))
        return demob_error_set(err, DEMOB_EINPUT, "%s%s%s expression = %g %s is not finite", e->where, sep, what, x,
                               at);
    return 0;
}

/* ----------------------------------------------------------- printing */

static const char *const op_name[DEMOB_X_N_OPS] = {
    [DEMOB_X_ADD] = "+", [DEMOB_X_SUB] = "-", [DEMOB_X_MUL] = "*", [DEMOB_X_DIV] = "/", [DEMOB_X_POW] = "^",
    [DEMOB_X_MIN] = "min", [DEMOB_X_MAX] = "max", [DEMOB_X_EXP] = "exp", [DEMOB_X_LOG] = "log",
    [DEMOB_X_SQRT] = "sqrt", [DEMOB_X_ABS] = "abs", [DEMOB_X_CLAMP] = "clamp", [DEMOB_X_LT] = "lt",
    [DEMOB_X_LE] = "le", [DEMOB_X_GT] = "gt", [DEMOB_X_GE] = "ge", [DEMOB_X_EQ] = "eq",
    [DEMOB_X_IFELSE] = "ifelse",
};

static char *dup_printf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static char *dup_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = malloc((size_t)len + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)len + 1, fmt, ap);
    va_end(ap);
    return p;
}

static char *origins_text(const demob_model *m, const expr_def *e, const expr_ins *p)
{
    char buf[400];
    size_t used = 0;
    buf[0] = '\0';
    for (int j = 0; j < p->n && used < sizeof buf - 1; j++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s\"%s\"", j ? ", " : "",
                                 m->origins[e->origins[p->off + j]].name);
    if (used >= sizeof buf)
        used = sizeof buf - 1;
    return p->n > 1 ? dup_printf("{%s}", buf) : dup_printf("%s", buf);
}

/* One dependency, added to deps if not there yet. */
static void add_dep(char *deps, size_t n, const char *dep)
{
    size_t len = strlen(dep);
    for (const char *q = deps; (q = strstr(q, dep)) != NULL; q += len)
        if ((q == deps || (q - deps >= 2 && q[-2] == ',')) && (q[len] == ',' || q[len] == '\0'))
            return;
    size_t used = strlen(deps);
    snprintf(deps + used, n - used, "%s%s", used ? ", " : "", dep);
}

int demob_model_expr_format(const demob_model *m, demob_value v, char *buf, size_t n)
{
    const expr_def *e = expr_of(m, v);
    if (!e || e->n == 0)
        return snprintf(buf, n, "(not an expression)");
    char **st = calloc((size_t)e->n, sizeof *st);
    char deps[1000] = "", dep[300];
    if (!st)
        return snprintf(buf, n, "(out of memory)");
    int sp = 0;
    for (int i = 0; i < e->n; i++) {
        const expr_ins *p = &e->prog[i];
        char *s = NULL, *o = NULL;
        int k = arity(p->op);
        sp -= k;
        char **a = st + sp;
        switch (p->op) {
        case DEMOB_X_CONST: s = dup_printf("%.17g", p->x); break;
        case DEMOB_X_VALUE:
            s = dup_printf("param \"%s\"", m->values[p->a].name ? m->values[p->a].name : "?");
            snprintf(dep, sizeof dep, "param %s", m->values[p->a].name ? m->values[p->a].name : "?");
            add_dep(deps, sizeof deps, dep);
            break;
        case DEMOB_X_TOTAL:
        case DEMOB_X_STOCK:
            o = origins_text(m, e, p);
            if (p->op == DEMOB_X_STOCK)
                s = dup_printf("stock(%s, \"%s\")", o ? o : "?", m->states[p->a].name);
            else if (p->n)
                s = dup_printf("total(\"%s\", %s)", m->states[p->a].name, o ? o : "?");
            else
                s = dup_printf("total \"%s\"", m->states[p->a].name);
            snprintf(dep, sizeof dep, "state %s", m->states[p->a].name);
            add_dep(deps, sizeof deps, dep);
            free(o);
            break;
        case DEMOB_X_CUMULATIVE:
        case DEMOB_X_MOVED:
            s = dup_printf("%s \"%s\"", p->op == DEMOB_X_MOVED ? "moved" : "cumulative", m->flows[p->a].name);
            snprintf(dep, sizeof dep, "flow %s", m->flows[p->a].name);
            add_dep(deps, sizeof deps, dep);
            break;
        case DEMOB_X_STEP:
            s = dup_printf("step()");
            add_dep(deps, sizeof deps, "step");
            break;
        case DEMOB_X_OWN:
            s = dup_printf("own \"%s\"", m->states[p->a].name);
            snprintf(dep, sizeof dep, "own state %s (per origin)", m->states[p->a].name);
            add_dep(deps, sizeof deps, dep);
            break;
        case DEMOB_X_NEG: s = dup_printf("-%s", a[0]); break;
        case DEMOB_X_ADD: case DEMOB_X_SUB: case DEMOB_X_MUL: case DEMOB_X_DIV: case DEMOB_X_POW:
            s = dup_printf("(%s %s %s)", a[0], op_name[p->op], a[1]);
            break;
        default:
            if (k == 1)
                s = dup_printf("%s(%s)", op_name[p->op], a[0]);
            else if (k == 2)
                s = dup_printf("%s(%s, %s)", op_name[p->op], a[0], a[1]);
            else
                s = dup_printf("%s(%s, %s, %s)", op_name[p->op], a[0], a[1], a[2]);
            break;
        }
        for (int j = 0; j < k; j++)
            free(a[j]);
        st[sp++] = s;
    }
    const char *text = st[0] ? st[0] : "(out of memory)";
    size_t len = strlen(text);
    /* The outer parentheses say nothing. */
    int strip = len >= 2 && text[0] == '(' && e->prog[e->n - 1].op >= DEMOB_X_ADD &&
                e->prog[e->n - 1].op <= DEMOB_X_POW;
    int r = snprintf(buf, n, "%.*s -- depends on: %s", (int)(strip ? len - 2 : len), text + strip,
                     *deps ? deps : "nothing (a constant)");
    free(st[0]);
    free(st);
    return r;
}

int demob_model_expr_where(const demob_model *m, demob_value v, char *buf, size_t n)
{
    const expr_def *e = expr_of(m, v);
    return snprintf(buf, n, "%s", e ? e->where : "");
}
