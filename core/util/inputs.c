/* inputs.c - the "inputs" list of manifest.json (see inputs.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inputs.h"

void inputs_format_item(strbuf *b, const inputs_file *f)
{
    strbuf_printf(b, "%.64s %zu ", f->sha256, f->size);
    strbuf_puts(b, f->name);
}

int inputs_parse_item(const char *item, inputs_file *out)
{
    const char *sp = strchr(item, ' ');
    if (!sp || sp - item != 64)
        return -1;
    for (const char *p = item; p < sp; p++)
        if (!strchr("0123456789abcdef", *p))
            return -1;
    if (sp[1] < '0' || sp[1] > '9')
        return -1;
    char *end;
    unsigned long long size = strtoull(sp + 1, &end, 10);
    if (*end != ' ' || !end[1])
        return -1;
    out->sha256 = item;
    out->size = (size_t)size;
    out->name = end + 1;
    return 0;
}

int inputs_from_manifest(const jflat *j, inputs_file **out, int *present)
{
    *out = NULL;
    const jflat_entry *e = jflat_find(j, "inputs");
    *present = e != NULL;
    if (!e || e->n_items == 0)
        return 0;
    inputs_file *v = calloc(e->n_items, sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < e->n_items; i++)
        if (inputs_parse_item(e->items[i], &v[i]) != 0) {
            free(v);
            return -1;
        }
    *out = v;
    return (int)e->n_items;
}

static const inputs_file *named(const inputs_file *v, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(v[i].name, name) == 0)
            return &v[i];
    return NULL;
}

/* The k-th difference (0-based) in buf; 1 if there is one. */
static int nth_difference(const inputs_file *a, int na, const inputs_file *b, int nb, int k, char *buf, size_t n)
{
    for (int i = 0; i < na; i++) {
        const inputs_file *o = named(b, nb, a[i].name);
        if (!o) {
            if (k-- == 0) {
                snprintf(buf, n, "'%s' is no longer read", a[i].name);
                return 1;
            }
        } else if (strncmp(a[i].sha256, o->sha256, 64) != 0 || a[i].size != o->size) {
            if (k-- == 0) {
                snprintf(buf, n, "'%s' changed (SHA-256 %.12s, %zu bytes, then %.12s, %zu bytes)", a[i].name,
                         a[i].sha256, a[i].size, o->sha256, o->size);
                return 1;
            }
        }
    }
    for (int i = 0; i < nb; i++)
        if (!named(a, na, b[i].name) && k-- == 0) {
            snprintf(buf, n, "'%s' is read now but was not before", b[i].name);
            return 1;
        }
    return 0;
}

int inputs_differ(const inputs_file *a, int na, const inputs_file *b, int nb, char *buf, size_t n)
{
    return nth_difference(a, na, b, nb, 0, buf, n);
}

int inputs_diff_lines(const inputs_file *a, int na, const inputs_file *b, int nb, strbuf *out)
{
    char line[1200];
    int k = 0;
    while (nth_difference(a, na, b, nb, k, line, sizeof line)) {
        strbuf_printf(out, "  %s\n", line);
        k++;
    }
    return k;
}

int inputs_compare_manifests(const jflat *a, const jflat *b, strbuf *out)
{
    inputs_file *va = NULL, *vb = NULL;
    int pa = 0, pb = 0;
    int na = inputs_from_manifest(a, &va, &pa), nb = inputs_from_manifest(b, &vb, &pb);
    int n = pa && pb && na >= 0 && nb >= 0 ? inputs_diff_lines(va, na, vb, nb, out) : -1;
    free(va);
    free(vb);
    return n;
}
