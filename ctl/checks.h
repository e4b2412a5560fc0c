/* tandemctl checks: tandem-checkd's checks, from checkd.sock. */
#ifndef TANDEM_CTL_CHECKS_H
#define TANDEM_CTL_CHECKS_H

#include <stdio.h>

#include <json-c/json.h>

int	ctl_checks_main(int argc, char **argv);
/* The table tandemctl checks prints for a checks reply. */
void	ctl_checks_print(FILE *out, json_object *reply);

#endif
