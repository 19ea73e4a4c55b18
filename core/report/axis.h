/* axis.h - what makes chart axes readable: "nice" tick values (1, 2 or 5
 * times a power of ten, Heckbert's method), tick labels with thousands
 * separators or an M suffix, and calendar ticks on a time axis whose
 * steps carry dates ("YYYY-MM" or "YYYY-MM-DD"). */
#ifndef DEMOB_AXIS_H
#define DEMOB_AXIS_H
#include <stddef.h>

typedef struct axis_ticks {
    double lo, hi;      /* the axis range: the first and last tick */
    double step;        /* between ticks */
    int n;              /* ticks: lo, lo + step, ..., hi */
} axis_ticks;

/* Heckbert, "Nice numbers for graph labels", Graphics Gems (1990): a
 * number near x that is 1, 2, 5 or 10 times a power of ten; round picks
 * the nearest, otherwise the next one up. x > 0. */
double axis_nice_number(double x, int round);
/* Ticks covering [lo, hi] with about max_ticks ticks (>= 2). lo == hi is
 * widened; NaN or infinite bounds give 0..1. */
void axis_nice_ticks(double lo, double hi, int max_ticks, axis_ticks *t);
/* The label of value v on an axis with these ticks: "0", "2,500",
 * "12,000", "0.25", "1.5M" (from a million up), "2.5B" (a billion). */
void axis_label(char *buf, size_t size, double v, const axis_ticks *t);

typedef struct x_tick {
    double x;           /* position in step units */
    char label[24];
} x_tick;

/* Ticks of a time axis through the points x[0..n-1] (increasing steps).
 * With dates (dates may be NULL or hold ""), ticks fall on months: every
 * 1, 2, 3, 6 or 12 months, or years, labelled "Jan 2021" or "2021"; on a
 * short daily axis, on nice step counts labelled "5 Jan". Without dates,
 * nice step numbers. Returns the number of ticks (<= cap). */
int axis_time_ticks(const double *x, const char *const *dates, size_t n, int max_ticks,
               x_tick *out, int cap);

/* "2020-11" -> 2020*12 + 10 (month index); "2020-11-05" also sets *day to
 * 5. -1 when not a date. */
long axis_month_index(const char *date, int *day);

#endif
