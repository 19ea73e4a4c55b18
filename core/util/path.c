/* path.c - file names (see path.h). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "path.h"

#define LUA_SUFFIX ".lua"

int path_kind(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    if (S_ISDIR(st.st_mode))
        return 1;
    return S_ISREG(st.st_mode) ? 2 : -1;
}

void path_join(char *buf, size_t size, const char *dir, const char *name)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    snprintf(buf, size, "%.*s/%s", (int)n, dir, name);
}

void path_basename(char *buf, size_t size, const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t s = n;
    while (s > 0 && path[s - 1] != '/')
        s--;
    snprintf(buf, size, "%.*s", (int)(n - s), path + s);
}

void path_stem(char *buf, size_t size, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t len = strlen(base), suffix = strlen(LUA_SUFFIX);
    if (len > suffix && strcmp(base + len - suffix, LUA_SUFFIX) == 0)
        len -= suffix;
    snprintf(buf, size, "%.*s", (int)len, base);
}
