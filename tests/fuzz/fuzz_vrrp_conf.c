/* libFuzzer target for the vrrp section parser (lib/conf_vrrp.c): any
 * text goes through libconfig and the checks; a config that loads must
 * keep every count within its array. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_vrrp v;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (conf_vrrp_load_string(text, "fuzz", &v, NULL) == 0) {
		for (int i = 0; i < v.n_inst; i++)
			if (v.inst[i].n_vips > CONF_MAX_VIPS ||
			    v.inst[i].n_peers > CONF_VRRP_MAX_PEERS ||
			    v.inst[i].n_track_if > CONF_VRRP_MAX_TRACK ||
			    v.inst[i].n_track_scripts > CONF_VRRP_MAX_TRACK)
				abort();
		for (int g = 0; g < v.n_groups; g++)
			for (int m = 0; m < v.groups[g].n_members; m++)
				if (v.groups[g].members[m] >= v.n_inst)
					abort();
		conf_vrrp_free(&v);
	}
	free(text);
	return 0;
}
