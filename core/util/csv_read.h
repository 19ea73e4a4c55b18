/* csv_read.h - reading CSV input (caseload estimates, sweep points, outputs
 * to compare) through libcsv, with what libcsv lacks: line and column of
 * every record and error, a field-count check against the header, a UTF-8
 * BOM stripped, CRLF accepted, CSV_STRICT | CSV_STRICT_FINI so an
 * unterminated quote is an error. Streaming: memory does not grow with the
 * file (only with the longest record). Error messages read
 * "path:line:column: message"; lines are counted by LF, CR or CRLF
 * (newlines inside quoted fields count too), columns in characters (UTF-8)
 * from 1. Header names must be non-empty, distinct and free of NUL bytes.
 *
 * Ownership: the reader owns everything it returns; strings stay valid
 * until the next csvr_next (fields) or csvr_close (names). One reader must
 * not be used by two threads at once; separate readers are independent. */
#ifndef DEMOB_CSV_READ_H
#define DEMOB_CSV_READ_H
#include <stddef.h>
#include "demob.h"

typedef struct csv_reader csv_reader;

/* Opens path and reads the header row. A missing file gives "cannot open
 * 'path': No such file or directory" (DEMOB_EINPUT); an empty file
 * "path: empty file, expected a header". Header names must be non-empty
 * and distinct. */
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
 * found 4"). Blank lines are skipped. After an error the reader stays
 * failed: later calls return the same status. */
int csvr_next(csv_reader *r, demob_error *err);
/* Fields of the current record (valid until the next csvr_next). Every
 * record has exactly csvr_ncols fields. */
const char *csvr_field(const csv_reader *r, size_t c);
size_t csvr_field_len(const csv_reader *r, size_t c);
/* Line and column where field c of the current record starts, for
 * messages of the caller's own ("path:line:col: negative count"). */
void csvr_field_pos(const csv_reader *r, size_t c, long *line, long *col);
/* Line where the current record starts (1-based; the header is line 1). */
long csvr_line(const csv_reader *r);
/* Caps the bytes one record may take while it is read (the parser's
 * buffer and the fields): a longer one fails at its start, "record larger
 * than <why>" (DEMOB_EINPUT). */
void csvr_set_max_record(csv_reader *r, size_t bytes, const char *why);
const char *csvr_name(const csv_reader *r);

/* Parses field c of the current record as a finite double (C locale, the
 * whole field); on failure fills err with DEMOB_EINPUT and
 * "path:line:col: column 'x': 'abc' is not a number". */
int csvr_number(const csv_reader *r, size_t c, double *out, demob_error *err);

#endif
