/* json_flat.c - recursive descent over RFC 8259 JSON, flattening as it
 * goes (see json_flat.h). Nesting is limited to JFLAT_MAX_DEPTH so a
 * hostile manifest cannot exhaust the stack; manifests are small, so the
 * whole file is read into memory (capped at JFLAT_MAX_BYTES). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_flat.h"
#include "strbuf.h"

#define JFLAT_MAX_DEPTH 32
#define JFLAT_MAX_BYTES (16u << 20)   /* a manifest is a few kB */

typedef struct parser {
    const char *name;
    const char *s, *end, *p;
    jflat *out;
    demob_error *err;
} parser;

static int fail(parser *ps, const char *what)
{
    long line = 1, col = 1;
    for (const char *q = ps->s; q < ps->p && q < ps->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    return demob_error_set(ps->err, DEMOB_EINPUT, "%s:%ld:%ld: %s", ps->name, line, col, what);
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static int add(parser *ps, const char *key, const char *value, int is_string, char **items,
               size_t n_items)
{
    jflat *j = ps->out;
    if (j->n == j->cap) {
        size_t cap = j->cap ? j->cap * 2 : 16;
        jflat_entry *e = realloc(j->e, cap * sizeof *e);
        if (!e)
            return demob_error_set(ps->err, DEMOB_ERUN, "%s: out of memory", ps->name);
        j->e = e;
        j->cap = cap;
    }
    char *k = strdup(key), *v = strdup(value);
    if (!k || !v) {
        free(k);
        free(v);
        return demob_error_set(ps->err, DEMOB_ERUN, "%s: out of memory", ps->name);
    }
    j->e[j->n].key = k;
    j->e[j->n].value = v;
    j->e[j->n].is_string = is_string;
    j->e[j->n].items = items;
    j->e[j->n].n_items = n_items;
    j->n++;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int read_hex4(parser *ps, unsigned *u)
{
    if (ps->end - ps->p < 4)
        return fail(ps, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(ps->p[i]);
        if (h < 0)
            return fail(ps, "bad \\u escape");
        v = v * 16 + (unsigned)h;
    }
    ps->p += 4;
    *u = v;
    return 0;
}

static void put_utf8(strbuf *b, unsigned u)
{
    if (u < 0x80) {
        strbuf_putc(b, (char)u);
    } else if (u < 0x800) {
        strbuf_putc(b, (char)(0xC0 | (u >> 6)));
        strbuf_putc(b, (char)(0x80 | (u & 0x3F)));
    } else if (u < 0x10000) {
        strbuf_putc(b, (char)(0xE0 | (u >> 12)));
        strbuf_putc(b, (char)(0x80 | ((u >> 6) & 0x3F)));
        strbuf_putc(b, (char)(0x80 | (u & 0x3F)));
    } else {
        strbuf_putc(b, (char)(0xF0 | (u >> 18)));
        strbuf_putc(b, (char)(0x80 | ((u >> 12) & 0x3F)));
        strbuf_putc(b, (char)(0x80 | ((u >> 6) & 0x3F)));
        strbuf_putc(b, (char)(0x80 | (u & 0x3F)));
    }
}

/* At the opening quote; appends the unescaped string to b. */
static int parse_string(parser *ps, strbuf *b)
{
    ps->p++;
    for (;;) {
        if (ps->p >= ps->end)
            return fail(ps, "unterminated string");
        unsigned char c = (unsigned char)*ps->p;
        if (c == '"') {
            ps->p++;
            return b->failed ? demob_error_set(ps->err, DEMOB_ERUN, "%s: out of memory", ps->name) : 0;
        }
        if (c < 0x20)
            return fail(ps, "control character in string");
        if (c != '\\') {
            strbuf_putc(b, (char)c);
            ps->p++;
            continue;
        }
        ps->p++;
        if (ps->p >= ps->end)
            return fail(ps, "unterminated string");
        char e = *ps->p++;
        switch (e) {
        case '"': strbuf_putc(b, '"'); break;
        case '\\': strbuf_putc(b, '\\'); break;
        case '/': strbuf_putc(b, '/'); break;
        case 'b': strbuf_putc(b, '\b'); break;
        case 'f': strbuf_putc(b, '\f'); break;
        case 'n': strbuf_putc(b, '\n'); break;
        case 'r': strbuf_putc(b, '\r'); break;
        case 't': strbuf_putc(b, '\t'); break;
        case 'u': {
            unsigned u;
            if (read_hex4(ps, &u) != 0)
                return -1;
            if (u >= 0xD800 && u < 0xDC00) {
                /* A surrogate pair; a lone half becomes U+FFFD. */
                unsigned lo = 0;
                if (ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u') {
                    ps->p += 2;
                    if (read_hex4(ps, &lo) != 0)
                        return -1;
                }
                if (lo >= 0xDC00 && lo < 0xE000)
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                else
                    u = 0xFFFD;
            } else if (u >= 0xDC00 && u < 0xE000) {
                u = 0xFFFD;
            }
            put_utf8(b, u);
            break;
        }
        default:
            ps->p--;
            return fail(ps, "bad escape in string");
        }
    }
}

static int parse_number(parser *ps, strbuf *b)
{
    const char *q = ps->p;
    if (q < ps->end && *q == '-')
        q++;
    const char *digits = q;
    while (q < ps->end && *q >= '0' && *q <= '9')
        q++;
    if (q == digits)
        return fail(ps, "expected a value");
    if (q < ps->end && *q == '.') {
        q++;
        const char *f = q;
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
        if (q == f)
            return fail(ps, "bad number");
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < ps->end && (*q == '+' || *q == '-'))
            q++;
        const char *x = q;
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
        if (q == x)
            return fail(ps, "bad number");
    }
    strbuf_append(b, ps->p, (size_t)(q - ps->p));
    ps->p = q;
    return 0;
}

static int parse_value(parser *ps, const char *key, int depth);

/* Appends the scalar or array at p to b (arrays: elements joined by
 * spaces, nested containers kept as "[...]" / "{...}" markers). */
static int parse_inline(parser *ps, strbuf *b, int depth, int *is_string)
{
    skip_ws(ps);
    if (ps->p >= ps->end)
        return fail(ps, "expected a value");
    char c = *ps->p;
    *is_string = 0;
    if (c == '"') {
        *is_string = 1;
        return parse_string(ps, b);
    }
    if (c == '[' || c == '{') {
        if (depth >= JFLAT_MAX_DEPTH)
            return fail(ps, "nested too deeply");
        char close = c == '[' ? ']' : '}';
        int obj = c == '{';
        ps->p++;
        skip_ws(ps);
        if (obj)   /* an object inside an array stays "{k:v,...}" */
            strbuf_putc(b, '{');
        int first = 1;
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            if (obj)
                strbuf_putc(b, '}');
            return 0;
        }
        for (;;) {
            if (!first)
                strbuf_putc(b, obj ? ',' : ' ');
            first = 0;
            int s;
            if (obj) {
                skip_ws(ps);
                if (ps->p >= ps->end || *ps->p != '"')
                    return fail(ps, "expected a member name");
                if (parse_string(ps, b) != 0)
                    return -1;
                skip_ws(ps);
                if (ps->p >= ps->end || *ps->p != ':')
                    return fail(ps, "expected ':'");
                ps->p++;
                strbuf_putc(b, ':');
            }
            if (parse_inline(ps, b, depth + 1, &s) != 0)
                return -1;
            skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                continue;
            }
            if (ps->p < ps->end && *ps->p == close) {
                ps->p++;
                if (obj)
                    strbuf_putc(b, '}');
                return 0;
            }
            return fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    static const char *const words[] = { "true", "false", "null" };
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, words[i], n) == 0) {
            strbuf_append(b, ps->p, n);
            ps->p += n;
            return 0;
        }
    }
    return parse_number(ps, b);
}

