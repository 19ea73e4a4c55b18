/* test_csv.c - strbuf, csv_write and csv_read with worked examples: the
 * exact bytes written for awkward text and numbers, and the exact line and
 * column of every reading error. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assert_double.h"
#include "util/csv_read.h"
#include "util/csv_write.h"
#include "util/strbuf.h"

/* ------------------------------------------------------------- strbuf */

static void test_strbuf_grows_and_formats(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b);
    for (int i = 0; i < 1000; i++)
        strbuf_putc(&b, (char)('a' + i % 26));
    assert_int_equal(b.len, 1000);
    assert_int_equal(b.data[999], 'a' + 999 % 26);
    assert_int_equal(b.data[1000], '\0');
    strbuf_clear(&b);
    strbuf_puts(&b, "x=");
    strbuf_printf(&b, "%d|%s", 42, "ok");
    /* A long printf that cannot fit in the room left. */
    char big[600];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    strbuf_printf(&b, "%s", big);
    assert_int_equal(b.len, 7 + 599);
    assert_memory_equal(b.data, "x=42|ok", 7);
    assert_int_equal(b.data[b.len - 1], 'z');
    assert_int_equal(b.failed, 0);
    strbuf_free(&b);
    assert_null(b.data);
}

static void test_strbuf_failure_is_sticky(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b);
    strbuf_puts(&b, "abc");
    /* A request that cannot be satisfied marks the buffer failed and keeps
     * what was there; later appends are ignored, not crashes. */
    assert_int_equal(strbuf_reserve(&b, SIZE_MAX - 2), -1);
    assert_int_equal(b.failed, 1);
    strbuf_puts(&b, "def");
    strbuf_printf(&b, "%d", 7);
    assert_int_equal(b.len, 3);
    assert_string_equal(b.data, "abc");
    strbuf_clear(&b);
    assert_int_equal(b.failed, 0);
    strbuf_puts(&b, "ok");
    assert_string_equal(b.data, "ok");
    strbuf_free(&b);
}

/* ---------------------------------------------------------- csv_write */

static void test_write_quoting(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b);
    csvw_str(&b, 1, "plain");
    csvw_str(&b, 0, "a,b");
    csvw_str(&b, 0, "say \"hi\"");
    csvw_str(&b, 0, "two\nlines");
    csvw_str(&b, 0, "cr\rhere");
    csvw_str(&b, 0, "C\xc3\xb4te d'Ivoire");
    csvw_str(&b, 0, " lead");
    csvw_str(&b, 0, "trail ");
    csvw_str(&b, 0, "");
    csvw_str(&b, 0, "\xff\xfe not utf-8");
    csvw_end(&b);
    assert_string_equal(b.data,
                        "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\","
                        "C\xc3\xb4te d'Ivoire,\" lead\",\"trail \",,\xff\xfe not utf-8\n");
    strbuf_free(&b);
}

static void test_write_header(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b);
    const char *names[] = {"run", "step", "date", "origin", "state", "count", NULL};
    csvw_header(&b, names);
    assert_string_equal(b.data, "run,step,date,origin,state,count\n");
    strbuf_free(&b);
}

static void test_write_integers(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b);
    csvw_i64(&b, 1, 0);
    csvw_i64(&b, 0, -1);
    csvw_i64(&b, 0, 7);
    csvw_i64(&b, 0, 10);
    csvw_i64(&b, 0, 99);
    csvw_i64(&b, 0, 100);
    csvw_i64(&b, 0, 1234567);
    csvw_i64(&b, 0, INT64_MIN);
    csvw_i64(&b, 0, INT64_MAX);
    csvw_end(&b);
    assert_string_equal(b.data, "0,-1,7,10,99,100,1234567,-9223372036854775808,"
                                "9223372036854775807\n");
    /* Every value from -1000 to 100000 agrees with printf. */
    char want[32];
    for (int64_t v = -1000; v <= 100000; v += 7) {
        strbuf_clear(&b);
        csvw_i64(&b, 1, v);
        snprintf(want, sizeof want, "%lld", (long long)v);
        assert_string_equal(b.data, want);
    }
    strbuf_free(&b);
}

