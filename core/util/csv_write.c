/* csv_write.c - RFC 4180 fields appended to a strbuf.
 *
 * This is the hot path of every run that writes populations.csv (65 million
 * rows for the reference benchmark), so numbers are formatted by hand: no
 * locale lookups, no format-string parsing. Text fields go through libcsv's
 * csv_write only when they need quotes, so ordinary names are copied as is.
 * Bytes are never interpreted: UTF-8 (and anything else) passes through, and
 * the result stays valid RFC 4180 because only ',', '"', CR and LF matter. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "csv_write.h"

/* Two decimal digits at a time halves the divisions (the classic trick of
 * fast integer printers). */
static const char digits2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Writes v in decimal ending just before end; returns the first byte. */
static char *format_u64(char *end, uint64_t v)
{
    char *p = end;
    while (v >= 100) {
        unsigned i = (unsigned)(v % 100) * 2;
        v /= 100;
        *--p = digits2[i + 1];
        *--p = digits2[i];
    }
    if (v >= 10) {
        unsigned i = (unsigned)v * 2;
        *--p = digits2[i + 1];
        *--p = digits2[i];
    } else {
        *--p = (char)('0' + v);
    }
    return p;
}

/* Appends n bytes after an optional comma, with a single capacity check. */
static void put_field(strbuf *b, int first, const char *s, size_t n)
{
    if (strbuf_reserve(b, n + 1) != 0)
        return;
    char *d = b->data + b->len;
    if (!first)
        *d++ = ',';
    memcpy(d, s, n);
    d += n;
    *d = '\0';
    b->len = (size_t)(d - b->data);
}

/* RFC 4180 needs quotes for ',', '"', CR and LF. We also quote leading or
 * trailing blanks (space, tab) because libcsv, like many readers, trims
 * them from unquoted fields: quoting keeps " x" round-tripping. */
static int needs_quotes(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
        return 1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ',' || c == '"' || c == '\r' || c == '\n')
            return 1;
    }
    return 0;
}

void csvw_str(strbuf *b, int first, const char *s)
{
    size_t n = strlen(s);
    if (!needs_quotes(s, n)) {
        put_field(b, first, s, n);
        return;
    }
    /* Worst case every byte is a quote (doubled) plus the two enclosing
     * quotes; the size check guards the doubling against overflow. */
    if (n > (SIZE_MAX - 4) / 2) {
        b->failed = 1;
        return;
    }
    size_t room = 2 * n + 2;
    if (strbuf_reserve(b, room + 1) != 0)
        return;
    char *d = b->data + b->len;
    if (!first)
        *d++ = ',';
    d += csv_write(d, room, s, n);
    *d = '\0';
    b->len = (size_t)(d - b->data);
}

void csvw_i64(strbuf *b, int first, int64_t v)
{
    char tmp[24];
    char *end = tmp + sizeof tmp;
    /* Negate in unsigned arithmetic: -INT64_MIN does not fit an int64_t. */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    char *p = format_u64(end, u);
    if (v < 0)
        *--p = '-';
    put_field(b, first, p, (size_t)(end - p));
}

void csvw_f64(strbuf *b, int first, double v)
{
    if (isnan(v)) {
        put_field(b, first, "nan", 3);
    } else if (isinf(v)) {
        if (v > 0)
            put_field(b, first, "inf", 3);
        else
            put_field(b, first, "-inf", 4);
    } else if (fabs(v) < 9007199254740992.0 /* 2^53 */ && v == (double)(int64_t)v) {
        /* Integral and exactly representable: counts in stochastic mode,
         * steps, runs. The common case, kept off snprintf. -0 prints "0". */
        csvw_i64(b, first, (int64_t)v);
    } else {
        char tmp[40];
        put_field(b, first, tmp, csvw_shortest(tmp, v));
    }
}

/* %.15g, %.16g, then %.17g: the first that reads back as v. Any normal
 * double whose shortest form has at most 15 digits prints that way with
 * %.15g (%g drops trailing zeros), and %.16g / %.17g are correctly
 * rounded, so the first that round-trips is the shortest. Subnormals have
 * fewer digits of precision: for them every precision from 1 is tried. The decimal point is the C
 * locale's: snprintf follows LC_NUMERIC, which the program never changes
 * from "C"; any other separator is replaced so output never depends on it. */
size_t csvw_shortest(char buf[40], double v)
{
    int n = 0;
    for (int prec = fabs(v) < 2.2250738585072014e-308 ? 1 : 15; prec <= 17; prec++) {
        n = snprintf(buf, 40, "%.*g", prec, v);
        if (n < 0 || n >= 40)
            n = 0;
        for (int i = 0; i < n; i++)
            if (buf[i] == ',')
                buf[i] = '.';
        if (prec == 17 || strtod(buf, NULL) == v)
            break;
    }
    buf[n] = '\0';
    return (size_t)n;
}

void csvw_end(strbuf *b)
{
    strbuf_putc(b, '\n');
}

void csvw_header(strbuf *b, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        csvw_str(b, i == 0, names[i]);
    csvw_end(b);
}
