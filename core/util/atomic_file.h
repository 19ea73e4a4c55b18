/* atomic_file.h - output files that are complete or absent: written to a
 * temporary file in the same folder, then fsync'ed and renamed over the
 * final name (and the folder fsync'ed). Abort removes the temporary. */
#ifndef DEMOB_ATOMIC_FILE_H
#define DEMOB_ATOMIC_FILE_H
#include <stddef.h>
#include "demob.h"
#include "strbuf.h"

typedef struct atomic_file atomic_file;

/* Creates "<path>.tmp-XXXXXX" next to path. NULL with err on failure
 * (DEMOB_ERUN, message names the path and the system error). */
atomic_file *atomic_open(const char *path, demob_error *err);
/* Writes all n bytes (short writes and EINTR are retried). On failure
 * ("cannot write 'path': No space left on device") f stays open: the
 * caller aborts it. */
int atomic_write(atomic_file *f, const void *data, size_t n, demob_error *err);
/* fsync, close, rename, fsync folder; frees f in all cases. On failure the
 * temporary is removed and an earlier file at path is left as it was (if
 * only the final folder sync fails, the new file is in place but may not
 * survive a crash). A failed atomic_write makes commit fail too. */
int atomic_commit(atomic_file *f, demob_error *err);
/* Removes the temporary file; frees f. NULL is fine. */
void atomic_abort(atomic_file *f);
const char *atomic_path(const atomic_file *f);
/* The temporary file's name: another program may write it before commit. */
const char *atomic_tmp_path(const atomic_file *f);

/* The whole of b written atomically to path (a failed format, b->failed,
 * is an error naming path). */
int atomic_write_buffer(const char *path, const strbuf *b, demob_error *err);

/* mkdir -p; 0 ok, or DEMOB_ERUN with a message naming the folder:
 * "cannot create output folder 'x': Permission denied". */
int atomic_make_dirs(const char *path, demob_error *err);

/* Locks the folder dir for the calling process (flock on the folder
 * itself: no file is added), so two commands never write one folder at
 * once; then removes the temporary files ("*.tmp-XXXXXX") a command killed
 * there (kill -9) left, in the folder and its subfolders. *fd gets the
 * lock, released by close(). A folder in use: DEMOB_EINPUT, "'dir' is in
 * use by another demob <command> ...". */
int atomic_lock_dir(const char *dir, int *fd, demob_error *err);

#endif
