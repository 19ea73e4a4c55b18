/* fuzz_scenario.c - libFuzzer target for the scenario loader
 * (core/lua_*.c) with the sandbox and tight limits on: the input is a
 * scenario script, written to a private temporary folder and loaded with
 * 64 MiB of memory, 10^6 instructions and 1 s. A script that loads is then
 * checked further, when the model is small enough to be quick:
 *   - its sweep{} declaration is converted (and its design built when it
 *     has few points);
 *   - one run of a few steps, with its hooks attached, and on_finish;
 *   - every output row is formatted and the CSV parsed back: each file
 *     must read with exactly the header's number of fields.
 * Errors are fine (bad input); a crash, a sanitizer report, an error
 * without a message or an output CSV that does not parse back are bugs. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/csv_read.h"
#include "run/output.h"
#include "lua/scenario.h"
#include "util/strbuf.h"
#include "sweep/sweep_design.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STEPS 12L
#define MAX_CELLS 20000L   /* steps x origins x states run at most */

static char dir[64], path[96], out_dir[96];

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    if (ftw->level > 0)
        remove(p);
    return 0;
}

/* Empties the output folder csv.open may write to. */
static void clean_out(void)
{
    nftw(out_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void cleanup(void)
{
    clean_out();
    rmdir(out_dir);
    unlink(path);
    rmdir(dir);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/fuzz_scenario_XXXXXX");
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/s.lua", dir);
    snprintf(out_dir, sizeof out_dir, "%s/out", dir);
    if (mkdir(out_dir, 0700) != 0)
        abort();
    atexit(cleanup);
}

/* Every planned file's text must parse back with the header's width. */
static void check_csv(const strbuf *b, const char *name)
{
    if (!b->len)
        return;
    demob_error err;
    csv_reader *r = csvr_open_mem(name, b->data, b->len, &err);
    if (!r) {
        fprintf(stderr, "%s does not parse: %s\n", name, err.message);
        abort();
    }
    int rc;
    while ((rc = csvr_next(r, &err)) == 1)
        ;
    if (rc < 0) {
        fprintf(stderr, "%s does not parse: %s\n", name, err.message);
        abort();
    }
    csvr_close(r);
}

static void run_one(scenario *sc)
{
    const demob_model *m = scenario_model(sc);
    long steps = demob_model_steps(m);
    long cells = (long)demob_model_n_origins(m) * demob_model_n_states(m);
    if (steps > MAX_STEPS)
        steps = MAX_STEPS;
    if (cells * (steps + 1) > MAX_CELLS)
        return;
    demob_error err = {0};
    output_labels *labels = output_labels_new(m, &err);
    if (!labels)
        return;
    demob_sim *sim = demob_sim_new(m, &err);
    strbuf bufs[OUT_NFILES];
    strbuf *pb[OUT_NFILES];
    output_plan plan;
    plan.every = 1;
    for (int f = 0; f < OUT_NFILES; f++) {
        strbuf_init(&bufs[f]);
        plan.want[f] = output_applies(m, &(output_plan){ { 1, 1, 1, 1, 1 }, 1 }, f);
        pb[f] = plan.want[f] ? &bufs[f] : NULL;
        if (pb[f])
            output_header(labels, f, NULL, pb[f]);
    }
    if (sim && demob_sim_reset(sim, 1, NULL, &err) == 0) {
        if (scenario_has_hooks(sc))
            scenario_attach(sc, sim);
        output_record(labels, &plan, sim, "", pb);
        int ok = 1;
        for (long t = 1; t <= steps && ok; t++) {
            ok = demob_sim_step(sim, &err) == 0;
            if (ok)
                output_record(labels, &plan, sim, "", pb);
            else if (!err.message[0])
                abort();
        }
        if (ok && scenario_finish(sc, sim, &err) != 0 && !err.message[0])
            abort();
        if (ok && pb[OUT_SUMMARY])
            output_summary(labels, sim, "", NULL, pb[OUT_SUMMARY]);
        for (int f = 0; f < OUT_NFILES; f++)
            if (pb[f] && !bufs[f].failed)
                check_csv(&bufs[f], output_file_names[f]);
    }
    for (int f = 0; f < OUT_NFILES; f++)
        strbuf_free(&bufs[f]);
    demob_sim_free(sim);
    output_labels_free(labels);
}

/* The sweep declaration; the design too when it is small. */
static void sweep_one(scenario *sc)
{
    sweep_spec spec;
    demob_error err = {0};
    if (scenario_sweep_spec(sc, &spec, &err) == 0 && sweep_spec_has_design(&spec)) {
        double n = spec.n_rows > 0 ? (double)spec.n_rows : 1;
        for (int k = 0; k < spec.n_factors; k++)
            if (spec.factors[k].kind == FACTOR_GRID)
                n *= spec.factors[k].n_levels;
        n *= spec.samples > 0 ? (double)spec.samples : 1;
        if (n <= 1000) {
            sweep_design d;
            if (sweep_design_build(&spec, 1, &d, &err) == 0)
                sweep_design_free(&d);
        }
    }
    sweep_spec_free(&spec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0])
        setup();
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
    scenario_options o;
    scenario_options_init(&o);
    o.path = path;
    o.output_dir = out_dir;
    o.memory_limit = (size_t)64 << 20;
    o.instruction_limit = 1000000;
    o.time_limit = 1.0;
    demob_error err = {0};
    scenario *sc = scenario_load(&o, &err);
    if (!sc) {
        if (!err.message[0] || err.status == 0)
            abort();   /* a failure must say why */
    } else {
        sweep_one(sc);
        run_one(sc);
        scenario_free(sc);
    }
    clean_out();
    return 0;
}
