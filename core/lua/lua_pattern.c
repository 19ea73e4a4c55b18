/* lua_pattern.c - string.find, string.match, string.gmatch and string.gsub
 * for scenario scripts, with Lua 5.4's pattern semantics (reference
 * manual, section 6.4.1) and a step budget.
 *
 * Why: Lua's own matcher backtracks inside one C call, where the count
 * hook of lua_sandbox.c never fires, so a pattern such as
 * string.find(("a"):rep(300000), ".-.-.-b") runs for hours and no
 * instruction or wall-clock limit can stop it. This matcher counts its
 * steps (calls, expansion steps, candidate positions) and charges them to
 * the same budget as VM instructions every STEP_CHUNK steps, through
 * the charge function lua_pattern_open was given (lua_sandbox.c's, which
 * also checks the wall clock and raises the limit error): this file
 * depends on nothing else of demob. Results and error messages are those of Lua 5.4's string
 * library (test_scenario.c compares the two on generated patterns).
 *
 * The matcher: a recursive backtracking matcher over the pattern text.
 * match() consumes single-character items and follows quantifiers:
 * '*' and '+' expand greedily then back off, '-' expands lazily, '?' tries
 * with then without; captures are recorded in a fixed array and undone
 * when the rest of the pattern fails. Without a scenario (luaopen_*
 * in a plain state) nothing is charged. */
#include <ctype.h>
#include <string.h>

#include "lua_priv.h"

#define PAT_MAXCAPTURES 32     /* as LUA_MAXCAPTURES in lstrlib.c          */
#define PAT_MAXDEPTH 200       /* nested matches: "pattern too complex"    */
#define STEP_CHUNK 65536       /* steps between two charges of the budget  */
#define ESC '%'
#define SPECIALS "^$*+?.([%-"

#define CAP_UNFINISHED (-1)
#define CAP_POSITION (-2)

typedef struct mstate {
    const char *src_init, *src_end;   /* the subject                      */
    const char *p_end;                /* end of the pattern               */
    lua_State *L;
    int depth;                        /* nested matches left              */
    int level;                        /* captures open or closed          */
    long steps;                       /* steps since the last charge      */
    struct {
        const char *init;
        ptrdiff_t len;                /* or CAP_UNFINISHED / CAP_POSITION */
    } capture[PAT_MAXCAPTURES];
} mstate;

static const char *match(mstate *ms, const char *s, const char *p);

/* Registry key of the charge function (a userdata holding it). */
#define PAT_CHARGE_KEY "demob.pattern.charge"

typedef struct charge_box {
    lua_pattern_charge fn;
} charge_box;

/* Pays for the steps since the last charge (nothing without a charge
 * function). */
static void pay(mstate *ms)
{
    lua_getfield(ms->L, LUA_REGISTRYINDEX, PAT_CHARGE_KEY);
    const charge_box *box = lua_touserdata(ms->L, -1);
    lua_pattern_charge fn = box ? box->fn : NULL;
    lua_pop(ms->L, 1);
    long long n = ms->steps;
    ms->steps = 0;
    if (fn)
        fn(ms->L, n);
}

/* One matcher step; every STEP_CHUNK steps, pay for them. */
static void step(mstate *ms)
{
    if (++ms->steps >= STEP_CHUNK)
        pay(ms);
}

static void charge_rest(mstate *ms)
{
    if (ms->steps)
        pay(ms);
}

/* ------------------------------------------------------ single items */

static int class_match(int c, int cl)
{
    int res;
    switch (tolower(cl)) {
    case 'a': res = isalpha(c); break;
    case 'c': res = iscntrl(c); break;
    case 'd': res = isdigit(c); break;
    case 'g': res = isgraph(c); break;
    case 'l': res = islower(c); break;
    case 'p': res = ispunct(c); break;
    case 's': res = isspace(c); break;
    case 'u': res = isupper(c); break;
    case 'w': res = isalnum(c); break;
    case 'x': res = isxdigit(c); break;
    case 'z': res = c == 0; break;   /* deprecated, still in Lua 5.4 */
    default: return cl == c;
    }
    if (isupper(cl))   /* %A, %D, ...: the complement */
        res = !res;
    return res != 0;
}

