/* lua_csv.h - the `csv` module of scenario scripts (lua_csv.c).
 *
 *   local rows, header = csv.read("caseload.csv")
 *       -- rows[i].origin, rows[i].count: cells that are numbers come back
 *       -- as numbers (integers when written as integers), others as strings.
 *   local w = csv.open("custom/peaks.csv", { "origin", "peak" })
 *   w:row { "Sudan", 3000 }              -- by position
 *   w:row { origin = "Chad", peak = 2000 } -- or by column name
 *   w:close()                            -- commits the file atomically
 *
 * csv.read raises "path:line:col: message" on any failure (a missing file:
 * "cannot open 'x.csv': No such file or directory"); relative paths are
 * taken from the base folder (the scenario file's folder) when one is set.
 * csv.open only writes relative paths without ".." under the output
 * folder; with no output folder set, it refuses. A writer that is never
 * closed (garbage-collected, or a to-be-closed variable going out of scope)
 * is aborted: nothing appears at its path.
 *
 * In a run of a scenario (a hook of a state where lua_csv_gather_runs was
 * called), a writer writes the run's piece instead, "<output
 * folder>/" LUA_CSV_PIECES "/<run>/<path>" (a run that opens one name
 * again replaces its piece); scenario_csv_prepare (lua_csv_gather.c)
 * joins the pieces into the files once every run is done.
 *
 * Both folders live in the Lua registry of the state, so several states
 * (one per worker thread) never share anything. The strings are copied. */
#ifndef DEMOB_LUA_CSV_H
#define DEMOB_LUA_CSV_H
#include <lua.h>

/* Registry key set just before raising a failure of the world while
 * writing (a full disk, a folder that cannot be created), so that
 * lua_sandbox_pcall can report a failed run (exit 1) rather than a script
 * error (exit 2). */
#define LUA_CSV_IOERROR_KEY "demob.csv.ioerror"

/* The folder of the runs' pieces, inside the output folder (hidden: no
 * script can name it). */
#define LUA_CSV_PIECES ".demob-csv"

/* Pushes the module table; for luaL_requiref(L, "csv", luaopen_demob_csv, 1). */
int luaopen_demob_csv(lua_State *L);
/* Where csv.open writes; NULL forbids writing. Returns 0, or -1 when the
 * state is out of memory. Safe to call outside a protected call. */
int lua_csv_set_output_dir(lua_State *L, const char *dir);
/* Folder against which csv.read resolves relative paths; NULL: the
 * current directory. Returns 0 or -1 like lua_csv_set_output_dir. */
int lua_csv_set_base_dir(lua_State *L, const char *dir);
/* The state's memory limit: a record csv.read reads may take at most what
 * is left of it. 0: no limit. Returns 0 or -1 like the setters above. */
int lua_csv_set_memory_limit(lua_State *L, size_t bytes);
/* With on, csv.read accepts only relative paths without ".." (below the
 * base folder): the sandbox. Returns 0 or -1 like the setters above. */
int lua_csv_confine_reads(lua_State *L, int on);

/* Makes csv.open in a run (during a hook call of the state's scenario)
 * write the run's piece (refusal NULL), or refuse with "csv.open: 'x.csv'
 * opened in a run: <refusal>". Without this call, csv.open writes the file
 * itself, in a run or not. Returns 0 or -1 like the setters above. */
int lua_csv_gather_runs(lua_State *L, const char *refusal);

/* Pushes the folder of the Lua file whose code called the running C
 * function (from its chunk name "@path"), or fallback when the caller is
 * not a file (a module built in). Returns the string pushed. */
const char *lua_csv_push_caller_dir(lua_State *L, const char *fallback);

#endif
