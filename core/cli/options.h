/* options.h - the one option parser of every demob command. A command
 * declares its options in tables (cli_option); the parser reads
 * "--name value", "--name=value", short flags ("-o DIR", "-j N", "-h"),
 * "--" (the rest are positional) and positional arguments, and the help
 * text is generated from the same tables, defaults included. */
#ifndef DEMOB_OPTIONS_H
#define DEMOB_OPTIONS_H
#include <stddef.h>
#include <stdio.h>
#include "demob.h"

typedef struct cli_option cli_option;

/* What the parser does with a value. */
typedef enum cli_kind {
    CLI_TEXT_LINE,  /* no option: `help` is a line of the help text        */
    CLI_FLAG,       /* int at off set to 1                                 */
    CLI_STRING,     /* const char * at off                                 */
    CLI_LONG,       /* long at off, a whole number in lo..hi               */
    CLI_INT,        /* int at off, a whole number in lo..hi                */
    CLI_CUSTOM      /* set(ctx, option, value, err)                        */
} cli_kind;

/* ctx is the command's argument struct plus the group's base. */
typedef int (*cli_set_fn)(void *ctx, const cli_option *o, const char *value, demob_error *err);

struct cli_option {
    const char *name;     /* "--runs"; NULL: short only                    */
    char short_name;      /* 'o' for -o; 0: none                           */
    const char *value;    /* the value's name ("N"); NULL: a flag          */
    int repeatable;       /* may be given more than once                   */
    cli_kind kind;
    size_t off;           /* CLI_FLAG/STRING/LONG/INT: offset in ctx       */
    long lo, hi;          /* CLI_LONG/INT                                  */
    cli_set_fn set;       /* CLI_CUSTOM                                    */
    /* The help: a printf format whose conversions take the defaults, in
     * order: %s of sdef if given, else %g / %.0f of def[0] and def[1]. */
    const char *help;
    double def[2];
    const char *sdef;
};

/* A group of options with a heading in the help ("options:"), read into
 * the context at ctx + base. A table ends with an entry of kind 0 and no
 * help. */
typedef struct cli_group {
    const char *heading;  /* NULL: continues the previous group            */
    const cli_option *opts;
    size_t base;
} cli_group;

#define CLI_MAX_GROUPS 6

typedef struct cli_command {
    const char *name;     /* "run"                                          */
    const char *usage;    /* after "usage: demob run "                      */
    const char *about;    /* the description, before the options            */
    cli_group groups[CLI_MAX_GROUPS];
    const char *after;    /* after the options: notes, exit status          */
    /* A positional argument (NULL: none taken). */
    int (*positional)(void *ctx, const char *arg, demob_error *err);
} cli_command;

/* Parses argv[1..argc-1] into ctx. Returns 1 when the command should go
 * on; 0 when it is done with exit code *code: 0 after printing --help, 2
 * (or the error's code) after printing "demob CMD: message (see demob CMD
 * --help)" on stderr. */
int cli_parse_args(const cli_command *c, int argc, char **argv, void *ctx, int *code);

/* The help text of a command. */
void cli_print_help(const cli_command *c, FILE *f);

/* A bad command line found after parsing: prints "demob CMD: message (see
 * demob CMD --help)" and returns 2. */
int cli_usage_fail(const char *cmd, const demob_error *err);

/* Whole number / number with a message naming the option. */
int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out, demob_error *err);
int cli_parse_double(const char *opt, const char *s, double *out, demob_error *err);
/* A number >= lo. */
int cli_parse_double_min(const char *opt, const char *s, double lo, double *out, demob_error *err);
/* "a,b,c" appended to list (the strings point into s, which is modified).
 * Returns the new count or -1 when the list is full. */
int cli_split(char *s, const char **list, int n, int cap);

/* Writes text with control bytes escaped ("\\x1b", "\\n"): messages quote
 * names, which may hold terminal escape codes. */
void cli_put_message(FILE *f, const char *text);

#endif
