/* test_chart.c - the drawing layer: svg.c (number format, escaping,
 * paths), axis.c (nice ticks, labels, calendar ticks) and chart.c
 * (positions worked out from the layout, determinism). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "assert_double.h"
#include "report/axis.h"
#include "report/chart.h"
#include "report/svg.h"

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void svg_numbers_and_text(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b);
    double v[] = { 12.5, 3, -0.25, 1.0 / 3, -0.001, 1e6, NAN, 277.3333, 0.005 };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        svg_num(&b, v[i]);
        strbuf_putc(&b, ' ');
    }
    /* Two decimals at most, no trailing zeros, no -0; 0.005 rounds to
     * 0.01 (round half away from zero after scaling). */
    assert_string_equal(b.data, "12.5 3 -0.25 0.33 0 1000000 0 277.33 0.01 ");
    strbuf_clear(&b);
    svg_escape(&b, "A&B <x> \"q\" 'a'\x01");
    assert_string_equal(b.data, "A&amp;B &lt;x&gt; &quot;q&quot; &#39;a&#39;");
    strbuf_clear(&b);
    double x[] = { 0, 10, 20, 30 }, y[] = { 5, NAN, 7, 8 };
    svg_polyline(&b, x, y, 4, "#000", 2, "", "t<1>");
    /* The NaN breaks the line: a new M after it. */
    assert_string_equal(b.data, "<path d=\"M0 5M20 7L30 8\" fill=\"none\" stroke=\"#000\" "
                                "stroke-width=\"2\" stroke-linejoin=\"round\" "
                                "stroke-linecap=\"round\"><title>t&lt;1&gt;</title></path>\n");
    strbuf_clear(&b);
    double lo[] = { 1, 1, 1, 1 }, hi[] = { 2, 3, NAN, 4 };
    svg_band(&b, x, lo, hi, 4, "#f00", 0.5, NULL, NULL);
    assert_string_equal(b.data, "<path d=\"M0 2L10 3L10 1L0 1ZM30 4L30 1Z\" fill=\"#f00\" "
                                "fill-opacity=\"0.5\"></path>\n");
    strbuf_free(&b);
}

static void nice_ticks_cases(void **state)
{
    (void)state;
    axis_ticks t;
    axis_nice_ticks(0, 14000, 6, &t);   /* step 5000 -> 0, 5000, 10000, 15000 */
    assert_double(t.lo, 0, 0);
    assert_double(t.hi, 15000, 0);
    assert_double(t.step, 5000, 0);
    assert_int_equal(t.n, 4);
    axis_nice_ticks(0, 3, 7, &t);       /* 0..3 by 1 */
    assert_double(t.step, 1, 0);
    assert_int_equal(t.n, 4);
    axis_nice_ticks(-2.3, 7.9, 5, &t);  /* range 10.2 -> 20, /4 = 5 -> step 5: -5..10 */
    assert_double(t.lo, -5, 0);
    assert_double(t.hi, 10, 0);
    assert_int_equal(t.n, 4);
    axis_nice_ticks(0.12, 0.47, 6, &t); /* range 0.35 -> 0.5, /5 = 0.1 */
    assert_double(t.step, 0.1, 1e-15);
    assert_double(t.lo, 0.1, 1e-15);
    assert_double(t.hi, 0.5, 1e-15);
    axis_nice_ticks(5, 5, 6, &t);       /* one value: 0 up to past it */
    assert_double(t.lo, 0, 0);
    assert_true(t.hi >= 5);
    axis_nice_ticks(0, 0, 6, &t);
    assert_double(t.lo, 0, 0);
    assert_double(t.hi, 1, 0);
    axis_nice_ticks(NAN, 3, 6, &t);
    assert_double(t.hi, 1, 0);
    for (int max = 3; max <= 12; max++) {   /* never far beyond the budget */
        axis_nice_ticks(0, 12345, max, &t);
        assert_true(t.n <= max + 1);
        assert_true(t.hi >= 12345);
    }
    assert_double(axis_nice_number(3.7, 1), 5, 0);
    assert_double(axis_nice_number(3.7, 0), 5, 0);
    assert_double(axis_nice_number(1.2, 1), 1, 0);
    assert_double(axis_nice_number(1.2, 0), 2, 0);
    assert_double(axis_nice_number(0.071, 1), 0.1, 1e-15);
}

