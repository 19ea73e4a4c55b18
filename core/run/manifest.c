/* manifest.c - formatting and writing manifest.json (see manifest.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/atomic_file.h"
#include "util/csv_write.h"
#include "manifest.h"
#include "util/sha256.h"
#include "util/utf8.h"

void manifest_json_string(strbuf *b, const char *s)
{
    strbuf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': strbuf_puts(b, "\\\""); break;
        case '\\': strbuf_puts(b, "\\\\"); break;
        case '\n': strbuf_puts(b, "\\n"); break;
        case '\r': strbuf_puts(b, "\\r"); break;
        case '\t': strbuf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20) {
                strbuf_printf(b, "\\u%04x", *p);
            } else if (*p >= 0x80) {
                /* JSON text is UTF-8: names from a scenario may hold any
                 * bytes, and one that is not UTF-8 would make the whole
                 * manifest unreadable. Such bytes become U+FFFD. */
                int n = utf8_len(p);
                if (n == 0) {
                    strbuf_puts(b, "\\ufffd");
                } else {
                    strbuf_append(b, (const char *)p, (size_t)n);
                    p += n - 1;
                }
            } else {
                strbuf_putc(b, (char)*p);
            }
        }
    }
    strbuf_putc(b, '"');
}

void manifest_json_string_array(strbuf *b, const char *const *v, int n)
{
    strbuf_putc(b, '[');
    for (int i = 0; i < n; i++) {
        if (i)
            strbuf_puts(b, ", ");
        manifest_json_string(b, v[i]);
    }
    strbuf_putc(b, ']');
}

void manifest_json_inputs(strbuf *b, const manifest_input *in, int n)
{
    strbuf_putc(b, '[');
    for (int i = 0; i < n; i++) {
        strbuf b1;
        strbuf_init(&b1);
        inputs_format_item(&b1, &in[i]);
        strbuf_puts(b, i ? ",\n    " : "\n    ");
        manifest_json_string(b, b1.data ? b1.data : "");
        b->failed |= b1.failed;
        strbuf_free(&b1);
    }
    strbuf_puts(b, n ? "\n  ]" : "]");
}

static void json_number(strbuf *b, double x)
{
    if (x != x || x > 1.7976931348623157e308 || x < -1.7976931348623157e308)
        strbuf_puts(b, "null");
    else {
        char num[40];
        csvw_shortest(num, x);
        strbuf_puts(b, num);
    }
}

/* "report": {...}, after the params: only the fields declared. */
static void report_member(strbuf *b, const manifest_report *r)
{
    const char *sep = "";
    strbuf_puts(b, "  \"report\": {");
    if (r->key_states) {
        strbuf_puts(b, "\"key_states\": ");
        manifest_json_string_array(b, r->key_states, r->n_key_states);
        sep = ", ";
    }
    if (r->by_origin) {
        strbuf_printf(b, "%s\"by_origin\": ", sep);
        manifest_json_string_array(b, r->by_origin, r->n_by_origin);
        sep = ", ";
    }
    if (r->return_state) {
        strbuf_printf(b, "%s\"return_state\": ", sep);
        manifest_json_string(b, r->return_state);
        sep = ", ";
    }
    if (r->peak_state) {
        strbuf_printf(b, "%s\"peak_state\": ", sep);
        manifest_json_string(b, r->peak_state);
    }
    strbuf_puts(b, "},\n");
}

/* "limits": the constant ceilings that count every origin and the
 * constant capacities with the flows ("from->to") that draw on them, for
 * the lines charts draw. Limits given by expressions are left out. */
static void limits_member(strbuf *b, const demob_model *m)
{
    int nc = demob_model_n_ceilings(m), ncap = demob_model_n_capacities(m), any = 0;
    for (int k = 0; k < nc; k++) {
        demob_value v = demob_model_ceiling_value(m, k);
        if (!demob_model_ceiling_all_origins(m, k) || demob_model_value_is_expr(m, v))
            continue;
        strbuf_puts(b, any ? ", " : "  \"limits\": {\"ceilings\": {");
        any = 1;
        manifest_json_string(b, demob_model_state_name(m, demob_model_ceiling_state(m, k)));
        strbuf_puts(b, ": ");
        json_number(b, demob_model_value_default(m, v));
    }
    int caps = 0;
    for (int c = 0; c < ncap; c++) {
        demob_value v = demob_model_capacity_value(m, c);
        if (demob_model_value_is_expr(m, v))
            continue;
        strbuf_puts(b, caps ? ", " : any ? "}, \"capacities\": {" : "  \"limits\": {\"capacities\": {");
        any = caps = 1;
        manifest_json_string(b, demob_model_capacity_name(m, c));
        strbuf_puts(b, ": {\"per_step\": ");
        json_number(b, demob_model_value_default(m, v));
        strbuf_puts(b, ", \"flows\": [");
        int nf = 0;
        for (int f = 0; f < demob_model_n_flows(m); f++) {
            if (!demob_model_flow_uses_capacity(m, f, c))
                continue;
            char name[512];
            snprintf(name, sizeof name, "%s->%s", demob_model_state_name(m, demob_model_flow_from(m, f)),
                     demob_model_state_name(m, demob_model_flow_to(m, f)));
            strbuf_puts(b, nf++ ? ", " : "");
            manifest_json_string(b, name);
        }
        strbuf_puts(b, "]}");
    }
    if (any)
        strbuf_puts(b, "}},\n");
}

