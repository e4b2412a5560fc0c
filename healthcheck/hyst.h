/* Rise/fall hysteresis of one check and the quorum rule of a virtual
 * server: pure functions, no I/O (unit-tested in test_check_hyst.c). */
#ifndef TANDEM_HC_HYST_H
#define TANDEM_HC_HYST_H

struct hc_hyst {
	int	up;		/* the state the director sees */
	int	run;		/* results in a row against the state */
	int	rise, fall;	/* results needed to change */
};

/* Start up, or down (alpha), with rise and fall of at least 1. */
void	hc_hyst_init(struct hc_hyst *h, int up, int rise, int fall);
/* Feed one result; 1 when the state changed. */
int	hc_hyst_feed(struct hc_hyst *h, int ok);

/* keepalived's quorum rule: up while the weight of the up servers is at
 * least quorum - hysteresis, regained at quorum + hysteresis. */
int	hc_quorum_next(int was_up, long alive_weight, long quorum,
	    long hysteresis);

#endif
