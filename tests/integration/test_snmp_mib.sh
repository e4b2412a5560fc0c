#!/bin/bash
# The MIB files Tandem ships (etc/mibs/: RFC 6527's VRRPV3-MIB and our
# TANDEM-MIB) pass smilint from Debian's smitools without an error.
# Debian ships no IETF base modules (SNMPv2-SMI, SNMPv2-TC...), so their
# imports resolve to the stand-ins in tests/tools/smi/.
. "$(dirname "$0")/lib.sh"

export SMIPATH="$LAB_ROOT/tests/tools/smi:/usr/share/snmp/mibs"
for f in "$LAB_ROOT"/etc/mibs/*.txt; do
	name=$(basename "$f")
	# -l 3: errors and severe warnings; -s: with severity levels.
	out=$(smilint -s -l 3 "$f" 2>&1)
	tap_is "$out" "" "smilint -l 3 $name: no error"
	out=$(smilint -s -l 6 "$f" 2>&1)
	tap_is "$out" "" "smilint -l 6 $name: not even a warning"
done
# A broken module is reported (the check can fail).
sed 's/::= { tandemVsEntry 6 }/::= { tandemVsEntry 5 }/' \
	"$LAB_ROOT/etc/mibs/TANDEM-MIB.txt" >"$LAB_TMP/TANDEM-MIB.txt"
out=$(smilint -s -l 3 "$LAB_TMP/TANDEM-MIB.txt" 2>&1)
tap_like "$out" "tandemVsScheduler|tandemVsPort" "smilint reports two objects on one OID"
tap_done
