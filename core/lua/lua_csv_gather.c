/* lua_csv_gather.c - the files scripts write with csv.open in runs (see
 * scenario_csv_* in scenario.h). Each run's writer leaves its piece, a
 * complete CSV file, at "<dir>/.demob-csv/<run>/<name>" (lua_csv.c).
 * Once every run is done, prepare lists the pieces, and joins those of
 * each name in run order into "<dir>/.demob-csv/whole/<name>": the first
 * piece's header once, then every piece's rows; a piece whose header
 * differs is bad input. A name one run wrote is its piece as it is.
 * commit renames the files into place and removes the folder. So the
 * files do not depend on which worker ran which run, and memory holds the
 * list of pieces, never their rows. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lua_csv.h"
#include "scenario.h"
#include "sweep/sweep_journal.h"
#include "util/atomic_file.h"
#include "util/strbuf.h"

/* The folder of the joined files, beside the runs' numbered folders. */
#define WHOLE "whole"
/* Bytes of a header shown in a message, at most. */
#define SHOWN_HEADER 120

typedef struct piece {
    char *name;          /* relative to the output folder */
    long run;
    int root;            /* the folder of pieces it lies in */
} piece;

typedef struct move {
    char *from, *to;
} move;

struct scenario_csv_files {
    char *root;          /* <dir>/.demob-csv */
    char **from;         /* the folders of pieces: root, or the shards' */
    int n_from;
    move *v;
    int n, cap;
};

typedef struct pieces {
    piece *v;
    size_t n, cap;
} pieces;

static int oom(demob_error *err)
{
    return demob_error_set(err, DEMOB_ERUN, "out of memory");
}

/* Calls fn(path of the entry, its name, ud) for each entry of folder but
 * "." and "..", until one returns non-zero. A missing folder is none. */
static int each_entry(const char *folder, int (*fn)(const char *, const char *, void *, demob_error *), void *ud,
                      demob_error *err)
{
    DIR *d = opendir(folder);
    if (!d)
        return errno == ENOENT ? 0 : demob_error_set(err, DEMOB_ERUN, "cannot read folder '%s': %s", folder,
                                                     strerror(errno));
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *path = malloc(strlen(folder) + strlen(e->d_name) + 2);
        if (!path) {
            rc = oom(err);
            break;
        }
        sprintf(path, "%s/%s", folder, e->d_name);
        rc = fn(path, e->d_name, ud, err);
        free(path);
    }
    closedir(d);
    return rc;
}

static int remove_entry(const char *path, const char *name, void *ud, demob_error *err);

/* rm -r path (a missing path is fine). */
static int remove_tree(const char *path, demob_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : demob_error_set(err, DEMOB_ERUN, "cannot remove '%s': %s", path,
                                                     strerror(errno));
    int rc = S_ISDIR(st.st_mode) ? each_entry(path, remove_entry, NULL, err) : 0;
    if (rc == 0 && (S_ISDIR(st.st_mode) ? rmdir(path) : unlink(path)) != 0)
        rc = demob_error_set(err, DEMOB_ERUN, "cannot remove '%s': %s", path, strerror(errno));
    return rc;
}

static int remove_entry(const char *path, const char *name, void *ud, demob_error *err)
{
    (void)name;
    (void)ud;
    return remove_tree(path, err);
}

static char *joined(const char *a, const char *b, const char *c);

static char *root_of(const char *dir)
{
    char *root = malloc(strlen(dir) + sizeof "/" LUA_CSV_PIECES);
    if (root)
        sprintf(root, "%s/" LUA_CSV_PIECES, dir);
    return root;
}

int scenario_csv_clear(const char *dir, demob_error *err)
{
    char *root = root_of(dir);
    if (!root)
        return oom(err);
    int rc = remove_tree(root, err);
    free(root);
    return rc;
}

int scenario_csv_clear_left(const char *dir, demob_error *err)
{
    char *root = root_of(dir);
    char *journal = root ? joined(dir, SJ_JOURNAL_NAME, "") : NULL;
    struct stat st;
    int rc = journal ? 0 : oom(err);
    if (rc == 0 && lstat(root, &st) == 0 && lstat(journal, &st) == 0)
        rc = demob_error_set(err, DEMOB_EINPUT, "'%s' holds an unfinished sweep and the rows its runs wrote with "
                             "csv.open (%s), which its --resume needs: finish it with demob sweep --resume, or "
                             "give this command another -o folder", dir, root);
    if (rc == 0)
        rc = remove_tree(root, err);
    free(root);
    free(journal);
    return rc;
}

/* ---------------------------------------------------------- the list */

static int add_piece(pieces *l, const char *name, long run, int root)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        piece *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n].name = strdup(name)))
        return -1;
    l->v[l->n].root = root;
    l->v[l->n++].run = run;
    return 0;
}

