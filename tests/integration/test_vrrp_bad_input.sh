#!/bin/bash
# Bad adverts against tandem-vrrpd: wrong version, type, length, checksum,
# TTL, VRID, address count, interval 0, a forged unicast sender, a wrong
# v2 password and a flood. Each is counted under its reason and ignored:
# a master at priority 100 stays master although every one of them says
# priority 254, until a valid one comes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"

lab_lan lan eth0 t1=10.0.0.1/24 x=10.0.0.3/24
CRAFT="$LAB_ROOT/tests/tools/vrrp_craft.py"
T1MAC=$(lab_mac t1 eth0)

vr_start t1 a 'node = { name = "t1"; };
vrrp = { track_director = false;
  instances = (
    { name = "ext"; interface = "eth0"; vrid = 51; priority = 100;
      advert_int = 0.1; virtual_ipaddress = [ "10.0.0.100/24" ]; },
    { name = "uni"; interface = "eth0"; vrid = 52; priority = 100;
      advert_int = 0.1; virtual_ipaddress = [ "10.0.0.101/24" ];
      unicast_peers = [ "10.0.0.2" ]; },
    { name = "old"; interface = "eth0"; vrid = 53; priority = 100;
      version = 2; advert_int = 1; auth_type = "pass"; auth_pass = "good";
      virtual_ipaddress = [ "10.0.0.102/24" ]; } ); };' || exit 1
wait_for '[ "$(vr_state a ext)/$(vr_state a uni)/$(vr_state a old)" = MASTER/MASTER/MASTER ]' 10
tap_is "$(vr_state a ext)/$(vr_state a uni)/$(vr_state a old)" MASTER/MASTER/MASTER \
	"alone on the link, every instance is master"
trans0=$(vr_get a ext transitions)

craft() { lab_exec x python3 "$CRAFT" --iface eth0 --src 10.0.0.3 "$@" >/dev/null; }

# bad INSTANCE REASON DESC ARGS...: 5 crafted adverts, counted under
# errors.REASON of INSTANCE, and the instance still master.
bad() {
	local inst=$1 reason=$2 desc=$3 before after
	shift 3
	before=$(vr_get a "$inst" "counters.errors.$reason")
	craft --repeat 5 "$@"
	wait_for "[ \"\$(vr_get a $inst counters.errors.$reason)\" -ge $((before + 5)) ]" 3
	after=$(vr_get a "$inst" "counters.errors.$reason")
	tap_is "$((after - before))/$(vr_state a "$inst")" "5/MASTER" \
		"$desc: counted as '$reason', ignored"
}

bad ext version "version 4" --version 4
bad ext version "version 2 to a v3 instance" --version 2 --interval 100
bad ext type "type 2" --type 2
bad ext length "6 bytes of VRRP" --truncate 6
bad ext count "count 2 with one address" --count 2
bad ext count "count 0" --count 0
bad ext checksum "wrong checksum" --bad-csum
bad ext ttl "TTL 64" --ttl 64
bad ext interval "advert interval 0" --interval 0
bad uni peer "forged unicast sender (not a peer)" --vrid 52 --dst 10.0.0.1 \
	--dst-mac "$T1MAC" --addrs 10.0.0.101
bad old auth "v2, wrong password" --vrid 53 --version 2 --interval 100 \
	--pass bad --addrs 10.0.0.102
bad old interval "v2, another advert interval" --vrid 53 --version 2 \
	--interval 300 --pass good --addrs 10.0.0.102

# An unknown VRID counts for nobody in particular.
unmatched() { vr_ctl a vrrp --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["unmatched"]["errors"]["vrid"])'; }
before=$(unmatched)
craft --repeat 5 --vrid 99
wait_for "[ \"\$(unmatched)\" -ge $((before + 5)) ]" 3
after=$(unmatched)
tap_is "$((after - before))" 5 "unknown VRID 99: counted as unmatched"

# A flood of bad adverts: counted, the daemon keeps advertising.
# What the socket buffer could not hold, the kernel counts (SO_RXQ_OVFL).
dropped() { vr_ctl a vrrp --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["rx_dropped"])'; }
sent0=$(vr_get a ext counters.sent)
inv0=$(vr_get a ext counters.invalid)
drop0=$(dropped)
n=$(lab_exec x python3 "$CRAFT" --iface eth0 --src 10.0.0.3 --bad-csum --repeat 20000)
sleep 1
craft --repeat 1 --bad-csum		# carries the final drop count
# Every advert of the flood and the last one counted, one way or the other.
wait_for "[ \$((\$(vr_get a ext counters.invalid) - inv0 + \$(dropped) - drop0)) -ge $((n + 1)) ]" 5
inv=$(( $(vr_get a ext counters.invalid) - inv0 ))
drop=$(( $(dropped) - drop0 ))
sent=$(( $(vr_get a ext counters.sent) - sent0 ))
if [ $((inv + drop)) -ge "$n" ] && [ "$sent" -ge 5 ]; then
	tap_ok "flood: $n bad adverts: $inv counted invalid, $drop dropped by a full socket buffer (counted); $sent adverts sent meanwhile"
else
	tap_fail "flood: bad adverts counted, adverts still sent" \
		"sent by the flood: $n, counted: $inv, dropped: $drop, adverts sent: $sent"
fi
tap_is "$(vr_state a ext)/$(vr_get a ext transitions)" "MASTER/$trans0" \
	"no state change from any invalid advert"

# The control: the same tool's valid advert at priority 254 is obeyed.
craft --repeat 3
wait_for '[ "$(vr_state a ext)" = BACKUP ]' 3
tap_is "$(vr_state a ext)/$(vr_get a ext master)" BACKUP/10.0.0.3 \
	"a valid advert at priority 254 makes the instance backup"
kill -0 "${VR_PID[a]}" && tap_ok "tandem-vrrpd still runs" || tap_fail "tandem-vrrpd still runs"
tap_done
