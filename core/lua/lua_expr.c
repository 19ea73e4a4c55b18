/* lua_expr.c - expressions written with Lua operators: the "demob.expr"
 * userdata (a postfix program whose names of states, origins and flows are
 * resolved when the model is built), the arithmetic metamethods it and
 * params share, the global functions total, stock, own, cumulative, moved,
 * step, min, max, exp, log, sqrt, abs, clamp, ifelse, lt, le, gt, ge, eq,
 * and the compilation into an engine expression slot (include/demob.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lua_priv.h"

/* One postfix node; names are 1-based indices into the userdata's user
 * value (a table of strings), 0 for none. */
typedef struct lx_node {
    int op;
    double x;
    int slot;
    int s1, s2;          /* TOTAL: state, origin or tag; STOCK: state, origin; flow */
} lx_node;

typedef struct lx {
    int n;
    lx_node v[];
} lx;

/* The C copy a pending expression keeps until the end of the script. */
struct lua_expr_prog {
    int n;
    lx_node *v;
    char **names;
    int n_names;
};

#define LX_MAX_NODES 100000

static lx *new_lx(lua_State *L, int n)
{
    if (n > LX_MAX_NODES)
        luaL_error(L, "expression: more than %d terms", LX_MAX_NODES);
    lx *e = lua_newuserdatauv(L, sizeof(lx) + (size_t)n * sizeof(lx_node), 1);
    e->n = n;
    memset(e->v, 0, (size_t)n * sizeof(lx_node));
    lua_newtable(L);
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, LUA_EXPR_META);
    return e;
}

/* A leaf naming up to two things (strings at the given indices, 0: none). */
static lx *push_leaf(lua_State *L, int op, const char *n1, const char *n2)
{
    lx *e = new_lx(L, 1);
    e->v[0].op = op;
    lua_getiuservalue(L, -1, 1);
    int k = 0;
    if (n1) {
        lua_pushstring(L, n1);
        lua_rawseti(L, -2, ++k);
        e->v[0].s1 = k;
    }
    if (n2) {
        lua_pushstring(L, n2);
        lua_rawseti(L, -2, ++k);
        e->v[0].s2 = k;
    }
    lua_pop(L, 1);
    return e;
}

/* Pushes the value at idx as an expression (a number, a param or an
 * expression), or raises naming what. */
static void push_operand(lua_State *L, int idx, const char *what)
{
    idx = lua_absindex(L, idx);
    if (luaL_testudata(L, idx, LUA_EXPR_META)) {
        lua_pushvalue(L, idx);
        return;
    }
    int *slot = luaL_testudata(L, idx, LUA_PARAM_META);
    if (slot) {
        lx *e = new_lx(L, 1);
        e->v[0].op = DEMOB_X_VALUE;
        e->v[0].slot = *slot;
        return;
    }
    if (lua_type(L, idx) == LUA_TNUMBER) {
        double x = lua_tonumber(L, idx);
        if (isnan(x))
            luaL_error(L, "%s: a number is NaN", what);
        lx *e = new_lx(L, 1);
        e->v[0].op = DEMOB_X_CONST;
        e->v[0].x = x;
        return;
    }
    luaL_error(L, "%s: expected a number, a param or an expression (got %s)", what, luaL_typename(L, idx));
}

/* Pops k expressions and pushes their concatenation followed by op. */
static void combine(lua_State *L, int k, int op)
{
    int base = lua_gettop(L) - k + 1, n = 1;
    for (int i = 0; i < k; i++)
        n += ((lx *)lua_touserdata(L, base + i))->n;
    /* Copying is work done in C: charged, so a script growing one long
     * expression term by term meets the limits. */
    lua_sandbox_charge(L, n);
    lx *e = new_lx(L, n);
    int out = lua_gettop(L);
    lua_getiuservalue(L, out, 1);
    int names = lua_gettop(L), nn = 0, at = 0;
    for (int i = 0; i < k; i++) {
        lx *a = lua_touserdata(L, base + i);
        lua_getiuservalue(L, base + i, 1);
        int m = (int)lua_rawlen(L, -1);
        for (int j = 1; j <= m; j++) {
            lua_rawgeti(L, -1, j);
            lua_rawseti(L, names, nn + j);
        }
        lua_pop(L, 1);
        for (int j = 0; j < a->n; j++) {
            lx_node d = a->v[j];
            if (d.s1)
                d.s1 += nn;
            if (d.s2)
                d.s2 += nn;
            e->v[at++] = d;
        }
        nn += m;
    }
    e->v[at].op = op;
    lua_pop(L, 1);
    lua_replace(L, base);
    lua_settop(L, base);
}

static int is_const_zero(lua_State *L, int idx)
{
    return lua_type(L, idx) == LUA_TNUMBER && lua_tonumber(L, idx) == 0;
}

