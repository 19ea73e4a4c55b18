/* lua_csv.c - the `csv` library of scenario scripts: csv.read over
 * csv_read.c, csv.open returning a writer over csv_write.c and
 * atomic_file.c (see lua_csv.h for what scripts see).
 *
 * C resources (a reader, a temporary file, a buffer) always sit inside a
 * userdata with a __gc before anything can raise, so a Lua error (a bad
 * row, the memory limit) in the middle never leaks them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "util/atomic_file.h"
#include "util/csv_read.h"
#include "util/csv_write.h"
#include "lua_confine.h"
#include "lua_csv.h"
#include "lua_priv.h"
#include "util/strbuf.h"
#include "sweep/sweep_journal.h"
#include "sweep/sweep_shared.h"

#define CSV_OUTDIR_KEY "demob.csv.outdir"
#define CSV_BASEDIR_KEY "demob.csv.basedir"
#define CSV_CONFINED_KEY "demob.csv.confined"
#define CSV_MEMLIMIT_KEY "demob.csv.memlimit"
#define CSV_RUNS_KEY "demob.csv.runs"
#define CSV_WRITER_META "demob.csvwriter"
#define CSV_READER_META "demob.csvreader"
/* Writers hand their buffer to the file in chunks of about this size. */
#define CSV_FLUSH_BYTES (64 * 1024)

/* ------------------------------------------------------------ folders */

/* Stored with a protected call: pushing a string can fail (memory limit)
 * and we are called from C, outside any pcall. */
static int csv_setkey(lua_State *L)
{
    const char *key = lua_touserdata(L, 1);
    const char *dir = lua_touserdata(L, 2);
    if (dir)
        lua_pushstring(L, dir);
    else
        lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, key);
    return 0;
}

static int csv_set_registry(lua_State *L, const char *key, const char *dir)
{
    lua_pushcfunction(L, csv_setkey);
    lua_pushlightuserdata(L, (void *)key);
    lua_pushlightuserdata(L, (void *)dir);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        lua_pop(L, 1);
        return -1;
    }
    return 0;
}

int lua_csv_set_output_dir(lua_State *L, const char *dir)
{
    return csv_set_registry(L, CSV_OUTDIR_KEY, dir);
}

int lua_csv_set_base_dir(lua_State *L, const char *dir)
{
    return csv_set_registry(L, CSV_BASEDIR_KEY, dir);
}

int lua_csv_set_memory_limit(lua_State *L, size_t bytes)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", bytes);
    return csv_set_registry(L, CSV_MEMLIMIT_KEY, bytes ? buf : NULL);
}

int lua_csv_confine_reads(lua_State *L, int on)
{
    return csv_set_registry(L, CSV_CONFINED_KEY, on ? "1" : NULL);
}

int lua_csv_gather_runs(lua_State *L, const char *refusal)
{
    return csv_set_registry(L, CSV_RUNS_KEY, refusal ? refusal : "");
}

/* The run whose hook is calling (sim.run), or 0 outside a run (the
 * script loading, or a plain state). Pushes nothing. */
static long csv_run_under_way(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, CSV_RUNS_KEY) == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    lua_pop(L, 1);
    const struct scenario *sc = lua_scenario_of(L);
    return sc && sc->call_sim ? demob_sim_run_index(sc->call_sim) : 0;
}

/* Raises "<where><prefix><msg>" as an I/O failure: the message itself is
 * kept under LUA_CSV_IOERROR_KEY, so the sandbox reports a failed run only
 * when that very error ends the call (one the script caught with pcall
 * does not turn a later script error into an I/O failure). */
static int csv_io_error(lua_State *L, const char *prefix, const char *msg)
{
    luaL_where(L, 1);
    lua_pushfstring(L, "%s%s", prefix, msg);
    lua_concat(L, 2);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, LUA_CSV_IOERROR_KEY);
    return lua_error(L);
}

/* -------------------------------------------------------------- read */

/* The reader lives in a userdata so that an error while the rows are
 * being built (the memory limit) still closes it. */
typedef struct csvreader_box {
    csv_reader *r;
} csvreader_box;

static int csv_reader_gc(lua_State *L)
{
    csvreader_box *b = luaL_checkudata(L, 1, CSV_READER_META);
    csvr_close(b->r);
    b->r = NULL;
    return 0;
}

