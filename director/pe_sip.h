/* The SIP persistence engine: a call's Call-ID as the persistence key. */
#ifndef TANDEM_PE_SIP_H
#define TANDEM_PE_SIP_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "frame.h"

/* Find the Call-ID in a SIP message: 0 with id and idlen pointing into msg,
 * or -1. */
int	pe_sip_callid(const uint8_t *msg, size_t len, const uint8_t **id,
	    size_t *idlen);
/* The template key of a UDP SIP datagram; -1 without a Call-ID. */
int	pe_sip_key(const struct pkt *p, struct tnd_addr *key);

#endif