static int binary(lua_State *L, int op, const char *what)
{
    if (op == DEMOB_X_DIV && is_const_zero(L, 2))
        luaL_error(L, "expression: division by a constant 0");
    push_operand(L, 1, what);
    push_operand(L, 2, what);
    combine(L, 2, op);
    return 1;
}

static int m_add(lua_State *L) { return binary(L, DEMOB_X_ADD, "expression: +"); }
static int m_sub(lua_State *L) { return binary(L, DEMOB_X_SUB, "expression: -"); }
static int m_mul(lua_State *L) { return binary(L, DEMOB_X_MUL, "expression: *"); }
static int m_div(lua_State *L) { return binary(L, DEMOB_X_DIV, "expression: /"); }
static int m_pow(lua_State *L) { return binary(L, DEMOB_X_POW, "expression: ^"); }
static int m_unm(lua_State *L)
{
    push_operand(L, 1, "expression: unary -");
    combine(L, 1, DEMOB_X_NEG);
    return 1;
}

static int m_tostring(lua_State *L)
{
    lx *e = luaL_checkudata(L, 1, LUA_EXPR_META);
    lua_pushfstring(L, "expression (%d terms)", e->n);
    return 1;
}

/* Numbers only: the plain result (so log(2) is still a number). */
static int all_numbers(lua_State *L, int n)
{
    for (int i = 1; i <= n; i++)
        if (lua_type(L, i) != LUA_TNUMBER)
            return 0;
    return 1;
}

static int function_of(lua_State *L, int op, int k, const char *name)
{
    int n = lua_gettop(L);
    if (n != k)
        luaL_error(L, "%s: needs %d argument%s (got %d)", name, k, k == 1 ? "" : "s", n);
    if (op < DEMOB_X_LT && all_numbers(L, k)) {
        double v[3];
        for (int i = 0; i < k; i++)
            v[i] = lua_tonumber(L, i + 1);
        double x = op == DEMOB_X_EXP ? exp(v[0]) : op == DEMOB_X_LOG ? log(v[0]) : op == DEMOB_X_SQRT ? sqrt(v[0])
                 : op == DEMOB_X_ABS ? fabs(v[0])
                 : v[0] < v[1] ? v[1] : v[0] > v[2] ? v[2] : v[0]; /* clamp */
        lua_pushnumber(L, x);
        return 1;
    }
    for (int i = 1; i <= k; i++)
        push_operand(L, i, name);
    combine(L, k, op);
    return 1;
}

static int f_exp(lua_State *L) { return function_of(L, DEMOB_X_EXP, 1, "exp"); }
static int f_log(lua_State *L) { return function_of(L, DEMOB_X_LOG, 1, "log"); }
static int f_sqrt(lua_State *L) { return function_of(L, DEMOB_X_SQRT, 1, "sqrt"); }
static int f_abs(lua_State *L) { return function_of(L, DEMOB_X_ABS, 1, "abs"); }
static int f_clamp(lua_State *L) { return function_of(L, DEMOB_X_CLAMP, 3, "clamp"); }
static int f_lt(lua_State *L) { return function_of(L, DEMOB_X_LT, 2, "lt"); }
static int f_le(lua_State *L) { return function_of(L, DEMOB_X_LE, 2, "le"); }
static int f_gt(lua_State *L) { return function_of(L, DEMOB_X_GT, 2, "gt"); }
static int f_ge(lua_State *L) { return function_of(L, DEMOB_X_GE, 2, "ge"); }
static int f_eq(lua_State *L) { return function_of(L, DEMOB_X_EQ, 2, "eq"); }

static int minmax(lua_State *L, int op, const char *name)
{
    int n = lua_gettop(L);
    if (n < 2)
        luaL_error(L, "%s: needs at least 2 arguments (got %d)", name, n);
    if (all_numbers(L, n)) {
        double x = lua_tonumber(L, 1);
        for (int i = 2; i <= n; i++) {
            double y = lua_tonumber(L, i);
            x = op == DEMOB_X_MIN ? (y < x ? y : x) : (y > x ? y : x);
        }
        lua_pushnumber(L, x);
        return 1;
    }
    push_operand(L, 1, name);
    for (int i = 2; i <= n; i++) {
        push_operand(L, i, name);
        combine(L, 2, op);
    }
    return 1;
}

static int f_min(lua_State *L) { return minmax(L, DEMOB_X_MIN, "min"); }
static int f_max(lua_State *L) { return minmax(L, DEMOB_X_MAX, "max"); }