/* Raises msg after closing the reader (so the file is not held open until
 * the next collection). */
static int csv_read_fail(lua_State *L, csvreader_box *b, const char *msg)
{
    csvr_close(b->r);
    b->r = NULL;
    return luaL_error(L, "%s", msg);
}

/* "12", "-7": integers as Lua integers; up to 18 digits always fit. */
static int csv_integer_text(const char *s, size_t n)
{
    size_t i = (n > 0 && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (n == i || n - i > 18)
        return 0;
    for (; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* "2,000", "-1,234,567.5": a number with thousands separators (a cell a
 * spreadsheet quoted), which would otherwise be read as text. */
static int csv_thousands_text(const char *s, size_t n)
{
    size_t i = (n > 0 && (s[0] == '-' || s[0] == '+')) ? 1 : 0, lead = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && lead < 4)
        i++, lead++;
    if (lead < 1 || lead > 3 || i >= n || s[i] != ',')
        return 0;
    while (i < n && s[i] == ',') {
        for (int k = 1; k <= 3; k++)
            if (i + (size_t)k >= n || s[i + k] < '0' || s[i + k] > '9')
                return 0;
        i += 4;
    }
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            ;
    return i == n;
}

static void csv_push_cell(lua_State *L, const csv_reader *r, size_t c)
{
    const char *s = csvr_field(r, c);
    size_t n = csvr_field_len(r, c);
    double v;
    if (csv_thousands_text(s, n)) {
        long line, col;
        csvr_field_pos(r, c, &line, &col);
        char plain[64];
        size_t k = 0;
        for (size_t i = 0; i < n && k + 1 < sizeof plain; i++)
            if (s[i] != ',')
                plain[k++] = s[i];
        plain[k] = '\0';
        luaL_error(L, "%s:%d: column '%s' (column %d): \"%s\" is a number written with thousands separators; "
                      "write %s (no separators, '.' for decimals)",
                   csvr_name(r), (int)line, csvr_colname(r, c), (int)c + 1, lua_pushlstring(L, s, n), plain);
    }
    if (csv_integer_text(s, n))
        lua_pushinteger(L, (lua_Integer)strtoll(s, NULL, 10));
    else if (csvr_number(r, c, &v, NULL) == 0)
        lua_pushnumber(L, (lua_Number)v);
    else
        lua_pushlstring(L, s, n);
}

const char *lua_csv_push_caller_dir(lua_State *L, const char *fallback)
{
    lua_Debug ar;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && ar.source[0] == '@') {
        const char *file = ar.source + 1;
        const char *slash = strrchr(file, '/');
        if (!slash)
            return lua_pushstring(L, ".");
        return lua_pushlstring(L, file, slash == file ? 1 : (size_t)(slash - file));
    }
    return lua_pushstring(L, fallback ? fallback : ".");
}

/* csv.read(path) -> records, header */
static int csv_read(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    /* Sandboxed scripts read only below their own folder: otherwise a
     * shared scenario could copy ~/.aws/credentials (a valid one-column
     * CSV) into the outputs its author asks to get back. */
    int confined = lua_getfield(L, LUA_REGISTRYINDEX, CSV_CONFINED_KEY) != LUA_TNIL;
    lua_pop(L, 1);
    const char *given = path;
    lua_getfield(L, LUA_REGISTRYINDEX, CSV_BASEDIR_KEY);
    const char *base = lua_tostring(L, -1);
    /* Relative to the file whose code calls csv.read (a scenario another
     * extends reads its own data), else to the scenario's folder; inside
     * the scenario's folder either way. */
    const char *dir = lua_csv_push_caller_dir(L, base);
    path = lua_confine_path_from(L, base, dir, given, confined, "csv.read");
    csvreader_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->r = NULL;
    luaL_setmetatable(L, CSV_READER_META);

    demob_error err = {0};
    size_t size;
    /* listed in the manifest relative to the scenario's folder */
    size_t bl = base && strcmp(base, ".") != 0 ? strlen(base) : 0;
    const char *name = bl == 0 ? path : strncmp(path, base, bl) == 0 && path[bl] == '/' ? path + bl + 1 : given;
    if (name[0] == '.' && name[1] == '/')
        name += 2;
    const char *data = lua_input_read(L, path, name, &size);
    b->r = csvr_open_mem(path, data, size, &err);
    if (!b->r)
        return luaL_error(L, "%s", err.message);
    /* The reader's buffers and the file's bytes are outside the Lua
     * allocator: a record may take what the memory limit leaves. */
    lua_getfield(L, LUA_REGISTRYINDEX, CSV_MEMLIMIT_KEY);
    if (lua_isstring(L, -1)) {
        size_t limit = (size_t)strtoull(lua_tostring(L, -1), NULL, 10);
        size_t used = (size_t)lua_gc(L, LUA_GCCOUNT) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB) + size;
        char why[64];
        snprintf(why, sizeof why, "the memory limit of %zu MiB", limit >> 20);
        csvr_set_max_record(b->r, used < limit ? limit - used : 0, why);
    }
    lua_pop(L, 1);
    size_t ncols = csvr_ncols(b->r);
    for (size_t c = 0; c < ncols; c++)
        if (strchr(csvr_colname(b->r, c), ';')) {
            lua_pushfstring(L, "%s:1: the columns are separated by ';', not ',' (a spreadsheet export with a "
                               "European locale?): save the file as CSV with ',' as the field separator and '.' "
                               "for decimals", csvr_name(b->r));
            return csv_read_fail(L, b, lua_tostring(L, -1));
        }
    luaL_checkstack(L, (int)ncols + 8, "too many columns");
    lua_createtable(L, (int)ncols, 0);   /* header */
    int header = lua_gettop(L);
    for (size_t c = 0; c < ncols; c++) {
        lua_pushstring(L, csvr_colname(b->r, c));
        lua_rawseti(L, header, (lua_Integer)c + 1);
    }
    lua_newtable(L);                     /* records */
    int records = lua_gettop(L);
    lua_Integer n = 0;
    int rc;
    while ((rc = csvr_next(b->r, &err)) == 1) {
        lua_createtable(L, 0, (int)ncols);
        for (size_t c = 0; c < ncols; c++) {
            /* Stack: ..., record */
            lua_rawgeti(L, header, (lua_Integer)c + 1);
            csv_push_cell(L, b->r, c);
            lua_rawset(L, -3);
        }
        lua_rawseti(L, records, ++n);
    }
    if (rc < 0)
        return csv_read_fail(L, b, err.message);
    csvr_close(b->r);
    b->r = NULL;
    /* Stack: ..., box, header, records */
    lua_pushvalue(L, header);
    return 2;
}

