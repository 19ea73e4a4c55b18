/* keytab.h - a hash table that numbers byte-string keys 0, 1, 2, ... in the
 * order they are first seen. Callers keep their per-key data in their own
 * arrays indexed by that number; the table only owns copies of the keys.
 * Used to intern names (origins, states) and to index accumulators keyed
 * by (point, run, step, origin, item) without a fixed universe of keys.
 * Not thread-safe per table; no global state. */
#ifndef DEMOB_KEYTAB_H
#define DEMOB_KEYTAB_H
#include <stddef.h>

typedef struct keytab keytab;

keytab *keytab_new(void);
void keytab_free(keytab *t);   /* NULL is fine */

/* The key's number, inserting it when absent (*added = 1 then; added may
 * be NULL). -1 when memory runs out. */
long keytab_intern(keytab *t, const void *key, size_t len, int *added);
/* The key's number, or -1 when absent. */
long keytab_find(const keytab *t, const void *key, size_t len);
size_t keytab_count(const keytab *t);
/* The bytes of key number i (NUL-terminated copy; len may be NULL). */
const char *keytab_key(const keytab *t, size_t i, size_t *len);

/* Conveniences for NUL-terminated strings. */
long keytab_intern_str(keytab *t, const char *s);
long keytab_find_str(const keytab *t, const char *s);

#endif
