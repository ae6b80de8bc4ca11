/*
 * gzstream.h — reading an archive's bytes from a file as a stream: gzip-compressed (one or
 * more members) or, when the file does not start with the gzip magic, as it is. Only a
 * buffer's worth of input is ever held, so an archive of any size can be read.
 */
#ifndef TINKER_CLI_GZSTREAM_H
#define TINKER_CLI_GZSTREAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct gz_stream gz_stream_t;

/* Starts reading `in` (borrowed; left open by gz_stream_close). `max_ratio` > 0 refuses input
 * that inflates to more than max_ratio times its compressed size once past `ratio_floor`
 * bytes of output: real checkpoints (weights) barely compress, a decompression bomb does
 * nothing else. NULL when memory runs out. */
gz_stream_t *gz_stream_open(FILE *in, uint64_t max_ratio, uint64_t ratio_floor);

/* Reads up to `n` bytes into `buf`. Fewer than `n` only at the end of the data or on a failure;
 * gz_stream_error tells them apart. */
size_t gz_stream_read(gz_stream_t *s, void *buf, size_t n);

/* Why reading stopped early (a truncated or corrupt gzip stream, a read error, the ratio
 * limit), or NULL when nothing went wrong. */
const char *gz_stream_error(const gz_stream_t *s);

/* 1 when the failure gz_stream_error describes is this machine's (the file could not be read),
 * 0 when it is the data's. */
int gz_stream_error_is_io(const gz_stream_t *s);

void gz_stream_close(gz_stream_t *s);

#endif /* TINKER_CLI_GZSTREAM_H */
