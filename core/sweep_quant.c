/* sweep_quant.c - per-point quantiles across replicates (see
 * sweep_quant.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_write.h"
#include "sweep_quant.h"
#include "sweep_stats.h"

int sq_init(sweep_quant *q, long replicates, size_t n_rows, demob_error *err)
{
    memset(q, 0, sizeof *q);
    strbuf_init(&q->labels);
    q->replicates = replicates;
    q->n_rows = n_rows;
    q->vals = malloc((size_t)replicates * (n_rows ? n_rows : 1) * sizeof *q->vals);
    q->tmp = malloc((size_t)replicates * sizeof *q->tmp);
    q->label_off = calloc(n_rows + 1, sizeof *q->label_off);
    if (!q->vals || !q->tmp || !q->label_off) {
        sq_free(q);
        return demob_error_set(err, DEMOB_ERUN,
                               "out of memory for the quantiles of %ld replicates x %zu rows (%.0f MB)", replicates,
                               n_rows, (double)replicates * (double)n_rows * 8 / 1e6);
    }
    return 0;
}

void sq_free(sweep_quant *q)
{
    free(q->vals);
    free(q->tmp);
    free(q->label_off);
    strbuf_free(&q->labels);
    q->vals = q->tmp = NULL;
    q->label_off = NULL;
}

double *sq_block(sweep_quant *q, long r)
{
    return q->vals + (size_t)r * q->n_rows;
}

/* Parses a count: integers (stochastic mode) by hand, others by strtod. */
static int parse_count(const char *s, const char *end, double *out)
{
    const char *p = s;
    int neg = 0;
    if (p < end && *p == '-')
        neg = 1, p++;
    if (p == end)
        return -1;
    long long v = 0;
    const char *digits = p;
    while (p < end && *p >= '0' && *p <= '9' && p - digits < 18)
        v = v * 10 + (*p++ - '0');
    if (p == end) {
        *out = neg ? -(double)v : (double)v;
        return 0;
    }
    char buf[64];
    size_t n = (size_t)(end - s);
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *e;
    *out = strtod(buf, &e);
    return *e ? -1 : 0;
}

/* The fields a quantile row needs from one populations record starting at
 * p: the end of the second field (comma2), the last comma and the end of
 * the record. Names may be quoted (with commas or newlines inside), so a
 * record with a quote is scanned byte by byte; the common unquoted one
 * with memchr. Returns the end, or NULL for a malformed record. */
static const char *split_record(const char *p, const char *end, int any_quote, const char **comma2,
                                const char **last)
{
    if (!any_quote) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        const char *c1 = memchr(p, ',', (size_t)(e - p));
        const char *c2 = c1 ? memchr(c1 + 1, ',', (size_t)(e - c1 - 1)) : NULL;
        const char *l = e;
        while (l > p && l[-1] != ',')
            l--;
        if (!c2 || l <= c2 + 1)
            return NULL;
        *comma2 = c2;
        *last = l - 1;
        return e;
    }
    int commas = 0, quoted = 0;
    *comma2 = *last = NULL;
    const char *e = p;
    for (; e < end; e++) {
        if (*e == '"')
            quoted = !quoted;
        else if (!quoted && *e == ',') {
            if (++commas == 2)
                *comma2 = e;
            *last = e;
        } else if (!quoted && *e == '\n')
            break;
    }
    return *comma2 && *last != *comma2 ? e : NULL;
}

