/* tandemctl reload and tandemctl status under tandemd: tandemd.sock. */
#ifndef TANDEM_CTL_TANDEMD_H
#define TANDEM_CTL_TANDEMD_H

#include <stdio.h>

#include <json-c/json.h>

/* Is this `tandemctl [--run-dir DIR] reload|status [--json]`? */
int	ctl_node_wanted(int argc, char **argv);
/* Run it: the exit status, or -1 when tandemd is not running and a
 * status is left to the director's own listing. */
int	ctl_node_main(int argc, char **argv);
/* The daemon table of a tandemd status reply. */
void	ctl_node_print(FILE *out, json_object *reply);

#endif