/* Where walk is: the run's folder below which it is (rel, "" at the
 * top), the run and the folder of pieces. */
typedef struct walk_at {
    const char *rel;
    long run;
    int root;
    pieces *l;
} walk_at;

/* Does a file's name end in ".csv", as every name csv.open takes does?
 * A writer's temporary file ("<name>.tmp-XXXXXX") never does, whatever
 * the name holds (".tmp-" may appear in a name or a folder's name). */
static int csv_named(const char *entry)
{
    size_t n = strlen(entry);
    return n > 4 && strcmp(entry + n - 4, ".csv") == 0;
}

/* Adds every .csv file below an entry of a run's folder as the run's
 * piece; temporary files of a writer that never closed are not pieces. */
static int walk(const char *path, const char *entry, void *ud, demob_error *err)
{
    const walk_at *at = ud;
    if (entry[0] == '.')
        return 0;
    size_t nr = strlen(at->rel);
    char *name = malloc(nr + strlen(entry) + 2);
    if (!name)
        return oom(err);
    sprintf(name, "%s%s%s", at->rel, nr ? "/" : "", entry);
    struct stat st;
    walk_at below = {name, at->run, at->root, at->l};
    int rc = 0;
    if (lstat(path, &st) != 0)
        rc = demob_error_set(err, DEMOB_ERUN, "cannot read '%s': %s", path, strerror(errno));
    else if (S_ISDIR(st.st_mode))
        rc = each_entry(path, walk, &below, err);
    else if (S_ISREG(st.st_mode) && csv_named(entry) && add_piece(at->l, name, at->run, at->root) != 0)
        rc = oom(err);
    free(name);
    return rc;
}

/* A run's folder (a name of digits only) in a folder of pieces. */
static int walk_run(const char *path, const char *entry, void *ud, demob_error *err)
{
    walk_at at = *(const walk_at *)ud;
    if (!*entry || strlen(entry) > 18 || strspn(entry, "0123456789") != strlen(entry))
        return 0;
    at.run = strtol(entry, NULL, 10);
    return at.run > 0 ? each_entry(path, walk, &at, err) : 0;
}

static int list_pieces(const char *root, int index, pieces *l, demob_error *err)
{
    walk_at at = {"", 0, index, l};
    return each_entry(root, walk_run, &at, err);
}

static int by_name_then_run(const void *a, const void *b)
{
    const piece *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c == 0 && x->run == y->run)
        c = x->root - y->root;
    return c ? c : (x->run > y->run) - (x->run < y->run);
}

/* ---------------------------------------------------------- joining */

/* The length of the header line at the start of b[0..n) (its newline
 * included), or 0 when it goes on beyond n; *inq carries whether a
 * quoted cell is open across calls. */
static size_t header_end(const char *b, size_t n, int *inq)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i] == '"')
            *inq = !*inq;
        else if (b[i] == '\n' && !*inq)
            return i + 1;
    }
    return 0;
}

/* The header as a message shows it: no newline, at most SHOWN_HEADER
 * bytes. */
static void show_header(const strbuf *h, char *out, size_t size)
{
    size_t n = h->len;
    while (n > 0 && (h->data[n - 1] == '\n' || h->data[n - 1] == '\r'))
        n--;
    if (n > SHOWN_HEADER)
        snprintf(out, size, "%.*s...", SHOWN_HEADER, h->data);
    else
        snprintf(out, size, "%.*s", (int)n, h->data ? h->data : "");
}

static int ends_cell(const strbuf *h, size_t i)
{
    return i >= h->len || h->data[i] == ',' || h->data[i] == '\n' || h->data[i] == '\r';
}

/* The 1-based column at which two headers start to differ (one more than
 * the shorter has, when one only adds columns). */
static int first_difference(const strbuf *a, const strbuf *b)
{
    int col = 1, inq = 0;
    size_t i = 0;
    for (; i < a->len && i < b->len && a->data[i] == b->data[i]; i++) {
        if (a->data[i] == '"')
            inq = !inq;
        else if (a->data[i] == ',' && !inq)
            col++;
    }
    return col + (!inq && ends_cell(a, i) && ends_cell(b, i));
}

static int header_mismatch(const piece *first, const strbuf *h1, const piece *p, const strbuf *h, demob_error *err)
{
    char a[SHOWN_HEADER + 8], b[SHOWN_HEADER + 8];
    show_header(h1, a, sizeof a);
    show_header(h, b, sizeof b);
    return demob_error_set(err, DEMOB_EINPUT,
                           "csv.open(\"%s\"): runs %ld and %ld wrote different headers (from column %d): run %ld "
                           "\"%s\", run %ld \"%s\"; the runs that write one file must give it one header",
                           p->name, first->run, p->run, first_difference(h1, h), first->run, a, p->run, b);
}

