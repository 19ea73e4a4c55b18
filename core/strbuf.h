/* strbuf.h - a growable byte buffer: output is formatted into memory per
 * run and written to files in run order. */
#ifndef DEMOB_STRBUF_H
#define DEMOB_STRBUF_H
#include <stddef.h>
#include <stdint.h>

typedef struct strbuf {
    char *data;
    size_t len, cap;
    int failed;      /* an allocation failed; contents are incomplete */
} strbuf;

void strbuf_init(strbuf *b);
void strbuf_free(strbuf *b);
void strbuf_clear(strbuf *b);
int strbuf_reserve(strbuf *b, size_t extra);   /* 0 ok, -1 out of memory */
void strbuf_append(strbuf *b, const char *s, size_t n);
void strbuf_puts(strbuf *b, const char *s);
void strbuf_putc(strbuf *b, char c);
void strbuf_printf(strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
