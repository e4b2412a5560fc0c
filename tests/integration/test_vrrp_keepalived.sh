#!/bin/bash
# tandem-vrrpd and keepalived (Debian's) as one virtual router on a bridge:
# either one master by priority, takeover when the master dies (timed
# against Master_Down_Interval), preemption, a clean priority-0 hand-over,
# VRRP v3 and v2 (with the v2 password), unicast peers, and IPv6.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"

lab_lan lan eth0 t1=10.0.0.1/24,fd00::1/64 k1=10.0.0.2/24,fd00::2/64
VIP=10.0.0.100

# tandem_conf PRIO ADVERT VERSION [EXTRA]: tandem-vrrpd's side, VRID 51.
tandem_conf() {
	cat <<-EOF
	node = { name = "t1"; };
	vrrp = { track_director = false;
	  instances = ( { name = "ext"; interface = "eth0"; vrid = 51;
	    priority = $1; advert_int = $2; version = $3;
	    virtual_ipaddress = [ "$VIP/24" ]; $4 } ); };
	EOF
}

# The protocol's bound for a takeover by a backup of priority PRIO, in ms:
# Master_Down_Interval = 3 * advert + (256 - PRIO) / 256 * advert (v3).
mdi_ms() {
	python3 -c "import sys; a=float(sys.argv[1]); p=int(sys.argv[2]);
print(int(1000 * (3 * a + (256 - p) / 256 * (a if sys.argv[3] == '3' else 1))))" "$@"
}

# --- v3, Tandem master ------------------------------------------------------
ka_start k1 ka "$(ka_conf ka eth0 51 100 0.1 3 $VIP/24)"
vr_start t1 a "$(tandem_conf 150 0.1 3)" || exit 1
wait_for '[ "$(vr_state a ext)" = MASTER ]' 5
tap_is "$(vr_state a ext)" MASTER "v3: Tandem at priority 150 becomes master"
wait_for "! ka_is_master k1 $VIP && grep -q 'Entering BACKUP STATE' $LAB_TMP/ka.log" 5
sleep 1	# and stays backup
if ka_is_master k1 $VIP; then
	tap_fail "v3: keepalived at priority 100 stays backup" "$(tail -20 "$LAB_TMP/ka.log")"
else
	tap_ok "v3: keepalived at priority 100 stays backup"
fi
tap_like "$(grep -c 'Entering BACKUP STATE' "$LAB_TMP/ka.log")" '^[1-9]' \
	"v3: keepalived logs BACKUP state"
if grep -qiE 'invalid|checksum|bad|mismatch' "$LAB_TMP/ka.log"; then
	tap_fail "v3: keepalived finds nothing wrong in our adverts" \
		"$(grep -iE 'invalid|checksum|bad|mismatch' "$LAB_TMP/ka.log" | head -5)"
else
	tap_ok "v3: keepalived finds nothing wrong in our adverts"
fi
tap_is "$(vr_get a ext counters.invalid)" 0 "v3: no invalid adverts counted"

# Kill Tandem (no priority 0): keepalived takes over within its
# Master_Down_Interval (plus slack for a loaded machine).
bound=$(mdi_ms 0.1 100 3)
vr_stop a KILL
ms=$(wait_ms "ka_is_master k1 $VIP" 10)
if [ -n "$ms" ] && [ "$ms" -le $((bound + 2000)) ]; then
	tap_ok "v3: Tandem killed, keepalived takes over in ${ms} ms (Master_Down_Interval ${bound} ms)"
else
	tap_fail "v3: Tandem killed, keepalived takes over" "took: '${ms:-never}' ms, bound $bound ms"
fi

# Tandem comes back with the higher priority and preempts.
vr_start t1 a "$(tandem_conf 150 0.1 3)" || exit 1
wait_for '[ "$(vr_state a ext)" = MASTER ]' 5
wait_for "! ka_is_master k1 $VIP" 5
tap_is "$(vr_state a ext)/$(ka_is_master k1 $VIP && echo ka-master || echo ka-backup)" \
	"MASTER/ka-backup" "v3: Tandem at higher priority preempts keepalived"

# A clean stop sends priority 0: keepalived takes over after its skew
# time, well before Master_Down_Interval.
vr_stop a TERM
ms=$(wait_ms "ka_is_master k1 $VIP" 10)
tap_like "${ms:-never}" '^[0-9]+$' "v3: Tandem stopped cleanly, keepalived takes over in ${ms:-never} ms (priority 0)"
ka_kill ka