static void test_write_doubles(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b);
    csvw_f64(&b, 1, 0.0);
    csvw_f64(&b, 0, -0.0);
    csvw_f64(&b, 0, -1.0);
    csvw_f64(&b, 0, 3000.0);
    csvw_f64(&b, 0, 0.1);
    csvw_f64(&b, 0, 2.5);
    csvw_f64(&b, 0, 1.0 / 3.0);
    csvw_f64(&b, 0, 1e300);
    csvw_f64(&b, 0, 9007199254740991.0);   /* 2^53 - 1: still an integer */
    csvw_f64(&b, 0, 9007199254740992.0);   /* 2^53: shortest round trip */
    csvw_f64(&b, 0, NAN);
    csvw_f64(&b, 0, INFINITY);
    csvw_f64(&b, 0, -INFINITY);
    csvw_f64(&b, 0, 1e-7);
    csvw_f64(&b, 0, 0.05);
    csvw_f64(&b, 0, 0.1 + 0.2);
    csvw_end(&b);
    assert_string_equal(b.data, "0,0,-1,3000,0.1,2.5,0.3333333333333333,1e+300,9007199254740991,"
                                "9007199254740992,nan,inf,-inf,1e-07,0.05,0.30000000000000004\n");
    strbuf_free(&b);
}

/* Every number written reads back as the same double, in the fewest
 * digits that do (so 0.05 is "0.05", never 0.050000000000000003). */
static void test_write_shortest_round_trip(void **state)
{
    (void)state;
    double v[] = { 0.05, 1.0 / 3.0, 2.0 / 3.0, 1e-300, 5e-324, 1.7976931348623157e308, 123456.789, 0.1 + 0.2,
                   -4.35, 1e22, 3.0e-5 };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char buf[40];
        size_t n = csvw_shortest(buf, v[i]);
        assert_int_equal(n, strlen(buf));
        assert_true(strtod(buf, NULL) == v[i]);
        /* one digit fewer does not round-trip */
        char shorter[400];
        int digits = 0, lead = 1;   /* significant digits: from the first non-zero one */
        for (const char *p = buf; *p && *p != 'e'; p++) {
            lead &= *p < '1' || *p > '9';
            digits += !lead && *p >= '0' && *p <= '9';
        }
        if (digits > 1) {
            snprintf(shorter, sizeof shorter, "%.*g", digits - 1, v[i]);
            assert_false(strtod(shorter, NULL) == v[i]);
        }
    }
    char buf[40];
    csvw_shortest(buf, 0.05);
    assert_string_equal(buf, "0.05");
}

/* What we write, libcsv reads back unchanged: the strings that need
 * quoting, through our own reader. */
static void test_write_read_round_trip(void **state)
{
    (void)state;
    const char *cells[] = {"a,b", "say \"hi\"", "two\nlines", " lead", "C\xc3\xb4te d'Ivoire",
                           "trail\t", "\"", ""};
    size_t n = sizeof cells / sizeof cells[0];
    strbuf b;
    strbuf_init(&b);
    for (size_t c = 0; c < n; c++) {
        char name[8];
        snprintf(name, sizeof name, "c%zu", c);
        csvw_str(&b, c == 0, name);
    }
    csvw_end(&b);
    for (size_t c = 0; c < n; c++)
        csvw_str(&b, c == 0, cells[c]);
    csvw_end(&b);
    demob_error err = {0};
    csv_reader *r = csvr_open_mem("rt.csv", b.data, b.len, &err);
    assert_non_null(r);
    assert_int_equal(csvr_next(r, &err), 1);
    for (size_t c = 0; c < n; c++)
        assert_string_equal(csvr_field(r, c), cells[c]);
    assert_int_equal(csvr_next(r, &err), 0);
    csvr_close(r);
    strbuf_free(&b);
}

/* ----------------------------------------------------------- csv_read */

static csv_reader *open_text(const char *text, demob_error *err)
{
    return csvr_open_mem("in.csv", text, strlen(text), err);
}

/* Expects opening or reading text to fail with exactly message. */
static void expect_read_error(const char *text, const char *message)
{
    demob_error err = {0};
    csv_reader *r = open_text(text, &err);
    int rc = 0;
    while (r && (rc = csvr_next(r, &err)) > 0) {
    }
    if (r)
        assert_true(rc < 0);
    assert_int_equal(err.status, DEMOB_EINPUT);
    assert_string_equal(err.message, message);
    csvr_close(r);
}

