/* A bounds-checked cursor over a byte buffer: every packet, message and
 * datagram is read through it, never by casting the buffer to a struct.
 * Reads past the end set a sticky error and return zeroes, so a decoder
 * may read a run of fields and check cur_ok() once. */
#ifndef TANDEM_CURSOR_H
#define TANDEM_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t	*buf;
	size_t		 len;
	size_t		 off;
	int		 err;
};

static inline void
cur_init(struct cursor *c, const void *buf, size_t len)
{
	c->buf = buf;
	c->len = len;
	c->off = 0;
	c->err = 0;
}

static inline int cur_ok(const struct cursor *c) { return !c->err; }
static inline size_t cur_left(const struct cursor *c) { return c->len - c->off; }
static inline size_t cur_off(const struct cursor *c) { return c->off; }

/* Pointer to the next n bytes, advancing past them; NULL when short. */
static inline const uint8_t *
cur_take(struct cursor *c, size_t n)
{
	const uint8_t *p;

	if (c->err || n > c->len - c->off) {
		c->err = 1;
		return NULL;
	}
	p = c->buf + c->off;
	c->off += n;
	return p;
}

static inline int
cur_skip(struct cursor *c, size_t n)
{
	return cur_take(c, n) ? 0 : -1;
}

static inline uint8_t
cur_u8(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 1);
	return p ? p[0] : 0;
}

static inline uint16_t
cur_be16(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 2);
	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

static inline uint32_t
cur_be32(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 4);
	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3] : 0;
}

static inline uint64_t
cur_be64(struct cursor *c)
{
	uint64_t hi = cur_be32(c);
	return hi << 32 | cur_be32(c);
}

/* Copy n bytes out (raw order, e.g. addresses kept in network order). */
static inline int
cur_copy(struct cursor *c, void *dst, size_t n)
{
	const uint8_t *p = cur_take(c, n);

	if (p == NULL) {
		memset(dst, 0, n);
		return -1;
	}
	memcpy(dst, p, n);
	return 0;
}

/* Byte-order helpers for writing into a buffer whose bounds the caller has
 * already checked through a cursor. */
static inline uint16_t
get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