int manifest_scenario_hex(const char *scenario_path, const manifest_input *inputs, int n_inputs, char hex[65],
                          demob_error *err)
{
    if (inputs && n_inputs > 0) {
        memcpy(hex, inputs[0].sha256, 64);
        hex[64] = '\0';
        return 0;
    }
    if (sha256_file_hex(scenario_path, hex) != 0)
        return demob_error_set(err, DEMOB_ERUN, "cannot read '%s' to hash it", scenario_path);
    return 0;
}

int manifest_format(const manifest_info *info, const manifest_report *report, strbuf *b,
                    demob_error *err)
{
    const demob_model *m = info->model;
    char hex[65];
    int rc = manifest_scenario_hex(info->scenario_path, info->inputs, info->n_inputs, hex, err);
    if (rc != 0)
        return rc;
    strbuf_puts(b, "{\n  \"tool\": \"demob\",\n  \"version\": \"" DEMOB_VERSION "\",\n  \"command\": ");
    manifest_json_string(b, info->command);
    strbuf_puts(b, ",\n  \"scenario\": ");
    manifest_json_string(b, demob_model_name(m));
    strbuf_puts(b, ",\n  \"scenario_file\": ");
    manifest_json_string(b, info->scenario_path);
    strbuf_printf(b, ",\n  \"scenario_sha256\": \"%s\",\n", hex);
    if (info->inputs) {
        strbuf_puts(b, "  \"inputs\": ");
        manifest_json_inputs(b, info->inputs, info->n_inputs);
        strbuf_puts(b, ",\n");
    }
    strbuf_printf(b, "  \"mode\": \"%s\",\n", demob_model_mode(m) == DEMOB_STOCHASTIC ? "stochastic" : "deterministic");
    strbuf_printf(b, "  \"runs\": %ld,\n  \"steps\": %d,\n  \"unit\": \"%s\",\n  \"start\": ", info->runs,
                  demob_model_steps(m), demob_unit_names[demob_model_unit(m)]);
    manifest_json_string(b, demob_model_date(m, 0));
    if (info->currency) {
        strbuf_puts(b, ",\n  \"currency\": ");
        manifest_json_string(b, info->currency);
    }
    strbuf_printf(b, ",\n  \"seed\": %llu,\n  \"params\": {", (unsigned long long)demob_model_seed(m));
    int first = 1;
    for (int v = 0; v < demob_model_n_values(m); v++) {
        const char *name = demob_model_value_name(m, v);
        if (!name)
            continue;
        strbuf_puts(b, first ? "\n    " : ",\n    ");
        manifest_json_string(b, name);
        strbuf_puts(b, ": ");
        json_number(b, demob_model_value_default(m, v));
        first = 0;
    }
    strbuf_puts(b, first ? "},\n" : "\n  },\n");
    if (report)
        report_member(b, report);
    limits_member(b, m);
    if (info->extra_json && *info->extra_json)
        strbuf_printf(b, "  %s,\n", info->extra_json);
    strbuf_puts(b, "  \"command_line\": ");
    manifest_json_string_array(b, (const char *const *)info->argv, info->argc);
    strbuf_puts(b, "\n}\n");
    return b->failed ? demob_error_set(err, DEMOB_ERUN, "out of memory") : 0;
}

int manifest_write(const char *dir, const manifest_info *info, demob_error *err)
{
    return manifest_write_report(dir, info, NULL, err);
}

int manifest_write_report(const char *dir, const manifest_info *info, const manifest_report *report,
                          demob_error *err)
{
    strbuf b;
    strbuf_init(&b);
    int rc = manifest_format(info, report, &b, err);
    if (rc == 0) {
        char path[4400];
        snprintf(path, sizeof path, "%s/manifest.json", dir);
        rc = atomic_write_buffer(path, &b, err);
    }
    strbuf_free(&b);
    return rc;
}
