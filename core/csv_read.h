/* csv_read.h - reading CSV input (caseload estimates, sweep points, outputs
 * to compare) through libcsv, with what libcsv lacks: line and column of
 * every record and error, a field-count check against the header, a UTF-8
 * BOM stripped, CRLF accepted, CSV_STRICT | CSV_STRICT_FINI so an
 * unterminated quote is an error. Streaming: memory does not grow with the
 * file. Error messages read "path:line:column: message". */
#ifndef DEMOB_CSV_READ_H
#define DEMOB_CSV_READ_H
#include <stddef.h>
#include "demob.h"

typedef struct csv_reader csv_reader;

/* Opens path and reads the header row. An empty file is an error
 * ("path: empty file, expected a header"). */
csv_reader *csvr_open(const char *path, demob_error *err);
/* The same over a memory buffer (for fuzzing and tests); name is used in
 * messages. The buffer must outlive the reader. */
csv_reader *csvr_open_mem(const char *name, const char *data, size_t len, demob_error *err);
void csvr_close(csv_reader *r);

size_t csvr_ncols(const csv_reader *r);
const char *csvr_colname(const csv_reader *r, size_t c);
/* Column index of name, or -1. */
int csvr_find(const csv_reader *r, const char *name);

/* Reads the next record into the reader: returns 1 with a record, 0 at the
 * end, negative with err set (ragged row: "path:12:4: expected 6 fields,
 * found 4"). Blank lines are skipped. */
int csvr_next(csv_reader *r, demob_error *err);
/* Fields of the current record (valid until the next csvr_next). */
const char *csvr_field(const csv_reader *r, size_t c);
size_t csvr_field_len(const csv_reader *r, size_t c);
/* Line where the current record starts (1-based; the header is line 1). */
long csvr_line(const csv_reader *r);
const char *csvr_name(const csv_reader *r);

/* Parses field c of the current record as a finite double; on failure fills
 * err with "path:line:col: column 'x': 'abc' is not a number". */
int csvr_number(const csv_reader *r, size_t c, double *out, demob_error *err);

#endif
