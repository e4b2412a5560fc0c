/* tandemctl vrrp: tandem-vrrpd's instances, from vrrpd.sock. */
#ifndef TANDEM_CTL_VRRP_H
#define TANDEM_CTL_VRRP_H

#include <stdio.h>

#include <json-c/json.h>

/* Is this command line a `tandemctl [--run-dir DIR] vrrp [--json]`? */
int	ctl_vrrp_wanted(int argc, char **argv);
int	ctl_vrrp_main(int argc, char **argv);
/* The table tandemctl vrrp prints for a status reply. */
void	ctl_vrrp_print(FILE *out, json_object *reply);

#endif
