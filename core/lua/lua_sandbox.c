/* lua_sandbox.c - what a scenario script may use and how much of it:
 *   - the allocator, which enforces the memory limit of a Lua state;
 *   - the count hook, which enforces the instruction and wall-clock limits
 *     and, once tripped, re-arms itself to fire at every instruction so a
 *     script's own pcall cannot swallow the stop (as Redis does);
 *   - the protected call every entry into Lua goes through;
 *   - the libraries: by default an allow-list (no io, no debug, no
 *     dofile/loadfile, text-only load, os limited to time/clock/date, no
 *     __gc metamethods: finalizers run with hooks off, out of the limits);
 *     --trusted opens everything. math.random is replaced in both modes:
 *     reproducibility is not a matter of trust;
 *   - string.find/match/gmatch/gsub from lua_pattern.c, whose matcher
 *     charges its steps to the same limits (a count hook never fires
 *     inside Lua's own matcher);
 *   - `require`: the modules embedded from scripts/, then .lua files next to
 *     the scenario (plain module names only); LUA_PATH only when trusted;
 *   - protection of the declaration functions from being overwritten.
 * All state lives in the scenario (reached through the Lua state's extra
 * space): nothing here is global, so several states run on several
 * threads. */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lualib.h>

#include "embedded_scripts.h"
#include "lua_csv.h"
#include "lua_priv.h"
#include "util/timer.h"

/* The count hook fires every HOOK_PERIOD VM instructions: often enough to
 * check the clock every ~0.1 ms of Lua work, rarely enough to cost nothing. */
#define HOOK_PERIOD 10000
/* "file:line: " of a limit message: a chunk name (at most LUA_IDSIZE) and a
 * line number, or the scenario's path (cut). */
#define WHERE_SIZE 300
/* Room left above the memory limit once it has tripped, so the error
 * message and the unwinding still find memory. */
#define MEMORY_SLACK ((size_t)1 << 20)

struct scenario *lua_scenario_of(lua_State *L)
{
    return *(struct scenario **)lua_getextraspace(L);
}

/* ---------------------------------------------------------- allocator */

static void where_of(lua_State *L, struct scenario *sc, char *where);

void *lua_sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    lua_limits *lim = ud;
    /* When ptr is NULL, osize encodes the type of object: not a size. */
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        lim->mem_used -= old;
        return NULL;
    }
    if (nsize > old) {
        size_t limit = lim->mem_limit + (lim->tripped == LIMIT_MEMORY ? MEMORY_SLACK : 0);
        if (lim->mem_used - old + nsize > limit || nsize - old > limit) {
            /* Refuse; Lua raises a memory error. Remember why, so the
             * count hook keeps raising if a pcall in the script catches
             * it, and the final message names the limit. */
            if (lim->tripped == LIMIT_NONE) {
                /* The script line that asked: walking the stack only
                 * reads it (no allocation). A coroutine's line is not
                 * seen: the main thread's call that resumed it is named. */
                struct scenario *sc = (struct scenario *)((char *)lim - offsetof(struct scenario, lim));
                char where[WHERE_SIZE];
                if (lim->in_call && sc->L)
                    where_of(sc->L, sc, where);
                else
                    snprintf(where, sizeof where, "%s: ", lim->path);
                lim->tripped = LIMIT_MEMORY;
                snprintf(lim->msg, sizeof lim->msg, "%smemory limit of %zu MiB exceeded", where,
                         lim->mem_limit >> 20);
            }
            return NULL;
        }
    }
    void *p = realloc(ptr, nsize);
    if (p)
        lim->mem_used = lim->mem_used - old + nsize;
    return p;
}

/* --------------------------------------------------------- count hook */

static void limit_raise(lua_State *L, lua_limits *lim)
{
    /* Fire again at the very next instruction: a pcall in the script
     * catches this error, but cannot run anything afterwards. */
    lua_sethook(L, lua_gethook(L), LUA_MASKCOUNT, 1);
    lua_pushstring(L, lim->msg);
    lua_error(L);
}

