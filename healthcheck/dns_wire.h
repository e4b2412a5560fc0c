/* DNS messages as the dns check needs them (RFC 1035 4.1): one query with
 * recursion desired, and a reply checked for its id, question, rcode and
 * answers of the asked type. Pure (fuzzed by fuzz_check_dns.c). */
#ifndef TANDEM_HC_DNS_WIRE_H
#define TANDEM_HC_DNS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define DNS_MSG_MAX	4096

/* The number of a query type name ("A", "SOA"...), or -1. */
int	dns_qtype(const char *name);
/* A query for name ("." for the root) into buf: its length, or -1. */
int	dns_query_build(uint8_t *buf, size_t len, uint16_t id,
	    const char *name, uint16_t qtype);

/* Check a reply: 1 good, 0 bad with the reason in why. expect, when not
 * NULL, is an address that an A or AAAA answer must hold. */
int	dns_reply_check(const uint8_t *buf, size_t len, uint16_t id,
	    uint16_t qtype, const struct tnd_addr *expect, char *why,
	    size_t whylen);

#endif