static int f_ifelse(lua_State *L)
{
    if (lua_gettop(L) != 3)
        luaL_error(L, "ifelse: needs 3 arguments: a condition (lt, le, gt, ge or eq), then the two values "
                      "(got %d)", lua_gettop(L));
    lx *c = luaL_testudata(L, 1, LUA_EXPR_META);
    if (!c || c->v[c->n - 1].op < DEMOB_X_LT || c->v[c->n - 1].op > DEMOB_X_EQ)
        luaL_error(L, "ifelse: the first argument must be a condition made with lt, le, gt, ge or eq (got %s)",
                   c ? "an expression" : luaL_typename(L, 1));
    for (int i = 1; i <= 3; i++)
        push_operand(L, i, "ifelse");
    combine(L, 3, DEMOB_X_IFELSE);
    return 1;
}

static const char *name_arg(lua_State *L, int i, const char *fn, const char *what)
{
    if (lua_type(L, i) != LUA_TSTRING || lua_rawlen(L, i) == 0)
        luaL_error(L, "%s: %s must be a name (got %s)", fn, what, luaL_typename(L, i));
    return lua_tostring(L, i);
}

static int f_total(lua_State *L)
{
    int n = lua_gettop(L);
    if (n < 1 || n > 2)
        luaL_error(L, "total: needs a state and optionally an origin or tag (got %d arguments)", n);
    const char *st = name_arg(L, 1, "total", "the state");
    const char *o = n == 2 ? name_arg(L, 2, "total", "the origin or tag") : NULL;
    push_leaf(L, DEMOB_X_TOTAL, st, o);
    return 1;
}

static int f_stock(lua_State *L)
{
    if (lua_gettop(L) != 2)
        luaL_error(L, "stock: needs an origin and a state (got %d arguments)", lua_gettop(L));
    const char *o = name_arg(L, 1, "stock", "the origin");
    const char *st = name_arg(L, 2, "stock", "the state");
    push_leaf(L, DEMOB_X_STOCK, st, o);
    return 1;
}

/* own "state": the stock of the state in the origin the value is used for. */
static int f_own(lua_State *L)
{
    if (lua_gettop(L) != 1)
        luaL_error(L, "own: needs a state (got %d arguments)", lua_gettop(L));
    push_leaf(L, DEMOB_X_OWN, name_arg(L, 1, "own", "the state"), NULL);
    return 1;
}

static int f_cumulative(lua_State *L)
{
    push_leaf(L, DEMOB_X_CUMULATIVE, name_arg(L, 1, "cumulative", "the flow"), NULL);
    return 1;
}

static int f_moved(lua_State *L)
{
    push_leaf(L, DEMOB_X_MOVED, name_arg(L, 1, "moved", "the flow"), NULL);
    return 1;
}

static int f_step(lua_State *L)
{
    if (lua_gettop(L) != 0)
        luaL_error(L, "step: takes no arguments");
    push_leaf(L, DEMOB_X_STEP, NULL, NULL);
    return 1;
}

/* ----------------------------------------------------------- the model */

int lua_expr_is(lua_State *L, int idx)
{
    return luaL_testudata(L, idx, LUA_EXPR_META) != NULL;
}

void lua_expr_prog_free(struct lua_expr_prog *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n_names; i++)
        free(p->names[i]);
    free(p->names);
    free(p->v);
    free(p);
}