/* Writes "file:line: " of the innermost Lua function with a line (the
 * script line at fault: C functions have none), or "file: " of the
 * scenario. Only read when a limit trips. */
static void where_of(lua_State *L, struct scenario *sc, char *where)
{
    lua_Debug d;
    for (int level = 0; lua_getstack(L, level, &d); level++)
        if (lua_getinfo(L, "Sl", &d) && d.currentline > 0) {
            snprintf(where, WHERE_SIZE, "%s:%d: ", d.short_src, d.currentline);
            return;
        }
    snprintf(where, WHERE_SIZE, "%s: ", sc->path);
}

/* Adds n to the instruction count and checks both limits; on a breach,
 * trips (message "file:line: ... limit ... exceeded") and raises. */
static void check_limits(lua_State *L, struct scenario *sc, long long n)
{
    lua_limits *lim = &sc->lim;
    if (lim->tripped != LIMIT_NONE)
        limit_raise(L, lim);
    lim->instr_count += n;
    int kind = LIMIT_NONE;
    if (lim->interrupted && *lim->interrupted)
        kind = LIMIT_INTERRUPT;
    else if (lim->instr_count > lim->instr_limit)
        kind = LIMIT_INSTRUCTIONS;
    /* The coarse clock is plenty for limits of a tenth of a second or more
     * and costs a fifth of the precise one: this runs once a step. */
    else if (timer_now_coarse() - lim->t_start > lim->time_limit)
        kind = LIMIT_TIME;
    if (kind == LIMIT_NONE)
        return;
    char where[WHERE_SIZE];
    where_of(L, sc, where);
    lim->tripped = kind;
    if (kind == LIMIT_INTERRUPT)
        snprintf(lim->msg, sizeof lim->msg, "%sinterrupted", where);
    else if (kind == LIMIT_INSTRUCTIONS)
        snprintf(lim->msg, sizeof lim->msg, "%sinstruction limit of %lld exceeded", where, lim->instr_limit);
    else
        snprintf(lim->msg, sizeof lim->msg, "%stime limit of %g s exceeded", where, lim->time_limit);
    limit_raise(L, lim);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    check_limits(L, lua_scenario_of(L), lua_gethookcount(L));
}

void lua_sandbox_charge(lua_State *L, long long n)
{
    check_limits(L, lua_scenario_of(L), n);
}

void lua_sandbox_install_hook(struct scenario *sc)
{
    sc->lim.period = HOOK_PERIOD;
    lua_sethook(sc->L, count_hook, LUA_MASKCOUNT, HOOK_PERIOD);
}

/* ----------------------------------------------------- protected call */

/* Message handler: keeps "file:line: message" as is (a traceback would
 * bury the line that matters) and gives non-string errors a readable form,
 * as lua.c's msghandler does. */
/* Does the message start with a position, "chunk:line:", as Lua's own
 * errors and luaL_error write it? */
int lua_has_position(const char *s)
{
    for (const char *c = strchr(s, ':'); c; c = strchr(c + 1, ':')) {
        const char *d = c + 1;
        while (isdigit((unsigned char)*d))
            d++;
        if (d > c + 1 && *d == ':')
            return 1;
        if (c - s > 400)
            break;
    }
    return 0;
}

/* Pushes "file:line: " of the innermost Lua function on the stack (the
 * script line at fault), or "file: " of the scenario. */
static void push_position(lua_State *L)
{
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++)
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
    lua_pushfstring(L, "%s: ", lua_scenario_of(L)->path);
}

