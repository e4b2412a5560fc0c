/* VIP ownership: the instances this node is master of, each a VRID on one
 * interface with its VIPs. Frames to 00:00:5e:00:01:VRID on that interface
 * are ours, and ARP requests for its VIPs get the virtual MAC. Changed by
 * the control thread (own/release), read by workers. */
#ifndef TANDEM_VIP_H
#define TANDEM_VIP_H

#include <pthread.h>
#include <stdint.h>

#include "addr.h"
#include "conf.h"

#define VIP_MAX_INSTANCES	64

struct vip_instance {
	char		 name[CONF_NAME_MAX];
	int		 vrid;
	int		 ifindex;
	char		 ifname[16];
	struct conf_vip	 vips[CONF_MAX_VIPS];
	int		 n_vips;
	struct addr_range ranges[CONF_MAX_MEMBERS];	/* service groups' */
	int		 n_ranges;
	uint64_t	 lease_until_ms;	/* 0: owned until released */
	int		 accept;	/* RFC 5798 Accept_Mode: answer for
					 * the VIPs (echo) as our own */
};

struct vip_table {
	pthread_rwlock_t	lock;
	struct vip_instance	inst[VIP_MAX_INSTANCES];
	int			n;
};

void	vip_table_init(struct vip_table *t);
/* Own an instance (replacing one of the same name): 0 or -ENOSPC. */
int	vip_own(struct vip_table *t, const struct vip_instance *in);
int	vip_release(struct vip_table *t, const char *name);	/* -ENOENT */

static inline void
vip_mac(int vrid, int af, uint8_t mac[6])
{
	mac[0] = 0x00; mac[1] = 0x00; mac[2] = 0x5e; mac[3] = 0x00;
	mac[4] = af == AF_INET6 ? 0x02 : 0x01;
	mac[5] = (uint8_t)vrid;
}

/* Extend every leased instance's lease to now + ms (tandem-vrrpd's poll).
 * Returns how many were renewed. */
int	vip_renew(struct vip_table *t, uint64_t now_ms, uint64_t ms);
/* Release the instances whose lease ran out; their names are logged. */
int	vip_expire(struct vip_table *t, uint64_t now_ms);

/* Is this destination MAC an owned virtual MAC on ifindex? */
int	vip_owns_mac(struct vip_table *t, int ifindex, const uint8_t mac[6]);
/* Is addr an owned VIP on ifindex? Fills the VRID. */
int	vip_owns_addr(struct vip_table *t, int ifindex,
	    const struct tnd_addr *addr, int *vrid);
/* Is addr an owned VIP anywhere (the VIP of a service we forward)? */
int	vip_owned(struct vip_table *t, const struct tnd_addr *addr);
/* Is addr owned by an instance in accept mode (so that packets for the
 * VIP itself, echo requests, are answered)? */
int	vip_accepts(struct vip_table *t, const struct tnd_addr *addr);
/* The VRID of any instance owned on ifindex (source MAC of what we send
 * there); -1 if none. */
int	vip_vrid_on(struct vip_table *t, int ifindex);

#endif
