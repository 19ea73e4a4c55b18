/* json_flat.h - reads a JSON document (an output folder's manifest.json)
 * into a flat, ordered list of key/value strings: nested object members
 * get dotted keys ("params.flights"), arrays become one value with their
 * elements joined by spaces (an array of scalars also keeps its elements
 * one by one, so names holding spaces survive), strings are unescaped (\uXXXX to UTF-8),
 * numbers, true, false and null keep their JSON text. Enough to show a
 * manifest and look fields up; not a general JSON library. */
#ifndef DEMOB_JSON_FLAT_H
#define DEMOB_JSON_FLAT_H
#include <stddef.h>
#include "demob.h"

typedef struct jflat_entry {
    char *key;        /* dotted path */
    char *value;      /* text as described above */
    int is_string;    /* 1 when the JSON value was a string */
    char **items;     /* an array of scalars: its elements (else NULL) */
    size_t n_items;
} jflat_entry;

typedef struct jflat {
    jflat_entry *e;
    size_t n, cap;
} jflat;

/* Parses text (len bytes). The top level must be an object. On bad JSON
 * returns DEMOB_EINPUT with "name:line:col: message". out is owned by the
 * caller (jflat_free), also on failure. */
int jflat_parse(const char *name, const char *text, size_t len, jflat *out, demob_error *err);
/* Reads and parses a file (DEMOB_EINPUT if it cannot be read either). */
int jflat_load(const char *path, jflat *out, demob_error *err);
void jflat_free(jflat *j);
/* Value of key, or NULL. */
const char *jflat_get(const jflat *j, const char *key);
/* The entry of key, or NULL. */
const jflat_entry *jflat_find(const jflat *j, const char *key);
/* The value for people to read: numbers in at most 12 significant digits
 * (0.050000000000000003 -> 0.05), anything else as it is. Returns buf or
 * the value itself. */
const char *jflat_display(const jflat_entry *e, char *buf, size_t size);

#endif
