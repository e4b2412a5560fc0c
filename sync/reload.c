/* tandem-syncd's SIGHUP: the config is read again and checked; a bad file
 * changes nothing. Then only what changed is applied: the sockets are
 * reopened for a new interface, group, ports, TTL or peers; a new key is
 * loaded; the role, thresholds, batching and reliability settings take
 * effect at once (a master subscribes to its director again with them). */
#include "syncd.h"

#include "ctl_link.h"
#include "log.h"

#include <string.h>

static int
net_changed(const struct sync_conf *a, const struct sync_conf *b)
{
	return strcmp(a->interface, b->interface) != 0 ||
	    !addr_eq(&a->group, &b->group) || a->port != b->port ||
	    a->ctl_port != b->ctl_port || a->ttl != b->ttl ||
	    a->n_peers != b->n_peers ||
	    memcmp(a->peers, b->peers, sizeof(a->peers)) != 0;
}

int
sync_reload(struct syncd *d, const char *file)
{
	struct sync_conf nc;
	struct sync_key key = { .len = 0 };
	int auth = 0;

	if (sync_conf_load(file, &nc, stderr) == -1) {
		log_warnx("reload: %s has errors; nothing changed", file);
		return -1;
	}
	if (nc.auth_key_file[0] != '\0') {
		if (sync_auth_load(&key, nc.auth_key_file) == -1) {
			log_warnx("reload: key file refused; nothing changed");
			return -1;
		}
		auth = 1;
	}
	if (nc.max_datagram != d->sc.max_datagram ||
	    nc.resend_slots != d->sc.resend_slots) {
		log_warnx("reload: max_datagram and resend_buffer change at "
		    "the next start; keeping %zu and %u", d->sc.max_datagram,
		    d->sc.resend_slots);
		nc.max_datagram = d->sc.max_datagram;
		nc.resend_slots = d->sc.resend_slots;
	}
	if (net_changed(&d->sc, &nc)) {
		struct sync_conf old = d->sc;
		sync_net_close(d);
		d->sc = nc;
		if (sync_net_open(d) == -1) {
			log_warnx("reload: the new sockets failed; back to the "
			    "old ones");
			sync_net_close(d);
			d->sc = old;
			if (sync_net_open(d) == -1)
				fatalx("reload: cannot reopen the sync sockets");
			return -1;
		}
		log_info("reload: sockets reopened on %s", nc.interface);
	}
	d->sc = nc;
	d->key = key;
	d->auth = auth;
	if (nc.role != ROLE_NONE)
		sync_role_set(d, nc.role, "sync.role");
	else if (nc.follow[0] != '\0' && d->vrrp == NULL)
		d->vrrp = ctl_link_new(d->base, d->run_dir, "vrrpd",
		    sync_role_vrrp_msg, sync_role_vrrp_state, d);
	if (d->role == ROLE_MASTER)
		sync_master_start(d);	/* the new thresholds */
	log_info("reload: %s applied", file);
	return 0;
}