/* An object's members, each flattened under prefix. At the '{'. */
static int parse_object(parser *ps, const char *prefix, int depth)
{
    if (depth >= JFLAT_MAX_DEPTH)
        return fail(ps, "nested too deeply");
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return 0;
    }
    for (;;) {
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"')
            return fail(ps, "expected a member name");
        strbuf key;
        strbuf_init(&key);
        if (*prefix) {
            strbuf_puts(&key, prefix);
            strbuf_putc(&key, '.');
        }
        int rc = parse_string(ps, &key);
        if (rc == 0) {
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':')
                rc = fail(ps, "expected ':'");
        }
        if (rc == 0) {
            ps->p++;
            rc = parse_value(ps, key.data ? key.data : "", depth + 1);
        }
        strbuf_free(&key);
        if (rc != 0)
            return rc;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return 0;
        }
        return fail(ps, "expected ',' or '}'");
    }
}

static void free_items(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

/* An array at '[': its joined value in v (as parse_inline gives it) and,
 * when every element is a scalar, the elements in *items. */
static int parse_array(parser *ps, strbuf *v, int depth, char ***items, size_t *n_items)
{
    const char *start = ps->p;
    int is_string;
    if (parse_inline(ps, v, depth, &is_string) != 0)
        return -1;
    /* Again, element by element: a manifest's arrays are short. */
    const char *end = ps->p;
    ps->p = start + 1;
    size_t n = 0, cap = 0;
    char **list = NULL;
    int rc = 0;
    skip_ws(ps);
    while (rc == 0 && ps->p < end && *ps->p != ']') {
        skip_ws(ps);
        if (*ps->p == '[' || *ps->p == '{') {   /* nested: no element list */
            free_items(list, n);
            list = NULL;
            n = 0;
            break;
        }
        strbuf e;
        strbuf_init(&e);
        rc = parse_inline(ps, &e, depth + 1, &is_string);
        if (rc == 0 && n == cap) {
            cap = cap ? cap * 2 : 8;
            char **l = realloc(list, cap * sizeof *l);
            if (l)
                list = l;
            else
                e.failed = 1;
        }
        if (rc == 0 && (e.failed || !(list[n] = strdup(e.data ? e.data : ""))))
            rc = demob_error_set(ps->err, DEMOB_ERUN, "%s: out of memory", ps->name);
        else if (rc == 0)
            n++;
        strbuf_free(&e);
        skip_ws(ps);
        if (ps->p < end && *ps->p == ',')
            ps->p++;
    }
    ps->p = end;
    if (rc != 0) {
        free_items(list, n);
        return rc;
    }
    *items = list;
    *n_items = n;
    return 0;
}

static int parse_value(parser *ps, const char *key, int depth)
{
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '{')
        return parse_object(ps, key, depth);
    strbuf v;
    strbuf_init(&v);
    int is_string = 0;
    char **items = NULL;
    size_t n_items = 0;
    int rc = ps->p < ps->end && *ps->p == '[' && depth < JFLAT_MAX_DEPTH
                 ? parse_array(ps, &v, depth, &items, &n_items)
                 : parse_inline(ps, &v, depth, &is_string);
    if (rc == 0 && v.failed)
        rc = demob_error_set(ps->err, DEMOB_ERUN, "%s: out of memory", ps->name);
    if (rc == 0)
        rc = add(ps, key, v.data ? v.data : "", is_string, items, n_items);
    if (rc != 0)
        free_items(items, n_items);
    strbuf_free(&v);
    return rc;
}