/* Copies the pieces p[0..n) (one name, in run order) into dst: the first
 * header, then every piece's rows. */
static int join(char *const *roots, const piece *p, size_t n, atomic_file *dst, demob_error *err)
{
    strbuf first, head;
    strbuf_init(&first);
    strbuf_init(&head);
    char *buf = malloc(1 << 16);
    int rc = buf ? 0 : oom(err);
    for (size_t k = 0; k < n && rc == 0; k++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%ld/%s", roots[p[k].root], p[k].run, p[k].name);
        FILE *fp = fopen(path, "rb");
        if (!fp) {
            rc = demob_error_set(err, DEMOB_ERUN, "cannot open '%s': %s", path, strerror(errno));
            break;
        }
        strbuf *h = k == 0 ? &first : &head;
        strbuf_clear(h);
        int in_header = 1, inq = 0;
        size_t got;
        while (rc == 0 && (got = fread(buf, 1, 1 << 16, fp)) > 0) {
            size_t at = 0;
            if (in_header) {
                size_t end = header_end(buf, got, &inq);
                strbuf_append(h, buf, end ? end : got);
                if (h->failed) {
                    rc = oom(err);
                    break;
                }
                if (!end)
                    continue;
                in_header = 0;
                at = end;
                if (k == 0)
                    rc = atomic_write(dst, h->data, h->len, err);
                else if (h->len != first.len || memcmp(h->data, first.data, h->len) != 0)
                    rc = header_mismatch(&p[0], &first, &p[k], h, err);
            }
            if (rc == 0 && got > at)
                rc = atomic_write(dst, buf + at, got - at, err);
        }
        if (rc == 0 && ferror(fp))
            rc = demob_error_set(err, DEMOB_ERUN, "cannot read '%s': %s", path, strerror(errno));
        fclose(fp);
    }
    free(buf);
    strbuf_free(&first);
    strbuf_free(&head);
    return rc;
}

static int add_move(scenario_csv_files *f, char *from, char *to)
{
    if (f->n == f->cap) {
        int cap = f->cap ? f->cap * 2 : 16;
        move *v = realloc(f->v, (size_t)cap * sizeof *v);
        if (!v) {
            free(from);
            free(to);
            return -1;
        }
        f->v = v;
        f->cap = cap;
    }
    f->v[f->n].from = from;
    f->v[f->n++].to = to;
    return 0;
}

static char *joined(const char *a, const char *b, const char *c)
{
    char *s = malloc(strlen(a) + strlen(b) + strlen(c) + 3);
    if (s)
        sprintf(s, "%s/%s%s%s", a, b, *c ? "/" : "", c);
    return s;
}

static int by_name(const void *key, const void *elem)
{
    return strcmp(key, ((const piece *)elem)->name);
}

/* Can the file of the name l->v[i] be renamed into its place in dir? Not
 * when another name the runs write is one of its folders ("a.csv" of
 * "a.csv/b.csv"), nor when dir holds a file where it needs a folder, or a
 * folder where the file goes. Checked for every name before any file
 * moves: such a command fails as a whole, leaving no file. */
