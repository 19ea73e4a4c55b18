/* strbuf.c - the growable byte buffer behind every output file.
 * Growth is geometric (amortised O(1) appends); a failed allocation marks
 * the buffer failed and leaves the old contents in place, so an
 * out-of-memory condition is reported once by the caller, never a crash. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#define STRBUF_MIN_CAP 256

void strbuf_init(strbuf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

void strbuf_free(strbuf *b)
{
    free(b->data);
    strbuf_init(b);
}

void strbuf_clear(strbuf *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->data)
        b->data[0] = '\0';
}

int strbuf_reserve(strbuf *b, size_t extra)
{
    if (b->failed)
        return -1;
    /* +1 keeps room for the terminator. */
    if (extra < b->cap - b->len && b->data)
        return 0;
    if (extra > SIZE_MAX - b->len - 1) {
        b->failed = 1;
        return -1;
    }
    size_t need = b->len + extra + 1;
    size_t cap = b->cap ? b->cap : STRBUF_MIN_CAP;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void strbuf_append_slow(strbuf *b, const char *s, size_t n)
{
    if (strbuf_reserve(b, n) != 0)
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void strbuf_puts(strbuf *b, const char *s)
{
    strbuf_append(b, s, strlen(s));
}


void strbuf_printf(strbuf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    /* First try in the room already there; most calls fit. */
    size_t room = b->data ? b->cap - b->len : 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) {          /* encoding error: nothing sensible to append */
        if (b->data)
            b->data[b->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        if (strbuf_reserve(b, (size_t)n) != 0) {
            if (b->data)
                b->data[b->len] = '\0';   /* undo a partial write */
            return;
        }
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}
