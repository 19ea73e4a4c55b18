/* fuzz_csv_read.c - libFuzzer target for the CSV reader (core/util/csv_read.c):
 * any bytes as a CSV over memory. Every record must have exactly the
 * header's number of fields, every field must be NUL-terminated at its
 * reported length, and numbers must parse without crashing. A failure is
 * fine (bad input); a crash, a sanitizer report or a broken invariant is
 * a bug (abort). Built and run by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    demob_error err = {0};
    csv_reader *r = csvr_open_mem("fuzz.csv", (const char *)data, size, &err);
    if (!r) {
        if (err.status == 0 || err.message[0] == '\0')
            abort();   /* a failure must say why */
        return 0;
    }
    size_t ncols = csvr_ncols(r);
    if (ncols == 0)
        abort();
    for (size_t c = 0; c < ncols; c++) {
        const char *name = csvr_colname(r, c);
        if (!name || !*name || csvr_find(r, name) != (int)c)
            abort();   /* names are non-empty and distinct */
    }
    int rc;
    long last_line = 1;
    while ((rc = csvr_next(r, &err)) == 1) {
        long line = csvr_line(r);
        if (line <= last_line)
            abort();   /* records move forward */
        last_line = line;
        for (size_t c = 0; c < ncols; c++) {
            const char *s = csvr_field(r, c);
            if (!s || s[csvr_field_len(r, c)] != '\0')
                abort();
            long fl, fc;
            csvr_field_pos(r, c, &fl, &fc);
            if (fl < line || fc < 1)
                abort();
            double v;
            demob_error e2;
            (void)csvr_number(r, c, &v, &e2);
        }
        if (csvr_field(r, ncols) != NULL)
            abort();
    }
    if (rc < 0) {
        if (err.message[0] == '\0')
            abort();
        /* A failed reader stays failed. */
        demob_error e3;
        if (csvr_next(r, &e3) >= 0)
            abort();
    }
    csvr_close(r);
    return 0;
}
