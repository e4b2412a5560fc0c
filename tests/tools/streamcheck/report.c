/* streamcheck's report: per-stream numbers summed at the end, the verdict,
 * one line for humans on stderr and one JSON object on stdout. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc.h"

static long ms_of(int64_t us)
{
	return (long)((us + 500) / 1000);
}
static int sc_cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Closes what is left, counts the unfinished and sums the per-stream
 * numbers; a stall still going at the end counts up to now (UDP: up to the
 * moment sending stopped). */
void sc_finish(struct sc *sc, struct sc_result *r, int64_t now)
{
	int64_t *stalls = calloc((size_t)sc->o.streams, sizeof(*stalls));
	int64_t end = sc->o.udp ? sc->t_stop : now;
	long i, n = 0;
	uint64_t recent = (uint64_t)(sc->o.tick_ms >= 333 ? 3 : 1000 / sc->o.tick_ms);

	memset(r, 0, sizeof(*r));
	r->worst = -1;
	for (i = 0; i < sc->nsh; i++)
		if (sc->sh[i].state != ST_IDLE)
			sc_short_end(sc, &sc->sh[i], 0, now);
	for (i = 0; i < sc->o.streams; i++) {
		struct sc_stream *s = &sc->st[i];

		if (s->state == ST_IDLE || s->state == ST_CONNECTING)
			sc->open_failed++;
		else if (!sc->o.udp && (s->state == ST_OPEN || s->state == ST_CLOSING))
			sc->timeouts++;
		if (!s->was_open)
			continue;
		if ((sc->o.udp ? s->sent > 0 : s->sent > s->recvd) &&
		    s->state != ST_FAILED && end - s->wait_since > s->max_stall)
			s->max_stall = end - s->wait_since;
		if (sc->o.udp) {
			r->lost += s->sent > s->recvd ? s->sent - s->recvd : 0;
			r->ooo += s->ooo;
			r->receiving += s->sent > 0 && s->verified + recent >= s->sent;
		}
		if (r->worst < 0 || s->max_stall > r->max_stall) {
			r->max_stall = s->max_stall;
			r->worst = (long)s->id;
		}
		if (stalls != NULL)
			stalls[n++] = s->max_stall;
		sc_close(s, s->state);
	}
	if (stalls != NULL && n > 0) {
		qsort(stalls, (size_t)n, sizeof(*stalls), sc_cmp64);
		r->median_stall = stalls[n / 2];
	}
	free(stalls);
	if (sc->o.udp)
		r->pass = r->receiving == sc->o.streams && sc->mismatches == 0;
	else
		r->pass = sc->completed == (uint64_t)sc->o.streams &&
		    sc->resets == 0 && sc->timeouts == 0 && sc->errors == 0 &&
		    sc->peer_closed == 0 && sc->mismatches == 0 &&
		    sc->new_failed == 0;
	r->pass = r->pass && !sc->hard_expired &&
	    sc->opened == (uint64_t)sc->o.streams && sc->open_failed == 0;
}

