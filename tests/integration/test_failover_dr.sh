#!/bin/bash
# The headline failover test in DR mode: see failover_body.sh.
# suite-timeout: 420
MODE=dr
. "$(dirname "$0")/failover_body.sh"
