/* The table of owned VRRP instances and their VIPs. */
#include "vip.h"
#include "log.h"

#include <errno.h>
#include <string.h>

void
vip_table_init(struct vip_table *t)
{
	memset(t, 0, sizeof(*t));
	pthread_rwlock_init(&t->lock, NULL);
}

int
vip_own(struct vip_table *t, const struct vip_instance *in)
{
	int rc = 0, i;

	pthread_rwlock_wrlock(&t->lock);
	for (i = 0; i < t->n; i++)
		if (strcmp(t->inst[i].name, in->name) == 0)
			break;
	if (i == t->n) {
		if (t->n == VIP_MAX_INSTANCES)
			rc = -ENOSPC;
		else
			t->n++;
	}
	if (rc == 0)
		t->inst[i] = *in;
	pthread_rwlock_unlock(&t->lock);
	return rc;
}

int
vip_release(struct vip_table *t, const char *name)
{
	int rc = -ENOENT;

	pthread_rwlock_wrlock(&t->lock);
	for (int i = 0; i < t->n; i++)
		if (strcmp(t->inst[i].name, name) == 0) {
			t->inst[i] = t->inst[--t->n];
			rc = 0;
			break;
		}
	pthread_rwlock_unlock(&t->lock);
	return rc;
}

int
vip_owns_mac(struct vip_table *t, int ifindex, const uint8_t mac[6])
{
	int yes = 0;

	if (mac[0] || mac[1] || mac[2] != 0x5e || mac[3] ||
	    (mac[4] != 1 && mac[4] != 2))
		return 0;
	pthread_rwlock_rdlock(&t->lock);
	for (int i = 0; i < t->n && !yes; i++)
		yes = t->inst[i].ifindex == ifindex &&
		    t->inst[i].vrid == mac[5];
	pthread_rwlock_unlock(&t->lock);
	return yes;
}

int
vip_owns_addr(struct vip_table *t, int ifindex, const struct tnd_addr *addr,
    int *vrid)
{
	int yes = 0;

	pthread_rwlock_rdlock(&t->lock);
	for (int i = 0; i < t->n && !yes; i++) {
		const struct vip_instance *in = &t->inst[i];
		if (in->ifindex != ifindex)
			continue;
		for (int j = 0; j < in->n_vips && !yes; j++)
			yes = addr_eq(&in->vips[j].addr, addr);
		for (int j = 0; j < in->n_ranges && !yes; j++)
			yes = addr_range_has(&in->ranges[j], addr,
			    in->ranges[j].plo);
		if (yes)
			*vrid = in->vrid;
	}
	pthread_rwlock_unlock(&t->lock);
	return yes;
}

/* 0 not owned, 1 owned, 2 owned by an instance in accept mode. */
static int
vip_lookup(struct vip_table *t, const struct tnd_addr *addr)
{
	int yes = 0;

	pthread_rwlock_rdlock(&t->lock);
	for (int i = 0; i < t->n && !yes; i++) {
		for (int j = 0; j < t->inst[i].n_vips && !yes; j++)
			yes = addr_eq(&t->inst[i].vips[j].addr, addr);
		for (int j = 0; j < t->inst[i].n_ranges && !yes; j++)
			yes = addr_range_has(&t->inst[i].ranges[j], addr,
			    t->inst[i].ranges[j].plo);
		if (yes && t->inst[i].accept)
			yes = 2;
	}
	pthread_rwlock_unlock(&t->lock);
	return yes;
}

int
vip_owned(struct vip_table *t, const struct tnd_addr *addr)
{
	return vip_lookup(t, addr) != 0;
}

int
vip_accepts(struct vip_table *t, const struct tnd_addr *addr)
{
	return vip_lookup(t, addr) == 2;
}

int
vip_vrid_on(struct vip_table *t, int ifindex)
{
	int vrid = -1;

	pthread_rwlock_rdlock(&t->lock);
	for (int i = 0; i < t->n && vrid < 0; i++)
		if (t->inst[i].ifindex == ifindex)
			vrid = t->inst[i].vrid;
	pthread_rwlock_unlock(&t->lock);
	return vrid;
}

int
vip_renew(struct vip_table *t, uint64_t now_ms, uint64_t ms)
{
	int n = 0;

	pthread_rwlock_wrlock(&t->lock);
	for (int i = 0; i < t->n; i++)
		if (t->inst[i].lease_until_ms) {
			t->inst[i].lease_until_ms = now_ms + ms;
			n++;
		}
	pthread_rwlock_unlock(&t->lock);
	return n;
}

int
vip_expire(struct vip_table *t, uint64_t now_ms)
{
	int n = 0;

	pthread_rwlock_wrlock(&t->lock);
	for (int i = 0; i < t->n;) {
		struct vip_instance *in = &t->inst[i];
		if (in->lease_until_ms && in->lease_until_ms < now_ms) {
			/* Whoever told us to own it has gone quiet (a dead or
			 * frozen tandem-vrrpd): the peer may be master by now,
			 * so stop answering for its VIPs. */
			log_warnx("lease of %s ran out: releasing VRID %d on %s",
			    in->name, in->vrid, in->ifname);
			t->inst[i] = t->inst[--t->n];
			n++;
			continue;
		}
		i++;
	}
	pthread_rwlock_unlock(&t->lock);
	return n;
}