int sq_add_rows(sweep_quant *q, long r, const char *rows, size_t len, demob_error *err)
{
    double *blk = sq_block(q, r);
    size_t row = 0;
    const char *p = rows, *end = rows + len;
    int take_labels = !q->have_labels;
    int any_quote = len > 0 && memchr(rows, '"', len) != NULL;
    if (take_labels)
        strbuf_clear(&q->labels);
    if (!take_labels && len > 0) {
        /* Every run's rows carry the same labels, each after the same
         * "<point>,<run>," prefix: jump over them and parse the count. The
         * first row's prefix gives the prefix length of this run. */
        const char *c1 = memchr(rows, ',', len);
        const char *c2 = c1 ? memchr(c1 + 1, ',', (size_t)(end - c1 - 1)) : NULL;
        if (!c2)
            return demob_error_set(err, DEMOB_ERUN, "quantiles: unexpected populations row 1");
        size_t plen = (size_t)(c2 + 1 - rows);
        for (row = 0; row < q->n_rows; row++) {
            size_t ll = q->label_off[row + 1] - q->label_off[row];
            const char *c = p + plen + ll;
            if (c >= end || *c != ',')
                return demob_error_set(err, DEMOB_ERUN, "quantiles: unexpected populations row %zu", row + 1);
            const char *e = c + 1;
            while (e < end && *e != '\n')
                e++;
            if (parse_count(c + 1, e, &blk[row]) != 0)
                return demob_error_set(err, DEMOB_ERUN, "quantiles: bad count in populations row %zu", row + 1);
            p = e < end ? e + 1 : e;
        }
        if (p != end)
            return demob_error_set(err, DEMOB_ERUN, "quantiles: a run gave more than %zu populations rows",
                                   q->n_rows);
        return 0;
    }
    while (p < end) {
        const char *comma2, *last;
        const char *e = split_record(p, end, any_quote, &comma2, &last);
        if (row >= q->n_rows || !e)
            return demob_error_set(err, DEMOB_ERUN, "quantiles: unexpected populations row %zu", row + 1);
        if (parse_count(last + 1, e, &blk[row]) != 0)
            return demob_error_set(err, DEMOB_ERUN, "quantiles: bad count in populations row %zu", row + 1);
        if (take_labels) {
            q->label_off[row] = q->labels.len;
            strbuf_append(&q->labels, comma2 + 1, (size_t)(last - comma2 - 1));
        }
        row++;
        p = e < end ? e + 1 : e;
    }
    if (row != q->n_rows)
        return demob_error_set(err, DEMOB_ERUN, "quantiles: a run gave %zu populations rows, expected %zu", row,
                               q->n_rows);
    if (take_labels) {
        q->label_off[row] = q->labels.len;
        if (q->labels.failed)
            return demob_error_set(err, DEMOB_ERUN, "out of memory");
        q->have_labels = 1;
    }
    return 0;
}

void sq_format(sweep_quant *q, long point, long have, strbuf *out)
{
    char pfx[32];
    int plen = snprintf(pfx, sizeof pfx, "%ld,", point);
    for (size_t row = 0; row < q->n_rows; row++) {
        for (long r = 0; r < have; r++)
            q->tmp[r] = q->vals[(size_t)r * q->n_rows + row];
        double mean, sd, lo = q->tmp[0], hi = q->tmp[0];
        for (long r = 1; r < have; r++) {
            lo = q->tmp[r] < lo ? q->tmp[r] : lo;
            hi = q->tmp[r] > hi ? q->tmp[r] : hi;
        }
        stats_mean_sd(q->tmp, (size_t)have, &mean, &sd);
        /* Often every replicate agrees (t = 0, empty states): no sort. */
        if (lo != hi)
            stats_sort(q->tmp, (size_t)have);
        strbuf_append(out, pfx, (size_t)plen);
        strbuf_append(out, q->labels.data + q->label_off[row], q->label_off[row + 1] - q->label_off[row]);
        csvw_f64(out, 0, mean);
        csvw_f64(out, 0, sd);
        csvw_f64(out, 0, stats_quantile_sorted(q->tmp, (size_t)have, 0.05));
        csvw_f64(out, 0, stats_quantile_sorted(q->tmp, (size_t)have, 0.5));
        csvw_f64(out, 0, stats_quantile_sorted(q->tmp, (size_t)have, 0.95));
        csvw_end(out);
    }
}
