/* Running the checks: each check's cycle (due every interval, from its
 * warm-up delay on), its attempts with timeout and retries, and the
 * result fed to the rise/fall hysteresis. All on the one event loop. */
#include "checkd.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

static const char *const type_names[HC_NTYPES] = { "tcp", "http", "https",
	"smtp", "dns", "udp", "icmp", "misc" };

static const struct hc_type_ops *const type_ops[HC_NTYPES] = {
	&hc_tcp_ops, &hc_http_ops, &hc_https_ops, &hc_smtp_ops, &hc_dns_ops,
	&hc_udp_ops, &hc_icmp_ops, &hc_misc_ops };

const char *
hc_type_name(enum hc_type t)
{
	return (unsigned)t < HC_NTYPES ? type_names[t] : "?";
}

int
hc_type_parse(const char *s)
{
	for (int i = 0; i < HC_NTYPES; i++)
		if (strcmp(s, type_names[i]) == 0)
			return i;
	return -1;
}

uint64_t
hc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
hc_epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
tv_set(struct timeval *tv, double s)
{
	if (s < 0)
		s = 0;
	tv->tv_sec = (time_t)s;
	tv->tv_usec = (suseconds_t)((s - (double)tv->tv_sec) * 1e6);
}

static void
arm(struct event *ev, double s)
{
	struct timeval tv;

	tv_set(&tv, s);
	evtimer_add(ev, &tv);
}

static void attempt(struct hc *h);

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct hc *h = arg;

	h->n_timeouts++;
	hc_done(h, 0, "timeout after %gs%s%s", h->ck->timeout,
	    h->phase ? " " : "", h->phase ? h->phase : "");
}

/* The cycle's lateness is what "missed intervals" counts: a cycle that
 * starts later than a tenth of its interval (at least 50 ms) after it
 * was due. */
static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct hc *h = arg;
	uint64_t now = hc_now_ms();

	if (h->attempt == 0) {
		uint64_t late = now > h->due_ms ? now - h->due_ms : 0;
		uint64_t slack = (uint64_t)(h->ck->interval * 100);
		if (late > h->max_late_ms)
			h->max_late_ms = (uint32_t)late;
		if (late > (slack < 50 ? 50 : slack))
			h->n_missed++;
	}
	attempt(h);
}

static void
attempt(struct hc *h)
{
	const struct hc_type_ops *ops = type_ops[h->type];

	h->running = 1;
	h->start_us = now_us();
	h->phase = NULL;
	h->stage = 0;
	if (!ops->own_timeout)
		arm(h->tmo, h->ck->timeout);
	if (ops->start(h) == -1)
		return;		/* hc_done has run */
}

int
hc_start(struct hc *h, double first_delay)
{
	h->tick = evtimer_new(h->d->base, on_tick, h);
	h->tmo = evtimer_new(h->d->base, on_timeout, h);
	if (h->tick == NULL || h->tmo == NULL)
		return -1;
	h->fd = -1;
	h->due_ms = hc_now_ms() + (uint64_t)(first_delay * 1000);
	arm(h->tick, first_delay);
	return 0;
}

static void
probe_stop(struct hc *h)
{
	if (h->running)
		type_ops[h->type]->stop(h);
	h->running = 0;
	if (h->tmo)
		evtimer_del(h->tmo);
}

void
hc_cancel(struct hc *h)
{
	probe_stop(h);
	if (h->tick)
		event_free(h->tick);
	if (h->tmo)
		event_free(h->tmo);
	h->tick = h->tmo = NULL;
}

/* The next cycle is due one interval after this one was: no drift, and a
 * cycle that overran starts at once. */
static void
next_cycle(struct hc *h)
{
	uint64_t now = hc_now_ms(), iv = (uint64_t)(h->ck->interval * 1000);

	h->attempt = 0;
	h->due_ms += iv;
	if (h->due_ms + iv < now)	/* far behind: do not try to catch up */
		h->due_ms = now;
	arm(h->tick, h->due_ms > now ? (double)(h->due_ms - now) / 1000 : 0);
}

void
hc_done(struct hc *h, int ok, const char *fmt, ...)
{
	char why[HC_REASON_MAX];
	va_list ap;

	if (!h->running)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	probe_stop(h);
	h->latency_us = (uint32_t)(now_us() - h->start_us);
	if (!ok && h->attempt < h->ck->retries) {
		h->attempt++;
		log_debug("check %s %s: attempt %d failed: %s", h->rs->vs->label,
		    type_names[h->type], h->attempt, why);
		snprintf(h->reason, sizeof(h->reason), "%s", why);
		arm(h->tick, h->ck->delay_before_retry);
		return;
	}
	h->n_checks++;
	if (ok)
		h->n_ok++;
	else
		h->n_fail++;
	h->last_ok = ok;
	h->last_ms = hc_epoch_ms();
	snprintf(h->reason, sizeof(h->reason), "%s", why);
	if (hc_hyst_feed(&h->hyst, ok)) {
		h->n_changes++;
		hc_state_changed(h);
	} else if (ok && h->type == HC_MISC && h->ck->misc_dynamic)
		hc_weight_changed(h);	/* the weight may have moved */
	next_cycle(h);
}
