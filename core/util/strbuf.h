/* strbuf.h - a growable byte buffer: output is formatted into memory per
 * run and written to files in run order.
 *
 * Ownership: the caller owns the struct (usually on the stack or inside a
 * bigger object); strbuf_free releases the bytes. data is NULL until the
 * first append, and NUL-terminated after every append (len excludes the
 * terminator). When an allocation fails, `failed` is set, the buffer stops
 * growing and every later append is ignored: check failed once at the end
 * instead of after every call. */
#ifndef DEMOB_STRBUF_H
#define DEMOB_STRBUF_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct strbuf {
    char *data;
    size_t len, cap;
    int failed;      /* an allocation failed; contents are incomplete */
} strbuf;

void strbuf_init(strbuf *b);
void strbuf_free(strbuf *b);
/* Empties the buffer but keeps its memory (and clears failed). */
void strbuf_clear(strbuf *b);
/* Makes room for extra more bytes plus the terminator: 0 ok, -1 out of
 * memory (or already failed). */
int strbuf_reserve(strbuf *b, size_t extra);
void strbuf_append_slow(strbuf *b, const char *s, size_t n);
void strbuf_puts(strbuf *b, const char *s);

/* Appends inline while there is room (the CSV writers append a few bytes
 * at a time, and a call with its own capacity check per field cost more
 * than the copy); strbuf_append_slow grows the buffer or fails softly. */
static inline void strbuf_append(strbuf *b, const char *s, size_t n)
{
    if (!b->failed && b->data && n < b->cap - b->len) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
        return;
    }
    strbuf_append_slow(b, s, n);
}

static inline void strbuf_putc(strbuf *b, char c)
{
    strbuf_append(b, &c, 1);
}
void strbuf_printf(strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