demob_value lua_expr_slot(lua_State *L, int idx, const char *decl, const char *field)
{
    struct scenario *sc = lua_scenario_of(L);
    if (luaL_testudata(L, idx, LUA_PARAM_META)) {
        /* A param alone, as an expression. */
        push_operand(L, idx, decl);
        demob_value v = lua_expr_slot(L, -1, decl, field);
        lua_pop(L, 1);
        return v;
    }
    lx *e = luaL_checkudata(L, idx, LUA_EXPR_META);
    idx = lua_absindex(L, idx);
    lua_pushfstring(L, "%s %s", decl, field);
    pending *p = lua_args_pend(L, PEND_EXPR, lua_tostring(L, -1));
    lua_pop(L, 1);
    struct lua_expr_prog *prog = calloc(1, sizeof *prog);
    if (!prog)
        luaL_error(L, "out of memory");
    p->expr = prog;
    prog->v = malloc((size_t)e->n * sizeof *prog->v);
    lua_getiuservalue(L, idx, 1);
    int nn = (int)lua_rawlen(L, -1);
    prog->names = calloc((size_t)nn + 1, sizeof *prog->names);
    if (!prog->v || !prog->names)
        luaL_error(L, "out of memory");
    memcpy(prog->v, e->v, (size_t)e->n * sizeof *prog->v);
    prog->n = e->n;
    for (int j = 1; j <= nn; j++) {
        lua_rawgeti(L, -1, j);
        prog->names[j - 1] = lua_args_strdup(L, lua_tostring(L, -1));
        prog->n_names = j;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    /* "file:line: " without the last ": ". */
    char where[300];
    size_t len = strlen(p->where);
    while (len > 0 && (p->where[len - 1] == ' ' || p->where[len - 1] == ':'))
        len--;
    snprintf(where, sizeof where, "%.*s", (int)len, p->where);
    demob_error err;
    demob_value v = demob_model_add_expr(sc->model, NULL, 0, where, &err);
    lua_args_model(L, v, &err, decl);
    p->slot = v;
    return v;
}

/* Resolves the names of a pending expression and gives the engine its
 * program. Errors name the declaring line. */
int lua_expr_resolve(struct scenario *sc, const pending *p, demob_error *err)
{
    demob_model *m = sc->model;
    const struct lua_expr_prog *prog = p->expr;
    int no = demob_model_n_origins(m);
    demob_expr_node *nodes = calloc((size_t)prog->n, sizeof *nodes);
    int *lists = malloc(((size_t)prog->n * (size_t)(no + 1) + 1) * sizeof *lists);
    int rc = 0;
    demob_error e;
    if (!nodes || !lists) {
        free(nodes);
        free(lists);
        return demob_error_set(err, DEMOB_ERUN, "out of memory");
    }
    for (int i = 0; i < prog->n && !rc; i++) {
        const lx_node *d = &prog->v[i];
        demob_expr_node *x = &nodes[i];
        const char *n1 = d->s1 ? prog->names[d->s1 - 1] : NULL, *n2 = d->s2 ? prog->names[d->s2 - 1] : NULL;
        x->op = (demob_expr_op)d->op;
        x->x = d->x;
        x->a = d->slot;
        switch (d->op) {
        case DEMOB_X_TOTAL:
        case DEMOB_X_STOCK:
        case DEMOB_X_OWN: {
            x->a = demob_model_find_state(m, n1);
            if (x->a < 0) {
                rc = demob_error_set(err, DEMOB_EINPUT, "%s%s: %s: unknown state '%s'", p->where, p->name,
                                     d->op == DEMOB_X_TOTAL ? "total" : d->op == DEMOB_X_OWN ? "own" : "stock", n1);
                break;
            }
            if (!n2)
                break;
            int *list = lists + (size_t)i * (size_t)(no + 1);
            if (d->op == DEMOB_X_STOCK) {
                list[0] = demob_model_find_origin(m, n2);
                x->n_origins = list[0] >= 0;
            } else {
                x->n_origins = demob_model_resolve_origins(m, n2, list, &e);
            }
            if (x->n_origins <= 0) {
                rc = demob_error_set(err, DEMOB_EINPUT, "%s%s: %s: unknown %s '%s'", p->where, p->name,
                                     d->op == DEMOB_X_TOTAL ? "total" : "stock",
                                     d->op == DEMOB_X_TOTAL ? "origin or tag" : "origin", n2);
                break;
            }
            x->origins = list;
            break;
        }
        case DEMOB_X_CUMULATIVE:
        case DEMOB_X_MOVED:
            x->a = demob_model_find_flow(m, n1);
            if (x->a < 0)
                rc = demob_error_set(err, DEMOB_EINPUT, "%s%s: %s: unknown flow '%s'", p->where, p->name,
                                     d->op == DEMOB_X_MOVED ? "moved" : "cumulative", n1);
            break;
        default:
            break;
        }
    }
    if (!rc && demob_model_set_expr(m, p->slot, nodes, prog->n, &e) < 0)
        rc = demob_error_set(err, DEMOB_EINPUT, "%s", e.message);
    free(nodes);
    free(lists);
    return rc;
}

void lua_expr_register(lua_State *L)
{
    static const luaL_Reg meta[] = {
        { "__add", m_add }, { "__sub", m_sub }, { "__mul", m_mul }, { "__div", m_div },
        { "__pow", m_pow }, { "__unm", m_unm }, { NULL, NULL },
    };
    static const luaL_Reg fns[] = {
        { "abs", f_abs }, { "clamp", f_clamp }, { "cumulative", f_cumulative }, { "eq", f_eq },
        { "exp", f_exp }, { "ge", f_ge }, { "gt", f_gt }, { "ifelse", f_ifelse }, { "le", f_le },
        { "log", f_log }, { "lt", f_lt }, { "max", f_max }, { "min", f_min }, { "moved", f_moved }, { "own", f_own },
        { "sqrt", f_sqrt }, { "step", f_step }, { "stock", f_stock }, { "total", f_total },
        { NULL, NULL },
    };
    luaL_newmetatable(L, LUA_EXPR_META);
    luaL_setfuncs(L, meta, 0);
    lua_pushcfunction(L, m_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "expression");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    /* Params combine with numbers and expressions the same way. */
    luaL_getmetatable(L, LUA_PARAM_META);
    luaL_setfuncs(L, meta, 0);
    lua_pushliteral(L, "param");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    lua_pushglobaltable(L);
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
}
