/* tandemctl's requests to the director: a parsed struct ctl_cmd as the
 * JSON request of docs/control-protocol.md. Pure. */
#ifndef TANDEM_CTL_REQUEST_H
#define TANDEM_CTL_REQUEST_H

#include <json-c/json.h>

#include "parse.h"

/* The request for cmd (the caller puts it), or NULL for commands that
 * send nothing themselves (help, version, restore) or out of memory. */
json_object	*req_build(const struct ctl_cmd *cmd);

#endif
