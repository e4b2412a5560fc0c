/* HMAC-SHA256 authentication of adverts between Tandem nodes (OpenSSL):
 * the key file, signing and verifying the trailer. See docs/vrrp.md for
 * the trade-off against the RFC's removal of authentication. */
#include "vrrpd.h"

#include "log.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

int
vrrp_auth_load(struct vrrp_inst *vi)
{
	const char *path = vi->conf->auth_key_file;
	uint8_t key[sizeof(vi->key)];
	FILE *f = fopen(path, "re");
	size_t n;

	if (f == NULL) {
		log_warn("%s: key file %s", vi->conf->name, path);
		return -1;
	}
	n = fread(key, 1, sizeof(key), f);
	fclose(f);
	while (n > 0 && (key[n - 1] == '\n' || key[n - 1] == '\r'))
		n--;
	if (n < 16) {
		log_warnx("%s: key file %s: need at least 16 bytes",
		    vi->conf->name, path);
		OPENSSL_cleanse(key, sizeof(key));
		return -1;
	}
	memcpy(vi->key, key, n);	/* only a good key replaces the old */
	vi->key_len = n;
	OPENSSL_cleanse(key, sizeof(key));
	return 0;
}

/* HMAC over the payload with the checksum field and the HMAC zeroed. */
static int
auth_mac(const uint8_t *key, size_t key_len, const uint8_t *p, size_t len,
    size_t hmac_off, uint8_t out[VRRP_HMAC_LEN])
{
	uint8_t buf[VRRP_FRAME_MAX];
	unsigned olen = 0;

	if (len > sizeof(buf) || hmac_off + VRRP_HMAC_LEN != len || len < 8)
		return -1;
	memcpy(buf, p, len);
	buf[6] = buf[7] = 0;
	memset(buf + hmac_off, 0, VRRP_HMAC_LEN);
	if (HMAC(EVP_sha256(), key, (int)key_len, buf, len, out, &olen) ==
	    NULL || olen != VRRP_HMAC_LEN)
		return -1;
	return 0;
}

void
vrrp_auth_sign(const struct vrrp_inst *vi, uint8_t *p, size_t len,
    size_t hmac_off)
{
	uint8_t mac[VRRP_HMAC_LEN];

	if (auth_mac(vi->key, vi->key_len, p, len, hmac_off, mac) == 0)
		memcpy(p + hmac_off, mac, VRRP_HMAC_LEN);
}

int
vrrp_auth_verify(const uint8_t *key, size_t key_len, const uint8_t *p,
    size_t len, size_t hmac_off)
{
	uint8_t mac[VRRP_HMAC_LEN];

	if (auth_mac(key, key_len, p, len, hmac_off, mac) == -1)
		return -1;
	return CRYPTO_memcmp(mac, p + hmac_off, VRRP_HMAC_LEN) == 0 ? 0 : -1;
}
