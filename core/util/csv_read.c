/* csv_read.c - streaming CSV reader over libcsv, adding positions.
 *
 * libcsv reports fields and records through callbacks but never says where
 * they are. We therefore feed it the input in small segments, each ending
 * at a byte that can end a field or change quoting (',', '"', CR, LF):
 * libcsv only calls back while it processes such a byte, so at callback
 * time the position of the last byte fed is the position of the comma or
 * newline that ended the field. We count lines (every LF, CR or CRLF,
 * inside quotes too) and columns ourselves while scanning for those bytes.
 *
 * Feeding stops as soon as a record is complete, so one csvr_next returns
 * one record and memory holds only the current record and one block. */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "csv_read.h"
#include "strbuf.h"

#define CSVR_BLOCK (64 * 1024)
/* Guards against pathological input (an unterminated quote swallowing a
 * huge file, a line of a million commas): clear errors instead of
 * unbounded memory. */
#define CSVR_MAX_FIELD ((size_t)64 * 1024 * 1024)
#define CSVR_MAX_COLS 4000000

typedef struct field {
    size_t off, len;      /* bytes in fbuf (NUL-terminated there) */
    long line, col;       /* where the field starts */
} field;

struct csv_reader {
    char *name;                    /* path or name used in messages */
    int fd;                        /* -1 when reading from memory */
    const char *block;             /* current block: buf, or the caller's memory */
    char *buf;                     /* owned block buffer (files only) */
    size_t blen, bpos;
    int eof;                       /* no more input after this block */
    int done;                      /* csv_fini called */
    int started;                   /* the BOM check happened */
    int failed;                    /* status of an earlier error, or 0 */

    struct csv_parser parser;
    locale_t cloc;                 /* "C" numeric locale for strtod */

    long line, col;                /* position of the next byte to scan */
    int after_cr;                  /* the last byte scanned was a CR */
    long cur_line, cur_col;        /* position of the byte being fed last */

    /* The record being assembled. */
    strbuf fbuf;
    field *fields;
    size_t nfields, fcap;          /* nfields counts extra fields too */
    size_t keep;                   /* how many fields to store */
    long extra_line, extra_col;    /* start of the first field beyond keep */
    long rec_line, rec_col;        /* where the record starts */
    long end_line, end_col;        /* the byte that ended it */
    long fstart_line, fstart_col;  /* where the next field starts */
    int need_start;                /* waiting for the first byte of a record */
    int have_record;
    int oom;
    size_t max_record;             /* bytes a record may hold; 0: any */
    char max_record_msg[96];

    /* The header. */
    char **colnames;
    size_t ncols;
};

/* ----------------------------------------------------------- callbacks */

static void on_field(void *s, size_t len, void *data)
{
    csv_reader *r = data;
    if (r->nfields >= r->keep) {
        if (r->nfields == r->keep) {
            r->extra_line = r->fstart_line;
            r->extra_col = r->fstart_col;
        }
        r->nfields++;
    } else {
        if (r->nfields == r->fcap) {
            size_t cap = r->fcap ? r->fcap * 2 : 16;
            field *f = realloc(r->fields, cap * sizeof *f);
            if (!f) {
                r->oom = 1;
                return;
            }
            r->fields = f;
            r->fcap = cap;
        }
        field *f = &r->fields[r->nfields++];
        f->off = r->fbuf.len;
        f->len = len;
        f->line = r->fstart_line;
        f->col = r->fstart_col;
        if (len)
            strbuf_append(&r->fbuf, s, len);
        strbuf_putc(&r->fbuf, '\0');
        if (r->fbuf.failed)
            r->oom = 1;
    }
    /* The byte being fed is the delimiter; the next field starts after it
     * (for a terminator, need_start overrides this). */
    r->fstart_line = r->cur_line;
    r->fstart_col = r->cur_col + 1;
}

static void on_record(int c, void *data)
{
    csv_reader *r = data;
    (void)c;
    r->have_record = 1;
    r->end_line = r->cur_line;
    r->end_col = r->cur_col;
    r->need_start = 1;
}

/* --------------------------------------------------------------- input */

static int fail(csv_reader *r, demob_error *err, int status, long line, long col,
                const char *msg)
{
    r->failed = status;
    if (line > 0)
        return demob_error_set(err, status, "%s:%ld:%ld: %s", r->name, line, col, msg);
    return demob_error_set(err, status, "%s: %s", r->name, msg);
}

