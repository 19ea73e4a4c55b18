/* model_names.c - the name indexes of a model under construction: origins,
 * tags, states, flows and params found by hashing, not by scanning, so
 * declaring n of them costs O(n), not O(n^2). The table does not own its
 * keys: they are the names the model keeps (strdup'ed once, never moved). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ^ (h >> 29);
}

int model_names_find(const model_names *t, const char *name)
{
    if (!t->cap)
        return -1;
    size_t mask = t->cap - 1;
    for (size_t i = hash_str(name) & mask;; i = (i + 1) & mask) {
        if (!t->keys[i])
            return -1;
        if (strcmp(t->keys[i], name) == 0)
            return t->vals[i];
    }
}

static void insert(const char **keys, int *vals, size_t cap, const char *key, int val)
{
    size_t mask = cap - 1, i = hash_str(key) & mask;
    while (keys[i])
        i = (i + 1) & mask;
    keys[i] = key;
    vals[i] = val;
}

int model_names_put(model_names *t, const char *name, int val)
{
    if ((t->n + 1) * 2 > t->cap) {   /* load at most 1/2 */
        size_t cap = t->cap ? t->cap * 2 : 16;
        const char **keys = calloc(cap, sizeof *keys);
        int *vals = malloc(cap * sizeof *vals);
        if (!keys || !vals) {
            free(keys);
            free(vals);
            return -1;
        }
        for (size_t i = 0; i < t->cap; i++)
            if (t->keys[i])
                insert(keys, vals, cap, t->keys[i], t->vals[i]);
        free(t->keys);
        free(t->vals);
        t->keys = keys;
        t->vals = vals;
        t->cap = cap;
    }
    insert(t->keys, t->vals, t->cap, name, val);
    t->n++;
    return 0;
}

void model_names_free(model_names *t)
{
    free(t->keys);
    free(t->vals);
    memset(t, 0, sizeof *t);
}