# --- v3, keepalived master --------------------------------------------------
ka_start k1 ka "$(ka_conf ka eth0 51 200 0.1 3 $VIP/24)"
wait_for "ka_is_master k1 $VIP" 5
vr_start t1 a "$(tandem_conf 100 0.1 3)" || exit 1
wait_for '[ "$(vr_get a ext counters.received)" -ge 10 ]' 10	# 1 s of adverts
tap_is "$(vr_state a ext)" BACKUP "v3: Tandem at priority 100 is backup to keepalived at 200"
tap_is "$(vr_get a ext master)" 10.0.0.2 "v3: Tandem names keepalived as master"
tap_is "$(vr_get a ext master_priority)" 200 "v3: ... with its priority"
ka_is_master k1 $VIP && tap_ok "v3: keepalived is master" || tap_fail "v3: keepalived is master"
rcvd=$(vr_get a ext counters.received)
tap_like "$rcvd" '^[1-9][0-9]*$' "v3: Tandem counts keepalived's adverts as received ($rcvd)"
tap_is "$(vr_get a ext counters.invalid)" 0 "v3: none of keepalived's adverts is invalid"
bound=$(mdi_ms 0.1 100 3)
ka_kill ka
ms=$(wait_ms '[ "$(vr_state a ext)" = MASTER ]' 10)
if [ -n "$ms" ] && [ "$ms" -le $((bound + 2000)) ]; then
	tap_ok "v3: keepalived killed, Tandem takes over in ${ms} ms (Master_Down_Interval ${bound} ms)"
else
	tap_fail "v3: keepalived killed, Tandem takes over" "took: '${ms:-never}' ms"
fi
# keepalived returns at the higher priority and preempts Tandem.
ka_start k1 ka "$(ka_conf ka eth0 51 200 0.1 3 $VIP/24)"
wait_for '[ "$(vr_state a ext)" = BACKUP ]' 5
tap_is "$(vr_state a ext)" BACKUP "v3: keepalived at higher priority preempts Tandem"
# A clean keepalived stop (priority 0): Tandem takes over.
ka_stop ka
ms=$(wait_ms '[ "$(vr_state a ext)" = MASTER ]' 10)
tap_like "${ms:-never}" '^[0-9]+$' "v3: keepalived stopped cleanly, Tandem takes over in ${ms:-never} ms"
tap_like "$(vr_get a ext counters.prio0_received)" '^[1-9]' "v3: Tandem saw keepalived's priority 0 advert"
vr_stop a

# --- v2 with the simple password ---------------------------------------------
ka_start k1 ka "$(ka_conf ka eth0 51 100 1 2 $VIP/24 \
	'authentication {' '  auth_type PASS' '  auth_pass s3cret' '}')"
vr_start t1 a "$(tandem_conf 150 1 2 'auth_type = "pass"; auth_pass = "s3cret";')" || exit 1
wait_for '[ "$(vr_state a ext)" = MASTER ]' 8
wait_for "! ka_is_master k1 $VIP" 5
sleep 2	# and stays backup
tap_is "$(vr_state a ext)/$(ka_is_master k1 $VIP && echo ka-master || echo ka-backup)" \
	"MASTER/ka-backup" "v2 PASS: Tandem master, keepalived backup"
if grep -qiE 'invalid|checksum|auth|mismatch' "$LAB_TMP/ka.log"; then
	tap_fail "v2 PASS: keepalived accepts our adverts" \
		"$(grep -iE 'invalid|checksum|auth|mismatch' "$LAB_TMP/ka.log" | head -5)"
else
	tap_ok "v2 PASS: keepalived accepts our adverts"
fi
bound=$(mdi_ms 1 100 2)
vr_stop a KILL
ms=$(wait_ms "ka_is_master k1 $VIP" 15)
if [ -n "$ms" ] && [ "$ms" -le $((bound + 2000)) ]; then
	tap_ok "v2: Tandem killed, keepalived takes over in ${ms} ms (Master_Down_Interval ${bound} ms)"
else
	tap_fail "v2: Tandem killed, keepalived takes over" "took: '${ms:-never}' ms"
fi
vr_start t1 a "$(tandem_conf 50 1 2 'auth_type = "pass"; auth_pass = "s3cret";')" || exit 1
wait_for '[ "$(vr_get a ext counters.received)" -ge 3 ]' 10	# 3 s of adverts
tap_is "$(vr_state a ext)" BACKUP "v2: Tandem at 50 is backup to keepalived"
tap_is "$(vr_get a ext counters.invalid)" 0 "v2: keepalived's adverts pass our password check"
vr_stop a
vr_start t1 a "$(tandem_conf 50 1 2 'auth_type = "pass"; auth_pass = "wrong";')" || exit 1
wait_for '[ "$(vr_state a ext)" = MASTER ]' 8
tap_like "$(vr_get a ext counters.errors.auth)" '^[1-9]' "v2: a wrong password is counted (auth)"
tap_is "$(vr_state a ext)" MASTER "v2: ... and those adverts are ignored"
vr_stop a
ka_kill ka

# --- unicast peers ------------------------------------------------------------
ka_start k1 ka "$(ka_conf ka eth0 52 100 0.1 3 $VIP/24 \
	'unicast_src_ip 10.0.0.2' 'unicast_peer {' '  10.0.0.1' '}')"
