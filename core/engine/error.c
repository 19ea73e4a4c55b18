/* error.c - demob_error_set: the one way library code reports a failure.
 * The message is formatted into the caller's fixed-size buffer; vsnprintf
 * truncates safely (always NUL-terminated), so a long path can shorten a
 * message but never overflow it. */
#include <stdarg.h>
#include <stdio.h>

#include "demob.h"

int demob_error_set(demob_error *err, int status, const char *fmt, ...)
{
    if (err == NULL)
        return status;
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (n < 0)   /* an encoding error: leave a readable message anyway */
        snprintf(err->message, sizeof err->message, "error (message could not be formatted)");
    return status;
}
