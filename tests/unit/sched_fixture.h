/* Shared by the scheduler unit tests: a service with servers named "A",
 * "B", ... (A is 10.0.0.1, B 10.0.0.2, ...), added in the order given, so
 * that, as in IPVS, the last added is first in the list. */
#ifndef TANDEM_SCHED_FIXTURE_H
#define TANDEM_SCHED_FIXTURE_H

#include <netinet/in.h>
#include <stdio.h>

#include "scheduler.h"
#include "service.h"

#ifndef SCHED_FIXTURE_OWN_MK	/* a test with its own mk() defines this */
static inline struct service *
mk(struct svc_table *t, const char *sched)
{
	struct tnd_addr vip;
	struct service *s = NULL;

	svc_table_init(t);
	addr_parse("10.0.0.100", &vip);
	assert_int_equal(svc_add(t, IPPROTO_TCP, &vip, 80, sched, 0,
	    0xffffffffu, &s), 0);
	return s;
}
#endif

/* Server "A" + idx is 10.0.0.(1 + idx); the last added is listed first. */
static inline void
add(struct svc_table *t, struct service *s, int idx, int weight)
{
	struct tnd_addr a;
	char buf[32];

	snprintf(buf, sizeof(buf), "10.0.0.%d", 1 + idx);
	addr_parse(buf, &a);
	assert_int_equal(svc_add_dest(t, s, &a, 80, FWD_DR, weight, 0, 0), 0);
}

static inline struct dest *
dest_of(struct service *s, char name)
{
	for (int i = 0; i < s->n_dests; i++)
		if (s->dests[i]->addr.bytes[3] == name - 'A' + 1)
			return s->dests[i];
	fail_msg("no server %c", name);
	return NULL;
}

static inline char
name_of(const struct dest *d)
{
	return d ? (char)('A' + d->addr.bytes[3] - 1) : '-';
}

#endif
