#!/bin/bash
# The headline failover test in NAT mode: see failover_body.sh.
# suite-timeout: 420
MODE=nat
. "$(dirname "$0")/failover_body.sh"
