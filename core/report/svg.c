/* svg.c - see svg.h. Two decimals are a hundredth of a pixel: finer than
 * any screen, and they keep the files small and the bytes stable. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svg.h"
#include "util/utf8.h"

void svg_num(strbuf *b, double v)
{
    if (!isfinite(v))
        v = 0;
    double r = round(v * 100.0) / 100.0;
    if (r == 0)
        r = 0;   /* no "-0" */
    char tmp[48];
    int n = snprintf(tmp, sizeof tmp, "%.2f", r);
    if (n <= 0 || (size_t)n >= sizeof tmp) {
        strbuf_putc(b, '0');
        return;
    }
    /* Trim "12.50" -> "12.5", "3.00" -> "3". The C locale's '.' is
     * assumed; a ',' from another locale is mapped back. */
    for (int i = 0; i < n; i++)
        if (tmp[i] == ',')
            tmp[i] = '.';
    while (n > 0 && tmp[n - 1] == '0')
        n--;
    if (n > 0 && tmp[n - 1] == '.')
        n--;
    strbuf_append(b, tmp, (size_t)n);
}

void svg_escape(strbuf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80) {
            /* Names come from scenario files and may hold any bytes, but
             * an SVG with bytes that are not UTF-8 (or with U+FFFE,
             * U+FFFF) is not well-formed XML and does not display at
             * all: such bytes become U+FFFD, one per byte. */
            int n = utf8_len((const unsigned char *)s);
            if (n == 3 && c == 0xEF && (unsigned char)s[1] == 0xBF && (unsigned char)s[2] >= 0xBE)
                n = 0;
            if (n == 0) {
                strbuf_puts(b, "\xEF\xBF\xBD");
                continue;
            }
            strbuf_append(b, s, (size_t)n);
            s += n - 1;
            continue;
        }
        switch (c) {
        case '&': strbuf_puts(b, "&amp;"); break;
        case '<': strbuf_puts(b, "&lt;"); break;
        case '>': strbuf_puts(b, "&gt;"); break;
        case '"': strbuf_puts(b, "&quot;"); break;
        case '\'': strbuf_puts(b, "&#39;"); break;
        default:
            /* XML 1.0 forbids most control characters even escaped. */
            if (c >= 0x20 || c == '\t' || c == '\n')
                strbuf_putc(b, (char)c);
        }
    }
}

