/* convert.c - output files in formats demob does not draw itself: a chart
 * as PNG (or PDF) through rsvg-convert (Debian package librsvg2-bin), a
 * report as PDF through headless Chromium (--print-to-pdf). The programs
 * are looked up on PATH when needed, not at build time; without one the
 * command refuses (exit 2) and says which package gives it. The result is
 * checked (a PNG or PDF signature) before it replaces the file, so an
 * SVG or HTML text never ends up under a .png or .pdf name. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "convert.h"
#include "util/atomic_file.h"
#include "util/path.h"

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    if (n < m)
        return 0;
    for (size_t i = 0; i < m; i++) {
        char c = s[n - m + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != tail[i])
            return 0;
    }
    return 1;
}

cli_format cli_format_of(const char *path)
{
    return ends_with(path, ".png") ? CLI_FMT_PNG : ends_with(path, ".pdf") ? CLI_FMT_PDF : CLI_FMT_TEXT;
}

/* The first of names found on PATH, into buf; 0 when none is. */
static int find_program(const char *const *names, char *buf, size_t size)
{
    const char *path = getenv("PATH");
    for (; *names; names++) {
        for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
            size_t len = strcspn(p, ":");
            snprintf(buf, size, "%.*s/%s", (int)len, len ? p : ".", *names);
            if (access(buf, X_OK) == 0)
                return 1;
            p += len + (p[len] == ':');
        }
    }
    return 0;
}

/* Runs argv (no shell), its output to log; 0 when it exits with 0. */
static int run_program(char *const argv[], const char *log)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int null = open("/dev/null", O_RDONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (null >= 0)
            dup2(null, 0);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Does the file begin with magic? */
static int has_magic(const char *path, const char *magic, size_t n)
{
    char buf[16] = { 0 };
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t got = fread(buf, 1, n, f);
    fclose(f);
    return got == n && memcmp(buf, magic, n) == 0;
}

/* The last line of the program's log, for the message. */
static void last_line(const char *log, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(log, "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f))
        if (line[0] != '\n') {
            line[strcspn(line, "\n")] = '\0';
            snprintf(buf, size, "%s", line);
        }
    fclose(f);
}

int cli_write_converted(const char *out, const strbuf *text, int is_html, demob_error *err)
{
    cli_format fmt = cli_format_of(out);
    if (fmt == CLI_FMT_TEXT)
        return atomic_write_buffer(out, text, err);
    static const char *const rsvg[] = { "rsvg-convert", NULL };
    static const char *const chrome[] = { "chromium", "chromium-browser", "google-chrome", NULL };
    int use_chrome = is_html;
    if (is_html && fmt == CLI_FMT_PNG)
        return demob_error_set(err, DEMOB_EINPUT, "%s: a report is written as .html or .pdf, not .png", out);
    char prog[PATH_MAX];
    if (!find_program(use_chrome ? chrome : rsvg, prog, sizeof prog))
        return demob_error_set(err, DEMOB_EINPUT,
                               "%s: writing %s needs %s, which is not on PATH (Debian package %s); "
                               "write .%s instead", out, fmt == CLI_FMT_PNG ? "PNG" : "PDF",
                               use_chrome ? "chromium" : "rsvg-convert", use_chrome ? "chromium" : "librsvg2-bin",
                               is_html ? "html" : "svg");
    const char *tmpdir = getenv("TMPDIR");
    char dir[PATH_MAX], src[PATH_MAX], log[PATH_MAX], url[PATH_MAX + 16], prof[PATH_MAX + 32],
        dest[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/demob-convert.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(dir))
        return demob_error_set(err, DEMOB_ERUN, "cannot make a temporary folder in %s: %s",
                               tmpdir && *tmpdir ? tmpdir : "/tmp", strerror(errno));
    path_join(src, sizeof src, dir, is_html ? "page.html" : "chart.svg");
    path_join(log, sizeof log, dir, "log");
    int rc = atomic_write_buffer(src, text, err);
    atomic_file *f = rc == 0 ? atomic_open(out, err) : NULL;
    if (rc == 0 && !f)
        rc = err->status;
    if (rc == 0) {
        const char *tmp = atomic_tmp_path(f);
        int ok;
        if (use_chrome) {
            snprintf(url, sizeof url, "file://%s", src);
            snprintf(prof, sizeof prof, "--user-data-dir=%s/profile", dir);
            snprintf(dest, sizeof dest, "--print-to-pdf=%s", tmp);
            char *argv[] = { prog, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             "--no-pdf-header-footer", prof, dest, url, NULL };
            ok = run_program(argv, log) == 0;
        } else {
            char *argv[] = { prog, "-f", fmt == CLI_FMT_PNG ? "png" : "pdf", "-o", (char *)tmp, src, NULL };
            ok = run_program(argv, log) == 0;
        }
        int good = fmt == CLI_FMT_PNG ? has_magic(tmp, "\x89PNG\r\n\x1a\n", 8) : has_magic(tmp, "%PDF-", 5);
        if (!ok || !good) {
            char why[512];
            last_line(log, why, sizeof why);
            rc = demob_error_set(err, DEMOB_ERUN, "%s: %s did not write a %s%s%s", out, prog,
                                 fmt == CLI_FMT_PNG ? "PNG" : "PDF", *why ? ": " : "", why);
            atomic_abort(f);
        } else {
            rc = atomic_commit(f, err);
        }
    }
    unlink(src);
    unlink(log);
    char cmd_prof[PATH_MAX + 16];
    snprintf(cmd_prof, sizeof cmd_prof, "%s/profile", dir);
    if (path_kind(cmd_prof) == 1) {
        /* Chromium's profile: removed with a child rm, no shell. */
        char *argv[] = { "/bin/rm", "-rf", "--", cmd_prof, NULL };
        run_program(argv, "/dev/null");
    }
    rmdir(dir);
    return rc;
}
