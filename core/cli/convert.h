/* convert.h - writing a chart or a report as PNG or PDF through a program
 * found at run time (convert.c), or as the text it is. */
#ifndef DEMOB_CLI_CONVERT_H
#define DEMOB_CLI_CONVERT_H
#include "demob.h"
#include "util/strbuf.h"

typedef enum cli_format { CLI_FMT_TEXT = 0, CLI_FMT_PNG, CLI_FMT_PDF } cli_format;

/* The format a file name asks for: .png, .pdf (any case), else text. */
cli_format cli_format_of(const char *path);

/* Writes text (an SVG chart, or with is_html an HTML page) to out
 * atomically: as it is, or converted when out ends in .png (charts: with
 * rsvg-convert) or .pdf (charts: rsvg-convert; pages: chromium
 * --print-to-pdf). A missing program is DEMOB_EINPUT naming its Debian
 * package; a failed conversion DEMOB_ERUN, and out is left as it was. */
int cli_write_converted(const char *out, const strbuf *text, int is_html, demob_error *err);

#endif
