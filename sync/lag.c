/* Sync lag samples and their quantiles (see lag.h). */
#include "lag.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

void
sync_lag_add(struct sync_lag *l, uint64_t us)
{
	l->us[l->next] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
	l->next = (l->next + 1) % SYNC_LAG_N;
	if (l->n < SYNC_LAG_N)
		l->n++;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

void
sync_lag_quantiles(const struct sync_lag *l, uint64_t *median, uint64_t *p99)
{
	uint32_t v[SYNC_LAG_N];

	*median = *p99 = 0;
	if (l->n == 0)
		return;
	/* Which samples are held does not matter, only their values. */
	memcpy(v, l->us, l->n * sizeof(v[0]));
	qsort(v, l->n, sizeof(v[0]), cmp_u32);
	*median = v[(l->n - 1) / 2];
	*p99 = v[(l->n * 99 + 99) / 100 - 1];	/* nearest rank */
}

json_object *
sync_lag_json(const struct sync_lag *l)
{
	json_object *o = json_object_new_object();
	uint64_t med, p99;

	sync_lag_quantiles(l, &med, &p99);
	json_object_object_add(o, "samples", json_object_new_int((int)l->n));
	json_object_object_add(o, "median_ms", json_object_new_double(
	    (double)med / 1000.0));
	json_object_object_add(o, "p99_ms", json_object_new_double(
	    (double)p99 / 1000.0));
	return o;
}