static void labels(void **state)
{
    (void)state;
    char buf[32];
    axis_ticks t = { 0, 15000, 5000, 4 };
    axis_label(buf, sizeof buf, 10000, &t);
    assert_string_equal(buf, "10,000");
    axis_label(buf, sizeof buf, 0, &t);
    assert_string_equal(buf, "0");
    axis_ticks m = { 0, 5e6, 1e6, 6 };
    axis_label(buf, sizeof buf, 4e6, &m);
    assert_string_equal(buf, "4M");
    axis_label(buf, sizeof buf, 0, &m);
    assert_string_equal(buf, "0");
    axis_ticks h = { 0, 2.5e6, 5e5, 6 };
    axis_label(buf, sizeof buf, 1.5e6, &h);
    assert_string_equal(buf, "1.5M");
    axis_ticks s = { -0.5, 0.5, 0.25, 5 };
    axis_label(buf, sizeof buf, -0.25, &s);
    assert_string_equal(buf, "-0.25");
    axis_ticks big = { 0, 3e9, 1e9, 4 };
    axis_label(buf, sizeof buf, 2e9, &big);
    assert_string_equal(buf, "2B");
    axis_ticks k = { 0, 1234567.0 * 0 + 900000, 100000, 10 };
    axis_label(buf, sizeof buf, 800000, &k);
    assert_string_equal(buf, "800,000");
}

static void calendar_ticks(void **state)
{
    (void)state;
    int day;
    assert_int_equal(axis_month_index("2020-11", &day), 2020 * 12 + 10);
    assert_int_equal(day, 1);
    assert_int_equal(axis_month_index("2021-02-15", &day), 2021 * 12 + 1);
    assert_int_equal(day, 15);
    assert_int_equal(axis_month_index("2021-13", NULL), -1);
    assert_int_equal(axis_month_index("", NULL), -1);
    assert_int_equal(axis_month_index("2021-1", NULL), -1);

    /* 25 months from 2020-11: every 3 months, on quarters. */
    double x[25];
    char buf[25][8];
    const char *d[25];
    for (int i = 0; i < 25; i++) {
        int m = 10 + i;
        snprintf(buf[i], sizeof buf[i], "%04d-%02d", 2020 + m / 12, m % 12 + 1);
        d[i] = buf[i];
        x[i] = i;
    }
    x_tick t[64];
    int n = axis_time_ticks(x, d, 25, 10, t, 64);
    assert_int_equal(n, 8);   /* Jan, Apr, Jul, Oct 2021; Jan, Apr, Jul, Oct 2022 */
    assert_string_equal(t[0].label, "Jan 2021");
    assert_double(t[0].x, 2, 0);
    assert_string_equal(t[7].label, "Oct 2022");
    n = axis_time_ticks(x, d, 25, 4, t, 64);   /* every 6 months: Jan, Jul 2021, Jan, Jul 2022 */
    assert_int_equal(n, 4);
    assert_string_equal(t[1].label, "Jul 2021");
    n = axis_time_ticks(x, d, 25, 3, t, 64);   /* yearly */
    assert_int_equal(n, 2);
    assert_string_equal(t[0].label, "2021");
    assert_string_equal(t[1].label, "2022");
    /* Without dates: nice step numbers. */
    n = axis_time_ticks(x, NULL, 25, 6, t, 64);   /* 0..24 with 6: step 10 */
    assert_int_equal(n, 3);
    assert_string_equal(t[2].label, "20");
    n = axis_time_ticks(x, NULL, 25, 9, t, 64);   /* with 9: step 5 */
    assert_int_equal(n, 5);
    assert_string_equal(t[1].label, "5");
    /* A short daily axis: nice steps labelled with the day. */
    const char *days[15];
    char dbuf[15][12];
    for (int i = 0; i < 15; i++) {
        snprintf(dbuf[i], sizeof dbuf[i], "2021-01-%02d", i + 1);
        days[i] = dbuf[i];
    }
    n = axis_time_ticks(x, days, 15, 4, t, 64);
    assert_true(n >= 2);
    assert_string_equal(t[0].label, "1 Jan");
    assert_string_equal(t[1].label, "6 Jan");   /* every 5 steps */
}