/* ------------------------------------------------------------- write */

typedef struct csvwriter {
    atomic_file *f;      /* NULL once closed or aborted */
    strbuf buf;
    int ncols;
    int closed;          /* close() was called (or creation failed) */
    long run;            /* the run it was opened in (sim.run), 0 outside runs */
} csvwriter;

/* User values of the writer: 1 = array of column names, 2 = map name ->
 * column index. */
#define CSV_UV_NAMES 1
#define CSV_UV_INDEX 2
#define CSV_UV_PATH 3    /* the path csv.open was given */

static csvwriter *tocsvwriter(lua_State *L)
{
    csvwriter *w = luaL_checkudata(L, 1, CSV_WRITER_META);
    if (w->closed)
        luaL_error(L, "attempt to use a closed csv writer");
    return w;
}

/* Frees everything; an unclosed file is aborted (no partial output). */
static void csv_writer_release(csvwriter *w)
{
    atomic_abort(w->f);
    w->f = NULL;
    strbuf_free(&w->buf);
    w->closed = 1;
}

/* __gc and __close: a writer that was not closed leaves nothing. */
static int csv_writer_gc(lua_State *L)
{
    csvwriter *w = luaL_checkudata(L, 1, CSV_WRITER_META);
    csv_writer_release(w);
    return 0;
}

static int csv_writer_tostring(lua_State *L)
{
    csvwriter *w = luaL_checkudata(L, 1, CSV_WRITER_META);
    if (w->f)
        lua_pushfstring(L, "csv writer (%s)", atomic_path(w->f));
    else
        lua_pushliteral(L, "csv writer (closed)");
    return 1;
}

/* Hands the buffer to the file once it is big enough (or always, when
 * force); raises after aborting the file on failure. */