/* [set]: p at '[', ec at the closing ']'. */
static int set_match(int c, const char *p, const char *ec)
{
    int found = 1;
    if (*(p + 1) == '^') {
        found = 0;
        p++;
    }
    while (++p < ec) {
        if (*p == ESC) {
            p++;
            if (class_match(c, (unsigned char)*p))
                return found;
        } else if (*(p + 1) == '-' && p + 2 < ec) {
            p += 2;
            if ((unsigned char)*(p - 2) <= c && c <= (unsigned char)*p)
                return found;
        } else if ((unsigned char)*p == c) {
            return found;
        }
    }
    return !found;
}

/* The end of the single-character class starting at p. */
static const char *item_end(mstate *ms, const char *p)
{
    switch (*p++) {
    case ESC:
        if (p == ms->p_end)
            luaL_error(ms->L, "malformed pattern (ends with '%%')");
        return p + 1;
    case '[':
        if (*p == '^')
            p++;
        do {   /* the first character of a set may be ']' */
            if (p == ms->p_end)
                luaL_error(ms->L, "malformed pattern (missing ']')");
            if (*(p++) == ESC && p < ms->p_end)
                p++;
        } while (*p != ']');
        return p + 1;
    default:
        return p;
    }
}

static int item_match(mstate *ms, const char *s, const char *p, const char *ep)
{
    if (s >= ms->src_end)
        return 0;
    int c = (unsigned char)*s;
    switch (*p) {
    case '.': return 1;
    case ESC: return class_match(c, (unsigned char)*(p + 1));
    case '[': return set_match(c, p, ep - 1);
    default: return (unsigned char)*p == c;
    }
}

/* ------------------------------------------------------- the matcher */

/* %bxy: p at x. */
static const char *match_balance(mstate *ms, const char *s, const char *p)
{
    if (p >= ms->p_end - 1)
        luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
    if (*s != *p)
        return NULL;
    int open = *p, close = *(p + 1), depth = 1;
    while (++s < ms->src_end) {
        step(ms);
        if (*s == close) {
            if (--depth == 0)
                return s + 1;
        } else if (*s == open) {
            depth++;
        }
    }
    return NULL;
}

/* x*: as many as possible, then fewer until the rest matches. */
static const char *expand_greedy(mstate *ms, const char *s, const char *p, const char *ep)
{
    ptrdiff_t i = 0;
    while (item_match(ms, s + i, p, ep)) {
        step(ms);
        i++;
    }
    for (; i >= 0; i--) {
        const char *r = match(ms, s + i, ep + 1);
        if (r)
            return r;
    }
    return NULL;
}

/* x-: as few as possible, one more each time the rest fails. */
static const char *expand_lazy(mstate *ms, const char *s, const char *p, const char *ep)
{
    for (;;) {
        const char *r = match(ms, s, ep + 1);
        if (r)
            return r;
        if (!item_match(ms, s, p, ep))
            return NULL;
        s++;
    }
}

static const char *open_capture(mstate *ms, const char *s, const char *p, ptrdiff_t what)
{
    if (ms->level >= PAT_MAXCAPTURES)
        luaL_error(ms->L, "too many captures");
    ms->capture[ms->level].init = s;
    ms->capture[ms->level].len = what;
    ms->level++;
    const char *r = match(ms, s, p);
    if (!r)
        ms->level--;   /* undo */
    return r;
}

static const char *close_capture(mstate *ms, const char *s, const char *p)
{
    int l = ms->level - 1;
    while (l >= 0 && ms->capture[l].len != CAP_UNFINISHED)
        l--;
    if (l < 0)
        luaL_error(ms->L, "invalid pattern capture");
    ms->capture[l].len = s - ms->capture[l].init;
    const char *r = match(ms, s, p);
    if (!r)
        ms->capture[l].len = CAP_UNFINISHED;   /* undo */
    return r;
}

