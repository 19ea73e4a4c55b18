/* utf8.h - recognising well-formed UTF-8 (RFC 3629). */
#ifndef DEMOB_UTF8_H
#define DEMOB_UTF8_H

/* Length (1-4) of the well-formed UTF-8 sequence at p (NUL-terminated),
 * or 0 when it is not one: overlong forms, surrogates and code points
 * above U+10FFFF are refused. */
int utf8_len(const unsigned char *p);

#endif
