/* tandemctl sync: tandem-syncd's role, peer and counters, from syncd.sock. */
#ifndef TANDEM_CTL_SYNC_H
#define TANDEM_CTL_SYNC_H

#include <stdio.h>

#include <json-c/json.h>

int	ctl_sync_main(int argc, char **argv);
/* The view tandemctl sync prints for a status reply. */
void	ctl_sync_print(FILE *out, json_object *reply);

#endif