static int check_place(const char *dir, const pieces *l, size_t i, demob_error *err)
{
    const char *name = l->v[i].name;
    char *path = joined(dir, name, "");
    if (!path)
        return oom(err);
    char *rel = path + strlen(dir) + 1;
    struct stat st;
    int rc = 0;
    for (char *s = strchr(rel, '/'); s && rc == 0; s = strchr(s + 1, '/')) {
        *s = '\0';
        const piece *file = bsearch(rel, l->v, l->n, sizeof *l->v, by_name);
        while (file && file > l->v && strcmp(file[-1].name, rel) == 0)
            file--;   /* the first run that writes it */
        if (file)
            rc = demob_error_set(err, DEMOB_EINPUT, "csv.open(\"%s\") in run %ld: \"%s\" is a file run %ld "
                                 "writes; a name cannot be both a file and a folder", name, l->v[i].run, rel,
                                 file->run);
        else if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
            rc = demob_error_set(err, DEMOB_EINPUT, "csv.open(\"%s\"): '%s' is a file, not a folder", name, path);
        *s = '/';
    }
    if (rc == 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        rc = demob_error_set(err, DEMOB_EINPUT, "csv.open(\"%s\"): '%s' is a folder", name, path);
    free(path);
    return rc;
}

/* Makes the file for the name of p[0..n) and lists its move into dir: a
 * piece of the output folder's own that is alone is moved as it is. */
static int prepare_name(scenario_csv_files *f, const char *dir, const piece *p, size_t n, int copy,
                        demob_error *err)
{
    char run[32];
    snprintf(run, sizeof run, "%ld", p[0].run);
    int whole = n > 1 || copy;
    char *from = joined(f->root, whole ? WHOLE : run, p[0].name);
    char *to = joined(dir, p[0].name, "");
    if (!from || !to) {
        free(from);
        free(to);
        return oom(err);
    }
    int rc = 0;
    if (whole) {
        char *slash = strrchr(from, '/');
        *slash = '\0';
        rc = atomic_make_dirs(from, err);
        *slash = '/';
        atomic_file *dst = rc ? NULL : atomic_open(from, err);
        if (rc == 0 && !dst)
            rc = DEMOB_ERUN;
        if (rc == 0 && (rc = join(f->from, p, n, dst, err)) != 0)
            atomic_abort(dst);
        else if (rc == 0)
            rc = atomic_commit(dst, err);
    }
    if (rc) {
        free(from);
        free(to);
        return rc;
    }
    return add_move(f, from, to) ? oom(err) : 0;
}

void scenario_csv_abort(scenario_csv_files *f)
{
    if (!f)
        return;
    char *whole = f->root ? joined(f->root, WHOLE, "") : NULL;
    demob_error ignore = {0};
    if (whole)
        remove_tree(whole, &ignore);
    free(whole);
    for (int i = 0; i < f->n; i++) {
        free(f->v[i].from);
        free(f->v[i].to);
    }
    for (int i = 0; i < f->n_from; i++)
        free(f->from[i]);
    free(f->from);
    free(f->v);
    free(f->root);
    free(f);
}

int scenario_csv_prepare(const char *dir, const char *const *from, int n_from, scenario_csv_files **out,
                         demob_error *err)
{
    *out = NULL;
    int copy = from != NULL;
    if (!copy)
        n_from = 1;
    scenario_csv_files *f = calloc(1, sizeof *f);
    if (!f)
        return oom(err);
    int rc = (f->root = root_of(dir)) && (f->from = calloc((size_t)n_from, sizeof *f->from)) ? 0 : oom(err);
    for (int i = 0; rc == 0 && i < n_from; i++, f->n_from++)
        if (!(f->from[i] = copy ? root_of(from[i]) : strdup(f->root)))
            rc = oom(err);
    pieces l = {0};
    for (int i = 0; rc == 0 && i < n_from; i++)
        rc = list_pieces(f->from[i], i, &l, err);
    if (rc == 0 && l.n > 1)
        qsort(l.v, l.n, sizeof *l.v, by_name_then_run);
    for (size_t i = 0; rc == 0 && i < l.n; i++)
        if (i == 0 || strcmp(l.v[i].name, l.v[i - 1].name) != 0)
            rc = check_place(dir, &l, i, err);
    for (size_t i = 0, j; rc == 0 && i < l.n; i = j) {
        for (j = i + 1; j < l.n && strcmp(l.v[j].name, l.v[i].name) == 0; j++)
            if (l.v[j].run == l.v[j - 1].run)
                rc = demob_error_set(err, DEMOB_EINPUT, "csv.open(\"%s\"): run %ld wrote it in two folders (%s "
                                     "and %s)", l.v[j].name, l.v[j].run, from[l.v[j - 1].root], from[l.v[j].root]);
        if (rc == 0)
            rc = prepare_name(f, dir, l.v + i, j - i, copy, err);
    }
    for (size_t i = 0; i < l.n; i++)
        free(l.v[i].name);
    free(l.v);
    if (rc) {
        scenario_csv_abort(f);
        return rc;
    }
    *out = f;
    return 0;
}

/* fsync of a folder, so that a rename into it survives a crash. */
static void sync_folder(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int scenario_csv_commit(scenario_csv_files *f, demob_error *err)
{
    int rc = 0;
    char last[4400] = "";
    for (int i = 0; i < f->n && rc == 0; i++) {
        char folder[4400];
        snprintf(folder, sizeof folder, "%s", f->v[i].to);
        char *slash = strrchr(folder, '/');
        if (slash)
            *slash = '\0';
        if ((rc = atomic_make_dirs(folder, err)) != 0)
            break;
        if (rename(f->v[i].from, f->v[i].to) != 0) {
            rc = demob_error_set(err, DEMOB_ERUN, "cannot move '%s' to '%s': %s", f->v[i].from, f->v[i].to,
                                 strerror(errno));
            break;
        }
        if (strcmp(folder, last) != 0) {
            if (*last)
                sync_folder(last);
            snprintf(last, sizeof last, "%s", folder);
        }
    }
    if (*last)
        sync_folder(last);
    if (rc == 0)
        rc = remove_tree(f->root, err);
    scenario_csv_abort(f);
    return rc;
}
