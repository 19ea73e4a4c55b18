/* svg.h - a small SVG writer into a strbuf. Deterministic and byte-stable:
 * coordinates are printed with at most two decimals in the C locale, with
 * trailing zeros dropped and no "-0"; text is XML-escaped, and bytes that
 * are not UTF-8 become U+FFFD (the file stays valid XML). Attribute
 * values given as strings (colours, dash arrays) are written as they are
 * and must come from the program, not from data. */
#ifndef DEMOB_SVG_H
#define DEMOB_SVG_H
#include <stddef.h>
#include "util/strbuf.h"

/* Opens <svg> with a viewBox of w x h, a <title> and a <desc> (may be
 * NULL); the drawing's default font is set here. */
void svg_begin(strbuf *b, double w, double h, const char *title, const char *desc);
void svg_end(strbuf *b);

/* A number as SVG writes it: "12.5", "3", "-0.25". NaN prints "0". */
void svg_num(strbuf *b, double v);
/* Text with &, <, >, " and ' escaped; invalid control bytes dropped. */
void svg_escape(strbuf *b, const char *s);

void svg_line(strbuf *b, double x1, double y1, double x2, double y2, const char *stroke,
              double width, const char *dash);
void svg_rect(strbuf *b, double x, double y, double w, double h, const char *fill,
              double opacity, const char *stroke);
/* Text; anchor "start" | "middle" | "end"; weight NULL or "bold";
 * rotate (degrees) around (x, y) when non-zero. */
void svg_text(strbuf *b, double x, double y, const char *anchor, double size,
              const char *fill, const char *weight, double rotate, const char *text);

/* A polyline through (x[i], y[i]) as a <path>; a NaN y breaks the line.
 * title (may be NULL) becomes a tooltip. */
void svg_polyline(strbuf *b, const double *x, const double *y, size_t n, const char *stroke,
                  double width, const char *dash, const char *title);
/* The region between lo[] and hi[] (a band, or an area over a baseline)
 * as one closed <path> per run of points without NaN. */
void svg_band(strbuf *b, const double *x, const double *lo, const double *hi, size_t n,
              const char *fill, double opacity, const char *stroke, const char *title);

/* A filled circle of radius r at each (x[i], y[i]) whose y is not NaN. */
void svg_dots(strbuf *b, const double *x, const double *y, size_t n, double r, const char *fill,
              const char *title);

void svg_group_begin(strbuf *b, const char *cls);
void svg_group_end(strbuf *b);

#endif
