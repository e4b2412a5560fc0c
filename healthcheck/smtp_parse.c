/* SMTP reply parsing for the smtp check. */
#include "smtp_parse.h"

#include <ctype.h>
#include <string.h>

#define SMTP_REPLY_MAX	4096	/* a longer reply is refused */

int
smtp_reply_parse(const uint8_t *buf, size_t len, int *code, size_t *used)
{
	size_t off = 0;
	int first = -1;

	while (off < len) {
		const uint8_t *nl = memchr(buf + off, '\n', len - off);
		size_t n;
		int c;
		if (nl == NULL)
			break;
		n = (size_t)(nl - (buf + off));
		if (n < 3 || !isdigit(buf[off]) || !isdigit(buf[off + 1]) ||
		    !isdigit(buf[off + 2]))
			return SMTP_BAD;
		c = (buf[off] - '0') * 100 + (buf[off + 1] - '0') * 10 +
		    (buf[off + 2] - '0');
		if (first == -1)
			first = c;
		else if (c != first)
			return SMTP_BAD;	/* one code per reply */
		if (n > 3 && buf[off + 3] == '-') {
			off += n + 1;
			continue;
		}
		if (n > 3 && buf[off + 3] != ' ' && buf[off + 3] != '\r')
			return SMTP_BAD;
		*code = c;
		*used = off + n + 1;
		return SMTP_DONE;
	}
	return len > SMTP_REPLY_MAX ? SMTP_BAD : SMTP_MORE;
}