void svg_begin(strbuf *b, double w, double h, const char *title, const char *desc)
{
    strbuf_puts(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    svg_num(b, w);
    strbuf_puts(b, "\" height=\"");
    svg_num(b, h);
    strbuf_puts(b, "\" viewBox=\"0 0 ");
    svg_num(b, w);
    strbuf_putc(b, ' ');
    svg_num(b, h);
    strbuf_puts(b, "\" role=\"img\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n");
    strbuf_puts(b, "<title>");
    svg_escape(b, title ? title : "chart");
    strbuf_puts(b, "</title>\n");
    if (desc) {
        strbuf_puts(b, "<desc>");
        svg_escape(b, desc);
        strbuf_puts(b, "</desc>\n");
    }
}

void svg_end(strbuf *b)
{
    strbuf_puts(b, "</svg>\n");
}

static void attr_num(strbuf *b, const char *name, double v)
{
    strbuf_printf(b, " %s=\"", name);
    svg_num(b, v);
    strbuf_putc(b, '"');
}

static void stroke_attrs(strbuf *b, const char *stroke, double width, const char *dash)
{
    strbuf_printf(b, " stroke=\"%s\"", stroke ? stroke : "none");
    if (stroke)
        attr_num(b, "stroke-width", width);
    if (dash && *dash)
        strbuf_printf(b, " stroke-dasharray=\"%s\"", dash);
}

void svg_line(strbuf *b, double x1, double y1, double x2, double y2, const char *stroke,
              double width, const char *dash)
{
    strbuf_puts(b, "<line");
    attr_num(b, "x1", x1);
    attr_num(b, "y1", y1);
    attr_num(b, "x2", x2);
    attr_num(b, "y2", y2);
    stroke_attrs(b, stroke, width, dash);
    strbuf_puts(b, "/>\n");
}

void svg_rect(strbuf *b, double x, double y, double w, double h, const char *fill,
              double opacity, const char *stroke)
{
    strbuf_puts(b, "<rect");
    attr_num(b, "x", x);
    attr_num(b, "y", y);
    attr_num(b, "width", w);
    attr_num(b, "height", h);
    strbuf_printf(b, " fill=\"%s\"", fill ? fill : "none");
    if (opacity < 1)
        attr_num(b, "fill-opacity", opacity);
    if (stroke)
        stroke_attrs(b, stroke, 1, NULL);
    strbuf_puts(b, "/>\n");
}

void svg_text(strbuf *b, double x, double y, const char *anchor, double size,
              const char *fill, const char *weight, double rotate, const char *text)
{
    strbuf_puts(b, "<text");
    attr_num(b, "x", x);
    attr_num(b, "y", y);
    if (anchor && strcmp(anchor, "start") != 0)
        strbuf_printf(b, " text-anchor=\"%s\"", anchor);
    attr_num(b, "font-size", size);
    if (fill)
        strbuf_printf(b, " fill=\"%s\"", fill);
    if (weight)
        strbuf_printf(b, " font-weight=\"%s\"", weight);
    if (rotate != 0) {
        strbuf_puts(b, " transform=\"rotate(");
        svg_num(b, rotate);
        strbuf_putc(b, ' ');
        svg_num(b, x);
        strbuf_putc(b, ' ');
        svg_num(b, y);
        strbuf_puts(b, ")\"");
    }
    strbuf_putc(b, '>');
    svg_escape(b, text);
    strbuf_puts(b, "</text>\n");
}

static void title_child(strbuf *b, const char *title)
{
    if (!title)
        return;
    strbuf_puts(b, "<title>");
    svg_escape(b, title);
    strbuf_puts(b, "</title>");
}

void svg_polyline(strbuf *b, const double *x, const double *y, size_t n, const char *stroke,
                  double width, const char *dash, const char *title)
{
    strbuf_puts(b, "<path d=\"");
    int pen = 0;   /* 0: next point starts a segment */
    for (size_t i = 0; i < n; i++) {
        if (isnan(y[i])) {
            pen = 0;
            continue;
        }
        strbuf_putc(b, pen ? 'L' : 'M');
        svg_num(b, x[i]);
        strbuf_putc(b, ' ');
        svg_num(b, y[i]);
        pen = 1;
    }
    strbuf_puts(b, "\" fill=\"none\"");
    stroke_attrs(b, stroke, width, dash);
    strbuf_puts(b, " stroke-linejoin=\"round\" stroke-linecap=\"round\">");
    title_child(b, title);
    strbuf_puts(b, "</path>\n");
}

void svg_band(strbuf *b, const double *x, const double *lo, const double *hi, size_t n,
              const char *fill, double opacity, const char *stroke, const char *title)
{
    strbuf_puts(b, "<path d=\"");
    size_t i = 0;
    while (i < n) {
        while (i < n && (isnan(lo[i]) || isnan(hi[i])))
            i++;
        size_t s = i;
        while (i < n && !isnan(lo[i]) && !isnan(hi[i]))
            i++;
        if (i == s)
            break;
        /* Along the top left to right, back along the bottom. */
        for (size_t k = s; k < i; k++) {
            strbuf_putc(b, k == s ? 'M' : 'L');
            svg_num(b, x[k]);
            strbuf_putc(b, ' ');
            svg_num(b, hi[k]);
        }
        for (size_t k = i; k-- > s;) {
            strbuf_putc(b, 'L');
            svg_num(b, x[k]);
            strbuf_putc(b, ' ');
            svg_num(b, lo[k]);
        }
        strbuf_putc(b, 'Z');
    }
    strbuf_printf(b, "\" fill=\"%s\"", fill);
    if (opacity < 1)
        attr_num(b, "fill-opacity", opacity);
    if (stroke)
        stroke_attrs(b, stroke, 0.75, NULL);
    strbuf_putc(b, '>');
    title_child(b, title);
    strbuf_puts(b, "</path>\n");
}

void svg_dots(strbuf *b, const double *x, const double *y, size_t n, double r, const char *fill,
              const char *title)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(y[i]))
            continue;
        strbuf_puts(b, "<circle");
        attr_num(b, "cx", x[i]);
        attr_num(b, "cy", y[i]);
        attr_num(b, "r", r);
        strbuf_printf(b, " fill=\"%s\">", fill);
        title_child(b, title);
        strbuf_puts(b, "</circle>\n");
    }
}

void svg_group_begin(strbuf *b, const char *cls)
{
    if (cls)
        strbuf_printf(b, "<g class=\"%s\">\n", cls);
    else
        strbuf_puts(b, "<g>\n");
}

void svg_group_end(strbuf *b)
{
    strbuf_puts(b, "</g>\n");
}