vr_start t1 a "$(cat <<-EOF
	node = { name = "t1"; };
	vrrp = { track_director = false;
	  instances = ( { name = "uni"; interface = "eth0"; vrid = 52;
	    priority = 150; advert_int = 0.1; virtual_ipaddress = [ "$VIP/24" ];
	    unicast_peers = [ "10.0.0.2" ]; } ); };
	EOF
)" || exit 1
wait_for '[ "$(vr_state a uni)" = MASTER ]' 5
wait_for "! ka_is_master k1 $VIP" 5
sleep 1	# and stays backup
tap_is "$(vr_state a uni)/$(ka_is_master k1 $VIP && echo ka-master || echo ka-backup)" \
	"MASTER/ka-backup" "unicast: Tandem master, keepalived backup"
vr_stop a KILL
ms=$(wait_ms "ka_is_master k1 $VIP" 10)
tap_like "${ms:-never}" '^[0-9]+$' "unicast: Tandem killed, keepalived takes over in ${ms:-never} ms"
vr_start t1 a "$(sed 's/priority = 150/priority = 50/' "$LAB_TMP/a.conf")" || exit 1
wait_for '[ "$(vr_get a uni counters.received)" -ge 10 ]' 10	# 1 s of adverts
tap_is "$(vr_state a uni)" BACKUP "unicast: Tandem backup to keepalived"
tap_is "$(vr_get a uni master)" 10.0.0.2 "unicast: keepalived's unicast adverts received"
vr_stop a
ka_kill ka

# --- IPv6 (v3) ------------------------------------------------------------------
ka_start k1 ka "$(ka_conf ka eth0 53 100 0.1 3 fd00::100/64)"
vr_start t1 a "$(cat <<-EOF
	node = { name = "t1"; };
	vrrp = { track_director = false;
	  instances = ( { name = "v6"; interface = "eth0"; vrid = 53;
	    priority = 150; advert_int = 0.1;
	    virtual_ipaddress = [ "fd00::100/64" ]; } ); };
	EOF
)" || exit 1
wait_for '[ "$(vr_state a v6)" = MASTER ]' 5
wait_for "! ka_is_master k1 fd00::100" 5
sleep 1	# and stays backup
tap_is "$(vr_state a v6)/$(ka_is_master k1 fd00::100 && echo ka-master || echo ka-backup)" \
	"MASTER/ka-backup" "IPv6: Tandem master, keepalived backup"
vr_stop a KILL
ms=$(wait_ms "ka_is_master k1 fd00::100" 10)
tap_like "${ms:-never}" '^[0-9]+$' "IPv6: Tandem killed, keepalived takes over in ${ms:-never} ms"
vr_start t1 a "$(sed 's/priority = 150/priority = 50/' "$LAB_TMP/a.conf")" || exit 1
wait_for '[ "$(vr_get a v6 counters.received)" -ge 10 ]' 10	# 1 s of adverts
tap_is "$(vr_state a v6)" BACKUP "IPv6: Tandem backup to keepalived"
tap_is "$(vr_get a v6 counters.invalid)" 0 "IPv6: keepalived's adverts decode"
vr_stop a
ka_kill ka

# --- IPv6 unicast peers -----------------------------------------------------
ka_start k1 ka "$(ka_conf ka eth0 54 100 0.1 3 fd00::100/64 \
	'unicast_src_ip fd00::2' 'unicast_peer {' '  fd00::1' '}')"
vr_start t1 a "$(cat <<-EOF
	node = { name = "t1"; };
	vrrp = { track_director = false;
	  instances = ( { name = "u6"; interface = "eth0"; vrid = 54;
	    priority = 150; advert_int = 0.1;
	    virtual_ipaddress = [ "fd00::100/64" ]; unicast_peers = [ "fd00::2" ]; } ); };
	EOF
)" || exit 1
wait_for '[ "$(vr_state a u6)" = MASTER ]' 5
wait_for "! ka_is_master k1 fd00::100" 5
sleep 1	# and stays backup
tap_is "$(vr_state a u6)/$(ka_is_master k1 fd00::100 && echo ka-master || echo ka-backup)" \
	"MASTER/ka-backup" "IPv6 unicast: Tandem master (from its global address), keepalived backup"
vr_stop a KILL
ms=$(wait_ms "ka_is_master k1 fd00::100" 10)
tap_like "${ms:-never}" '^[0-9]+$' "IPv6 unicast: Tandem killed, keepalived takes over in ${ms:-never} ms"
vr_start t1 a "$(sed 's/priority = 150/priority = 50/' "$LAB_TMP/a.conf")" || exit 1
wait_for '[ "$(vr_get a u6 counters.received)" -ge 10 ]' 10	# 1 s of adverts
tap_is "$(vr_state a u6)/$(vr_get a u6 master)/$(vr_get a u6 counters.invalid)" \
	"BACKUP/fd00::2/0" "IPv6 unicast: Tandem backup, keepalived's adverts accepted"
tap_done