static void test_read_basic(void **state)
{
    (void)state;
    demob_error err = {0};
    csv_reader *r = open_text("origin,count\nSudan,3000\n\"Chad, N'Djamena\",2000.5\n", &err);
    assert_non_null(r);
    assert_int_equal(csvr_ncols(r), 2);
    assert_string_equal(csvr_colname(r, 0), "origin");
    assert_int_equal(csvr_find(r, "count"), 1);
    assert_int_equal(csvr_find(r, "nope"), -1);
    assert_string_equal(csvr_name(r), "in.csv");

    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_line(r), 2);
    assert_string_equal(csvr_field(r, 0), "Sudan");
    double v = 0;
    assert_int_equal(csvr_number(r, 1, &v, &err), 0);
    assert_double(v, 3000.0, 0);

    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_line(r), 3);
    assert_string_equal(csvr_field(r, 0), "Chad, N'Djamena");
    assert_int_equal(csvr_field_len(r, 0), 15);
    assert_int_equal(csvr_number(r, 1, &v, &err), 0);
    assert_double(v, 2000.5, 0);
    long line, col;
    csvr_field_pos(r, 1, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 19);

    assert_int_equal(csvr_next(r, &err), 0);
    assert_int_equal(csvr_next(r, &err), 0);
    csvr_close(r);
}

static void test_read_bom_crlf_blank_lines(void **state)
{
    (void)state;
    demob_error err = {0};
    csv_reader *r = open_text("\xEF\xBB\xBForigin,count\r\n\r\nSyria,7000\r\n   \r\nChad,2000", &err);
    assert_non_null(r);
    assert_string_equal(csvr_colname(r, 0), "origin");   /* no BOM in the name */
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_line(r), 3);
    assert_string_equal(csvr_field(r, 0), "Syria");
    assert_string_equal(csvr_field(r, 1), "7000");       /* no CR left over */
    assert_int_equal(csvr_next(r, &err), 1);             /* last line, no newline */
    assert_int_equal(csvr_line(r), 5);
    assert_string_equal(csvr_field(r, 1), "2000");
    assert_int_equal(csvr_next(r, &err), 0);
    csvr_close(r);
}

static void test_read_quoted_newlines_keep_lines_right(void **state)
{
    (void)state;
    demob_error err = {0};
    csv_reader *r = open_text("name,note\n"
                              "a,\"line one\nline two\nline three\"\n"
                              "b,plain\n"
                              "c,\"x\r\ny\"\n"
                              "d,oops,extra\n",
                              &err);
    assert_non_null(r);
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_line(r), 2);
    assert_string_equal(csvr_field(r, 1), "line one\nline two\nline three");
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_line(r), 5);                 /* after two quoted newlines */
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_line(r), 6);
    assert_string_equal(csvr_field(r, 1), "x\r\ny");
    /* The ragged row is on line 8, its third field starts at column 8. */
    assert_int_equal(csvr_next(r, &err), DEMOB_EINPUT);
    assert_string_equal(err.message, "in.csv:8:8: expected 2 fields, found 3");
    /* The reader stays failed. */
    assert_int_equal(csvr_next(r, &err), DEMOB_EINPUT);
    csvr_close(r);
}

static void test_read_ragged_rows(void **state)
{
    (void)state;
    /* Too few: the position is the end of the row, where field 5 was due. */
    expect_read_error("run,step,date,origin,state,count\n"
                      "1,0,2020-11,Sudan,present,3000\n"
                      "1,0,2020-11,Chad\n",
                      "in.csv:3:17: expected 6 fields, found 4");
    /* Columns count characters, not bytes: "Côte" is 4 columns. */
    expect_read_error("origin,count\n"
                      "C\xc3\xb4te,1,2\n",
                      "in.csv:2:8: expected 2 fields, found 3");
    /* The last row without a newline. */
    expect_read_error("a,b\n1", "in.csv:2:2: expected 2 fields, found 1");
}

static void test_read_unterminated_quote(void **state)
{
    (void)state;
    /* The message points at the opening quote. */
    expect_read_error("origin,count\n"
                      "Sudan,3000\n"
                      "Chad,\"2000\n"
                      "Syria,7000\n",
                      "in.csv:3:6: unterminated quoted field (missing closing quote)");
    expect_read_error("origin,count\n\"Sudan,3000",
                      "in.csv:2:1: unterminated quoted field (missing closing quote)");
}

static void test_read_malformed_quotes(void **state)
{
    (void)state;
    expect_read_error("a,b\nx,ab\"c\n",
                      "in.csv:2:5: quote inside an unquoted field (quote the whole field "
                      "and double the quote)");
    expect_read_error("a,b\n\"x\"y,1\n", "in.csv:2:4: unexpected character after a closing quote");
}

static void test_read_empty_and_bad_headers(void **state)
{
    (void)state;
    expect_read_error("", "in.csv: empty file, expected a header");
    expect_read_error("\xEF\xBB\xBF\n\r\n  \n", "in.csv: empty file, expected a header");
    expect_read_error("a,b,a\n1,2,3\n", "in.csv:1:5: duplicate column 'a'");
    expect_read_error("a,,b\n", "in.csv:1:3: empty column name");
}

