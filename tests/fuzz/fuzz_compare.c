/* fuzz_compare.c - libFuzzer target for compare's alignment
 * (core/report/compare.c over core/report/tidy.c and core/util/csv_read.c). compare works on
 * files, so the input is split into two CSV files written to a private
 * temporary folder:
 *   byte 0        options: bit 0 all_steps, bit 1 by_run, bit 2 tolerances,
 *                 bit 3 noise gate, bit 4 an extra --at step (byte 1)
 *   then          file A, a line "====", file B
 * (no separator: B is a copy of A). Then both formatters run over the
 * result. Failures are fine; a crash or sanitizer report is a bug. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char path_a[96], path_b[96];

static void write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (n && fwrite(p, 1, n, f) != n)
        abort();
    if (fclose(f) != 0)
        abort();
}

static void cleanup(void)
{
    unlink(path_a);
    unlink(path_b);
    rmdir(dir);
}

static const uint8_t *find_sep(const uint8_t *p, size_t n)
{
    static const char sep[] = "\n====\n";
    for (size_t i = 0; i + 6 <= n; i++)
        if (memcmp(p + i, sep, 6) == 0)
            return p + i;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/fuzz_compare_XXXXXX");
        if (!mkdtemp(dir))
            abort();
        snprintf(path_a, sizeof path_a, "%s/a.csv", dir);
        snprintf(path_b, sizeof path_b, "%s/b.csv", dir);
        atexit(cleanup);
    }
    if (size < 2)
        return 0;
    uint8_t flags = data[0];
    long at = data[1];
    data += 2;
    size -= 2;
    const uint8_t *sep = find_sep(data, size);
    if (sep) {
        size_t na = (size_t)(sep - data) + 1;   /* A keeps its last newline */
        write_file(path_a, data, na);
        write_file(path_b, sep + 6, size - (na + 5));
    } else {
        write_file(path_a, data, size);
        write_file(path_b, data, size);
    }
    compare_options o;
    compare_options_init(&o);
    o.all_steps = flags & 1;
    o.by_run = (flags >> 1) & 1;
    if (flags & 4) {
        o.has_abs = o.has_rel = 1;
        o.abs_tol = 0.5;
        o.rel_tol = 0.01;
    }
    o.noise_gate = (flags >> 3) & 1;
    if (flags & 16) {
        o.at = &at;
        o.n_at = 1;
    }
    compare_result res;
    demob_error err = {0};
    int rc = compare_files(path_a, path_b, &o, &res, &err);
    if (rc == 0) {
        (void)compare_failed(&res, &o);
        strbuf out;
        strbuf_init(&out);
        compare_format_table(&res, &o, 10, (flags >> 5) & 1, &out);
        compare_format_csv(&res, "fuzz", 1, &out);
        strbuf_free(&out);
    } else if (err.message[0] == '\0') {
        abort();   /* a failure must say why */
    }
    compare_result_free(&res);
    return 0;
}