/* Reads the next block of a file; sets eof when there is no more. */
static int refill(csv_reader *r, demob_error *err)
{
    size_t n = 0;
    while (n < CSVR_BLOCK) {
        ssize_t k = read(r->fd, r->buf + n, CSVR_BLOCK - n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            r->failed = DEMOB_ERUN;
            return demob_error_set(err, DEMOB_ERUN, "%s: read error: %s", r->name,
                                   strerror(errno));
        }
        if (k == 0) {
            r->eof = 1;
            break;
        }
        n += (size_t)k;
    }
    r->block = r->buf;
    r->blen = n;
    r->bpos = 0;
    return 0;
}

/* Columns of the first n bytes of a segment: UTF-8 continuation bytes do
 * not start a character. */
static long chars_in(const char *s, size_t n)
{
    long k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            k++;
    return k;
}

/* Hands one segment to libcsv. seg_line/seg_col is its first byte. */
static int feed(csv_reader *r, const char *seg, size_t n, long seg_line, long seg_col,
                demob_error *err)
{
    size_t used = csv_parse(&r->parser, seg, n, on_field, on_record, r);
    if (used < n || r->oom) {
        /* Read the parser's status now: csv_fini would reset it. */
        int e = csv_error(&r->parser);
        r->done = 1;
        if (r->oom || e == CSV_ENOMEM || e == CSV_ETOOBIG)
            return fail(r, err, DEMOB_ERUN, 0, 0, "out of memory while reading");
        if (e != CSV_EPARSE)
            return fail(r, err, DEMOB_EINPUT, seg_line, seg_col, csv_strerror(e));
        /* CSV_STRICT rejects a quote inside an unquoted field and anything
         * but a delimiter after a closing quote; used is the bad byte. */
        long col = seg_col + chars_in(seg, used);
        if (seg[used] == '"')
            return fail(r, err, DEMOB_EINPUT, seg_line, col,
                        "quote inside an unquoted field (quote the whole field and "
                        "double the quote)");
        return fail(r, err, DEMOB_EINPUT, seg_line, col,
                    "unexpected character after a closing quote");
    }
    if (r->max_record && csv_get_buffer_size(&r->parser) + r->fbuf.len > r->max_record) {
        r->done = 1;
        return fail(r, err, DEMOB_EINPUT, r->rec_line, r->rec_col, r->max_record_msg);
    }
    if (csv_get_buffer_size(&r->parser) > CSVR_MAX_FIELD) {
        r->done = 1;
        return fail(r, err, DEMOB_EINPUT, r->fstart_line, r->fstart_col,
                    "field longer than 64 MiB (an unterminated quote?)");
    }
    return 0;
}

/* Checks a completed record against the header. */
static int finish_record(csv_reader *r, demob_error *err)
{
    if (r->ncols == 0) {                 /* the header itself */
        if (r->nfields > r->keep) {
            r->done = 1;
            return fail(r, err, DEMOB_EINPUT, r->extra_line, r->extra_col,
                        "more than 4000000 columns");
        }
        return 1;
    }
    if (r->nfields == r->ncols)
        return 1;
    char msg[96];
    snprintf(msg, sizeof msg, "expected %zu field%s, found %zu", r->ncols,
             r->ncols == 1 ? "" : "s", r->nfields);
    /* Too few: point at the end of the row, where the next was expected.
     * Too many: point at the first field too many. */
    if (r->nfields < r->ncols)
        return fail(r, err, DEMOB_EINPUT, r->end_line, r->end_col, msg);
    return fail(r, err, DEMOB_EINPUT, r->extra_line, r->extra_col, msg);
}

static int at_end(csv_reader *r, demob_error *err)
{
    r->done = 1;
    r->cur_line = r->line;
    r->cur_col = r->col;
    if (csv_fini(&r->parser, on_field, on_record, r) != 0) {
        int e = csv_error(&r->parser);
        if (e == CSV_EPARSE)
            return fail(r, err, DEMOB_EINPUT, r->fstart_line, r->fstart_col,
                        "unterminated quoted field (missing closing quote)");
        return fail(r, err, DEMOB_ERUN, 0, 0, "out of memory while reading");
    }
    if (r->oom)
        return fail(r, err, DEMOB_ERUN, 0, 0, "out of memory while reading");
    return r->have_record ? finish_record(r, err) : 0;
}

