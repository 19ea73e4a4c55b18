/* lua_charged.c - library functions whose loops run in C, out of sight of
 * the count hook, made to answer to the limits: each is replaced by a
 * closure over the original that first charges an estimate of its work to
 * the instruction budget (lua_sandbox_charge, which also reads the clock)
 * and reads the clock again when it returns, so one call overruns the
 * time limit by at most its own length. Also coroutine.close, whose deep
 * nesting overflows the C stack in Lua 5.4.4 (its __close calls do not
 * count towards LUAI_MAXCCALLS): nesting is capped. Installed in sandboxed
 * and trusted states alike. */
#include <string.h>

#include <lualib.h>

#include "lua_priv.h"

/* Nested coroutine.close calls allowed (Lua's own C-stack limit is 200
 * nested C calls; each close nests several). */
#define CLOSE_DEPTH_MAX 100
/* Charges above this are capped (no overflow of the count). */
#define CHARGE_CAP ((long long)1 << 62)

enum charged_kind { CH_REP, CH_CASE, CH_FORMAT, CH_SORT, CH_CONCAT, CH_INSERT, CH_REMOVE, CH_UNPACK, CH_MOVE };

/* Work units for n bytes copied: a VM instruction costs about as much as
 * copying 16 bytes. */
static long long bytes_cost(lua_Unsigned n)
{
    return n / 16 > (lua_Unsigned)CHARGE_CAP ? CHARGE_CAP : (long long)(n / 16);
}

/* Length of the table argument i, without metamethods: an estimate. */
static lua_Unsigned table_len(lua_State *L, int i)
{
    return lua_type(L, i) == LUA_TTABLE ? (lua_Unsigned)lua_rawlen(L, i) : 0;
}

static lua_Unsigned int_arg(lua_State *L, int i, lua_Unsigned dflt)
{
    int ok;
    lua_Integer v = lua_tointegerx(L, i, &ok);
    return ok ? (v < 0 ? 0 : (lua_Unsigned)v) : dflt;
}

/* The estimated work of the call, in instructions; 0 when it is cheap. */
static long long estimate(lua_State *L, int kind)
{
    size_t l = 0;
    switch (kind) {
    case CH_REP: {
        size_t lsep = 0;
        if (!lua_tolstring(L, 1, &l) && lua_type(L, 1) != LUA_TNUMBER)
            return 0;
        lua_Unsigned n = int_arg(L, 2, 0);
        if (lua_type(L, 3) == LUA_TSTRING)
            lua_tolstring(L, 3, &lsep);
        if (l + lsep == 0)
            return 0;
        return n > (lua_Unsigned)CHARGE_CAP / (l + lsep) ? CHARGE_CAP : bytes_cost(n * (l + lsep));
    }
    case CH_CASE:
        if (lua_type(L, 1) == LUA_TSTRING)
            lua_tolstring(L, 1, &l);
        return (long long)(l / 4);
    case CH_FORMAT: {
        lua_Unsigned sum = 0;
        for (int i = 1, n = lua_gettop(L); i <= n; i++)
            if (lua_type(L, i) == LUA_TSTRING) {
                lua_tolstring(L, i, &l);
                sum += l;
            }
        return bytes_cost(sum);
    }
    case CH_SORT: {
        lua_Unsigned n = table_len(L, 1), lg = 1;
        while (lg < 64 && ((lua_Unsigned)1 << lg) < n)
            lg++;
        return n > ((lua_Unsigned)1 << 50) ? CHARGE_CAP : (long long)(n * lg * 2);
    }
    case CH_CONCAT: {
        lua_Unsigned i = int_arg(L, 3, 1), j = int_arg(L, 4, table_len(L, 1));
        return j >= i ? (long long)((j - i) > ((lua_Unsigned)1 << 60) ? CHARGE_CAP : (long long)(j - i) * 2) : 0;
    }
    case CH_INSERT:   /* table.insert(t, pos, v) shifts #t - pos elements */
        if (lua_gettop(L) < 3)
            return 0;
        /* fall through */
    case CH_REMOVE: { /* table.remove(t, pos) too */
        if (kind == CH_REMOVE && lua_gettop(L) < 2)
            return 0;
        lua_Unsigned n = table_len(L, 1), pos = int_arg(L, 2, n);
        return n > pos ? (long long)(n - pos) : 0;
    }
    case CH_UNPACK: {
        lua_Unsigned i = int_arg(L, 2, 1), j = int_arg(L, 3, table_len(L, 1));
        return j >= i ? (long long)((j - i) > ((lua_Unsigned)1 << 60) ? CHARGE_CAP : (long long)(j - i)) : 0;
    }
    case CH_MOVE: {   /* table.move(a1, f, e, t [, a2]) loops e - f + 1 times, even over absent keys */
        lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
        if (e < f)
            return 0;
        lua_Unsigned n = (lua_Unsigned)e - (lua_Unsigned)f + 1;
        return n > (lua_Unsigned)1 << 60 ? CHARGE_CAP : (long long)n * 4;
    }
    default:
        return 0;
    }
}