/* %1 .. %9: the same text as an earlier capture. */
static const char *match_backref(mstate *ms, const char *s, int c)
{
    int l = c - '1';
    if (l < 0 || l >= ms->level || ms->capture[l].len == CAP_UNFINISHED)
        luaL_error(ms->L, "invalid capture index %%%d", l + 1);
    size_t len = (size_t)ms->capture[l].len;   /* a position capture never matches */
    if ((size_t)(ms->src_end - s) >= len && memcmp(ms->capture[l].init, s, len) == 0)
        return s + len;
    return NULL;
}

/* Matches pattern p against the subject at s: the end of the match, or
 * NULL. Simple items advance in the loop; everything that may backtrack
 * recurses. */
static const char *match(mstate *ms, const char *s, const char *p)
{
    if (ms->depth-- == 0)
        luaL_error(ms->L, "pattern too complex");
    step(ms);
    while (p != ms->p_end) {
        const char *ep;
        switch (*p) {
        case '(':
            if (*(p + 1) == ')')
                s = open_capture(ms, s, p + 2, CAP_POSITION);
            else
                s = open_capture(ms, s, p + 1, CAP_UNFINISHED);
            goto done;
        case ')':
            s = close_capture(ms, s, p + 1);
            goto done;
        case '$':
            if (p + 1 != ms->p_end)
                goto item;   /* a '$' elsewhere is a plain character */
            s = s == ms->src_end ? s : NULL;
            goto done;
        case ESC:
            switch (*(p + 1)) {
            case 'b':
                s = match_balance(ms, s, p + 2);
                if (!s)
                    goto done;
                p += 4;
                continue;
            case 'f': {
                p += 2;
                if (*p != '[')
                    luaL_error(ms->L, "missing '[' after '%%f' in pattern");
                ep = item_end(ms, p);
                int prev = s == ms->src_init ? '\0' : (unsigned char)*(s - 1);
                if (!set_match(prev, p, ep - 1) && set_match((unsigned char)*s, p, ep - 1)) {
                    p = ep;
                    continue;
                }
                s = NULL;
                goto done;
            }
            case '0': case '1': case '2': case '3': case '4':
            case '5': case '6': case '7': case '8': case '9':
                s = match_backref(ms, s, (unsigned char)*(p + 1));
                if (!s)
                    goto done;
                p += 2;
                continue;
            default:
                goto item;
            }
        default:
        item:
            ep = item_end(ms, p);
            if (!item_match(ms, s, p, ep)) {
                if (*ep == '*' || *ep == '?' || *ep == '-') {   /* zero of them is fine */
                    p = ep + 1;
                    continue;
                }
                s = NULL;
                goto done;
            }
            switch (*ep) {
            case '?': {
                const char *r = match(ms, s + 1, ep + 1);
                if (r) {
                    s = r;
                    goto done;
                }
                p = ep + 1;
                continue;
            }
            case '+':
                s = expand_greedy(ms, s + 1, p, ep);
                goto done;
            case '*':
                s = expand_greedy(ms, s, p, ep);
                goto done;
            case '-':
                s = expand_lazy(ms, s, p, ep);
                goto done;
            default:
                s++;
                p = ep;
                continue;
            }
        }
    }
done:
    ms->depth++;
    return s;
}

/* ---------------------------------------------------------- captures */

/* Capture i (or the whole match s..e when there is none): its text,
 * returned as length, or CAP_POSITION with the position pushed. */
static ptrdiff_t get_capture(mstate *ms, int i, const char *s, const char *e, const char **cap)
{
    if (i >= ms->level) {
        if (i != 0)
            luaL_error(ms->L, "invalid capture index %%%d", i + 1);
        *cap = s;
        return e - s;
    }
    ptrdiff_t len = ms->capture[i].len;
    *cap = ms->capture[i].init;
    if (len == CAP_UNFINISHED)
        luaL_error(ms->L, "unfinished capture");
    else if (len == CAP_POSITION)
        lua_pushinteger(ms->L, (ms->capture[i].init - ms->src_init) + 1);
    return len;
}

static void push_capture(mstate *ms, int i, const char *s, const char *e)
{
    const char *cap;
    ptrdiff_t len = get_capture(ms, i, s, e, &cap);
    if (len != CAP_POSITION)
        lua_pushlstring(ms->L, cap, (size_t)len);
}

