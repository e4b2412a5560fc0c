/* Rise/fall hysteresis and the quorum rule (see hyst.h). */
#include "hyst.h"

void
hc_hyst_init(struct hc_hyst *h, int up, int rise, int fall)
{
	h->up = up != 0;
	h->run = 0;
	h->rise = rise < 1 ? 1 : rise;
	h->fall = fall < 1 ? 1 : fall;
}

int
hc_hyst_feed(struct hc_hyst *h, int ok)
{
	ok = ok != 0;
	if (ok == h->up) {
		h->run = 0;	/* a result that agrees resets the count */
		return 0;
	}
	if (++h->run < (h->up ? h->fall : h->rise))
		return 0;
	h->up = ok;
	h->run = 0;
	return 1;
}

int
hc_quorum_next(int was_up, long alive_weight, long quorum, long hysteresis)
{
	if (was_up)
		return alive_weight >= quorum - hysteresis;
	return alive_weight >= quorum + hysteresis;
}
