/* libFuzzer target: the replies tandem-checkd's smtp and dns checks
 * decode; the first byte chooses which (even: SMTP, odd: DNS). */
#include <stddef.h>
#include <stdint.h>

#include "dns_wire.h"
#include "smtp_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tnd_addr want = { .af = AF_INET, .bytes = { 10, 0, 0, 5 } };
	char why[160];
	size_t used;
	int code;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		dns_reply_check(data + 1, size - 1, 0x1234, 1, &want, why,
		    sizeof(why));
		dns_reply_check(data + 1, size - 1, 0x1234, 6, NULL, why,
		    sizeof(why));
	} else {
		const uint8_t *p = data + 1;
		size_t n = size - 1;
		while (smtp_reply_parse(p, n, &code, &used) == SMTP_DONE &&
		    used <= n) {
			p += used;
			n -= used;
		}
	}
	return 0;
}
