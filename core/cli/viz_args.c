/* viz_args.c - command-line and file helpers shared by cmd_compare.c,
 * cmd_plot.c and cmd_report.c (see viz_args.h). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/atomic_file.h"
#include "cli.h"
#include "viz_args.h"

int viz_opt(int argc, char **argv, int *i, const char *name, const char **val,
            demob_error *err)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        demob_error_set(err, DEMOB_EINPUT, "option %s needs a value", name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

int viz_parse_double(const char *opt, const char *s, double lo, double *out, demob_error *err)
{
    double v;
    if (cli_parse_double(opt, s, &v, err))
        return DEMOB_EINPUT;
    if (v < lo)
        return demob_error_set(err, DEMOB_EINPUT, "%s: '%s' is not a number >= %g", opt, s, lo);
    *out = v;
    return 0;
}

int viz_split(char *s, const char **list, int n, int cap)
{
    char *save = NULL;
    for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n >= cap)
            return -1;
        list[n++] = tok;
    }
    return n;
}


