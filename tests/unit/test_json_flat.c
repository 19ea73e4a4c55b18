/* test_json_flat.c - the manifest reader (json_flat.c) and the key table
 * (keytab.c) it sits next to: flattening, escapes, errors with line and
 * column, depth limit; key numbering, lookups, growth. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/json_flat.h"
#include "util/keytab.h"

static void flattens_a_manifest(void **state)
{
    (void)state;
    const char *text =
        "{\n  \"tool\": \"demob\",\n  \"runs\": 200,\n  \"seed\": 2020,\n"
        "  \"params\": {\"flights\": 600, \"registration\": 1.5e-1, \"nested\": {\"x\": true}},\n"
        "  \"command\": [\"demob\", \"run\", \"a b.lua\"],\n"
        "  \"note\": \"caf\\u00e9 \\\"quoted\\\"\\n\", \"none\": null, \"empty\": {}\n}\n";
    jflat j = { 0 };
    demob_error err = { 0 };
    assert_int_equal(jflat_parse("m.json", text, strlen(text), &j, &err), 0);
    assert_int_equal(j.n, 9);
    assert_string_equal(jflat_get(&j, "tool"), "demob");
    assert_int_equal(j.e[0].is_string, 1);
    assert_string_equal(jflat_get(&j, "runs"), "200");
    assert_int_equal(j.e[1].is_string, 0);
    assert_string_equal(jflat_get(&j, "params.flights"), "600");
    assert_string_equal(jflat_get(&j, "params.registration"), "1.5e-1");
    assert_string_equal(jflat_get(&j, "params.nested.x"), "true");
    assert_string_equal(jflat_get(&j, "command"), "demob run a b.lua");
    /* An array of scalars keeps its elements: "a b.lua" stays one. */
    const jflat_entry *cmd = jflat_find(&j, "command");
    assert_non_null(cmd);
    assert_int_equal(cmd->n_items, 3);
    assert_string_equal(cmd->items[2], "a b.lua");
    assert_null(jflat_find(&j, "params.flights")->items);
    assert_string_equal(jflat_get(&j, "note"), "caf\xc3\xa9 \"quoted\"\n");
    assert_string_equal(jflat_get(&j, "none"), "null");
    assert_null(jflat_get(&j, "empty"));
    assert_null(jflat_get(&j, "missing"));
    /* Order is the document's. */
    assert_string_equal(j.e[3].key, "params.flights");
    jflat_free(&j);
}

static void nested_arrays_have_no_items(void **state)
{
    (void)state;
    const char *text = "{\"a\": [[1, 2], 3], \"b\": [], \"c\": [\"x\", {\"k\": 1}]}";
    jflat j = { 0 };
    demob_error err = { 0 };
    assert_int_equal(jflat_parse("m.json", text, strlen(text), &j, &err), 0);
    assert_string_equal(jflat_get(&j, "a"), "1 2 3");
    assert_null(jflat_find(&j, "a")->items);
    assert_int_equal(jflat_find(&j, "b")->n_items, 0);
    assert_null(jflat_find(&j, "c")->items);
    jflat_free(&j);
}

static void expect_error(const char *text, const char *want)
{
    jflat j = { 0 };
    demob_error err = { 0 };
    assert_int_equal(jflat_parse("m.json", text, strlen(text), &j, &err), DEMOB_EINPUT);
    if (!strstr(err.message, want)) {
        print_error("'%s' lacks '%s'\n", err.message, want);
        fail();
    }
    jflat_free(&j);
}

static void rejects_bad_json(void **state)
{
    (void)state;
    expect_error("", "m.json:1:1: expected a JSON object");
    expect_error("[1]", "m.json:1:1: expected a JSON object");
    expect_error("{\"a\": 1,\n \"b\" 2}", "m.json:2:6: expected ':'");
    expect_error("{\"a\": tru}", "m.json:1:7: expected a value");
    expect_error("{\"a\": \"x}", "unterminated string");
    expect_error("{\"a\": 1} x", "m.json:1:10: unexpected text");
    expect_error("{\"a\": 1.}", "bad number");
    char deep[200] = "{\"a\":";
    for (int i = 0; i < 40; i++)
        strcat(deep, "[");
    expect_error(deep, "nested too deeply");
    jflat j = { 0 };
    demob_error err = { 0 };
    assert_int_equal(jflat_load("/nonexistent/manifest.json", &j, &err), DEMOB_EINPUT);
    assert_non_null(strstr(err.message, "/nonexistent/manifest.json: cannot open"));
}

static void keytab_numbers_keys(void **state)
{
    (void)state;
    keytab *t = keytab_new();
    assert_non_null(t);
    assert_int_equal(keytab_intern_str(t, "Sudan"), 0);
    assert_int_equal(keytab_intern_str(t, "Chad"), 1);
    assert_int_equal(keytab_intern_str(t, "Sudan"), 0);
    assert_int_equal(keytab_find_str(t, "Chad"), 1);
    assert_int_equal(keytab_find_str(t, "Syria"), -1);
    assert_int_equal(keytab_intern_str(t, ""), 2);   /* the empty key is a key */
    /* Binary keys that differ in one byte, enough to grow several times. */
    int added;
    for (long i = 0; i < 100000; i++) {
        long key[2] = { i, -1 };
        assert_int_equal(keytab_intern(t, key, sizeof key, &added), 3 + i);
        assert_int_equal(added, 1);
    }
    for (long i = 0; i < 100000; i += 997) {
        long key[2] = { i, -1 };
        assert_int_equal(keytab_find(t, key, sizeof key), 3 + i);
        assert_int_equal(keytab_intern(t, key, sizeof key, &added), 3 + i);
        assert_int_equal(added, 0);
    }
    assert_int_equal(keytab_count(t), 100003);
    size_t len;
    assert_string_equal(keytab_key(t, 1, &len), "Chad");
    assert_int_equal(len, 4);
    keytab_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flattens_a_manifest),
        cmocka_unit_test(nested_arrays_have_no_items),
        cmocka_unit_test(rejects_bad_json),
        cmocka_unit_test(keytab_numbers_keys),
    };
    return cmocka_run_group_tests_name("json_flat", tests, NULL, NULL);
}