int csvr_next(csv_reader *r, demob_error *err)
{
    if (r->failed)
        return demob_error_set(err, r->failed, "%s: reading stopped at an earlier error",
                               r->name);
    r->nfields = 0;
    strbuf_clear(&r->fbuf);
    r->have_record = 0;
    for (;;) {
        if (r->bpos == r->blen) {
            if (r->done)
                return 0;
            if (r->eof)
                return at_end(r, err);
            if (refill(r, err) != 0)
                return r->failed;
            if (!r->started) {
                r->started = 1;
                if (r->blen >= 3 && memcmp(r->block, "\xEF\xBB\xBF", 3) == 0)
                    r->bpos = 3;
            }
            continue;
        }
        if (!r->started) {   /* memory input: one block, already here */
            r->started = 1;
            if (r->blen >= 3 && memcmp(r->block, "\xEF\xBB\xBF", 3) == 0) {
                r->bpos = 3;
                continue;
            }
        }
        const char *p = r->block;
        size_t i = r->bpos, seg = i;
        long seg_line = r->line, seg_col = r->col;
        for (; i < r->blen; i++) {
            unsigned char c = (unsigned char)p[i];
            if (r->need_start && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                /* libcsv skips blanks between records the same way. */
                r->need_start = 0;
                r->rec_line = r->fstart_line = r->line;
                r->rec_col = r->fstart_col = r->col;
            }
            int special = c == ',' || c == '"' || c == '\r' || c == '\n';
            if (special) {
                r->cur_line = r->line;
                r->cur_col = r->col;
            }
            /* A line ends at LF, CRLF or a lone CR: libcsv ends records at
             * a CR too, and counting only LF numbered every row of a
             * CR-only file (old Mac) as line 1. The LF of a CRLF is part
             * of the same break. */
            if (c == '\r' || (c == '\n' && !r->after_cr)) {
                r->line++;
                r->col = 1;
            } else if (c != '\n' && (c & 0xC0) != 0x80) {
                r->col++;
            }
            r->after_cr = c == '\r';
            if (!special)
                continue;
            if (feed(r, p + seg, i + 1 - seg, seg_line, seg_col, err) != 0)
                return r->failed;
            seg = i + 1;
            seg_line = r->line;
            seg_col = r->col;
            if (r->have_record) {
                r->bpos = i + 1;
                return finish_record(r, err);
            }
        }
        /* The rest of the block holds no special byte: no callback. */
        if (seg < r->blen && feed(r, p + seg, r->blen - seg, seg_line, seg_col, err) != 0)
            return r->failed;
        r->bpos = r->blen;
    }
}

/* ------------------------------------------------------- open and close */

typedef struct named_index {
    const char *name;
    size_t i;
} named_index;

static int cmp_index(const void *a, const void *b)
{
    const named_index *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* The index of the second of the first two equal names (in column
 * order); n when all differ; (size_t)-1 when out of memory. */
static size_t first_duplicate(char *const *names, size_t n, demob_error *err, const char *what)
{
    named_index *ix = malloc((n + 1) * sizeof *ix);
    size_t dup = n;
    if (!ix) {
        demob_error_set(err, DEMOB_ERUN, "%s: out of memory", what);
        return (size_t)-1;
    }
    for (size_t i = 0; i < n; i++)
        ix[i] = (named_index){names[i], i};
    qsort(ix, n, sizeof *ix, cmp_index);
    for (size_t i = 1; i < n; i++)
        if (strcmp(ix[i].name, ix[i - 1].name) == 0 && ix[i].i < dup)
            dup = ix[i].i;
    free(ix);
    return dup;
}

static csv_reader *reader_new(const char *name, demob_error *err)
{
    csv_reader *r = calloc(1, sizeof *r);
    if (!r) {
        demob_error_set(err, DEMOB_ERUN, "%s: out of memory", name);
        return NULL;
    }
    r->fd = -1;
    r->line = 1;
    r->col = 1;
    r->need_start = 1;
    r->keep = CSVR_MAX_COLS;
    strbuf_init(&r->fbuf);
    r->name = strdup(name);
    if (!r->name || csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        free(r->name);
        free(r);
        demob_error_set(err, DEMOB_ERUN, "%s: out of memory", name);
        return NULL;
    }
    /* Numbers are read in the C locale whatever the process's locale is;
     * uselocale() switches only the calling thread. */
    r->cloc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    return r;
}

/* Reads the header row and checks its names. */
static csv_reader *read_header(csv_reader *r, demob_error *err)
{
    int rc = csvr_next(r, err);
    if (rc == 0)
        demob_error_set(err, DEMOB_EINPUT, "%s: empty file, expected a header", r->name);
    if (rc <= 0)
        goto bad;
    r->colnames = calloc(r->nfields, sizeof *r->colnames);
    if (!r->colnames) {
        demob_error_set(err, DEMOB_ERUN, "%s: out of memory", r->name);
        goto bad;
    }
    r->ncols = r->nfields;
    for (size_t c = 0; c < r->ncols; c++) {
        const field *f = &r->fields[c];
        if (f->len == 0) {
            demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: empty column name", r->name,
                            f->line, f->col);
            goto bad;
        }
        /* Names are C strings from here on: one with a NUL byte would be
         * cut short ("run\0x" read as "run"), empty or a duplicate
         * (found by fuzz_csv_read). */
        if (memchr(r->fbuf.data + f->off, '\0', f->len)) {
            demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: column name contains a NUL byte",
                            r->name, f->line, f->col);
            goto bad;
        }
        r->colnames[c] = strdup(r->fbuf.data + f->off);
        if (!r->colnames[c]) {
            demob_error_set(err, DEMOB_ERUN, "%s: out of memory", r->name);
            goto bad;
        }
    }
    /* Duplicates, found by sorting (a summary.csv has a column per origin
     * and state: hundreds of thousands). */
    size_t dup = first_duplicate(r->colnames, r->ncols, err, r->name);
    if (dup == (size_t)-1)
        goto bad;
    if (dup < r->ncols) {
        const field *f = &r->fields[dup];
        demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: duplicate column '%s'", r->name, f->line, f->col,
                        r->colnames[dup]);
        goto bad;
    }
    r->keep = r->ncols;
    return r;
