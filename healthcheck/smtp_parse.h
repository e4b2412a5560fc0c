/* SMTP replies as the smtp check reads them (RFC 5321 4.2): lines of
 * "NNN-text" ending with "NNN text". Pure (fuzzed by fuzz_check_smtp.c). */
#ifndef TANDEM_HC_SMTP_PARSE_H
#define TANDEM_HC_SMTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

enum { SMTP_DONE, SMTP_MORE, SMTP_BAD };

/* One whole reply at the start of buf: SMTP_DONE with its code and the
 * bytes it takes in *used, SMTP_MORE, or SMTP_BAD. */
int	smtp_reply_parse(const uint8_t *buf, size_t len, int *code,
	    size_t *used);

#endif
