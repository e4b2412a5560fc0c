/* The names of the engine's counters, as tandemctl status prints them. */
#include "counters.h"

const char *const counter_names[CNT_MAX] = {
#define X(id, name) [CNT_##id] = (name),
	COUNTERS(X)
#undef X
};
