/* The SIP persistence engine (ipvsadm --pe sip, IPVS ip_vs_pe_sip): UDP
 * SIP messages of one call (the same Call-ID) go to the same real server,
 * whichever address and port they come from. The Call-ID is read from the
 * datagram's headers, "Call-ID:" or its compact form "i:", bounded by the
 * datagram. */
#include "director.h"
#include "pe_sip.h"

#include <ctype.h>
#include <string.h>

#include <openssl/sha.h>

/* A header line starting at line (len bytes to the end of the datagram)
 * named name (case-insensitive), followed by optional blanks and ':'. */
static const uint8_t *
header_value(const uint8_t *line, size_t len, const char *name, size_t *vlen)
{
	size_t n = strlen(name), i;

	if (len < n || strncasecmp((const char *)line, name, n) != 0)
		return NULL;
	for (i = n; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	if (i == len || line[i] != ':')
		return NULL;
	for (i++; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	size_t start = i;
	while (i < len && line[i] != '\r' && line[i] != '\n')
		i++;
	while (i > start && (line[i - 1] == ' ' || line[i - 1] == '\t'))
		i--;
	*vlen = i - start;
	return *vlen ? line + start : NULL;
}

int
pe_sip_callid(const uint8_t *msg, size_t len, const uint8_t **id, size_t *idlen)
{
	size_t off = 0;

	/* Walk the header lines; the body starts after an empty line. */
	while (off < len) {
		const uint8_t *line = msg + off;
		size_t rest = len - off;
		if (line[0] == '\r' || line[0] == '\n')
			break;
		if ((*id = header_value(line, rest, "call-id", idlen)) != NULL ||
		    (*id = header_value(line, rest, "i", idlen)) != NULL)
			return 0;
		const uint8_t *nl = memchr(line, '\n', rest);
		if (nl == NULL)
			break;
		off = (size_t)(nl - msg) + 1;
	}
	return -1;
}

int
pe_sip_key(const struct pkt *p, struct tnd_addr *key)
{
	uint8_t digest[SHA256_DIGEST_LENGTH];
	const uint8_t *id;
	size_t idlen;

	if (p->proto != IPPROTO_UDP || p->l4_len <= 8 ||
	    pe_sip_callid(p->frame + p->l4_off + 8, p->l4_len - 8, &id,
	    &idlen) == -1)
		return -1;
	/* The call stands in for the client address in the template key:
	 * 128 bits of its digest, in an address of family 0 that no real
	 * client has. */
	SHA256(id, idlen, digest);
	memset(key, 0, sizeof(*key));
	memcpy(key->bytes, digest, sizeof(key->bytes));
	return 0;
}
