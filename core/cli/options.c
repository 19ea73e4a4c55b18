/* options.c - the table-driven option parser and help of every demob
 * command (see options.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define HELP_COL 24   /* where an option's help starts */
#define HELP_WIDTH 80

int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out, demob_error *err)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno == ERANGE || v < lo || v > hi)
        return demob_error_set(err, DEMOB_EINPUT, "%s: '%s' is not a whole number in %ld..%ld", opt, s, lo, hi);
    *out = v;
    return 0;
}

int cli_parse_double(const char *opt, const char *s, double *out, demob_error *err)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || !isfinite(v))
        return demob_error_set(err, DEMOB_EINPUT, "%s: '%s' is not a number", opt, s);
    *out = v;
    return 0;
}

int cli_parse_double_min(const char *opt, const char *s, double lo, double *out, demob_error *err)
{
    double v;
    if (cli_parse_double(opt, s, &v, err))
        return DEMOB_EINPUT;
    if (v < lo)
        return demob_error_set(err, DEMOB_EINPUT, "%s: '%s' is not a number >= %g", opt, s, lo);
    *out = v;
    return 0;
}

int cli_split(char *s, const char **list, int n, int cap)
{
    char *save = NULL;
    for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n >= cap)
            return -1;
        list[n++] = tok;
    }
    return n;
}

/* ------------------------------------------------------------ parsing */

static int is_option(const cli_option *o)
{
    return o->kind != CLI_TEXT_LINE;
}

/* The name messages use: "--runs", or "-j". */
static const char *display_name(const cli_option *o, char buf[3])
{
    if (o->name)
        return o->name;
    buf[0] = '-';
    buf[1] = o->short_name;
    buf[2] = '\0';
    return buf;
}

/* The option `arg` names ("--runs", "--runs=5", "-j"), its group, and the
 * value after '=' (NULL when none). */
static const cli_option *find(const cli_command *c, const char *arg, int *group, const char **eq)
{
    *eq = NULL;
    for (int g = 0; g < CLI_MAX_GROUPS && c->groups[g].opts; g++)
        for (const cli_option *o = c->groups[g].opts; o->kind || o->help; o++) {
            if (!is_option(o))
                continue;
            *group = g;
            if (o->name) {
                size_t n = strlen(o->name);
                if (strncmp(arg, o->name, n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
                    *eq = arg[n] == '=' ? arg + n + 1 : NULL;
                    return o;
                }
            }
            if (o->short_name && arg[0] == '-' && arg[1] == o->short_name && arg[2] == '\0')
                return o;
        }
    return NULL;
}

static int set_value(const cli_option *o, const char *name, char *ctx, const char *v, demob_error *err)
{
    long n;
    switch (o->kind) {
    case CLI_FLAG:
        *(int *)(ctx + o->off) = 1;
        return 0;
    case CLI_STRING:
        *(const char **)(ctx + o->off) = v;
        return 0;
    case CLI_LONG:
        if (cli_parse_long(name, v, o->lo, o->hi, &n, err))
            return DEMOB_EINPUT;
        *(long *)(ctx + o->off) = n;
        return 0;
    case CLI_INT:
        if (cli_parse_long(name, v, o->lo, o->hi, &n, err))
            return DEMOB_EINPUT;
        *(int *)(ctx + o->off) = (int)n;
        return 0;
    case CLI_CUSTOM:
        return o->set(ctx, o, v, err);
    default:
        return demob_error_set(err, DEMOB_ERUN, "internal error: option %s has no kind", name);
    }
}

/* 1 if -h or --help is among the options (before any "--"). */
static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

#define MAX_SEEN 128

static int parse(const cli_command *c, int argc, char **argv, char *ctx, demob_error *err)
{
    const cli_option *seen[MAX_SEEN];
    int n_seen = 0, options_end = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_end && strcmp(arg, "--") == 0) {
            options_end = 1;
            continue;
        }
        if (options_end || arg[0] != '-' || arg[1] == '\0') {
            if (!c->positional)
                return demob_error_set(err, DEMOB_EINPUT, "unexpected argument '%s'", arg);
            int rc = c->positional(ctx, arg, err);
            if (rc)
                return rc;
            continue;
        }
        int g = 0;
        const char *eq;
        const cli_option *o = find(c, arg, &g, &eq);
        if (!o && strncmp(arg, "--help=", 7) == 0)
            return demob_error_set(err, DEMOB_EINPUT, "--help takes no value ('%s')", arg);
        if (!o)
            return demob_error_set(err, DEMOB_EINPUT, "unknown option '%.*s'", (int)strcspn(arg, "="), arg);
        /* Messages name the option as it was typed: "-o" or "--out". */
        char buf[3];
        const char *name = arg[1] == '-' ? o->name : display_name(&(cli_option){.short_name = o->short_name}, buf);
        if (!o->value && eq)
            return demob_error_set(err, DEMOB_EINPUT, "%s takes no value ('%s')", name, arg);
        const char *v = eq;
        if (o->value && !v) {
            if (i + 1 >= argc)
                return demob_error_set(err, DEMOB_EINPUT, "%s needs a value (%s %s)", name, name, o->value);
            v = argv[++i];
        }
        if (!o->repeatable) {
            for (int k = 0; k < n_seen; k++)
                if (seen[k] == o)
                    return demob_error_set(err, DEMOB_EINPUT, "%s is given twice (it is not repeatable)", name);
            if (n_seen < MAX_SEEN)
                seen[n_seen++] = o;
        }
        int rc = set_value(o, name, ctx + c->groups[g].base, v, err);
        if (rc)
            return rc;
    }
    return 0;
}

