/* test_lua_csv.c - the `csv` module in a real Lua state: a write/read round
 * trip with awkward names, numbers converted on reading, relative paths
 * from the base folder, errors raised with line and column, and writes
 * outside the output folder refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "lua/lua_csv.h"

typedef struct fixture {
    char dir[64];       /* base folder: inputs */
    char out[96];       /* output folder */
    lua_State *L;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    strcpy(fx->dir, "/tmp/demob-test-luacsv-XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    snprintf(fx->out, sizeof fx->out, "%s/out", fx->dir);
    fx->L = luaL_newstate();
    if (!fx->L)
        return -1;
    luaL_openlibs(fx->L);
    luaL_requiref(fx->L, "csv", luaopen_demob_csv, 1);
    lua_pop(fx->L, 1);
    if (lua_csv_set_output_dir(fx->L, fx->out) != 0 || lua_csv_set_base_dir(fx->L, fx->dir) != 0)
        return -1;
    lua_pushstring(fx->L, fx->dir);
    lua_setglobal(fx->L, "DIR");
    lua_pushstring(fx->L, fx->out);
    lua_setglobal(fx->L, "OUT");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    lua_close(fx->L);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    int rc = system(cmd);
    free(fx);
    return rc == 0 ? 0 : -1;
}

/* Runs a chunk; returns NULL on success or the error message (static
 * buffer, valid until the next call). */