void sc_print_human(const struct sc *sc, const struct sc_result *r)
{
	const char *verdict = r->pass ? "PASS" : "FAIL";

	if (sc->o.udp) {
		fprintf(stderr, "streamcheck: udp %ld flows: opened %llu failed %llu; "
		    "datagrams sent %llu received %llu lost %llu out-of-order "
		    "%llu corrupt %llu; longest gap %ld ms (flow %ld), median %ld "
		    "ms; receiving at the end %ld/%ld%s: %s\n", sc->o.streams,
		    (unsigned long long)sc->opened,
		    (unsigned long long)sc->open_failed,
		    (unsigned long long)sc->bytes_sent,
		    (unsigned long long)sc->bytes_verified,
		    (unsigned long long)r->lost, (unsigned long long)r->ooo,
		    (unsigned long long)sc->mismatches, ms_of(r->max_stall),
		    r->worst, ms_of(r->median_stall), r->receiving, sc->o.streams,
		    sc->hard_expired ? "; HARD DEADLINE" : "", verdict);
		return;
	}
	fprintf(stderr, "streamcheck: tcp %ld streams: opened %llu failed %llu, "
	    "completed %llu, resets %llu, timeouts %llu, peer closed %llu, "
	    "errors %llu, mismatches %llu (first: stream %lld offset %lld); "
	    "bytes sent %llu verified %llu; longest stall %ld ms (stream %ld), "
	    "median %ld ms; new connections ok %llu failed %llu longest %ld ms%s: "
	    "%s\n", sc->o.streams, (unsigned long long)sc->opened,
	    (unsigned long long)sc->open_failed,
	    (unsigned long long)sc->completed, (unsigned long long)sc->resets,
	    (unsigned long long)sc->timeouts,
	    (unsigned long long)sc->peer_closed, (unsigned long long)sc->errors,
	    (unsigned long long)sc->mismatches, sc->first_mm_stream,
	    sc->first_mm_off, (unsigned long long)sc->bytes_sent,
	    (unsigned long long)sc->bytes_verified, ms_of(r->max_stall),
	    r->worst, ms_of(r->median_stall), (unsigned long long)sc->new_ok,
	    (unsigned long long)sc->new_failed, ms_of(sc->new_max),
	    sc->hard_expired ? "; HARD DEADLINE" : "", verdict);
}

/* Flat numbers only, so printf writes valid JSON without a library. */
void sc_print_json(const struct sc *sc, const struct sc_result *r,
    int64_t now)
{
	printf("{\"mode\":\"%s\",\"streams\":%ld,\"opened\":%llu,"
	    "\"open_failed\":%llu,", sc->o.udp ? "udp" : "tcp", sc->o.streams,
	    (unsigned long long)sc->opened, (unsigned long long)sc->open_failed);
	if (sc->o.udp)
		printf("\"datagrams_sent\":%llu,\"datagrams_received\":%llu,"
		    "\"lost\":%llu,\"out_of_order\":%llu,\"mismatches\":%llu,"
		    "\"max_gap_ms\":%ld,\"median_gap_ms\":%ld,\"worst_stream\":%ld,"
		    "\"receiving\":%ld,",
		    (unsigned long long)sc->bytes_sent,
		    (unsigned long long)sc->bytes_verified,
		    (unsigned long long)r->lost, (unsigned long long)r->ooo,
		    (unsigned long long)sc->mismatches, ms_of(r->max_stall),
		    ms_of(r->median_stall), r->worst, r->receiving);
	else
		printf("\"completed\":%llu,\"resets\":%llu,\"timeouts\":%llu,"
		    "\"peer_closed\":%llu,\"errors\":%llu,\"mismatches\":%llu,"
		    "\"first_mismatch_stream\":%lld,\"first_mismatch_offset\":%lld,"
		    "\"bytes_sent\":%llu,\"bytes_verified\":%llu,"
		    "\"max_stall_ms\":%ld,\"median_stall_ms\":%ld,"
		    "\"worst_stream\":%ld,\"new_ok\":%llu,\"new_failed\":%llu,"
		    "\"new_max_ms\":%ld,",
		    (unsigned long long)sc->completed,
		    (unsigned long long)sc->resets,
		    (unsigned long long)sc->timeouts,
		    (unsigned long long)sc->peer_closed,
		    (unsigned long long)sc->errors,
		    (unsigned long long)sc->mismatches, sc->first_mm_stream,
		    sc->first_mm_off, (unsigned long long)sc->bytes_sent,
		    (unsigned long long)sc->bytes_verified, ms_of(r->max_stall),
		    ms_of(r->median_stall), r->worst,
		    (unsigned long long)sc->new_ok,
		    (unsigned long long)sc->new_failed, ms_of(sc->new_max));
	printf("\"elapsed_ms\":%ld,\"hard_deadline\":%s,\"pass\":%s}\n",
	    ms_of(now - sc->t0), sc->hard_expired ? "true" : "false",
	    r->pass ? "true" : "false");
	fflush(stdout);
}