void cli_put_message(FILE *f, const char *text)
{
    /* Names from a scenario or a CSV file can hold any byte: a terminal
     * would act on escape codes (ESC, CSI, C1 controls as UTF-8). */
    for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
        if (*s < 0x20 || *s == 0x7f)
            fprintf(f, *s == '\n' ? "\\n" : *s == '\t' ? "\\t" : "\\x%02x", *s);
        else if (*s == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) {
            fprintf(f, "\\u%04x", s[1]);
            s++;
        } else if (*s >= 0x80 && *s <= 0x9f && !(s > (const unsigned char *)text && s[-1] >= 0xc0))
            fprintf(f, "\\x%02x", *s);   /* a C1 control as a raw byte, not within UTF-8 */
        else
            fputc(*s, f);
    }
}

int cli_usage_fail(const char *cmd, const demob_error *err)
{
    fprintf(stderr, "demob %s: ", cmd);
    cli_put_message(stderr, err->message);
    fprintf(stderr, " (see demob %s --help)\n", cmd);
    return 2;
}

int cli_parse_args(const cli_command *c, int argc, char **argv, void *ctx, int *code)
{
    if (wants_help(argc, argv)) {
        cli_print_help(c, stdout);
        *code = 0;
        return 0;
    }
    demob_error err = {0};
    int rc = parse(c, argc, argv, ctx, &err);
    if (rc == 0)
        return 1;
    if (rc == DEMOB_EINPUT) {
        *code = cli_usage_fail(c->name, &err);
    } else {
        fprintf(stderr, "demob %s: ", c->name);
        cli_put_message(stderr, err.message[0] ? err.message : "failed");
        fputc('\n', stderr);
        *code = 1;
    }
    return 0;
}

/* -------------------------------------------------------------- help */

/* Prints text from column `col` on, wrapped at HELP_WIDTH; `at` is the
 * column the cursor is in. */
static void wrap(FILE *f, const char *text, int col, int at)
{
    const char *p = text;
    int first = 1;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t w = strcspn(p, " ");
        if (!first && at + 1 + (int)w > HELP_WIDTH) {
            fprintf(f, "\n%*s", col, "");
            at = col;
        } else if (!first) {
            fputc(' ', f);
            at++;
        }
        fwrite(p, 1, w, f);
        at += (int)w;
        p += w;
        first = 0;
    }
    fputc('\n', f);
}

static void print_option(const cli_option *o, FILE *f)
{
    char left[128], text[1024];
    if (!is_option(o)) {
        fprintf(f, "  %s\n", o->help);
        return;
    }
    int n = snprintf(left, sizeof left, "  ");
    if (o->short_name)
        n += snprintf(left + n, sizeof left - (size_t)n, "-%c%s", o->short_name, o->name ? ", " : "");
    if (o->name)
        n += snprintf(left + n, sizeof left - (size_t)n, "%s", o->name);
    if (o->value)
        snprintf(left + n, sizeof left - (size_t)n, " %s", o->value);
    if (o->sdef)
        snprintf(text, sizeof text, o->help, o->sdef);
    else
        snprintf(text, sizeof text, o->help, o->def[0], o->def[1]);
    if (o->repeatable)
        strncat(text, " (repeatable)", sizeof text - strlen(text) - 1);
    int len = (int)strlen(left);
    if (len + 2 > HELP_COL) {
        fprintf(f, "%s\n%*s", left, HELP_COL, "");
        len = HELP_COL;
    } else {
        fprintf(f, "%-*s", HELP_COL, left);
        len = HELP_COL;
    }
    wrap(f, text, HELP_COL, len);
}

void cli_print_help(const cli_command *c, FILE *f)
{
    fprintf(f, "usage: demob %s %s\n", c->name, c->usage);
    if (c->about)
        fputs(c->about, f);
    for (int g = 0; g < CLI_MAX_GROUPS && c->groups[g].opts; g++) {
        if (c->groups[g].heading)
            fprintf(f, "%s\n", c->groups[g].heading);
        for (const cli_option *o = c->groups[g].opts; o->kind || o->help; o++)
            print_option(o, f);
    }
    print_option(&(cli_option){.name = "--help", .short_name = 'h', .kind = CLI_FLAG, .help = "this help"}, f);
    if (c->after)
        fputs(c->after, f);
}