/* Below this estimate a call is too short to need a second look at the
 * clock. */
#define CHEAP 4096

/* Upvalue 1: the original function; upvalue 2: its enum charged_kind. */
static int charged_call(lua_State *L)
{
    int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
    /* string.rep("", n) copies nothing n times: Lua's loop runs 2^62 times
     * for a huge n without allocating, out of reach of the limits. */
    if (kind == CH_REP) {
        size_t l, lsep = 0;
        luaL_checklstring(L, 1, &l);
        luaL_checkinteger(L, 2);
        if (!lua_isnoneornil(L, 3))
            luaL_checklstring(L, 3, &lsep);
        if (l + lsep == 0) {
            lua_pushliteral(L, "");
            return 1;
        }
    }
    long long cost = estimate(L, kind);
    if (cost > 0)
        lua_sandbox_charge(L, cost);
    int base = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, base, LUA_MULTRET);
    if (cost >= CHEAP)
        lua_sandbox_charge(L, 0);   /* the clock, after the work */
    return lua_gettop(L);
}

/* coroutine.close with its nesting counted: a __close that closes another
 * coroutine runs inside this call. The count lives in the limits; it is
 * restored when a protected call into the state ends, so an error thrown
 * across it cannot leave it high. */
static int charged_close(lua_State *L)
{
    lua_State *co = lua_tothread(L, 1);
    luaL_argexpected(L, co, 1, "coroutine");
    lua_limits *lim = &lua_scenario_of(L)->lim;
    if (lim->close_depth >= CLOSE_DEPTH_MAX)
        return luaL_error(L, "coroutine.close: more than %d nested closes (a __close that closes another coroutine)",
                          CLOSE_DEPTH_MAX);
    lim->close_depth++;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    lim->close_depth--;
    return lua_gettop(L);
}

/* Replaces lib[name] (lib at the top of the stack) by its charged form. */
static void charge_field(lua_State *L, const char *name, int kind)
{
    if (lua_getfield(L, -1, name) != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return;
    }
    lua_pushinteger(L, kind);
    lua_pushcclosure(L, charged_call, 2);
    lua_setfield(L, -2, name);
}

void lua_charged_open(lua_State *L)
{
    static const struct {
        const char *lib, *name;
        int kind;
    } fns[] = {
        { LUA_STRLIBNAME, "rep", CH_REP },      { LUA_STRLIBNAME, "upper", CH_CASE },
        { LUA_STRLIBNAME, "lower", CH_CASE },   { LUA_STRLIBNAME, "reverse", CH_CASE },
        { LUA_STRLIBNAME, "format", CH_FORMAT }, { LUA_TABLIBNAME, "sort", CH_SORT },
        { LUA_TABLIBNAME, "concat", CH_CONCAT }, { LUA_TABLIBNAME, "insert", CH_INSERT },
        { LUA_TABLIBNAME, "remove", CH_REMOVE }, { LUA_TABLIBNAME, "unpack", CH_UNPACK },
        { LUA_TABLIBNAME, "move", CH_MOVE },
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        lua_getglobal(L, fns[i].lib);
        charge_field(L, fns[i].name, fns[i].kind);
        lua_pop(L, 1);
    }
    lua_getglobal(L, LUA_COLIBNAME);
    lua_getfield(L, -1, "close");
    lua_pushcclosure(L, charged_close, 1);
    lua_setfield(L, -2, "close");
    lua_pop(L, 1);
}
