/* HMAC-SHA256 over sync datagrams (OpenSSL EVP_MAC) and the per-sender
 * replay window on Tandem's 64-bit sequence numbers. */
#ifndef TANDEM_SYNC_AUTH_H
#define TANDEM_SYNC_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define SYNC_KEY_MIN		16
#define SYNC_KEY_MAX		64
#define SYNC_REPLAY_WINDOW	4096	/* = the master's resend buffer */

struct sync_key {
	uint8_t		key[SYNC_KEY_MAX];
	size_t		len;
};

/* A window of the last SYNC_REPLAY_WINDOW sequence numbers of one sender. */
struct sync_replay {
	uint64_t	top;		/* highest accepted */
	uint64_t	bits[SYNC_REPLAY_WINDOW / 64];	/* bit s % window */
	int		started;
};

/* The key file's bytes (a trailing newline dropped), 16 to 64 of them. */
int	sync_auth_load(struct sync_key *k, const char *path);
int	sync_auth_set(struct sync_key *k, const void *key, size_t len);
/* HMAC of the datagram with its SYNC_HMAC_LEN bytes at hmac_off zeroed. */
int	sync_auth_mac(const struct sync_key *k, const uint8_t *p, size_t len,
	    size_t hmac_off, uint8_t out[32]);
int	sync_auth_sign(const struct sync_key *k, uint8_t *p, size_t len,
	    size_t hmac_off);
int	sync_auth_verify(const struct sync_key *k, const uint8_t *p,
	    size_t len, size_t hmac_off);

/* 0 when seq is new to the window, -1 when seen or older than it. */
int	sync_replay_check(const struct sync_replay *r, uint64_t seq);
void	sync_replay_accept(struct sync_replay *r, uint64_t seq);

#endif
