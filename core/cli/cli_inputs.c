/* cli_inputs.c - the files a sweep read, kept beside its journal while it
 * is unfinished ("sweep.inputs": one manifest "inputs" item per line), so
 * that `sweep --resume` refuses to continue a sweep whose scenario, module,
 * csv.read file or points file changed meanwhile, naming the file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util/atomic_file.h"
#include "util/inputs.h"
#include "util/strbuf.h"

#define INPUTS_NAME "sweep.inputs"

static void inputs_path(const char *dir, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", dir, INPUTS_NAME);
}

int cli_inputs_save(const char *dir, const inputs_file *v, int n, demob_error *err)
{
    strbuf b;
    strbuf_init(&b);
    for (int i = 0; i < n; i++) {
        inputs_format_item(&b, &v[i]);
        strbuf_putc(&b, '\n');
    }
    char path[4400];
    inputs_path(dir, path, sizeof path);
    int rc = b.failed ? demob_error_set(err, DEMOB_ERUN, "out of memory") : atomic_write_buffer(path, &b, err);
    strbuf_free(&b);
    return rc;
}

void cli_inputs_remove(const char *dir)
{
    char path[4400];
    inputs_path(dir, path, sizeof path);
    unlink(path);
}

int cli_inputs_refuse(const char *what, const inputs_file *before, int nb, const inputs_file *now, int nn,
                      const char *hint, demob_error *err)
{
    char diff[1200];
    /* Another script altogether: the caller's check of the scenario's
     * hash says so better. */
    if (nb > 0 && nn > 0 && strcmp(before[0].name, now[0].name) != 0)
        return 0;
    if (!inputs_differ(before, nb, now, nn, diff, sizeof diff))
        return 0;
    return demob_error_set(err, DEMOB_EINPUT, "%s: %s%s", what, diff, hint ? hint : "");
}

int cli_inputs_check_saved(const char *dir, const inputs_file *now, int n, demob_error *err)
{
    char path[4400];
    inputs_path(dir, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;   /* a journal of an older demob: nothing to compare */
    inputs_file *v = NULL;
    char **lines = NULL;
    int nv = 0, cap = 0, rc = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while (rc == 0 && (len = getline(&line, &lcap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        if (nv == cap) {
            cap = cap ? 2 * cap : 8;
            inputs_file *nvv = realloc(v, (size_t)cap * sizeof *v);
            char **nl = realloc(lines, (size_t)cap * sizeof *lines);
            if (nvv)
                v = nvv;
            if (nl)
                lines = nl;
            if (!nvv || !nl) {
                rc = demob_error_set(err, DEMOB_ERUN, "out of memory");
                break;
            }
        }
        lines[nv] = line;
        line = NULL;
        lcap = 0;
        if (inputs_parse_item(lines[nv], &v[nv]) != 0) {
            rc = demob_error_set(err, DEMOB_EINPUT, "--resume: '%s' is damaged (line %d)", path, nv + 1);
            free(lines[nv]);
            break;
        }
        nv++;
    }
    free(line);
    fclose(f);
    if (rc == 0) {
        char what[4500];
        snprintf(what, sizeof what, "--resume: the sweep in '%s' read other inputs", dir);
        rc = cli_inputs_refuse(what, v, nv, now, n, CLI_INPUTS_HINT, err);
    }
    for (int i = 0; i < nv; i++)
        free(lines[i]);
    free(lines);
    free(v);
    return rc;
}