bad:
    csvr_close(r);
    return NULL;
}

csv_reader *csvr_open(const char *path, demob_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        fd = -1;
        errno = EISDIR;
    }
    if (fd < 0) {
        demob_error_set(err, DEMOB_EINPUT, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    csv_reader *r = reader_new(path, err);
    if (r)
        r->buf = malloc(CSVR_BLOCK);
    if (!r || !r->buf) {
        if (r) {
            demob_error_set(err, DEMOB_ERUN, "%s: out of memory", path);
            csvr_close(r);
        }
        close(fd);
        return NULL;
    }
    r->fd = fd;
    return read_header(r, err);
}

csv_reader *csvr_open_mem(const char *name, const char *data, size_t len, demob_error *err)
{
    csv_reader *r = reader_new(name, err);
    if (!r)
        return NULL;
    r->block = data;
    r->blen = len;
    r->eof = 1;
    return read_header(r, err);
}

void csvr_close(csv_reader *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    csv_free(&r->parser);
    if (r->cloc)
        freelocale(r->cloc);
    for (size_t c = 0; c < r->ncols; c++)
        free(r->colnames[c]);
    free(r->colnames);
    free(r->fields);
    strbuf_free(&r->fbuf);
    free(r->buf);
    free(r->name);
    free(r);
}

/* ------------------------------------------------------------- access */

size_t csvr_ncols(const csv_reader *r) { return r->ncols; }

const char *csvr_colname(const csv_reader *r, size_t c)
{
    return c < r->ncols ? r->colnames[c] : NULL;
}

int csvr_find(const csv_reader *r, const char *name)
{
    for (size_t c = 0; c < r->ncols; c++)
        if (strcmp(r->colnames[c], name) == 0)
            return (int)c;
    return -1;
}

const char *csvr_field(const csv_reader *r, size_t c)
{
    return c < r->nfields && c < r->keep ? r->fbuf.data + r->fields[c].off : NULL;
}

size_t csvr_field_len(const csv_reader *r, size_t c)
{
    return c < r->nfields && c < r->keep ? r->fields[c].len : 0;
}

void csvr_field_pos(const csv_reader *r, size_t c, long *line, long *col)
{
    if (c < r->nfields && c < r->keep) {
        *line = r->fields[c].line;
        *col = r->fields[c].col;
    } else {
        *line = r->rec_line;
        *col = r->rec_col;
    }
}

void csvr_set_max_record(csv_reader *r, size_t bytes, const char *why)
{
    r->max_record = bytes ? bytes : 1;
    snprintf(r->max_record_msg, sizeof r->max_record_msg, "record larger than %s", why);
}

long csvr_line(const csv_reader *r) { return r->rec_line; }

const char *csvr_name(const csv_reader *r) { return r->name; }

int csvr_number(const csv_reader *r, size_t c, double *out, demob_error *err)
{
    const char *s = csvr_field(r, c);
    if (!s)
        return demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: no field %zu in this record",
                               r->name, r->rec_line, r->rec_col, c + 1);
    size_t len = r->fields[c].len;
    /* strtod would skip leading blanks; a number must be the whole field. */
    int ok = len > 0 && s[0] != ' ' && s[0] != '\t' && s[0] != '\n' && s[0] != '\r';
    double v = 0;
    if (ok) {
        locale_t old = r->cloc ? uselocale(r->cloc) : (locale_t)0;
        char *end;
        v = strtod(s, &end);
        if (r->cloc)
            uselocale(old);
        ok = end == s + len && isfinite(v);
    }
    if (!ok)
        return demob_error_set(err, DEMOB_EINPUT, "%s:%ld:%ld: column '%s': '%.80s' is not a number",
                               r->name, r->fields[c].line, r->fields[c].col,
                               c < r->ncols ? r->colnames[c] : "?", s);
    *out = v;
    return 0;
}