static void test_read_header_only(void **state)
{
    (void)state;
    demob_error err = {0};
    csv_reader *r = open_text("a,b\n", &err);
    assert_non_null(r);
    assert_int_equal(csvr_ncols(r), 2);
    assert_int_equal(csvr_next(r, &err), 0);
    csvr_close(r);
}

static void test_read_numbers(void **state)
{
    (void)state;
    demob_error err = {0};
    csv_reader *r = open_text("name,count\n"
                              "a,-12.5e2\n"
                              "b,abc\n"
                              "c,12x\n"
                              "d,\n"
                              "e,inf\n"
                              "f,\" 5\"\n"
                              "g,1e999\n"
                              "h,0x10\n",
                              &err);
    assert_non_null(r);
    double v = 0;
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_number(r, 1, &v, &err), 0);
    assert_double(v, -1250.0, 0);
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_number(r, 1, &v, &err), DEMOB_EINPUT);
    assert_string_equal(err.message, "in.csv:3:3: column 'count': 'abc' is not a number");
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_number(r, 1, &v, &err), DEMOB_EINPUT);
    assert_string_equal(err.message, "in.csv:4:3: column 'count': '12x' is not a number");
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_number(r, 1, &v, &err), DEMOB_EINPUT);
    assert_string_equal(err.message, "in.csv:5:3: column 'count': '' is not a number");
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_number(r, 1, &v, &err), DEMOB_EINPUT);   /* not finite */
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_number(r, 1, &v, &err), DEMOB_EINPUT);   /* leading blank */
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_number(r, 1, &v, &err), DEMOB_EINPUT);   /* overflows */
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_number(r, 1, &v, &err), 0);
    assert_double(v, 16.0, 0);
    assert_int_equal(csvr_next(r, &err), 0);
    csvr_close(r);
}

/* A file bigger than one read block, with a record straddling the block
 * boundary, read from disk: lines stay right across blocks. */
static void test_read_file_across_blocks(void **state)
{
    (void)state;
    char path[] = "/tmp/demob-test-csv-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs("run,origin,note\n", fp);
    long rows = 20000;   /* about 600 KB: ten blocks */
    for (long i = 1; i <= rows; i++)
        fprintf(fp, "%ld,Syria,\"a, quoted\nnote %ld\"\n", i, i);
    fclose(fp);

    demob_error err = {0};
    csv_reader *r = csvr_open(path, &err);
    assert_non_null(r);
    long n = 0;
    int rc;
    while ((rc = csvr_next(r, &err)) == 1) {
        n++;
        double v;
        assert_int_equal(csvr_number(r, 0, &v, &err), 0);
        assert_double(v, (double)n, 0);
        assert_int_equal(csvr_line(r), 2 * n);
        char want[48];
        snprintf(want, sizeof want, "a, quoted\nnote %ld", n);
        assert_string_equal(csvr_field(r, 2), want);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(n, rows);
    csvr_close(r);
    unlink(path);
}

static void test_read_missing_file(void **state)
{
    (void)state;
    demob_error err = {0};
    assert_null(csvr_open("/nonexistent/demob/x.csv", &err));
    assert_int_equal(err.status, DEMOB_EINPUT);
    assert_string_equal(err.message,
                        "cannot open '/nonexistent/demob/x.csv': No such file or directory");
    assert_null(csvr_open("/tmp", &err));
    assert_string_equal(err.message, "cannot open '/tmp': Is a directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strbuf_grows_and_formats),
        cmocka_unit_test(test_strbuf_failure_is_sticky),
        cmocka_unit_test(test_write_quoting),
        cmocka_unit_test(test_write_header),
        cmocka_unit_test(test_write_integers),
        cmocka_unit_test(test_write_shortest_round_trip),
        cmocka_unit_test(test_write_doubles),
        cmocka_unit_test(test_write_read_round_trip),
        cmocka_unit_test(test_read_basic),
        cmocka_unit_test(test_read_bom_crlf_blank_lines),
        cmocka_unit_test(test_read_quoted_newlines_keep_lines_right),
        cmocka_unit_test(test_read_ragged_rows),
        cmocka_unit_test(test_read_unterminated_quote),
        cmocka_unit_test(test_read_malformed_quotes),
        cmocka_unit_test(test_read_empty_and_bad_headers),
        cmocka_unit_test(test_read_header_only),
        cmocka_unit_test(test_read_numbers),
        cmocka_unit_test(test_read_file_across_blocks),
        cmocka_unit_test(test_read_missing_file),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
