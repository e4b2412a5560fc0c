/* libFuzzer target for the IPVS sync v1 decoder: the first byte picks the
 * receiver (any syncid, syncid 9, or with vector B's key and a replay
 * window); every entry reported must encode and decode back to itself. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync_auth.h"
#include "sync_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct sync_conn *c, void *arg)
{
	struct sync_enc e;
	struct sync_stats st;
	struct sync_dec d = { .stats = &st };
	uint8_t buf[1024];
	int len;

	(void)arg;
	memset(&st, 0, sizeof(st));
	sync_enc_init(&e, buf, sizeof(buf), 0, 0);
	if (sync_enc_add(&e, c) != 0)
		abort();
	len = sync_enc_finish(&e, 0, NULL);
	if (len <= 0 || sync_decode(&d, buf, (size_t)len, NULL) != SYNC_OK ||
	    st.entries + st.entries_refused[SYNC_ENT_MANDATORY] +
	    st.entries_refused[SYNC_ENT_PE] != 1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char key[] = "0123456789abcdef0123456789abcdef";
	struct sync_key k;
	struct sync_replay r;
	struct sync_stats st;
	struct sync_info in;
	struct sync_dec d = { .stats = &st, .cb = check };
	enum sync_err e;
	int mode;

	if (size < 1)
		return 0;
	mode = data[0] % 3;
	data++;
	size--;
	memset(&st, 0, sizeof(st));
	memset(&r, 0, sizeof(r));
	if (mode >= 1)
		d.syncid = 9;
	if (mode == 2) {
		if (sync_auth_set(&k, key, 32) == -1)
			abort();
		d.key = &k;
		d.replay = &r;
	}
	e = sync_decode(&d, data, size, &in);
	if ((unsigned)e >= SYNC_ERR__MAX || sync_err_str(e)[0] == '?')
		abort();
	if (e == SYNC_OK && (in.nconns != st.entries +
	    st.entries_refused[SYNC_ENT_MANDATORY] +
	    st.entries_refused[SYNC_ENT_PE]))
		abort();
	if (mode == 2 && e == SYNC_OK &&
	    sync_decode(&d, data, size, NULL) != SYNC_ERR_REPLAY)
		abort();
	return 0;
}
