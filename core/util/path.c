/* path.c - file names and reading a whole file (see path.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

char *path_read_all(const char *path, size_t max, size_t *size, demob_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        demob_error_set(err, DEMOB_EINPUT, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
        if (n > max) {
            free(buf);
            fclose(f);
            demob_error_set(err, DEMOB_EINPUT, "'%s' is larger than the memory limit (%zu MiB)", path, max >> 20);
            return NULL;
        }
        if (n == cap) {
            char *b = cap > ((size_t)1 << 40) ? NULL : realloc(buf, cap * 2 + 1);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
    }
    int failed = ferror(f) ? errno : 0;
    fclose(f);
    if (!buf) {
        demob_error_set(err, DEMOB_ERUN, "'%s': out of memory reading it", path);
        return NULL;
    }
    if (failed) {
        free(buf);
        demob_error_set(err, DEMOB_EINPUT, "cannot open '%s': %s", path, strerror(failed));
        return NULL;
    }
    buf[n] = '\0';
    *size = n;
    return buf;
}