int jflat_parse(const char *name, const char *text, size_t len, jflat *out, demob_error *err)
{
    parser ps = { name, text, text + len, text, out, err };
    skip_ws(&ps);
    if (ps.p >= ps.end || *ps.p != '{')
        return fail(&ps, "expected a JSON object");
    if (parse_object(&ps, "", 0) != 0)
        return err ? err->status : DEMOB_EINPUT;
    skip_ws(&ps);
    if (ps.p != ps.end)
        return fail(&ps, "unexpected text after the object");
    return 0;
}

int jflat_load(const char *path, jflat *out, demob_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return demob_error_set(err, DEMOB_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    strbuf b;
    strbuf_init(&b);
    char chunk[8192];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        strbuf_append(&b, chunk, n);
        if (b.len > JFLAT_MAX_BYTES) {
            rc = demob_error_set(err, DEMOB_EINPUT, "%s: larger than %u bytes, not a manifest",
                                 path, JFLAT_MAX_BYTES);
            break;
        }
    }
    if (rc == 0 && ferror(f))
        rc = demob_error_set(err, DEMOB_EINPUT, "%s: read error: %s", path, strerror(errno));
    fclose(f);
    if (rc == 0 && b.failed)
        rc = demob_error_set(err, DEMOB_ERUN, "%s: out of memory", path);
    if (rc == 0)
        rc = jflat_parse(path, b.data ? b.data : "", b.len, out, err);
    strbuf_free(&b);
    return rc;
}

void jflat_free(jflat *j)
{
    for (size_t i = 0; i < j->n; i++) {
        free(j->e[i].key);
        free(j->e[i].value);
        free_items(j->e[i].items, j->e[i].n_items);
    }
    free(j->e);
    j->e = NULL;
    j->n = j->cap = 0;
}

const char *jflat_display(const jflat_entry *e, char *buf, size_t size)
{
    if (e->is_string)
        return e->value;
    char *end;
    double v = strtod(e->value, &end);
    if (end == e->value || *end != '\0')
        return e->value;   /* true, false, null, arrays */
    snprintf(buf, size, "%.12g", v);
    return buf;
}

const jflat_entry *jflat_find(const jflat *j, const char *key)
{
    for (size_t i = 0; i < j->n; i++)
        if (strcmp(j->e[i].key, key) == 0)
            return &j->e[i];
    return NULL;
}

const char *jflat_get(const jflat *j, const char *key)
{
    const jflat_entry *e = jflat_find(j, key);
    return e ? e->value : NULL;
}
