/* keytab.c - open addressing (linear probing) over a power-of-two slot
 * array; slots hold key numbers, keys live back to back in one arena with
 * an offset table, so a table of a million short keys costs a few
 * allocations, not a million. FNV-1a hashes are stored per key so growing
 * never rehashes the bytes. Load factor kept below 1/2. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keytab.h"

struct keytab {
    long *slots;          /* key number or -1 */
    size_t nslots;        /* power of two */
    size_t count;
    char *arena;          /* keys, each followed by a NUL */
    size_t arena_len, arena_cap;
    size_t *off;          /* start of key i in arena */
    size_t *len;          /* length of key i */
    uint64_t *hash;       /* hash of key i */
    size_t cap;           /* capacity of off/len/hash */
};

static uint64_t fnv1a(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    /* Final mix: FNV's low bits are weak for keys that differ only in
     * their last bytes (packed integers), and we index by the low bits. */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

keytab *keytab_new(void)
{
    keytab *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->nslots = 64;
    t->slots = malloc(t->nslots * sizeof *t->slots);
    if (!t->slots) {
        free(t);
        return NULL;
    }
    for (size_t i = 0; i < t->nslots; i++)
        t->slots[i] = -1;
    return t;
}

void keytab_free(keytab *t)
{
    if (!t)
        return;
    free(t->slots);
    free(t->arena);
    free(t->off);
    free(t->len);
    free(t->hash);
    free(t);
}

static long lookup(const keytab *t, const void *key, size_t len, uint64_t h, size_t *slot)
{
    size_t mask = t->nslots - 1;
    size_t i = (size_t)h & mask;
    for (;;) {
        long k = t->slots[i];
        if (k < 0) {
            *slot = i;
            return -1;
        }
        if (t->hash[k] == h && t->len[k] == len && memcmp(t->arena + t->off[k], key, len) == 0) {
            *slot = i;
            return k;
        }
        i = (i + 1) & mask;
    }
}

static int grow_slots(keytab *t)
{
    size_t n = t->nslots * 2;
    long *s = malloc(n * sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++)
        s[i] = -1;
    for (size_t k = 0; k < t->count; k++) {
        size_t i = (size_t)t->hash[k] & (n - 1);
        while (s[i] >= 0)
            i = (i + 1) & (n - 1);
        s[i] = (long)k;
    }
    free(t->slots);
    t->slots = s;
    t->nslots = n;
    return 0;
}

static int grow_keys(keytab *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    size_t *off = realloc(t->off, cap * sizeof *off);
    if (!off)
        return -1;
    t->off = off;
    size_t *len = realloc(t->len, cap * sizeof *len);
    if (!len)
        return -1;
    t->len = len;
    uint64_t *hash = realloc(t->hash, cap * sizeof *hash);
    if (!hash)
        return -1;
    t->hash = hash;
    t->cap = cap;
    return 0;
}

long keytab_intern(keytab *t, const void *key, size_t len, int *added)
{
    if (added)
        *added = 0;
    uint64_t h = fnv1a(key, len);
    size_t slot;
    long k = lookup(t, key, len, h, &slot);
    if (k >= 0)
        return k;
    if (t->count == t->cap && grow_keys(t) != 0)
        return -1;
    if (len + 1 > t->arena_cap - t->arena_len) {
        size_t cap = t->arena_cap ? t->arena_cap : 1024;
        while (len + 1 > cap - t->arena_len)
            cap *= 2;
        char *a = realloc(t->arena, cap);
        if (!a)
            return -1;
        t->arena = a;
        t->arena_cap = cap;
    }
    k = (long)t->count;
    t->off[k] = t->arena_len;
    t->len[k] = len;
    t->hash[k] = h;
    if (len)
        memcpy(t->arena + t->arena_len, key, len);
    t->arena[t->arena_len + len] = '\0';
    t->arena_len += len + 1;
    t->slots[slot] = k;
    t->count++;
    if (t->count * 2 > t->nslots && grow_slots(t) != 0) {
        /* The key is in; the table is just fuller than we like. Lookups
         * still terminate while at least one slot is empty. */
        if (t->count + 1 >= t->nslots)
            return -1;
    }
    if (added)
        *added = 1;
    return k;
}

long keytab_find(const keytab *t, const void *key, size_t len)
{
    size_t slot;
    return lookup(t, key, len, fnv1a(key, len), &slot);
}

size_t keytab_count(const keytab *t)
{
    return t->count;
}

const char *keytab_key(const keytab *t, size_t i, size_t *len)
{
    if (len)
        *len = t->len[i];
    return t->arena + t->off[i];
}

long keytab_intern_str(keytab *t, const char *s)
{
    return keytab_intern(t, s, strlen(s), NULL);
}

long keytab_find_str(const keytab *t, const char *s)
{
    return keytab_find(t, s, strlen(s));
}