static void csv_writer_flush(lua_State *L, csvwriter *w, int force)
{
    if (w->buf.failed) {
        csv_writer_release(w);
        luaL_error(L, "csv writer: out of memory");
    }
    if (w->buf.len == 0 || (!force && w->buf.len < CSV_FLUSH_BYTES))
        return;
    demob_error err = {0};
    if (atomic_write(w->f, w->buf.data, w->buf.len, &err) != 0) {
        csv_writer_release(w);
        csv_io_error(L, "", err.message);
    }
    strbuf_clear(&w->buf);
}

/* Checks that the value on top of the stack can be a cell of column c. */
static void csv_writer_check(lua_State *L, int c)
{
    int t = lua_type(L, -1);
    if (t == LUA_TNUMBER || t == LUA_TBOOLEAN)
        return;
    if (t == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, -1, &n);
        if (strlen(s) == n)
            return;
    }
    lua_getiuservalue(L, 1, CSV_UV_NAMES);
    lua_rawgeti(L, -1, c + 1);
    /* Stack: ..., value, names, name */
    const char *what = t == LUA_TNIL      ? "no value"
                       : t == LUA_TSTRING ? "a string with a NUL byte"
                                          : luaL_typename(L, -3);
    luaL_argerror(L, 2, lua_pushfstring(L, "%s for column '%s' (a number, string or boolean "
                                           "expected)",
                                        what, lua_tostring(L, -1)));
}

/* Appends the (checked) value at idx as field c. */
static void csv_writer_field(lua_State *L, csvwriter *w, int idx, int c)
{
    int first = c == 0;
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            csvw_i64(&w->buf, first, (int64_t)lua_tointeger(L, idx));
        else
            csvw_f64(&w->buf, first, (double)lua_tonumber(L, idx));
        break;
    case LUA_TBOOLEAN:
        csvw_str(&w->buf, first, lua_toboolean(L, idx) ? "true" : "false");
        break;
    default:
        csvw_str(&w->buf, first, lua_tostring(L, idx));
        break;
    }
}

/* w:row{...}: values by position (t[1], t[2], ...) or by column name.
 * Everything is checked before anything is written, so a bad row raises
 * and leaves the file as it was. */
static int csv_writer_row(lua_State *L)
{
    csvwriter *w = tocsvwriter(L);
    /* A writer the script opened while loading writes its file itself when
     * it closes, once per load (and most scripts with hooks load once per
     * run): rows from runs would give the file of whichever run closed it
     * last, which depends on -j. */
    long run = w->run == 0 ? csv_run_under_way(L) : 0;
    if (run > 0) {
        lua_getiuservalue(L, 1, CSV_UV_PATH);
        return luaL_error(L, "csv.open(\"%s\"): a writer opened while the script loads takes no rows in a run "
                             "(run %d): open it in the run, and the runs' rows are joined into one file",
                          lua_tostring(L, -1), (int)run);
    }
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    lua_getiuservalue(L, 1, CSV_UV_NAMES);
    lua_getiuservalue(L, 1, CSV_UV_INDEX);
    /* Stack: w, t, names, index */
    /* Every key must name a column: a typo must not silently become an
     * empty cell somewhere. */
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        lua_pop(L, 1);
        int ok = 0;
        if (lua_isinteger(L, -1)) {
            lua_Integer k = lua_tointeger(L, -1);
            ok = k >= 1 && k <= w->ncols;
        } else if (lua_type(L, -1) == LUA_TSTRING) {
            lua_pushvalue(L, -1);
            ok = lua_rawget(L, 4) != LUA_TNIL;
            lua_pop(L, 1);
        }
        if (!ok) {
            luaL_tolstring(L, -1, NULL);
            return luaL_argerror(L, 2, lua_pushfstring(L, "no column '%s' (the writer has %d)",
                                                       lua_tostring(L, -1), w->ncols));
        }
    }
    luaL_checkstack(L, w->ncols + 4, "too many columns");
    for (int c = 0; c < w->ncols; c++) {
        int byposition = lua_rawgeti(L, 2, c + 1) != LUA_TNIL;
        lua_rawgeti(L, 3, c + 1);
        int byname = lua_rawget(L, 2) != LUA_TNIL;
        if (byposition && byname) {
            lua_rawgeti(L, 3, c + 1);
            return luaL_argerror(L, 2, lua_pushfstring(L, "column '%s' given both by position "
                                                          "and by name",
                                                       lua_tostring(L, -1)));
        }
        /* Stack: ..., by position, by name: keep the one that is there. */
        if (byposition)
            lua_pop(L, 1);
        else
            lua_remove(L, -2);
        csv_writer_check(L, c);
    }
    /* Stack: w, t, names, index, value 1 .. value ncols */
    for (int c = 0; c < w->ncols; c++)
        csv_writer_field(L, w, 5 + c, c);
    csvw_end(&w->buf);
    csv_writer_flush(L, w, 0);
    return 0;
}

