/* tandem-checkd's one top-level context, its checks, their virtual servers
 * and the interfaces between the check types, the scheduler and the
 * reports to tandem-director and tandem-vrrpd. */
#ifndef TANDEM_CHECKD_H
#define TANDEM_CHECKD_H

#include <stdint.h>
#include <sys/types.h>

#include "conf.h"
#include "hyst.h"
#include "script.h"

struct event;
struct event_base;
struct bufferevent;
struct ssl_ctx_st;
struct ssl_st;
struct ctl_server;
struct ctl_link;

enum hc_type { HC_TCP, HC_HTTP, HC_HTTPS, HC_SMTP, HC_DNS, HC_UDP, HC_ICMP,
	HC_MISC, HC_NTYPES };

#define HC_REASON_MAX	160

struct hc_vs;
struct hc;

/* A real server of a virtual server, checked or not: what the director
 * is told about it. */
struct hc_rs {
	struct hc_vs	*vs;
	struct conf_rs	 conf;		/* copy; conf.check is the check's */
	struct hc	*check;		/* NULL: always up */
	int		 sent;		/* -1 never, 0 down, 1 up: to director */
	int		 sent_weight;
};

struct hc_vs {
	struct conf_vs	 conf;		/* copy without rs (rs below) */
	struct hc_rs	*rs;
	int		 n_rs;
	int		 quorum_up;
	int		 sorry_sent;	/* -1 never, 0 out, 1 in */
	int		 vrrp_sent;	/* -1 never, else the state sent */
	char		 label[96];	/* "TCP 10.0.0.100:80" for logs */
};

/* One check of one real server. */
struct hc {
	struct checkd	*d;
	struct hc_rs	*rs;
	enum hc_type	 type;
	const struct conf_check *ck;	/* rs->conf.check */
	struct tnd_addr	 addr;		/* where to connect */
	uint16_t	 port;
	int		 idx;		/* in d->checks; ICMP echo id */

	struct hc_hyst	 hyst;		/* up/down with rise/fall */
	int		 weight;	/* misc_dynamic: -1 none */

	/* scheduling */
	struct event	*tick;		/* next attempt */
	struct event	*tmo;		/* the running attempt's timeout */
	uint64_t	 due_ms;	/* when the running cycle was due */
	uint64_t	 start_us;	/* the running attempt's start */
	int		 attempt;	/* 0 first, then retries */
	int		 running;

	/* the running probe, owned by the check type */
	int		 fd;
	struct bufferevent *bev;
	struct ssl_st	*ssl;
	struct script_job *job;
	uint16_t	 seq;
	int		 stage;
	const char	*phase;		/* for the timeout's reason */
	void		*regex;		/* compiled regex_t, or NULL */
	struct ssl_ctx_st *tls;		/* own context when verifying */
	struct tnd_addr	 expect_addr;	/* dns: an answer to find */
	int		 qtype;		/* dns */
	struct event	*io;		/* udp, dns: the socket's reads */

	/* results */
	int		 last_ok;	/* -1 none yet */
	char		 reason[HC_REASON_MAX];
	uint32_t	 latency_us;
	uint64_t	 last_ms;	/* epoch of the last result */
	uint64_t	 n_checks, n_ok, n_fail, n_timeouts, n_missed, n_changes;
	uint32_t	 max_late_ms;
};

struct hc_counters {
	uint64_t	 dir_sent, dir_refused, vrrp_sent, vrrp_refused;
	uint64_t	 dir_connects, reloads, reload_errors;
	uint64_t	 icmp_bad;
};

struct checkd {
	struct event_base *base;
	struct tandem_conf conf;
	const char	*conf_path;
	char		 run_dir[CONF_PATH_MAX];
	struct ctl_server *ctl;
	struct hc_vs	*vs;
	int		 n_vs;
	struct hc	**checks;
	int		 n_checks;
	struct ctl_link	*director, *vrrpd;
	struct script_set jobs;		/* misc checks, notify scripts */
	int		 icmp4, icmp6;		/* shared raw sockets, -1 */
	struct event	*icmp4_ev, *icmp6_ev;
	struct ssl_ctx_st *tls;			/* https without verification */
	uint64_t	 started_ms;
	struct hc_counters cnt;
};

/* A check type: start a probe (0, or -1 after hc_done), release it. */
struct hc_type_ops {
	const char	*name;
	int		(*start)(struct hc *h);
	void		(*stop)(struct hc *h);
	int		 own_timeout;	/* the type times itself out */
};

extern const struct hc_type_ops hc_tcp_ops, hc_http_ops, hc_https_ops,
	hc_smtp_ops, hc_dns_ops, hc_udp_ops, hc_icmp_ops, hc_misc_ops;

/* run.c: scheduling of every check, attempts, retries and results. */
uint64_t hc_now_ms(void);		/* monotonic */
uint64_t hc_epoch_ms(void);
int	hc_start(struct hc *h, double first_delay);
void	hc_cancel(struct hc *h);	/* stop the probe and the timers */
/* The running attempt ended: ok or not, with a printf reason. */
void	hc_done(struct hc *h, int ok, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
const char *hc_type_name(enum hc_type t);
int	hc_type_parse(const char *s);

/* net.c: sockets for the probes. */
/* A non-blocking socket of type (SOCK_STREAM/DGRAM), bound to bindto when
 * set; -1 with the reason in h->reason via hc_done. */
int	hc_socket(struct hc *h, int type);
/* A bufferevent connecting to the check's target (TLS when ssl), with
 * callbacks; 0, or -1 after hc_done. */
int	hc_connect_bev(struct hc *h, struct ssl_st *ssl,
	    void (*readcb)(struct bufferevent *, void *),
	    void (*eventcb)(struct bufferevent *, short, void *));
void	hc_close_bev(struct hc *h);
/* A bufferevent error as a reason ("connect: Connection refused"). */
void	hc_bev_error(struct hc *h, short what);

/* quorum.c: real server and quorum states, and what follows from them. */
void	hc_state_changed(struct hc *h);	/* after a rise or fall */
void	hc_weight_changed(struct hc *h);	/* misc_dynamic */
int	hc_rs_up(const struct hc_rs *rs);
int	hc_rs_weight(const struct hc_rs *rs);
void	hc_vs_init(struct checkd *d, struct hc_vs *vs);
void	hc_quorum_update(struct checkd *d, struct hc_vs *vs);

/* report.c: the director and vrrpd sides. */
int	hc_report_open(struct checkd *d);
void	hc_report_close(struct checkd *d);
void	hc_report_vs(struct checkd *d, struct hc_vs *vs, int all);
void	hc_report_release(struct checkd *d, const struct hc_vs *vs,
	    const struct hc_rs *rs);
void	hc_report_all(struct checkd *d);
int	hc_report_director_up(const struct checkd *d);
int	hc_report_vrrpd_up(const struct checkd *d);

/* icmp.c */
int	hc_icmp_open(struct checkd *d);
void	hc_icmp_close(struct checkd *d);

/* tls.c */
int	hc_tls_init(struct checkd *d);
void	hc_tls_free(struct checkd *d);
struct ssl_ctx_st *hc_tls_ctx_verify(const char *ca_file);

/* setup.c: the checks from the config, and reloading with the difference. */
int	hc_setup(struct checkd *d, struct tandem_conf *c, int first);
void	hc_teardown(struct checkd *d);
int	hc_reload(struct checkd *d);

/* control.c: checkd.sock. */
int	hc_ctl_open(struct checkd *d);
struct json_object *hc_ctl_check_json(const struct hc *h);

#endif