static int msghandler(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER) {
        const char *m = lua_tostring(L, 1);
        if (lua_has_position(m))
            return 1;
        /* Errors raised with a table, or from C without a position
         * ("attempt to yield from outside a coroutine") would not name
         * the script: add where it was. */
        push_position(L);
        lua_pushvalue(L, 1);
        lua_concat(L, 2);
        return 1;
    }
    push_position(L);
    int meta = luaL_callmeta(L, 1, "__tostring");
    if (meta && lua_type(L, -1) == LUA_TSTRING) {
        lua_concat(L, 2);
        return 1;
    }
    if (meta)
        lua_pop(L, 1);
    lua_pushfstring(L, "%s(error object is a %s value)", lua_tostring(L, -1), luaL_typename(L, 1));
    return 1;
}

/* Reads and clears the flag lua_csv.c sets on a failed write; called
 * protected, as a string key may need memory. */
static int take_ioerror(lua_State *L)
{
    /* Stack: the error message. An I/O failure only if it is the very
     * message the csv writer raised; the key is cleared either way. */
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_CSV_IOERROR_KEY);
    int same = lua_rawequal(L, 1, -1);
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LUA_CSV_IOERROR_KEY);
    lua_pushboolean(L, same);
    return 1;
}

int lua_sandbox_pcall(struct scenario *sc, int nargs, int nresults, double seconds,
                      long long instructions)
{
    lua_State *L = sc->L;
    lua_limits *lim = &sc->lim;
    lim->tripped = LIMIT_NONE;
    lim->msg[0] = '\0';
    lim->instr_count = 0;
    lim->instr_limit = instructions;
    int close_depth = lim->close_depth;
    lim->time_limit = seconds;
    /* The clock starts here, not at the first limit check: time spent in
     * library functions before it (a long table.sort runs no VM
     * instructions) counts too. */
    lim->t_start = timer_now_coarse();
    int period = instructions < HOOK_PERIOD ? (int)(instructions > 0 ? instructions : 1) : HOOK_PERIOD;
    if (period != lim->period || lua_gethookcount(L) != period) {
        lim->period = period;
        lua_sethook(L, count_hook, LUA_MASKCOUNT, period);
    }
    int base = lua_gettop(L) - nargs;   /* the function's index */
    /* Below it: a copy of the function (to name it if it overran), then
     * the message handler. */
    lua_pushvalue(L, base);
    lua_insert(L, base);
    lua_pushcfunction(L, msghandler);
    lua_insert(L, base + 1);
    int in_call = lim->in_call;
    lim->in_call = 1;
    int status = lua_pcall(L, nargs, nresults, base + 1);
    lim->in_call = in_call;
    lua_remove(L, base + 1);
    lim->close_depth = close_depth;
    if (status == LUA_OK && lim->tripped == LIMIT_NONE && timer_now_coarse() - lim->t_start > lim->time_limit &&
        lua_checkstack(L, 2)) {
        /* The call returned, but past its time (a library call that ran
         * long after the last look at the clock): a breach all the same. */
        lua_Debug d;
        lua_pushvalue(L, base);
        lua_getinfo(L, ">S", &d);
        lim->tripped = LIMIT_TIME;
        snprintf(lim->msg, sizeof lim->msg, "%s:%d: time limit of %g s exceeded (in the function that starts there)",
                 d.short_src, d.linedefined, lim->time_limit);
    }
    lua_remove(L, base);
    if (status == LUA_ERRRUN && lim->tripped == LIMIT_NONE) {
        /* A csv writer failed to write (a full disk): a failure of the
         * run, reported as LUA_ERRFILE. Stack: message. */
        lua_pushcfunction(L, take_ioerror);
        lua_pushvalue(L, -2);
        if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_toboolean(L, -1))
            status = LUA_ERRFILE;
        lua_pop(L, 1);
    }
    if (lim->tripped != LIMIT_NONE) {
        /* Undo the fire-at-every-instruction re-arming for the next call. */
        lim->period = period;
        lua_sethook(L, count_hook, LUA_MASKCOUNT, period);
        if (status == LUA_OK) {
            /* The call overran and returned (above): never report a
             * tripped limit as success. */
            lua_pop(L, nresults == LUA_MULTRET ? 0 : nresults);
            lua_pushstring(L, lim->msg);
            status = LUA_ERRRUN;
        }
    }
    return status;
}

