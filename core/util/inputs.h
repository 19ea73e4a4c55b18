/* inputs.h - the "inputs" list of manifest.json: every file a scenario
 * read, one string "<sha256> <bytes> <name>" each (name relative to the
 * scenario's folder; the scenario itself by its file name). Parsing the
 * list back from a manifest and telling two lists apart, for `sweep
 * --resume`, `merge`, `compare` and `report`. */
#ifndef DEMOB_INPUTS_H
#define DEMOB_INPUTS_H
#include <stddef.h>

#include "json_flat.h"
#include "strbuf.h"

typedef struct inputs_file {
    const char *name;
    const char *sha256;           /* 64 hex digits (not NUL-terminated there) */
    size_t size;
} inputs_file;

/* Appends one item's text "<sha256> <bytes> <name>". */
void inputs_format_item(strbuf *b, const inputs_file *f);
/* Splits an item; 0, or -1 when it is not one. Points into item. */
int inputs_parse_item(const char *item, inputs_file *out);
/* The list of a parsed manifest (pointers into j; *out malloc'ed, free it).
 * Returns the count, 0 when the manifest has none (an older demob), -1
 * when an item is malformed or memory runs out. *present tells whether
 * the manifest has an "inputs" member at all. */
int inputs_from_manifest(const jflat *j, inputs_file **out, int *present);
/* Describes in buf the first difference between list a (before) and b
 * (now), matched by name: "'data/x.csv' changed (SHA-256 ab12.., 120
 * bytes, then cd34.., 121 bytes)", "'m.lua' is no longer read", "'m.lua'
 * is read now but was not before". Returns 1 if they differ, else 0. */
int inputs_differ(const inputs_file *a, int na, const inputs_file *b, int nb, char *buf, size_t n);
/* Every difference, one line each "  <description>\n", appended to out;
 * returns how many. */
int inputs_diff_lines(const inputs_file *a, int na, const inputs_file *b, int nb, strbuf *out);

/* inputs_diff_lines between the lists of two parsed manifests; -1 (and
 * nothing appended) when either has no list that can be read. */
int inputs_compare_manifests(const jflat *a, const jflat *b, strbuf *out);

#endif
