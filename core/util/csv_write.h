/* csv_write.h - RFC 4180 CSV fields appended to a strbuf. Text fields are
 * quoted only when they need it (comma, quote, CR, LF, or leading/trailing
 * space), through libcsv's csv_write; numbers are formatted here in the C
 * locale, fast, with no locale dependence. Rows end with "\n". */
#ifndef DEMOB_CSV_WRITE_H
#define DEMOB_CSV_WRITE_H
#include <stddef.h>
#include <stdint.h>
#include "strbuf.h"

/* Each appends one field preceded by a comma unless it is the row's first. */
void csvw_str(strbuf *b, int first, const char *s);
void csvw_i64(strbuf *b, int first, int64_t v);
/* Doubles: the shortest decimal that reads back as the same double
 * (0.05, not 0.050000000000000003); integers print without a decimal
 * point; NaN prints "nan", infinities "inf" / "-inf". */
void csvw_f64(strbuf *b, int first, double v);
/* That shortest form of a finite v into buf (NUL-terminated); its length. */
size_t csvw_shortest(char buf[40], double v);
void csvw_end(strbuf *b);
/* A whole header row from NULL-terminated names. */
void csvw_header(strbuf *b, const char *const *names);

#endif