static int push_captures(mstate *ms, const char *s, const char *e)
{
    int n = (ms->level == 0 && s) ? 1 : ms->level;
    luaL_checkstack(ms->L, n, "too many captures");
    for (int i = 0; i < n; i++)
        push_capture(ms, i, s, e);
    return n;
}

/* -------------------------------------------------------- functions */

static void init_state(mstate *ms, lua_State *L, const char *s, size_t ls, const char *p, size_t lp)
{
    ms->L = L;
    ms->src_init = s;
    ms->src_end = s + ls;
    ms->p_end = p + lp;
    ms->steps = 0;
}

static void reset_state(mstate *ms)
{
    ms->level = 0;
    ms->depth = PAT_MAXDEPTH;
}

/* Start position (1-based, negative from the end) as in string.find. */
static size_t start_at(lua_Integer pos, size_t len)
{
    if (pos > 0)
        return (size_t)pos;
    if (pos == 0 || pos < -(lua_Integer)len)
        return 1;
    return len + (size_t)pos + 1;
}

static int has_specials(const char *p, size_t l)
{
    size_t upto = 0;
    do {   /* the pattern may hold '\0's: look at each piece */
        if (strpbrk(p + upto, SPECIALS))
            return 1;
        upto += strlen(p + upto) + 1;
    } while (upto <= l);
    return 0;
}

/* Plain search, charged per candidate position. */
static const char *find_plain(mstate *ms, const char *s1, size_t l1, const char *s2, size_t l2)
{
    if (l2 == 0)
        return s1;
    if (l2 > l1)
        return NULL;
    const char *init;
    l2--;   /* the first character is found with memchr */
    l1 -= l2;
    while (l1 > 0 && (init = memchr(s1, *s2, l1)) != NULL) {
        ms->steps += (long)l2 / 8 + 1;
        step(ms);
        init++;
        if (memcmp(init, s2 + 1, l2) == 0)
            return init - 1;
        l1 -= (size_t)(init - s1);
        s1 = init;
    }
    return NULL;
}

static int find_aux(lua_State *L, int find)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_at(luaL_optinteger(L, 3, 1), ls) - 1;
    mstate ms;
    init_state(&ms, L, s, ls, p, lp);
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
        const char *hit = find_plain(&ms, s + init, ls - init, p, lp);
        charge_rest(&ms);
        if (hit) {
            lua_pushinteger(L, (hit - s) + 1);
            lua_pushinteger(L, (lua_Integer)((size_t)(hit - s) + lp));
            return 2;
        }
    } else {
        const char *s1 = s + init;
        int anchor = *p == '^';
        if (anchor) {
            p++;
            lp--;
        }
        ms.p_end = p + lp;
        do {
            reset_state(&ms);
            const char *e = match(&ms, s1, p);
            if (e) {
                charge_rest(&ms);
                if (find) {
                    lua_pushinteger(L, (s1 - s) + 1);
                    lua_pushinteger(L, e - s);
                    return push_captures(&ms, NULL, 0) + 2;
                }
                return push_captures(&ms, s1, e);
            }
        } while (s1++ < ms.src_end && !anchor);
        charge_rest(&ms);
    }
    luaL_pushfail(L);
    return 1;
}

static int pat_find(lua_State *L)
{
    return find_aux(L, 1);
}

static int pat_match(lua_State *L)
{
    return find_aux(L, 0);
}

typedef struct gmatch_state {
    const char *src, *p, *lastmatch;
    mstate ms;
} gmatch_state;

static int gmatch_next(lua_State *L)
{
    gmatch_state *gm = lua_touserdata(L, lua_upvalueindex(3));
    gm->ms.L = L;   /* the iterator may run in another coroutine */
    for (const char *src = gm->src; src <= gm->ms.src_end; src++) {
        reset_state(&gm->ms);
        const char *e = match(&gm->ms, src, gm->p);
        if (e && e != gm->lastmatch) {
            gm->src = gm->lastmatch = e;
            charge_rest(&gm->ms);
            return push_captures(&gm->ms, src, e);
        }
    }
    charge_rest(&gm->ms);
    return 0;
}

