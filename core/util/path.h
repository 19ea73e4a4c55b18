/* path.h - file names: what a path is, joining a folder and a name, the
 * last component, a scenario's stem (its file name without ".lua"), and
 * reading a whole file. */
#ifndef DEMOB_PATH_H
#define DEMOB_PATH_H
#include <limits.h>
#include <stddef.h>

#include "demob.h"

/* Path buffers: PATH_MAX (limits.h) for a path as given; PATH_FILE_SIZE
 * for a folder of up to PATH_MAX bytes joined with one of demob's file
 * names and a suffix (".partial", ".means-XXXXXX"). Longer paths are cut
 * by snprintf and then fail to open, with a message naming them. */
#define PATH_FILE_SIZE (PATH_MAX + 304)

/* 1 folder, 2 regular file, 0 missing (errno set), -1 other. */
int path_kind(const char *path);
/* dir + "/" + name into buf (trailing slashes of dir dropped). */
void path_join(char *buf, size_t size, const char *dir, const char *name);
/* The last component of a path without a trailing slash ("out/a/" -> "a"). */
void path_basename(char *buf, size_t size, const char *path);
/* The last component without a final ".lua" ("scenarios/libya.lua" -> "libya"). */
void path_stem(char *buf, size_t size, const char *path);

/* Reads the whole file at path into a malloc'ed, NUL-terminated buffer
 * (*size bytes, without the NUL), read once: a pipe works too. Refuses a
 * file above max bytes ("larger than the memory limit", DEMOB_EINPUT);
 * NULL with err set. */
char *path_read_all(const char *path, size_t max, size_t *size, demob_error *err);

#endif