/* w:close(): writes what is left and commits the file atomically. */
static int csv_writer_close(lua_State *L)
{
    csvwriter *w = tocsvwriter(L);
    csv_writer_flush(L, w, 1);
    demob_error err = {0};
    atomic_file *f = w->f;
    w->f = NULL;                       /* commit frees it, success or not */
    int rc = atomic_commit(f, &err);
    csv_writer_release(w);
    if (rc != 0)
        return csv_io_error(L, "", err.message);
    lua_pushboolean(L, 1);
    return 1;
}

/* No hidden files or folders (no component starting with '.') and a
 * name ending in ".csv": with `-o ~` or `-o .`, a script could otherwise
 * replace .bashrc or .ssh/authorized_keys with lines of its choosing, or
 * a Makefile, since a header or a row without commas is written as is. */
static int csv_plain_path(const char *p)
{
    size_t n = strlen(p);
    if (n <= 4 || strcmp(p + n - 4, ".csv") != 0)
        return 0;
    if (p[0] == '.')
        return 0;
    for (const char *s = strchr(p, '/'); s; s = strchr(s + 1, '/'))
        if (s[1] == '.')
            return 0;
    return 1;
}

/* Does the first name of the path (the file, or its top folder) belong to
 * demob's own files in an output folder? The run's commit would replace
 * the script's file, or fail on a folder of that name. */
static int reserved_name(const char *path)
{
    size_t n = strcspn(path, "/");
    for (int f = 0; f < SW_NFILES; f++)
        if (strlen(sweep_shared_file_names[f]) == n && strncmp(path, sweep_shared_file_names[f], n) == 0)
            return 1;
    /* and run's and fit's own files, and the sweep's list of inputs */
    static const char *const others[] = {"sensitivity.csv", "manifest.json", SJ_JOURNAL_NAME, SJ_SCRATCH_NAME,
                                         "quantiles.csv", "outcomes.csv", "constraints.csv", "estimates.csv",
                                         "fitted.csv", "posterior.csv", "sweep.inputs", NULL};
    for (const char *const *o = others; *o; o++)
        if (strlen(*o) == n && strncmp(path, *o, n) == 0)
            return 1;
    return n > 8 && strncmp(path + n - 8, ".partial", 8) == 0;
}

