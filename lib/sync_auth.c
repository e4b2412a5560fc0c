/* HMAC-SHA256 over sync datagrams and the replay window on Tandem's
 * sequence numbers; the format of both options is in docs/sync-protocol.md. */
#include "sync_auth.h"

#include "log.h"

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

int
sync_auth_set(struct sync_key *k, const void *key, size_t len)
{
	if (len < SYNC_KEY_MIN || len > SYNC_KEY_MAX)
		return -1;
	memcpy(k->key, key, len);
	k->len = len;
	return 0;
}

int
sync_auth_load(struct sync_key *k, const char *path)
{
	uint8_t buf[SYNC_KEY_MAX + 2];
	FILE *f = fopen(path, "re");
	size_t n;

	if (f == NULL) {
		log_warn("sync: key file %s", path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (sync_auth_set(k, buf, n) == -1) {
		log_warnx("sync: key file %s: need %d to %d bytes", path,
		    SYNC_KEY_MIN, SYNC_KEY_MAX);
		OPENSSL_cleanse(buf, sizeof(buf));
		return -1;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

/* The HMAC field is fed as zeroes, so the datagram need not be copied. */
int
sync_auth_mac(const struct sync_key *k, const uint8_t *p, size_t len,
    size_t hmac_off, uint8_t out[32])
{
	static const uint8_t zero[32];
	OSSL_PARAM params[2];
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx = NULL;
	size_t olen = 0;
	int rc = -1;

	if (k->len < SYNC_KEY_MIN || hmac_off > len || len - hmac_off < 32)
		return -1;
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac == NULL)
		return -1;
	ctx = EVP_MAC_CTX_new(mac);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (ctx != NULL && EVP_MAC_init(ctx, k->key, k->len, params) == 1 &&
	    EVP_MAC_update(ctx, p, hmac_off) == 1 &&
	    EVP_MAC_update(ctx, zero, sizeof(zero)) == 1 &&
	    EVP_MAC_update(ctx, p + hmac_off + 32, len - hmac_off - 32) == 1 &&
	    EVP_MAC_final(ctx, out, &olen, 32) == 1 && olen == 32)
		rc = 0;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

int
sync_auth_sign(const struct sync_key *k, uint8_t *p, size_t len,
    size_t hmac_off)
{
	uint8_t mac[32];

	if (sync_auth_mac(k, p, len, hmac_off, mac) == -1)
		return -1;
	memcpy(p + hmac_off, mac, sizeof(mac));
	return 0;
}

int
sync_auth_verify(const struct sync_key *k, const uint8_t *p, size_t len,
    size_t hmac_off)
{
	uint8_t mac[32];

	if (sync_auth_mac(k, p, len, hmac_off, mac) == -1)
		return -1;
	return CRYPTO_memcmp(mac, p + hmac_off, sizeof(mac)) == 0 ? 0 : -1;
}

static int
bit_get(const struct sync_replay *r, uint64_t seq)
{
	uint64_t i = seq % SYNC_REPLAY_WINDOW;

	return (int)((r->bits[i / 64] >> (i % 64)) & 1);
}

static void
bit_set(struct sync_replay *r, uint64_t seq, int on)
{
	uint64_t i = seq % SYNC_REPLAY_WINDOW, m = (uint64_t)1 << (i % 64);

	if (on)
		r->bits[i / 64] |= m;
	else
		r->bits[i / 64] &= ~m;
}

int
sync_replay_check(const struct sync_replay *r, uint64_t seq)
{
	if (!r->started || seq > r->top)
		return 0;
	if (r->top - seq >= SYNC_REPLAY_WINDOW)
		return -1;
	return bit_get(r, seq) ? -1 : 0;
}

void
sync_replay_accept(struct sync_replay *r, uint64_t seq)
{
	if (!r->started) {
		memset(r->bits, 0, sizeof(r->bits));
		r->started = 1;
		r->top = seq;
	} else if (seq > r->top) {
		/* The numbers passed over are not seen yet (resends may
		 * fill them while inside the window). */
		if (seq - r->top >= SYNC_REPLAY_WINDOW)
			memset(r->bits, 0, sizeof(r->bits));
		else
			for (uint64_t s = r->top + 1; s < seq; s++)
				bit_set(r, s, 0);
		r->top = seq;
	} else if (r->top - seq >= SYNC_REPLAY_WINDOW) {
		return;
	}
	bit_set(r, seq, 1);
}
