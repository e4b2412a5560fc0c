/* libFuzzer target: an SCTP packet (common header and chunks) through the
 * checksum check and the chunk walk, and the event it gives through the
 * state tables in every direction and state. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "proto_sctp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Any event from the parser indexes the tables safely, and the state
 * stays a state. */
static void
walk_states(int ev)
{
	for (int st = 0; st < SCTP_S_LAST; st++)
		for (int dir = DIR_INPUT; dir <= DIR_INPUT_ONLY; dir++) {
			int ns = sctp_next_state(st, (enum conn_dir)dir, ev);
			if (ns < 0 || ns >= SCTP_S_LAST)
				abort();
			(void)sctp_state_name(ns);
			(void)sctp_state_active(ns);
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf, first = 0;

	if (size > 70000)
		return 0;
	/* An exact-size copy, so that ASan sees a read past the end. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	(void)sctp_csum_ok(buf, size);
	if (size >= SCTP_HDR_LEN) {
		int ev = sctp_event_of(buf + SCTP_HDR_LEN, size - SCTP_HDR_LEN,
		    &first);
		if (ev >= SCTP_EV_LAST)
			abort();
		if (ev >= 0) {
			walk_states(ev);
			(void)sctp_may_create(first, 0);
		}
		/* What NAT does after rewriting a port must check out. */
		sctp_csum_set(buf, size);
		if (!sctp_csum_ok(buf, size))
			abort();
	}
	free(buf);
	return 0;
}
