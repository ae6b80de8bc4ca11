/*
 * gzstream.c — an archive's bytes, gunzipped on the fly when they are gzip (see gzstream.h).
 */
#include "gzstream.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define GZ_BUFFER_SIZE (64 * 1024)

struct gz_stream {
  FILE *in;
  int gzip;
  int z_ready;       /* inflateInit2 succeeded: inflateEnd is due */
  int member_done;   /* inflate reached the end of a gzip member */
  int at_end;        /* every byte has been delivered */
  int io_error;      /* the error is a failed read, not bad data */
  z_stream z;
  uint64_t max_ratio, ratio_floor;
  uint64_t in_total;  /* compressed bytes read from the file */
  uint64_t out_total; /* bytes delivered */
  size_t plain_pos, plain_len; /* plain input: the part of `buf` not yet delivered */
  char error[192];
  unsigned char buf[GZ_BUFFER_SIZE];
};

static void set_error(gz_stream_t *s, const char *message) {
  if (!s->error[0]) snprintf(s->error, sizeof(s->error), "%s", message);
}

/* Reads the next chunk of the file into `buf`; 0 at its end or on a read error (recorded). */
static size_t fill(gz_stream_t *s) {
  size_t n = fread(s->buf, 1, sizeof(s->buf), s->in);
  if (n == 0 && ferror(s->in)) {
    char message[160];
    snprintf(message, sizeof(message), "cannot read the archive: %s", strerror(errno ? errno : EIO));
    set_error(s, message);
    s->io_error = 1;
  }
  s->in_total += n;
  return n;
}

gz_stream_t *gz_stream_open(FILE *in, uint64_t max_ratio, uint64_t ratio_floor) {
  gz_stream_t *s = calloc(1, sizeof(*s));
  size_t n;
  if (!s) return NULL;
  s->in = in;
  s->max_ratio = max_ratio;
  s->ratio_floor = ratio_floor;
  /* The first chunk decides the format; it is then either inflated or delivered as it is. */
  n = fill(s);
  if (n >= 2 && s->buf[0] == 0x1f && s->buf[1] == 0x8b) {
    s->gzip = 1;
    /* 16 + MAX_WBITS: a gzip wrapper (header and CRC-32/length trailer, both checked), nothing else. */
    if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) {
      free(s);
      return NULL;
    }
    s->z_ready = 1;
    s->z.next_in = s->buf;
    s->z.avail_in = (uInt)n;
  } else {
    s->plain_len = n;
  }
  return s;
}

static size_t read_plain(gz_stream_t *s, unsigned char *out, size_t n) {
  size_t got = 0;
  while (got < n && !s->at_end && !s->error[0]) {
    size_t take;
    if (s->plain_pos == s->plain_len) {
      s->plain_pos = 0;
      s->plain_len = fill(s);
      if (s->plain_len == 0) {
        if (!s->error[0]) s->at_end = 1;
        break;
      }
    }
    take = s->plain_len - s->plain_pos;
    if (take > n - got) take = n - got;
    memcpy(out + got, s->buf + s->plain_pos, take);
    s->plain_pos += take;
    got += take;
  }
  return got;
}

static size_t read_gzip(gz_stream_t *s, unsigned char *out, size_t n) {
  size_t got = 0;
  while (got < n && !s->at_end && !s->error[0]) {
    size_t chunk = n - got;
    int ret;
    if (s->z.avail_in == 0) {
      size_t r = fill(s);
      if (r == 0) {
        if (s->error[0]) break;
        /* The file may end only where a member does. */
        if (s->member_done)
          s->at_end = 1;
        else
          set_error(s, "the archive is truncated (the gzip stream ends early)");
        break;
      }
      s->z.next_in = s->buf;
      s->z.avail_in = (uInt)r;
    }
    if (s->member_done) { /* more input after a member: another member (as `cat a.gz b.gz` makes) */
      if (inflateReset(&s->z) != Z_OK) {
        set_error(s, "cannot restart the gzip decoder");
        break;
      }
      s->member_done = 0;
    }
    if (chunk > UINT_MAX) chunk = UINT_MAX;
    s->z.next_out = out + got;
    s->z.avail_out = (uInt)chunk;
    ret = inflate(&s->z, Z_NO_FLUSH);
    chunk -= s->z.avail_out;
    got += chunk;
    s->out_total += chunk;
    if (ret == Z_STREAM_END) {
      s->member_done = 1;
    } else if (ret == Z_BUF_ERROR && s->z.avail_in == 0) {
      /* needs more input: the next turn reads it */
    } else if (ret != Z_OK) {
      char message[160];
      snprintf(message, sizeof(message), "the archive is corrupt (gzip: %s)", s->z.msg ? s->z.msg : "bad data");
      set_error(s, message);
      break;
    }
    if (s->max_ratio && s->out_total > s->ratio_floor && s->out_total / s->max_ratio > s->in_total) {
      char message[160];
      snprintf(message, sizeof(message),
               "the archive inflates to more than %llu times its compressed size (a decompression bomb?)",
               (unsigned long long)s->max_ratio);
      set_error(s, message);
      break;
    }
  }
  return got;
}

size_t gz_stream_read(gz_stream_t *s, void *buf, size_t n) {
  return s->gzip ? read_gzip(s, buf, n) : read_plain(s, buf, n);
}

const char *gz_stream_error(const gz_stream_t *s) { return s->error[0] ? s->error : NULL; }

int gz_stream_error_is_io(const gz_stream_t *s) { return s->io_error; }

void gz_stream_close(gz_stream_t *s) {
  if (!s) return;
  if (s->z_ready) inflateEnd(&s->z);
  free(s);
}
