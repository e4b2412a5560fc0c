/* tandemctl vrrp: tandem-vrrpd's instances, from vrrpd.sock. */
#ifndef TANDEM_CTL_VRRP_H
#define TANDEM_CTL_VRRP_H

#include <stdio.h>

#include <json-c/json.h>

int	ctl_vrrp_main(int argc, char **argv);
/* The table tandemctl vrrp prints for a status reply. */
void	ctl_vrrp_print(FILE *out, json_object *reply);

#endif