static const char *run(lua_State *L, const char *code)
{
    static char msg[1024];
    if (luaL_loadbuffer(L, code, strlen(code), "=test") != LUA_OK ||
        lua_pcall(L, 0, 0, 0) != LUA_OK) {
        snprintf(msg, sizeof msg, "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
        return msg;
    }
    return NULL;
}

static void run_ok(lua_State *L, const char *code)
{
    const char *e = run(L, code);
    if (e)
        fail_msg("Lua error: %s", e);
}

/* The chunk must fail with a message equal to want. */
static void run_fails(lua_State *L, const char *code, const char *want)
{
    const char *e = run(L, code);
    if (!e)
        fail_msg("expected the error '%s', but the chunk succeeded", want);
    assert_string_equal(e, want);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    char *buf = calloc(1, 4096);
    assert_non_null(buf);
    size_t n = fread(buf, 1, 4095, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void test_round_trip(void **state)
{
    fixture *fx = *state;
    run_ok(fx->L,
           "local w = csv.open('sub/peaks.csv', { 'origin', 'state', 'count' })\n"
           "assert(tostring(w):find('peaks.csv', 1, true))\n"
           "w:row { 'C\\u{f4}te d\\'Ivoire', 'present', 3000 }\n"
           "w:row { origin = 'Chad, N\\'Djamena', state = 'say \"hi\"', count = 0.25 }\n"
           "w:row { 'two\\nlines', count = -7, state = 'x' }\n"
           "w:row { 'big', 'y', 2^53 }\n"
           "assert(w:close() == true)\n");
    char path[160];
    snprintf(path, sizeof path, "%s/sub/peaks.csv", fx->out);
    char *text = read_file(path);
    assert_non_null(text);
    assert_string_equal(text, "origin,state,count\n"
                              "C\xc3\xb4te d'Ivoire,present,3000\n"
                              "\"Chad, N'Djamena\",\"say \"\"hi\"\"\",0.25\n"
                              "\"two\nlines\",x,-7\n"
                              "big,y,9007199254740992\n");
    free(text);
    /* Read back: keyed by the header, numbers as numbers. */
    run_ok(fx->L,
           "local rows, header = csv.read(OUT .. '/sub/peaks.csv')\n"
           "assert(#rows == 4 and #header == 3 and header[3] == 'count')\n"
           "assert(rows[1].origin == 'C\\u{f4}te d\\'Ivoire', rows[1].origin)\n"
           "assert(rows[1].count == 3000 and math.type(rows[1].count) == 'integer')\n"
           "assert(rows[2].origin == 'Chad, N\\'Djamena')\n"
           "assert(rows[2].state == 'say \"hi\"')\n"
           "assert(rows[2].count == 0.25)\n"
           "assert(rows[3].origin == 'two\\nlines' and rows[3].count == -7)\n"
           "assert(rows[4].count == 2^53)\n");
}

static void test_read_converts_numbers(void **state)
{
    fixture *fx = *state;
    write_file(fx->dir, "cells.csv",
               "\xEF\xBB\xBFname,value\r\n"
               "a,007\r\n"
               "b,1e3\r\n"
               "c,abc\r\n"
               "d,\r\n"
               "e,-2.5\r\n"
               "f,nan\r\n"
               "g,123456789012345678901\r\n");
    /* A relative path is taken from the base folder (the scenario's). */
    run_ok(fx->L,
           "local r = csv.read('cells.csv')\n"
           "assert(#r == 7)\n"
           "assert(r[1].value == 7 and math.type(r[1].value) == 'integer')\n"
           "assert(r[2].value == 1000 and math.type(r[2].value) == 'float')\n"
           "assert(r[3].value == 'abc')\n"
           "assert(r[4].value == '')\n"
           "assert(r[5].value == -2.5)\n"
           "assert(r[6].value == 'nan')\n"
           "assert(r[7].value == 1.2345678901234568e20)\n");
}

static void test_read_errors_name_line_and_column(void **state)
{
    fixture *fx = *state;
    char want[300];
    write_file(fx->dir, "ragged.csv", "origin,state,count\nSudan,present,3000\nChad,present\n");
    snprintf(want, sizeof want, "test:1: %s/ragged.csv:3:13: expected 3 fields, found 2",
             fx->dir);
    run_fails(fx->L, "csv.read('ragged.csv')", want);

    write_file(fx->dir, "quote.csv", "origin,count\nSudan,3000\n\"Chad,2000\nSyria,7000\n");
    snprintf(want, sizeof want,
             "test:1: %s/quote.csv:3:1: unterminated quoted field (missing closing quote)",
             fx->dir);
    run_fails(fx->L, "csv.read('quote.csv')", want);

    snprintf(want, sizeof want, "test:1: cannot open '%s/missing.csv': No such file or directory",
             fx->dir);
    run_fails(fx->L, "csv.read('missing.csv')", want);
    /* Absolute paths are not rebased. */
    run_fails(fx->L, "csv.read('/nonexistent/x.csv')",
              "test:1: cannot open '/nonexistent/x.csv': No such file or directory");

    write_file(fx->dir, "empty.csv", "");
    snprintf(want, sizeof want, "test:1: %s/empty.csv: empty file, expected a header", fx->dir);
    run_fails(fx->L, "csv.read('empty.csv')", want);

    run_fails(fx->L, "csv.read()",
              "test:1: bad argument #1 to 'read' (string expected, got no value)");

    /* Without a base folder, relative means the current directory. */
    assert_int_equal(lua_csv_set_base_dir(fx->L, NULL), 0);
    run_fails(fx->L, "csv.read('x.csv')",
              "test:1: cannot open 'x.csv': No such file or directory");
}

static void test_open_refuses_paths_outside(void **state)
{
    fixture *fx = *state;
    const char *bad[] = {"/etc/x.csv", "../x.csv", "a/../../x.csv", "", "a//b.csv", "dir/", ".."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char code[128], want[200];
        snprintf(code, sizeof code, "csv.open('%s', { 'a' })", bad[i]);
        snprintf(want, sizeof want,
                 "test:1: csv.open: '%s' must be a relative path inside the output folder",
                 bad[i]);
        run_fails(fx->L, code, want);
    }
    /* A name that merely contains dots is fine. */
    run_ok(fx->L, "local w = csv.open('a..b.csv', { 'a' }); w:row { 1 }; w:close()");
    char path[160];
    snprintf(path, sizeof path, "%s/a..b.csv", fx->out);
    char *text = read_file(path);
    assert_string_equal(text, "a\n1\n");
    free(text);

    run_fails(fx->L, "csv.open('x.csv', {})",
              "test:1: bad argument #2 to 'open' (the header needs at least one column name)");
    run_fails(fx->L, "csv.open('x.csv', { 'a', 'a' })",
              "test:1: bad argument #2 to 'open' (duplicate column 'a')");
    run_fails(fx->L, "csv.open('x.csv', { 'a', 3 })",
              "test:1: bad argument #2 to 'open' (column 2 of the header must be a non-empty "
              "string)");
    run_fails(fx->L, "csv.open('x.csv')",
              "test:1: bad argument #2 to 'open' (table expected, got no value)");

    assert_int_equal(lua_csv_set_output_dir(fx->L, NULL), 0);
    run_fails(fx->L, "csv.open('x.csv', { 'a' })",
              "test:1: csv.open: writing files is not allowed here (no output folder)");
}

static void test_row_errors(void **state)
{
    fixture *fx = *state;
    run_ok(fx->L, "W = csv.open('rows.csv', { 'origin', 'count' })");
    run_fails(fx->L, "W:row { origin = 'Chad', cuont = 3 }",
              "test:1: bad argument #1 to 'row' (no column 'cuont' (the writer has 2))");
    run_fails(fx->L, "W:row { origin = 'Chad' }",
              "test:1: bad argument #1 to 'row' (no value for column 'count' (a number, string "
              "or boolean expected))");
    run_fails(fx->L, "W:row { 'Chad', {} }",
              "test:1: bad argument #1 to 'row' (table for column 'count' (a number, string or "
              "boolean expected))");
    run_fails(fx->L, "W:row { 'Chad', origin = 'Sudan', count = 1 }",
              "test:1: bad argument #1 to 'row' (column 'origin' given both by position and by "
              "name)");
    run_fails(fx->L, "W:row { 'a', 1, 2 }",
              "test:1: bad argument #1 to 'row' (no column '3' (the writer has 2))");
    /* The failed rows left nothing behind: the file holds the good row only. */
    run_ok(fx->L, "W:row { 'Niger', true } W:close()");
    char path[160];
    snprintf(path, sizeof path, "%s/rows.csv", fx->out);
    char *text = read_file(path);
    assert_string_equal(text, "origin,count\nNiger,true\n");
    free(text);
    run_fails(fx->L, "W:row { 'x', 1 }", "test:1: attempt to use a closed csv writer");
    run_fails(fx->L, "W:close()", "test:1: attempt to use a closed csv writer");
}

/* A writer never closed leaves nothing: neither the file nor a temporary. */
static void test_unclosed_writer_is_aborted(void **state)
{
    fixture *fx = *state;
    run_ok(fx->L, "do local w = csv.open('gc.csv', { 'a' }); w:row { 1 } end\n"
                  "collectgarbage(); collectgarbage()\n"
                  "do local w <close> = csv.open('closevar.csv', { 'a' }); w:row { 2 } end\n");
    run_fails(fx->L,
              "local w <close> = csv.open('err.csv', { 'a' })\n"
              "w:row { 3 }\n"
              "error('boom')",
              "test:3: boom");
    assert_int_equal(count_entries(fx->out), 0);
}

/* Enough rows to flush the buffer to the file several times. */
static void test_many_rows(void **state)
{
    fixture *fx = *state;
    run_ok(fx->L, "local w = csv.open('many.csv', { 'run', 'step', 'origin', 'count' })\n"
                  "for i = 1, 20000 do w:row { i, i % 121, 'Syria', i / 4 } end\n"
                  "w:close()\n"
                  "local r = csv.read(OUT .. '/many.csv')\n"
                  "assert(#r == 20000)\n"
                  "assert(r[20000].run == 20000 and r[20000].count == 5000)\n"
                  "assert(r[3].step == 3 and r[3].count == 0.75)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_converts_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_errors_name_line_and_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_refuses_paths_outside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_row_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unclosed_writer_is_aborted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_rows, setup, teardown),
    };
    return cmocka_run_group_tests_name("lua_csv", tests, NULL, NULL);
}
