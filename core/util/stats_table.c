/* stats_table.c - the terminal answer table (see stats_table.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stats.h"
#include "stats_table.h"

void stats_table_number(double x, char *buf, size_t size)
{
    if (isnan(x)) {
        snprintf(buf, size, "-");
        return;
    }
    if (fabs(x) < 10 && x != floor(x)) {
        snprintf(buf, size, "%.3g", x);
        return;
    }
    char digits[64];
    snprintf(digits, sizeof digits, "%.0f", fabs(x));
    size_t n = strlen(digits), k = 0;
    char out[96];
    if (x < 0 && strcmp(digits, "0") != 0)
        out[k++] = '-';
    for (size_t i = 0; i < n && k + 2 < sizeof out; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    snprintf(buf, size, "%s", out);
}

void stats_table_cell(double *x, size_t n, char *buf, size_t size)
{
    if (n == 0) {
        snprintf(buf, size, "-");
        return;
    }
    stats_sort(x, n);
    char med[48], lo[48], hi[48];
    stats_table_number(stats_quantile_sorted(x, n, 0.5), med, sizeof med);
    if (x[0] == x[n - 1]) {
        snprintf(buf, size, "%s", med);
        return;
    }
    stats_table_number(stats_quantile_sorted(x, n, 0.05), lo, sizeof lo);
    stats_table_number(stats_quantile_sorted(x, n, 0.95), hi, sizeof hi);
    snprintf(buf, size, "%s (%s-%s)", med, lo, hi);
}

/* Display width: UTF-8 characters, not bytes. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void pad(strbuf *out, const char *s, size_t w, int right)
{
    size_t n = width(s);
    if (right)
        for (size_t i = n; i < w; i++)
            strbuf_putc(out, ' ');
    strbuf_puts(out, s);
    if (!right)
        for (size_t i = n; i < w; i++)
            strbuf_putc(out, ' ');
}

void stats_table_print(strbuf *out, const char *corner, const char *const *col_labels, int n_cols,
                       const char *const *row_labels, const char *const *cells, int n_rows)
{
    size_t w0 = width(corner);
    for (int r = 0; r < n_rows; r++)
        if (width(row_labels[r]) > w0)
            w0 = width(row_labels[r]);
    for (int r = -1; r < n_rows; r++) {
        pad(out, r < 0 ? corner : row_labels[r], w0, 0);
        for (int c = 0; c < n_cols; c++) {
            size_t w = width(col_labels[c]);
            for (int k = 0; k < n_rows; k++)
                if (width(cells[(size_t)k * (size_t)n_cols + (size_t)c]) > w)
                    w = width(cells[(size_t)k * (size_t)n_cols + (size_t)c]);
            strbuf_puts(out, "  ");
            pad(out, r < 0 ? col_labels[c] : cells[(size_t)r * (size_t)n_cols + (size_t)c], w, 1);
        }
        strbuf_putc(out, '\n');
    }
}
