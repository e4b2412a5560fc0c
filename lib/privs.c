/* Dropping capabilities with libcap-ng: what a daemon holds after its
 * start-up is only what its job needs (item 6 of docs/operations.md). */
#include "privs.h"
#include "log.h"

#include <stdlib.h>

#include <cap-ng.h>

int
privs_keep(const char *who, const int *caps, int n, int bounding)
{
	capng_select_t set = CAPNG_SELECT_CAPS;
	char *text;

	capng_get_caps_process();
	/* Without CAP_SETPCAP the bounding set cannot shrink: the
	 * effective and permitted sets still do. */
	if (bounding && capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP))
		set = CAPNG_SELECT_BOTH;
	int held[64], n_held = 0;
	for (int i = 0; i < n && n_held < 64; i++)
		if (capng_have_capability(CAPNG_PERMITTED, (unsigned)caps[i]))
			held[n_held++] = caps[i];
	capng_clear(set);
	for (int i = 0; i < n_held; i++)
		capng_update(CAPNG_ADD, (capng_type_t)(CAPNG_EFFECTIVE |
		    CAPNG_PERMITTED | (set == CAPNG_SELECT_BOTH ?
		    CAPNG_BOUNDING_SET : 0)), (unsigned)held[i]);
	if (capng_apply(set) != 0) {
		log_warnx("%s: cannot drop capabilities", who);
		return -1;
	}
	text = capng_print_caps_text(CAPNG_PRINT_BUFFER, CAPNG_EFFECTIVE);
	log_info("%s: keeping capabilities: %s", who, text && *text ? text :
	    "none");
	free(text);
	return 0;
}
