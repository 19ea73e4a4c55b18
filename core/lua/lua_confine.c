/* lua_confine.c - the one rule for every file a sandboxed script can name
 * (require's modules, csv.read, sweep { points = PATH }; csv.open names
 * files of the output folder): a relative path without "..", whose real
 * path (symbolic links followed) stays inside the folder, naming a regular
 * file (a FIFO would block demob, a device never end). A refused file is
 * never opened, so no message can quote it. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>

#include "lua_confine.h"

int lua_confine_relative(const char *p)
{
    if (p[0] == '\0' || p[0] == '/')
        return 0;
    for (const char *s = p;;) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || (n == 2 && s[0] == '.' && s[1] == '.'))
            return 0;
        if (!e)
            return 1;
        s = e + 1;
    }
}

/* Is the real path of `path` inside the real path of `base`? A path that
 * does not exist is (its opener reports it missing). */
static int inside(const char *base, const char *path)
{
    char *real_base = realpath(base && base[0] ? base : ".", NULL);
    char *real_path = realpath(path, NULL);
    size_t nb = real_base ? strlen(real_base) : 0;
    int in = !real_path || (real_base && strncmp(real_path, real_base, nb) == 0 &&
                            (real_path[nb] == '/' || (nb == 1 && real_base[0] == '/')));
    free(real_base);
    free(real_path);
    return in;
}

const char *lua_confine_path(lua_State *L, const char *base, const char *given, int confined, const char *who)
{
    return lua_confine_path_from(L, base, base, given, confined, who);
}

const char *lua_confine_path_from(lua_State *L, const char *root, const char *base, const char *given,
                                  int confined, const char *who)
{
    if (confined && !lua_confine_relative(given))
        luaL_error(L, "%s: '%s' must be a relative path below the scenario's folder, without '..' (--trusted "
                      "lifts this)", who, given);
    const char *path;
    if (given[0] != '/' && base && base[0] && strcmp(base, ".") != 0) {
        size_t n = strlen(base);
        path = lua_pushfstring(L, "%s%s%s", base, base[n - 1] == '/' ? "" : "/", given);
    } else
        path = lua_pushstring(L, given);
    if (!confined)
        return path;
    if (!inside(root, path))
        luaL_error(L, "%s: '%s' leads out of the scenario's folder through a symbolic link (--trusted lifts "
                      "this)", who, given);
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        luaL_error(L, "%s: '%s' is not a regular file (a folder, FIFO or device)", who, given);
    return path;
}