void lua_sandbox_close(struct scenario *sc)
{
    lua_limits *lim = &sc->lim;
    lim->tripped = LIMIT_NONE;
    lim->instr_count = 0;
    lim->instr_limit = 100000000;
    lim->time_limit = 1.0;
    lim->t_start = timer_now_coarse();
    lua_close(sc->L);
    sc->L = NULL;
}

void lua_sandbox_message(struct scenario *sc, int status, char *buf, size_t n)
{
    if (sc->lim.tripped != LIMIT_NONE)
        snprintf(buf, n, "%s", sc->lim.msg);
    else if (status == LUA_ERRMEM)
        snprintf(buf, n, "%s: out of memory", sc->path);
    else {
        const char *m = lua_tostring(sc->L, -1);
        snprintf(buf, n, "%s", m ? m : "(no error message)");
    }
}

/* ------------------------------------------------------------ require */

/* A plain module name: letters, digits, '_' and '-'; no path separator,
 * no dot (dots would map to folders). */
static int plain_module_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return 0;
    return 1;
}

static const struct embedded_script *find_embedded(const char *name)
{
    for (const struct embedded_script *e = lua_embedded_scripts; e->name; e++)
        if (strcmp(e->name, name) == 0)
            return e;
    return NULL;
}

/* Loads the embedded module `name` (pushes the chunk); 0 if none. */
static int load_embedded(lua_State *L, const char *name)
{
    const struct embedded_script *e = find_embedded(name);
    if (!e)
        return 0;
    lua_pushfstring(L, "@scripts/%s.lua", name);
    int st = luaL_loadbufferx(L, e->source, e->size, lua_tostring(L, -1), "t");
    lua_remove(L, -2);
    if (st != LUA_OK)
        lua_error(L);
    return 1;
}

/* The sandbox's require(name): cache, preload (csv), the embedded
 * scripts/ modules, then name.lua next to the scenario. */
static int sb_require(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    lua_settop(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);   /* 2: loaded */
    if (lua_getfield(L, 2, name) != LUA_TNIL)
        return 1;
    lua_pop(L, 1);
    if (!plain_module_name(name))
        return luaL_error(L, "require: '%s' is not a plain module name (letters, digits, '_', '-'; "
                             "modules live in scripts/ or next to the scenario)", name);
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_getfield(L, -1, name);
    lua_remove(L, -2);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        if (!load_embedded(L, name)) {
            struct scenario *sc = lua_scenario_of(L);
            /* Checked before anything opens it: a FIFO would block. */
            const char *given = lua_pushfstring(L, "%s.lua", name);
            const char *path = lua_confine_path(L, sc->dir, given, !sc->trusted, "require");
            struct stat st;
            if (stat(path, &st) != 0)
                return luaL_error(L, "require: module '%s' not found (not in scripts/, no file '%s')", name,
                                  path);
            /* Read once and listed in the manifest (lua_inputs.c). */
            if (lua_input_load(L, path, given, 0) != LUA_OK)
                return lua_error(L);
            lua_replace(L, -3);
            lua_pop(L, 1);
        }
    }
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, 2, name);
    return 1;
}

/* Trusted mode: a package.searchers entry for the embedded modules. */
static int embedded_searcher(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    if (!load_embedded(L, name)) {
        lua_pushfstring(L, "no embedded module '%s'", name);
        return 1;
    }
    lua_pushfstring(L, "scripts/%s.lua", name);
    return 2;
}

/* -------------------------------------------------- replaced functions */

static int no_math_random(lua_State *L)
{
    return luaL_error(L, "use sim:random() in hooks: scenarios must be reproducible");
}

