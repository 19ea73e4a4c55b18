/* cli_manifest.c - manifest fields that run and sweep both write for
 * demob summarize: the origins and the tags (which origins carry each). */
#include "cli.h"
#include "run/manifest.h"
#include "util/strbuf.h"

/* "origins": [...], "tags": {"tag": [origins...]} for demob summarize. */
void cli_origins_json(const demob_model *m, const scenario *sc, strbuf *b)
{
    strbuf_puts(b, ",\n  \"origins\": [");
    for (int o = 0; o < demob_model_n_origins(m); o++) {
        strbuf_puts(b, o ? ", " : "");
        manifest_json_string(b, demob_model_origin_name(m, o));
    }
    strbuf_puts(b, "],\n  \"tags\": {");
    const char *const *tags;
    int n = scenario_tags(sc, &tags);
    for (int t = 0; t < n; t++) {
        strbuf_puts(b, t ? ", " : "");
        manifest_json_string(b, tags[t]);
        strbuf_puts(b, ": [");
        int first = 1;
        for (int o = 0; o < demob_model_n_origins(m); o++)
            if (demob_model_origin_has_tag(m, o, tags[t])) {
                strbuf_puts(b, first ? "" : ", ");
                manifest_json_string(b, demob_model_origin_name(m, o));
                first = 0;
            }
        strbuf_putc(b, ']');
    }
    strbuf_putc(b, '}');
}
