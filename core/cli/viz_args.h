/* viz_args.h - what the compare, plot and report commands share on the
 * command line: "--name value" / "--name=value" options, numbers checked
 * with a message naming the option, paths joined, output written
 * atomically. No global state (no getopt). */
#ifndef DEMOB_VIZ_ARGS_H
#define DEMOB_VIZ_ARGS_H
#include <stddef.h>
#include "demob.h"
#include "util/strbuf.h"

/* If argv[*i] is option `name` ("--at"), sets *val to its value (from
 * "--at=6" or the next argument, advancing *i) and returns 1; returns 0
 * when argv[*i] is another option; -1 with err (DEMOB_EINPUT) when the
 * value is missing. */
int viz_opt(int argc, char **argv, int *i, const char *name, const char **val,
            demob_error *err);

/* A number in an option value, at least lo (cli_parse_double, and whole
 * numbers through cli_parse_long). */
int viz_parse_double(const char *opt, const char *s, double lo, double *out, demob_error *err);

/* "a,b,c" appended to a list (the strings point into s, which is
 * modified). Returns the new count or -1 when the list is full. */
int viz_split(char *s, const char **list, int n, int cap);


#endif
