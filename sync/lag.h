/* Sync lag for `tandemctl sync`: the last SYNC_LAG_N samples of one kind
 * (in microseconds) and their median and 99th percentile. Two kinds are
 * kept, each on the node that can time it with its own clock: on the
 * master, how long a connection's change waited in the director before
 * it went out; on the backup, from a datagram's turn to install to the
 * director's answer. Their sum, plus the wire, is the lag from a change
 * on the master to its install on the backup. */
#ifndef TANDEM_SYNC_LAG_H
#define TANDEM_SYNC_LAG_H

#include <stdint.h>

#define SYNC_LAG_N	1024

struct json_object;

struct sync_lag {
	uint32_t	us[SYNC_LAG_N];
	unsigned	n, next;
};

void	sync_lag_add(struct sync_lag *l, uint64_t us);
/* The median and 99th percentile, in microseconds; 0 with no samples. */
void	sync_lag_quantiles(const struct sync_lag *l, uint64_t *median,
	    uint64_t *p99);
/* {"samples": N, "median_ms": X, "p99_ms": Y} */
struct json_object *sync_lag_json(const struct sync_lag *l);

#endif
