/* test_regress_io.c - regression tests for input and output bugs found
 * while hardening (issue 6), one test per bug:
 *   - csv_read numbered every row of a CR-only file (old Mac line ends)
 *     as line 1 (found by fuzz_csv_read);
 *   - csv_read cut header names at a NUL byte, giving empty or duplicate
 *     names (found by fuzz_csv_read);
 *   - svg_escape passed bytes that are not UTF-8 through, so a chart of a
 *     scenario whose names hold such bytes was not well-formed XML and did
 *     not display;
 *   - manifest_json_string did the same, so manifest.json was not valid JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/csv_read.h"
#include "run/manifest.h"
#include "util/strbuf.h"
#include "report/svg.h"

/* ------------------------------------------------- CR-only line ends */

static void test_csv_cr_lines(void **state)
{
    (void)state;
    static const char data[] = "a,b\r1,2\r3,4\r5\r";
    demob_error err = {0};
    csv_reader *r = csvr_open_mem("cr.csv", data, sizeof data - 1, &err);
    assert_non_null(r);
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_line(r), 2);
    assert_string_equal(csvr_field(r, 1), "2");
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_line(r), 3);
    long line, col;
    csvr_field_pos(r, 1, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 3);
    /* The ragged row is on line 4, after its single field. */
    assert_true(csvr_next(r, &err) < 0);
    assert_string_equal(err.message, "cr.csv:4:2: expected 2 fields, found 1");
    csvr_close(r);
}

/* CRLF stays one line break, also when a quoted field holds one, and a
 * lone CR inside quotes counts as a line like LF does. */
static void test_csv_crlf_and_quoted_cr(void **state)
{
    (void)state;
    static const char data[] = "a,b\r\n\"x\r\ny\",1\r\n\"p\rq\",2\r\nz\r\n";
    demob_error err = {0};
    csv_reader *r = csvr_open_mem("crlf.csv", data, sizeof data - 1, &err);
    assert_non_null(r);
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_line(r), 2);
    assert_string_equal(csvr_field(r, 0), "x\r\ny");
    long line, col;
    csvr_field_pos(r, 1, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 4);
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_line(r), 4);
    assert_string_equal(csvr_field(r, 0), "p\rq");
    assert_true(csvr_next(r, &err) < 0);
    assert_string_equal(err.message, "crlf.csv:6:2: expected 2 fields, found 1");
    csvr_close(r);
}

/* A header name with a NUL byte was cut at the NUL: "\0\0" became an
 * empty name, "a\0x" and "a\0y" two columns named "a". */
static void test_csv_nul_in_header(void **state)
{
    (void)state;
    static const char empty[] = "\0\0\0\n,\n";
    static const char dup[] = "id,a\0x,a\0y\n1,2,3\n";
    demob_error err = {0};
    assert_null(csvr_open_mem("nul.csv", empty, sizeof empty - 1, &err));
    assert_int_equal(err.status, DEMOB_EINPUT);
    assert_string_equal(err.message, "nul.csv:1:1: column name contains a NUL byte");
    assert_null(csvr_open_mem("dup.csv", dup, sizeof dup - 1, &err));
    assert_string_equal(err.message, "dup.csv:1:4: column name contains a NUL byte");
    /* In a data field a NUL is kept, with the field's length. */
    static const char data[] = "a,b\nx\0y,2\n";
    csv_reader *r = csvr_open_mem("data.csv", data, sizeof data - 1, &err);
    assert_non_null(r);
    assert_int_equal(csvr_next(r, &err), 1);
    assert_int_equal(csvr_field_len(r, 0), 3);
    assert_memory_equal(csvr_field(r, 0), "x\0y", 4);
    csvr_close(r);
}

/* ------------------------------------------------------------ UTF-8 */

/* Valid sequences of every length pass; each byte of a bad one (a stray
 * continuation byte, an overlong form, a surrogate, above U+10FFFF, a
 * truncated sequence at the end) becomes U+FFFD: 13 of them here. */
static const char mixed[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"   /* a é € 😀 */
                            "\xFF\x80\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80\xE2\x82";
#define FFFD "\xEF\xBF\xBD"

static void test_svg_escape_utf8(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b);
    svg_escape(&b, mixed);
    assert_string_equal(b.data, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80" FFFD FFFD FFFD FFFD FFFD FFFD FFFD
                                FFFD FFFD FFFD FFFD FFFD FFFD);
    /* U+FFFE and U+FFFF are not XML characters either; U+FFFD stays. */
    strbuf_clear(&b);
    svg_escape(&b, "\xEF\xBF\xBE\xEF\xBF\xBF" FFFD "<&>");
    assert_string_equal(b.data, FFFD FFFD FFFD FFFD FFFD FFFD FFFD "&lt;&amp;&gt;");
    strbuf_free(&b);
}

static void test_json_string_utf8(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b);
    manifest_json_string(&b, mixed);
    assert_string_equal(b.data, "\"a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd"
                                "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
    strbuf_clear(&b);
    manifest_json_string(&b, "q\"\\\n\x01\xEF\xBF\xBF");
    assert_string_equal(b.data, "\"q\\\"\\\\\\n\\u0001\xEF\xBF\xBF\"");
    strbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_cr_lines),
        cmocka_unit_test(test_csv_crlf_and_quoted_cr),
        cmocka_unit_test(test_csv_nul_in_header),
        cmocka_unit_test(test_svg_escape_utf8),
        cmocka_unit_test(test_json_string_utf8),
    };
    return cmocka_run_group_tests_name("regress_io", tests, NULL, NULL);
}