/* load() of text chunks only: binary chunks can crash the VM. */
static int sb_load(lua_State *L)
{
    int n = lua_gettop(L);
    if (n >= 3 && !lua_isnil(L, 3) && strcmp(luaL_checkstring(L, 3), "t") != 0)
        return luaL_error(L, "load: only text chunks (mode 't') can be loaded in scenarios");
    /* Stack: chunk, chunkname, mode, [env]: load tells an absent env from
     * a nil one, so keep the argument count. */
    lua_settop(L, n >= 4 ? 4 : 3);
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* setmetatable without finalizers: Lua runs __gc metamethods with hooks
 * switched off (lgc.c, GCTM), so a __gc that loops would hang demob beyond
 * the reach of the instruction and wall-clock limits, at any allocation or
 * when the state closes. Scripts have no other way to get a finalizer. */
static int sb_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        int t = lua_rawget(L, 2);
        lua_pop(L, 1);
        if (t != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc metamethods are not allowed in scenarios (finalizers run "
                                 "outside the time and instruction limits)");
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int sb_collectgarbage(lua_State *L)
{
    const char *opt = luaL_optstring(L, 1, "collect");
    if (strcmp(opt, "count") != 0)
        return luaL_error(L, "collectgarbage: only \"count\" is allowed in scenarios (got \"%s\")", opt);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushliteral(L, "count");
    lua_call(L, 1, 1);
    return 1;
}

/* ------------------------------------------------------------ globals */

/* __newindex of the globals table: a new global is fine (scripts keep
 * helpers in globals), but not one that would hide a declaration. */
static int protect_newindex(lua_State *L)
{
    /* Stack: globals, key, value. Upvalue 1: the declarations. */
    if (lua_type(L, 2) == LUA_TSTRING) {
        lua_pushvalue(L, 2);
        if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
            return luaL_error(L, "cannot assign to '%s': it is a declaration function (use a local variable)",
                              lua_tostring(L, 2));
        lua_pop(L, 1);
    }
    lua_rawset(L, 1);
    return 0;
}

/* Copies fields of the table at src into the table at dst. */
static void copy_fields(lua_State *L, int src, int dst, const char *const *names)
{
    src = lua_absindex(L, src);
    dst = lua_absindex(L, dst);
    for (; *names; names++) {
        lua_getfield(L, src, *names);
        lua_setfield(L, dst, *names);
    }
}

static void open_lib(lua_State *L, const char *name, lua_CFunction open)
{
    luaL_requiref(L, name, open, 1);
    lua_pop(L, 1);
}

static void open_sandboxed(lua_State *L)
{
    static const char *const os_allowed[] = { "clock", "date", "time", NULL };
    open_lib(L, LUA_GNAME, luaopen_base);
    open_lib(L, LUA_TABLIBNAME, luaopen_table);
    open_lib(L, LUA_STRLIBNAME, luaopen_string);
    open_lib(L, LUA_MATHLIBNAME, luaopen_math);
    open_lib(L, LUA_UTF8LIBNAME, luaopen_utf8);
    open_lib(L, LUA_COLIBNAME, luaopen_coroutine);
    /* os: a fresh table with the harmless functions only. */
    lua_pushcfunction(L, luaopen_os);
    lua_call(L, 0, 1);
    lua_createtable(L, 0, 3);
    copy_fields(L, -2, -1, os_allowed);
    lua_setglobal(L, "os");
    lua_pop(L, 1);
    /* The loaded table lists only what scripts can see. */
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushnil(L);
    lua_setfield(L, -2, "os");
    lua_pop(L, 1);

    lua_pushglobaltable(L);
    lua_pushnil(L);
    lua_setfield(L, -2, "dofile");
    lua_pushnil(L);
    lua_setfield(L, -2, "loadfile");
    lua_getfield(L, -1, "load");
    lua_pushcclosure(L, sb_load, 1);
    lua_setfield(L, -2, "load");
    lua_getfield(L, -1, "collectgarbage");
    lua_pushcclosure(L, sb_collectgarbage, 1);
    lua_setfield(L, -2, "collectgarbage");
    lua_getfield(L, -1, "setmetatable");
    lua_pushcclosure(L, sb_setmetatable, 1);
    lua_setfield(L, -2, "setmetatable");
    lua_pushcfunction(L, sb_require);
    lua_setfield(L, -2, "require");
    lua_getglobal(L, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 2);
    /* require's preload table (csv lives there). */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pop(L, 1);
}

/* Trusted mode: package.searchers' entry for Lua files on package.path,
 * reading them through lua_input_read so that they are listed in the
 * manifest (and every load of the command gets the same bytes). */
static int path_searcher(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    struct scenario *sc = lua_scenario_of(L);
    lua_getglobal(L, LUA_LOADLIBNAME);
    lua_getfield(L, -1, "searchpath");
    lua_pushstring(L, name);
    lua_getfield(L, -3, "path");
    lua_call(L, 2, 2);
    if (lua_isnil(L, -2))
        return 1;   /* the message of searchpath */
    const char *file = lua_tostring(L, -2);
    size_t nd = strlen(sc->dir);
    const char *shown = strncmp(file, sc->dir, nd) == 0 && file[nd] == '/' ? file + nd + 1 : file;
    size_t size;
    const char *src = lua_input_read(L, file, shown, &size);
    lua_pushfstring(L, "@%s", file);
    if (luaL_loadbufferx(L, src, size, lua_tostring(L, -1), NULL) != LUA_OK)
        return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", name, file, lua_tostring(L, -1));
    lua_pushstring(L, file);
    return 2;
}

static void open_trusted(lua_State *L, struct scenario *sc)
{
    luaL_openlibs(L);
    /* package.searchers: preload, embedded scripts/, then the path. */
    lua_getglobal(L, LUA_LOADLIBNAME);
    lua_getfield(L, -1, "searchers");
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = n; i >= 2; i--) {
        lua_rawgeti(L, -1, i);
        lua_rawseti(L, -2, i + 1);
    }
    lua_pushcfunction(L, embedded_searcher);
    lua_rawseti(L, -2, 2);
    lua_pushcfunction(L, path_searcher);   /* in place of Lua's own */
    lua_rawseti(L, -2, 3);
    lua_pop(L, 1);
    /* The scenario's folder first, then LUA_PATH (read by luaopen_package). */
    lua_getfield(L, -1, "path");
    lua_pushfstring(L, "%s/?.lua;%s", sc->dir, lua_tostring(L, -1));
    lua_setfield(L, -3, "path");
    lua_pop(L, 2);
}

void lua_sandbox_open(lua_State *L, struct scenario *sc)
{
    int decls = lua_gettop(L);
    if (sc->trusted)
        open_trusted(L, sc);
    else
        open_sandboxed(L);

    /* Pattern functions that the limits can stop (lua_pattern.c), and
     * the loops in C charged to them (lua_charged.c). */
    lua_getglobal(L, LUA_STRLIBNAME);
    lua_pattern_open(L, lua_sandbox_charge);
    lua_pushnil(L);   /* every function of lua_pattern.c's table */
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_settable(L, -5);
    }
    lua_pop(L, 1);
    lua_charged_open(L);

    lua_getglobal(L, LUA_MATHLIBNAME);
    lua_pushcfunction(L, no_math_random);
    lua_setfield(L, -2, "random");
    lua_pushcfunction(L, no_math_random);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);

    /* csv: a global and require "csv". */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_demob_csv);
    lua_setfield(L, -2, "csv");
    lua_pop(L, 1);
    luaL_requiref(L, "csv", luaopen_demob_csv, 1);
    lua_pop(L, 1);

    /* The declarations: readable as globals through __index, protected
     * from assignment through __newindex. */
    lua_pushglobaltable(L);
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, decls);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, decls);
    lua_pushcclosure(L, protect_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    /* getmetatable(_G) must not reach this table: a script would remove
     * the protection (or add metamethods to the globals). */
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
}