/* The default frame: 800 x 440, no subtitle: plot area top 48, bottom
 * 392. Stacked 1 + 2 = 3 at every step: ticks 0..3 by 1, so the first
 * area's top (value 1) is at 392 - 344 / 3 = 277.33 and the stack's top
 * (3) at 48. */
static void area_chart_positions(void **state)
{
    (void)state;
    double x[] = { 0, 1, 2 }, a[] = { 1, 1, 1 }, b[] = { 2, 2, 2 };
    chart_series s[2] = { { "first", a, NULL, NULL, 0, 0 }, { "second", b, NULL, NULL, 1, 0 } };
    chart c = { .type = CHART_AREA, .title = "T & t", .n = 3, .x = x, .series = s, .n_series = 2 };
    strbuf out;
    strbuf_init(&out);
    chart_svg(&c, &out);
    assert_non_null(strstr(out.data, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" "
                                     "height=\"440\""));
    assert_non_null(strstr(out.data, "<title>T &amp; t</title>"));
    assert_non_null(strstr(out.data, " 277.33L"));
    assert_non_null(strstr(out.data, " 48L"));
    assert_int_equal(count(out.data, "fill=\"#4e79a7\""), 2);   /* area + legend swatch */
    assert_int_equal(count(out.data, ">first</text>"), 1);
    /* Legend: the top of the stack first. */
    assert_true(strstr(out.data, ">second</text>") < strstr(out.data, ">first</text>"));
    assert_int_equal(count(out.data, "</svg>"), 1);
    /* Deterministic: the same chart, the same bytes. */
    strbuf again;
    strbuf_init(&again);
    chart_svg(&c, &again);
    assert_string_equal(out.data, again.data);
    strbuf_free(&again);
    strbuf_free(&out);
}

static void fan_and_empty_charts(void **state)
{
    (void)state;
    double x[] = { 0, 1, 2, 3 }, m[] = { 1, 2, 3, 4 }, lo[] = { 0.5, 1, 2, 3 },
           hi[] = { 1.5, 3, 4, 5 };
    chart_series s[2] = { { "A", m, lo, hi, 0, 0 }, { "B", m, NULL, NULL, 1, 1 } };
    const char *dates[] = { "2020-11", "2020-12", "2021-01", "2021-02" };
    chart c = { .type = CHART_LINE, .title = "fan", .subtitle = "sub", .y_label = "people",
                .n = 4, .x = x, .dates = dates, .series = s, .n_series = 2 };
    strbuf out;
    strbuf_init(&out);
    chart_svg(&c, &out);
    /* One band (with its opacity) and two lines; the second dashed. */
    assert_int_equal(count(out.data, "fill-opacity=\"0.18\""), 2);   /* band + legend */
    assert_int_equal(count(out.data, "stroke-dasharray=\"7 4\""), 2); /* line + legend */
    assert_non_null(strstr(out.data, "line: median; band: p5-p95"));
    assert_non_null(strstr(out.data, ">Jan 2021</text>"));
    assert_non_null(strstr(out.data, ">people</text>"));
    assert_non_null(strstr(out.data, "<desc>sub</desc>"));
    strbuf_free(&out);
    strbuf_init(&out);
    chart empty = { .type = CHART_LINE, .title = "nothing" };
    chart_svg(&empty, &out);
    assert_non_null(strstr(out.data, ">no data</text>"));
    strbuf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(svg_numbers_and_text),
        cmocka_unit_test(nice_ticks_cases),
        cmocka_unit_test(labels),
        cmocka_unit_test(calendar_ticks),
        cmocka_unit_test(area_chart_positions),
        cmocka_unit_test(fan_and_empty_charts),
    };
    return cmocka_run_group_tests_name("chart", tests, NULL, NULL);
}
