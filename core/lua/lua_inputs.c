/* lua_inputs.c - the files a scenario read (the script, modules found
 * through require, csv.read files, a sweep's points file, ...): each read
 * from disk once, kept in memory with its SHA-256 and size. The list goes
 * into manifest.json (scenario_inputs), and every later load of the same
 * scenario (one per worker thread, one per run: lua_runner_hooks.c) reads
 * the kept bytes, so every run of a command sees exactly the files the
 * manifest names, even when one changes on disk meanwhile.
 *
 * The store belongs to the first load and is shared, read and extended
 * under a mutex, by the loads made from it (worker threads). A file's
 * bytes never move or go before the store does. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_priv.h"
#include "util/path.h"
#include "util/sha256.h"

typedef struct input_file {
    char *name;          /* relative to the scenario's folder, or as given */
    char *path;          /* as opened                                      */
    char *data;
    size_t size;
    char sha256[65];
} input_file;

struct lua_input_store {
    pthread_mutex_t lock;
    input_file *v;
    int n, cap;
    size_t max_bytes;       /* a file larger than this is refused        */
    manifest_input *view;   /* scenario_inputs: sorted, the script first */
    int n_view;
};

lua_input_store *lua_inputs_new(size_t max_bytes)
{
    lua_input_store *s = calloc(1, sizeof *s);
    if (s) {
        pthread_mutex_init(&s->lock, NULL);
        s->max_bytes = max_bytes;
    }
    return s;
}

void lua_inputs_free(lua_input_store *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n; i++) {
        free(s->v[i].name);
        free(s->v[i].path);
        free(s->v[i].data);
    }
    free(s->v);
    free(s->view);
    pthread_mutex_destroy(&s->lock);
    free(s);
}


static input_file *find(lua_input_store *s, const char *path)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->v[i].path, path) == 0)
            return &s->v[i];
    return NULL;
}

int lua_inputs_read(lua_input_store *s, const char *path, const char *name, const char **data, size_t *size,
                    demob_error *err)
{
    pthread_mutex_lock(&s->lock);
    input_file *f = find(s, path);
    int rc = 0;
    if (!f) {
        size_t n = 0;
        char *bytes = path_read_all(path, s->max_bytes, &n, err);
        if (!bytes) {
            rc = err && err->status ? err->status : DEMOB_EINPUT;
        } else if (s->n == s->cap) {
            int cap = s->cap ? s->cap * 2 : 8;
            input_file *v = realloc(s->v, (size_t)cap * sizeof *v);
            if (v) {
                s->v = v;
                s->cap = cap;
            }
        }
        if (bytes && s->n < s->cap) {
            f = &s->v[s->n];
            f->name = strdup(name ? name : path);
            f->path = strdup(path);
            f->data = bytes;
            f->size = n;
            if (!f->name || !f->path) {
                free(f->name);
                free(f->path);
                f = NULL;
            } else {
                sha256_data_hex(bytes, n, f->sha256);
                s->n++;
            }
        }
        if (bytes && !f) {
            free(bytes);
            rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
        }
    }
    if (f) {
        *data = f->data;
        *size = f->size;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    const manifest_input *x = a, *y = b;
    return strcmp(x->name, y->name);
}

int lua_inputs_list(lua_input_store *s, const manifest_input **out)
{
    pthread_mutex_lock(&s->lock);
    free(s->view);
    s->view = calloc((size_t)s->n + 1, sizeof *s->view);
    s->n_view = s->view ? s->n : 0;
    for (int i = 0; i < s->n_view; i++) {
        s->view[i].name = s->v[i].name;
        s->view[i].sha256 = s->v[i].sha256;
        s->view[i].size = s->v[i].size;
    }
    /* The script (read first) leads; the others by name, so the list does
     * not depend on which run read a file first. */
    if (s->n_view > 2)
        qsort(s->view + 1, (size_t)s->n_view - 1, sizeof *s->view, by_name);
    *out = s->view;
    int n = s->n_view;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* ------------------------------------------------------------- for Lua */

#define INPUTS_KEY "demob.inputs"

void lua_inputs_attach(lua_State *L, lua_input_store *s)
{
    lua_pushlightuserdata(L, s);
    lua_setfield(L, LUA_REGISTRYINDEX, INPUTS_KEY);
}

const char *lua_input_read(lua_State *L, const char *path, const char *name, size_t *size)
{
    lua_getfield(L, LUA_REGISTRYINDEX, INPUTS_KEY);
    lua_input_store *s = lua_touserdata(L, -1);
    lua_pop(L, 1);
    demob_error err = {0};
    if (!s) {
        /* A plain state (no scenario): read the file into a Lua string. */
        char *bytes = path_read_all(path, (size_t)-1 / 4, size, &err);
        if (!bytes) {
            luaL_error(L, "%s", err.message);
            return NULL;
        }
        lua_pushlstring(L, bytes, *size);
        free(bytes);
        lua_setfield(L, LUA_REGISTRYINDEX, "demob.inputs.last");
        lua_getfield(L, LUA_REGISTRYINDEX, "demob.inputs.last");
        const char *d = lua_tostring(L, -1);
        lua_pop(L, 1);   /* kept alive by the registry until the next read */
        return d;
    }
    const char *data = NULL;
    if (lua_inputs_read(s, path, name, &data, size, &err) != 0) {
        luaL_error(L, "%s", err.message);
        return NULL;
    }
    return data;
}

int lua_input_load(lua_State *L, const char *path, const char *name, int trusted)
{
    size_t size;
    const char *src = lua_input_read(L, path, name, &size);
    /* As luaL_loadfilex: a UTF-8 BOM and a first line starting with '#'
     * are skipped (the line's end is kept, so line numbers stay). */
    if (size >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0) {
        src += 3;
        size -= 3;
    }
    if (size > 0 && src[0] == '#') {
        const char *nl = memchr(src, '\n', size);
        size -= nl ? (size_t)(nl - src) : size;
        src = nl ? nl : src + size;
    }
    lua_pushfstring(L, "@%s", path);
    int rc = luaL_loadbufferx(L, src, size, lua_tostring(L, -1), trusted ? NULL : "t");
    lua_remove(L, -2);
    return rc;
}

/* ----------------------------------------------------- scenario.h side */

int scenario_inputs(scenario *sc, const manifest_input **out)
{
    *out = NULL;
    return sc->inputs ? lua_inputs_list(sc->inputs, out) : 0;
}

int scenario_input_read(scenario *sc, const char *path, const char *name, const char **data, size_t *size,
                        demob_error *err)
{
    return lua_inputs_read(sc->inputs, path, name, data, size, err);
}
