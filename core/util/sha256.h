/* sha256.h - SHA-256 (FIPS 180-4) of a file, for the manifest's scenario
 * hash: a folder of results names exactly the script that made it. */
#ifndef DEMOB_SHA256_H
#define DEMOB_SHA256_H
#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t fill;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t n);
void sha256_final(sha256_ctx *c, unsigned char out[32]);
/* A digest as lowercase hex into hex[65]. */
void sha256_hex(const unsigned char digest[32], char hex[65]);
/* Hex digest of n bytes into hex[65]. */
void sha256_data_hex(const void *data, size_t n, char hex[65]);
/* Hex digest of a file into hex[65]; 0 ok, -1 if it cannot be read. */
int sha256_file_hex(const char *path, char hex[65]);

#endif