/* csv.open(path, header) -> writer */
static int csv_open(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer ncols = luaL_len(L, 2);
    luaL_argcheck(L, ncols >= 1, 2, "the header needs at least one column name");
    luaL_argcheck(L, ncols <= 100000, 2, "too many columns");
    if (!lua_confine_relative(path))
        return luaL_error(L, "csv.open: '%s' must be a relative path inside the output folder",
                          path);
    if (!csv_plain_path(path))
        return luaL_error(L, "csv.open: '%s' must name a .csv file, and no file or folder name may "
                             "start with '.'", path);
    if (reserved_name(path))
        return luaL_error(L, "csv.open: '%s' would take the place of a file demob writes in the output folder",
                          path);
    lua_getfield(L, LUA_REGISTRYINDEX, CSV_OUTDIR_KEY);
    const char *outdir = lua_tostring(L, -1);
    if (!outdir)
        return luaL_error(L, "csv.open: writing files is not allowed here (no output folder)");
    /* In a run, the file is the run's piece of the one file all runs
     * write under this name, gathered in run order once every run is
     * done (lua_csv_gather.c). */
    long run = csv_run_under_way(L);
    if (run > 0) {
        lua_getfield(L, LUA_REGISTRYINDEX, CSV_RUNS_KEY);
        const char *refusal = lua_tostring(L, -1);
        if (refusal && *refusal)
            return luaL_error(L, "csv.open: '%s' opened in a run: %s", path, refusal);
        lua_pop(L, 1);
    }
    const char *full = run > 0 ? lua_pushfstring(L, "%s/" LUA_CSV_PIECES "/%I/%s", outdir, (lua_Integer)run, path)
                               : lua_pushfstring(L, "%s/%s", outdir, path);

    /* The writer exists, in a safe state, before anything can fail. */
    csvwriter *w = lua_newuserdatauv(L, sizeof *w, 3);
    w->f = NULL;
    w->run = run;
    strbuf_init(&w->buf);
    w->ncols = (int)ncols;
    w->closed = 1;
    luaL_setmetatable(L, CSV_WRITER_META);
    int wi = lua_gettop(L);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, wi, CSV_UV_PATH);

    /* Column names: copied, checked, indexed. */
    lua_createtable(L, (int)ncols, 0);
    lua_createtable(L, 0, (int)ncols);
    /* Stack: ..., w, names, index */
    for (lua_Integer c = 1; c <= ncols; c++) {
        if (lua_rawgeti(L, 2, c) != LUA_TSTRING || lua_rawlen(L, -1) == 0)
            return luaL_argerror(L, 2, lua_pushfstring(L, "column %d of the header must be a "
                                                          "non-empty string", (int)c));
        /* Stack: ..., w, names, index, name */
        const char *name = lua_tostring(L, -1);
        luaL_argcheck(L, strlen(name) == lua_rawlen(L, -1), 2,
                      "a column name contains a NUL byte");
        lua_pushvalue(L, -1);
        if (lua_rawget(L, wi + 2) != LUA_TNIL)
            return luaL_argerror(L, 2, lua_pushfstring(L, "duplicate column '%s'", name));
        lua_pop(L, 1);
        csvw_str(&w->buf, c == 1, name);
        lua_pushvalue(L, -1);
        lua_rawseti(L, wi + 1, c);
        lua_pushinteger(L, c);
        lua_rawset(L, wi + 2);
    }
    lua_setiuservalue(L, wi, CSV_UV_INDEX);
    lua_setiuservalue(L, wi, CSV_UV_NAMES);
    csvw_end(&w->buf);

    /* Subfolders of the output folder are created on demand. */
    demob_error err = {0};
    const char *slash = strrchr(full, '/');
    lua_pushlstring(L, full, (size_t)(slash - full));
    if (atomic_make_dirs(lua_tostring(L, -1), &err) != 0)
        return csv_io_error(L, "csv.open: ", err.message);
    lua_pop(L, 1);
    w->f = atomic_open(full, &err);
    if (!w->f)
        return csv_io_error(L, "csv.open: ", err.message);
    w->closed = 0;
    lua_settop(L, wi);
    return 1;
}

/* ------------------------------------------------------------ library */

static const luaL_Reg csv_funcs[] = {
    {"open", csv_open},
    {"read", csv_read},
    {NULL, NULL},
};

static const luaL_Reg csv_writer_methods[] = {
    {"close", csv_writer_close},
    {"row", csv_writer_row},
    {NULL, NULL},
};

static const luaL_Reg csv_writer_metamethods[] = {
    {"__close", csv_writer_gc},
    {"__gc", csv_writer_gc},
    {"__index", NULL},   /* set below to the methods table */
    {"__tostring", csv_writer_tostring},
    {NULL, NULL},
};

static void csv_createmeta(lua_State *L)
{
    luaL_newmetatable(L, CSV_WRITER_META);
    luaL_setfuncs(L, csv_writer_metamethods, 0);
    luaL_newlibtable(L, csv_writer_methods);
    luaL_setfuncs(L, csv_writer_methods, 0);
    lua_setfield(L, -2, "__index");
    /* getmetatable(writer) gives a string, not the table: a script that
     * could reach it would replace __gc (leaving the .tmp file behind) or
     * hand the metatable to its own objects. */
    lua_pushliteral(L, "csv writer");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);

    luaL_newmetatable(L, CSV_READER_META);
    lua_pushcfunction(L, csv_reader_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushliteral(L, "csv reader");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

int luaopen_demob_csv(lua_State *L)
{
    luaL_newlib(L, csv_funcs);
    csv_createmeta(L);
    return 1;
}
