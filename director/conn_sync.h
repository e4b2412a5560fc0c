/* Connection sync, the director's side: which connections tandem-syncd
 * must hear about (IPVS's sync_threshold rules), the batched feed and the
 * bulk dump to syncd, and installing what syncd received from the master.
 * Messages: docs/control-protocol.md ("Connection sync"). */
#ifndef TANDEM_CONN_SYNC_H
#define TANDEM_CONN_SYNC_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define CSYNC_QUEUE_MAX		16384	/* per worker, connections */
#define CSYNC_BACKLOG_MAX	(8u << 20)	/* bytes queued to syncd */
#define CSYNC_DUMP_SLICE	65536	/* buckets walked per timer tick */

struct conn;
struct ctl_client;
struct director;
struct event;
struct json_object;
struct worker;

/* A worker's connections waiting to be fed, each held (refcnt). */
struct csync_queue {
	pthread_mutex_t	 lock;
	struct conn	**items;
	uint32_t	 n;
	_Atomic uint64_t full;		/* not queued: queue full */
};

struct csync_stats {
	uint64_t	fed, fed_msgs;		/* entries and messages to syncd */
	uint64_t	backlog_drops;		/* syncd not reading */
	uint64_t	dumps, dump_entries;
	uint64_t	installed, updated;	/* from the master */
	uint64_t	stale;			/* older than what was applied */
	uint64_t	no_service, no_dest;	/* nothing to bind to */
	uint64_t	refused;		/* bad messages or entries */
	uint64_t	conn_limit;		/* table full */
};

struct csync {
	_Atomic int		 active;	/* a subscriber wants the feed */
	struct ctl_client	*sub;
	uint32_t		 threshold, period;	/* IPVS: 3, 50 */
	uint64_t		 refresh_ms;	/* re-send an idle entry */
	uint32_t		 batch_ms;	/* feed delay */
	struct event		*timer;
	int			 dumping;
	uint32_t		 dump_bucket;
	uint64_t		 dump_id, dump_n;
	struct csync_stats	 st;
};

void	csync_init(struct director *d);
void	csync_free(struct director *d);
int	csync_queue_init(struct csync_queue *q);
void	csync_queue_free(struct csync_queue *q);

/* Worker: after a packet updated c (held), queue it if the master must
 * tell the backup about it. */
void	csync_note(struct worker *w, struct conn *c, uint64_t now_ms);

/* Control messages: sync_subscribe, sync_dump, sync_install. */
struct json_object *csync_subscribe(struct director *d,
	    struct ctl_client *cl, struct json_object *req);
struct json_object *csync_unsubscribe(struct director *d,
	    struct ctl_client *cl);
struct json_object *csync_dump(struct director *d, struct ctl_client *cl,
	    struct json_object *req);
struct json_object *csync_install(struct director *d,
	    struct json_object *req);
struct json_object *csync_status(struct director *d);

#endif
