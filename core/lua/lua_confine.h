/* lua_confine.h - the rule for files a sandboxed script names
 * (lua_confine.c). */
#ifndef DEMOB_LUA_CONFINE_H
#define DEMOB_LUA_CONFINE_H
#include <lua.h>

/* Does the path stay below its folder as text: relative, no "..", no
 * empty name ("a//b", "a/")? */
int lua_confine_relative(const char *p);
/* Pushes and returns the path to open for `given`, a file the script
 * names, relative to base (the scenario's folder). When confined (the
 * sandbox): relative without "..", inside base once symbolic links are
 * followed, and a regular file if it exists; otherwise raises "who: ..."
 * (lua_confine.c). */
const char *lua_confine_path(lua_State *L, const char *base, const char *given, int confined, const char *who);
/* The same for a path relative to base (e.g. the folder of the file whose
 * code names it, a base scenario of extends) that must stay inside root
 * (the scenario's folder). */
const char *lua_confine_path_from(lua_State *L, const char *root, const char *base, const char *given,
                                  int confined, const char *who);
#endif