static int pat_gmatch(lua_State *L)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_at(luaL_optinteger(L, 3, 1), ls) - 1;
    lua_settop(L, 2);   /* the strings stay alive as upvalues */
    gmatch_state *gm = lua_newuserdatauv(L, sizeof *gm, 0);
    if (init > ls)
        init = ls + 1;   /* start after the end: no match */
    init_state(&gm->ms, L, s, ls, p, lp);
    gm->src = s + init;
    gm->p = p;
    gm->lastmatch = NULL;
    lua_pushcclosure(L, gmatch_next, 3);
    return 1;
}

/* A replacement string: %0 the match, %1..%9 captures, %% a '%'. */
static void add_string(mstate *ms, luaL_Buffer *b, const char *s, const char *e)
{
    lua_State *L = ms->L;
    size_t l;
    const char *news = lua_tolstring(L, 3, &l);
    const char *p;
    while ((p = memchr(news, ESC, l)) != NULL) {
        luaL_addlstring(b, news, (size_t)(p - news));
        p++;
        if (*p == ESC) {
            luaL_addchar(b, *p);
        } else if (*p == '0') {
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (isdigit((unsigned char)*p)) {
            const char *cap;
            ptrdiff_t len = get_capture(ms, *p - '1', s, e, &cap);
            if (len == CAP_POSITION)
                luaL_addvalue(b);
            else
                luaL_addlstring(b, cap, (size_t)len);
        } else {
            luaL_error(L, "invalid use of '%c' in replacement string", ESC);
        }
        l -= (size_t)(p + 1 - news);
        news = p + 1;
    }
    luaL_addlstring(b, news, l);
}

/* Adds the replacement of s..e; returns 1 if the text changed. */
static int add_value(mstate *ms, luaL_Buffer *b, const char *s, const char *e, int tr)
{
    lua_State *L = ms->L;
    switch (tr) {
    case LUA_TFUNCTION: {
        lua_pushvalue(L, 3);
        int n = push_captures(ms, s, e);
        lua_call(L, n, 1);
        break;
    }
    case LUA_TTABLE:
        push_capture(ms, 0, s, e);
        lua_gettable(L, 3);
        break;
    default:
        add_string(ms, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) {   /* nil or false: keep the original */
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1))
        return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

static int pat_gsub(lua_State *L)
{
    size_t srcl, lp;
    const char *src = luaL_checklstring(L, 1, &srcl);
    const char *p = luaL_checklstring(L, 2, &lp);
    const char *lastmatch = NULL;
    int tr = lua_type(L, 3);
    lua_Integer max_s = luaL_optinteger(L, 4, (lua_Integer)srcl + 1);
    int anchor = *p == '^';
    lua_Integer n = 0;
    int changed = 0;
    luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
                     "string/function/table");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    if (anchor) {
        p++;
        lp--;
    }
    mstate ms;
    init_state(&ms, L, src, srcl, p, lp);
    while (n < max_s) {
        reset_state(&ms);
        const char *e = match(&ms, src, p);
        if (e && e != lastmatch) {
            n++;
            changed = add_value(&ms, &b, src, e, tr) | changed;
            src = lastmatch = e;
        } else if (src < ms.src_end) {
            luaL_addchar(&b, *src++);
        } else {
            break;
        }
        if (anchor)
            break;
    }
    charge_rest(&ms);
    if (!changed) {
        lua_pushvalue(L, 1);
    } else {
        luaL_addlstring(&b, src, (size_t)(ms.src_end - src));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, n);
    return 2;
}

int lua_pattern_open(lua_State *L, lua_pattern_charge charge)
{
    charge_box *box = lua_newuserdatauv(L, sizeof *box, 0);
    box->fn = charge;
    lua_setfield(L, LUA_REGISTRYINDEX, PAT_CHARGE_KEY);
    static const luaL_Reg funcs[] = {
        { "find", pat_find },
        { "gmatch", pat_gmatch },
        { "gsub", pat_gsub },
        { "match", pat_match },
        { NULL, NULL },
    };
    luaL_newlib(L, funcs);
    return 1;
}
