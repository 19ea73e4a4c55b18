/* axis.c - nice ticks and labels (see axis.h). Labels are formatted by
 * hand with ',' separators and '.' decimals so they never depend on the
 * locale. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "axis.h"

static const char *const month_names[12] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

double axis_nice_number(double x, int round)
{
    double e = floor(log10(x));
    double p = pow(10, e);
    double f = x / p, nf;
    if (round)
        nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else
        nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nf * p;
}

void axis_nice_ticks(double lo, double hi, int max_ticks, axis_ticks *t)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (hi < lo) {
        double s = lo;
        lo = hi;
        hi = s;
    }
    if (hi == lo) {
        /* One value: show it with room around (or 0..1 for zero). */
        double w = lo == 0 ? 1 : fabs(lo) * 0.5;
        lo = lo >= 0 ? 0 : lo - w;
        hi = hi + w;
    }
    if (max_ticks < 2)
        max_ticks = 2;
    double range = axis_nice_number(hi - lo, 0);
    double d = axis_nice_number(range / (max_ticks - 1), 1);
    double a = floor(lo / d) * d, b = ceil(hi / d) * d;
    /* "Loose" labelling may overshoot the tick budget by one or two; take
     * the next nice step then. */
    while ((b - a) / d + 1.5 > max_ticks + 1) {
        d = axis_nice_number(d * 1.01, 0);
        a = floor(lo / d) * d;
        b = ceil(hi / d) * d;
    }
    t->lo = a;
    t->hi = b;
    t->step = d;
    t->n = (int)floor((b - a) / d + 0.5) + 1;
}

/* Digits after the decimal point that write every multiple of `step`
 * exactly: 0 for 5000, 1 for 0.5, 2 for 0.25. */
static int decimals_for(double step)
{
    for (int d = 0; d < 9; d++) {
        double v = step * pow(10, d);
        if (fabs(v - round(v)) < 1e-6 * fmax(1, v))
            return d;
    }
    return 9;
}

/* Integer part with thousands separators. */
static void group_thousands(char *buf, size_t size, const char *digits)
{
    size_t n = strlen(digits), j = 0;
    for (size_t i = 0; i < n && j + 1 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0 && j + 2 < size)
            buf[j++] = ',';
        buf[j++] = digits[i];
    }
    buf[j] = '\0';
}

void axis_label(char *buf, size_t size, double v, const axis_ticks *t)
{
    double big = fmax(fabs(t->lo), fabs(t->hi));
    const char *suffix = "";
    double scale = 1;
    if (big >= 1e9) {
        scale = 1e9;
        suffix = "B";
    } else if (big >= 1e6) {
        scale = 1e6;
        suffix = "M";
    }
    double x = v / scale;
    int dec = decimals_for(t->step / scale);
    if (fabs(x) < 0.5 * pow(10, -dec)) {
        snprintf(buf, size, "0");   /* no "-0", no "0M", no "0.0" */
        return;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*f", dec, fabs(x));
    for (char *p = tmp; *p; p++)
        if (*p == ',')
            *p = '.';
    char *dot = strchr(tmp, '.');
    char ip[64], grouped[96];
    snprintf(ip, sizeof ip, "%.*s", dot ? (int)(dot - tmp) : (int)strlen(tmp), tmp);
    group_thousands(grouped, sizeof grouped, ip);
    snprintf(buf, size, "%s%s%s%s", x < 0 ? "-" : "", grouped, dot ? dot : "", suffix);
}

long axis_month_index(const char *date, int *day)
{
    int y, m, d, n = 0;
    if (!date || strlen(date) < 7)
        return -1;
    if (sscanf(date, "%4d-%2d%n", &y, &m, &n) != 2 || n != 7 || m < 1 || m > 12)
        return -1;
    if (date[7] == '\0') {
        if (day)
            *day = 1;
        return (long)y * 12 + (m - 1);
    }
    if (sscanf(date + 7, "-%2d%n", &d, &n) != 1 || n != 3 || date[10] != '\0' || d < 1 || d > 31)
        return -1;
    if (day)
        *day = d;
    return (long)y * 12 + (m - 1);
}

static int numeric_ticks(const double *x, size_t n, int max_ticks, const char *const *dates,
                         x_tick *out, int cap)
{
    axis_ticks t;
    double lo = x[0], hi = x[n - 1];
    axis_nice_ticks(lo, hi, max_ticks, &t);
    double step = t.step < 1 ? 1 : t.step;   /* steps are whole */
    int k = 0;
    for (double v = ceil(lo / step) * step; v <= hi + 1e-9 && k < cap; v += step) {
        out[k].x = v;
        snprintf(out[k].label, sizeof out[k].label, "%.0f", v);
        if (dates) {
            /* Label with the date of that step when there is one. */
            for (size_t i = 0; i < n; i++)
                if (x[i] == v && dates[i] && dates[i][0]) {
                    int day = 1;
                    long mi = axis_month_index(dates[i], &day);
                    if (mi >= 0)
                        snprintf(out[k].label, sizeof out[k].label, "%d %s", day,
                                 month_names[mi % 12]);
                }
        }
        k++;
    }
    return k;
}

int axis_time_ticks(const double *x, const char *const *dates, size_t n, int max_ticks,
               x_tick *out, int cap)
{
    if (n == 0 || cap <= 0)
        return 0;
    int dated = dates != NULL;
    for (size_t i = 0; i < n && dated; i++)
        dated = axis_month_index(dates[i], NULL) >= 0;
    if (!dated)
        return numeric_ticks(x, n, max_ticks, NULL, out, cap);
    /* The first point of each month marks that month. */
    long first = axis_month_index(dates[0], NULL), last = axis_month_index(dates[n - 1], NULL);
    static const int every[] = { 1, 2, 3, 6, 12, 24, 60, 120, 600 };
    int k = 0;
    for (size_t e = 0; e < sizeof every / sizeof every[0]; e++) {
        int step = every[e];
        long count = 0;
        for (long m = first; m <= last; m++)
            count += m % step == 0;
        if (count > max_ticks && e + 1 < sizeof every / sizeof every[0])
            continue;
        if (count < 2 && step == 1)
            break;   /* less than two months: label steps instead */
        long prev = -1;
        for (size_t i = 0; i < n && k < cap; i++) {
            long mi = axis_month_index(dates[i], NULL);
            if (mi == prev)
                continue;
            prev = mi;
            if (mi % step != 0)
                continue;
            out[k].x = x[i];
            if (step >= 12)
                snprintf(out[k].label, sizeof out[k].label, "%ld", mi / 12);
            else
                snprintf(out[k].label, sizeof out[k].label, "%s %ld", month_names[mi % 12], mi / 12);
            k++;
        }
        if (k >= 2)
            return k;
        break;
    }
    return numeric_ticks(x, n, max_ticks, dates, out, cap);
}
