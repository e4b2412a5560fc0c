#!/bin/bash
# tandemd, the node supervisor, on a single NAT node with VRRP and sync:
# -t on every example config and on a bad one; the daemons started in
# order and shown by tandemctl status; a SIGKILLed vrrpd and syncd are
# restarted while a long download through the VIP goes on and arrives
# byte-exact; a SIGKILLed director is restarted (its connection table is
# in its memory, so the assertion is that it serves new connections
# again, not that old ones survive); a daemon that fails at start is
# backed off, not spun; SIGTERM stops everything.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

VIP=10.0.0.100
RUN="$LAB_TMP/run"

# --- tandemd -t -------------------------------------------------------------
for f in "$LAB_ROOT"/etc/*.conf; do
	tap_cmd "tandemd -t accepts etc/$(basename "$f")" \
		"$TD_BIN/tandemd" -t -f "$f"
done

cat >"$LAB_TMP/bad.conf" <<'EOF'
director = { interfaces = [ "eth0" ]; workers = 0; };
vrrp = { instances = ( { name = "ext"; interface = "eth0"; vrid = 300;
                         virtual_ipaddress = [ "10.0.0.100/24" ]; } ); };
sync = { interface = "eth2"; group = "10.1.2.3"; };
virtual_servers = ( { address = "10.0.0.100"; port = 80; protocol = "tcp";
    scheduler = "fastest";
    real_servers = ( { address = "192.168.1.11"; weight = -1; } ); } );
EOF
out=$("$TD_BIN/tandemd" -t -f "$LAB_TMP/bad.conf" 2>&1)
rc=$?
tap_is "$rc" 1 "tandemd -t exits 1 on a bad config"
B="$LAB_TMP/bad.conf"
for want in "1: director.workers: " "2: vrrp.instances\[0\].vrid: " \
    "4: sync.group: must be an IPv4 multicast address" \
    "6: virtual_servers\[0\].scheduler: unknown scheduler" \
    "7: virtual_servers\[0\].real_servers\[0\].weight: "; do
	key=${want#*: }
	key=${key%%:*}
	tap_like "$out" "$B:$want" "tandemd -t prints bad.conf:${want%%:*}: ${key//\\/}"
done
tap_is "$(printf '%s\n' "$out" | grep -c 'vrid')" 1 \
	"an error both lib/conf.c and tandem-vrrpd's parser see is printed once"

# --- a supervised node ------------------------------------------------------
lab_nat_topology
cat >"$LAB_TMP/node.conf" <<EOF
node = { name = "lb1"; monitor_socket = true; };
director = { interfaces = [ "eth0", "eth1" ]; };
virtual_servers = (
  { address = "$VIP"; port = 80; protocol = "tcp"; scheduler = "rr";
    method = "nat";
    real_servers = ( { address = "192.168.1.11"; }, { address = "192.168.1.12"; } ); } );
vrrp = { director_interval = 0.1; director_timeout = 0.3;
  instances = (
    { name = "ext"; interface = "eth0"; vrid = 51; priority = 150;
      advert_int = 0.1; virtual_ipaddress = [ "$VIP/24" ]; },
    { name = "int"; interface = "eth1"; vrid = 52; priority = 150;
      advert_int = 0.1; virtual_ipaddress = [ "192.168.1.1/24" ]; } );
  sync_groups = ( { name = "pair"; instances = [ "ext", "int" ]; } ); };
sync = { interface = "eth1"; syncid = 7; };
snmp = { agentx_socket = "none"; metrics_listen = "127.0.0.1:19469"; };
EOF
lab_bg director tandemd "$TD_BIN/tandemd" -f "$LAB_TMP/node.conf" --run-dir "$RUN"
TND=$LAB_PID
TD_RUN=$RUN

# node_get NAME KEY: one field of a daemon in tandemd's status.
node_get() {
	td_ctl status --json 2>/dev/null | python3 -c '
import json, sys
for d in json.load(sys.stdin)["tandemd"]["daemons"]:
    if d["name"] == sys.argv[1]:
        print(d[sys.argv[2]])' "$1" "$2"
}
all_up() {
	[ "$(node_get director health)/$(node_get vrrpd health)/$(node_get syncd health)" = ok/ok/ok ]
}
curl_ok() { lab_exec client curl -s -m 2 "http://$VIP/" | grep -q '^rs[12]$'; }

if wait_for all_up 15; then
	tap_ok "tandemd starts director, vrrpd and syncd; each answers on its socket"
else
	tap_fail "tandemd starts director, vrrpd and syncd" "$(td_ctl status 2>&1)" \
		"$(cat "$LAB_TMP/tandemd.log")"
fi
out=$(td_ctl status)
tap_like "$out" $'DAEMON +PID +STATE.*\ndirector +[0-9]+ +running +[0-9]+s +0 +ok +-\nvrrpd +[0-9]+ +running +[0-9]+s +0 +ok +-\nsyncd +[0-9]+ +running +[0-9]+s +0 +ok +-' \
	"tandemctl status lists each daemon's pid, uptime, restarts and health"
tap_like "$out" "conns" "tandemctl status still shows the director's counters below"
tap_like "$(grep -o 'started tandem-[a-z]*' "$LAB_TMP/tandemd.log" | tr '\n' ' ')" \
	"^started tandem-director started tandem-vrrpd started tandem-syncd started tandem-snmpd $" \
	"started in order: director, vrrpd, syncd, snmpd (for the snmp section)"
tap_like "$(td_ctl status)" $'\nsnmpd +[0-9]+ +running +[0-9]+s +0 +no socket' \
	"tandem-snmpd runs; it has no control socket, so its health says so"
if wait_for 'lab_exec director curl -sf -m 1 http://127.0.0.1:19469/metrics | grep -q "^tandem_"' 10; then
	tap_ok "the snmpd tandemd started serves its metrics"
else
	tap_fail "the snmpd tandemd started serves its metrics" "$(tail -5 "$LAB_TMP/tandemd.log")"
fi
# Privileges: each keeps only what it needs; sockets only for root.
capeff() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
d=$(node_get director pid)
v=$(node_get vrrpd pid)
tap_is "$(capeff "$d" CapEff)/$(capeff "$d" CapBnd)" 0000000000003000/0000000000003000 \
	"the director keeps CAP_NET_ADMIN and CAP_NET_RAW only (effective and bounding)"
tap_is "$(capeff "$v" CapEff)" 00000000000030e0 \
	"vrrpd keeps CAP_NET_ADMIN, CAP_NET_RAW, CAP_SETUID, CAP_SETGID and CAP_KILL"
tap_is "$(capeff "$TND" CapEff)" 0000000000000000 "tandemd itself keeps no capability"
s=$(node_get syncd pid)
tap_is "$(capeff "$s" CapEff)/$(capeff "$s" CapBnd)" 0000000000003000/0000000000003000 \
	"syncd keeps CAP_NET_ADMIN and CAP_NET_RAW only (effective and bounding)"
m=$(node_get snmpd pid)
tap_is "$(capeff "$m" CapEff)/$(capeff "$m" CapBnd)" 0000000000000000/0000000000000000 \
	"snmpd keeps no capability once its metrics socket is bound"
rw=$(cd "$RUN" && ls *.sock | grep -v '\.ro\.sock$' | tr '\n' ' ')
tap_is "$(cd "$RUN" && stat -c '%a %U' $rw | sort -u)" "600 root" \
	"every control socket is mode 0600, owned by root ($rw)"
tap_is "$(cd "$RUN" && stat -c '%n %a' *.ro.sock | tr '\n' ' ')" \
	"director.ro.sock 666 tandemd.ro.sock 666 " \
	"node.monitor_socket: read-only sockets for the director and tandemd, mode 0666"
# As an unprivileged user: listings through the read-only sockets, no change.
nobody() { lab_exec director setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
tap_like "$(nobody "$TD_BIN/tandemctl" --run-dir "$RUN" -L -n 2>&1)" "TCP  $VIP:80 rr" \
	"an unprivileged user lists the table (tandemctl -L -n)"
tap_like "$(nobody "$TD_BIN/tandemctl" --run-dir "$RUN" status 2>&1)" $'director +[0-9]+ +running.*\n(.*\n)*.*conns' \
	"an unprivileged user reads tandemctl status (tandemd's and the director's)"
out=$(nobody "$TD_BIN/tandemctl" --run-dir "$RUN" -C 2>&1; echo "rc=$?")
tap_like "$out" "read-only.*rc=1" "but cannot change anything: tandemctl -C refused"
out=$(nobody "$TD_BIN/tandemctl" --run-dir "$RUN" reload 2>&1; echo "rc=$?")
tap_like "$out" "read-only.*rc=1" "nor reload"
tap_like "$(td_ctl -L -n)" "TCP  $VIP:80 rr" "the table is still there"

wait_for curl_ok 10
curl_ok && tap_ok "curl through the VIP (VRRP master, NAT)" ||
	tap_fail "curl through the VIP" "$(td_ctl -L -n 2>&1)"

# A reload that changes VRRP priorities: vrrpd applies it in place, no flap.
vr_json() {
	td_ctl vrrp --json 2>/dev/null | python3 -c '
import json, sys
for i in json.load(sys.stdin)["instances"]:
    if i["name"] == "ext":
        print(i["state"], i["priority"] if "priority" in i else i.get("base_priority"))' 2>/dev/null
}
before_v=$(vr_json)
sed -i 's/priority = 150/priority = 120/' "$LAB_TMP/node.conf"
out=$(td_ctl reload 2>&1)
tap_like "$out" $'director: reloaded: services \\+0 -0 ~0, real servers \\+0 -0 ~0.*\nvrrpd: SIGHUP sent\nsyncd: (SIGHUP sent|does not reload)' \
	"tandemctl reload: the director has nothing to change, vrrpd and syncd are told"
if wait_for '[ "$(vr_json)" = "MASTER 120" ]' 5; then
	tap_ok "vrrpd takes priority 120 and stays MASTER (was: $before_v)"
else
	tap_fail "vrrpd applies the new priority without a state change" "before: $before_v" "after: $(vr_json)" "$out"
fi
curl_ok && tap_ok "curl through the VIP after the reload" || tap_fail "curl after the reload"

# vrrpd and syncd killed under a live download: restarted, flow intact.
lab_exec client curl -s -m 60 --limit-rate 500K -o "$LAB_TMP/dl" \
	-w '%{size_download}' "http://$VIP/big" >"$LAB_TMP/dl.size" 2>&1 &
DL=$!
wait_for "[ -s $LAB_TMP/dl ]" 10	# the download under way
old_v=$(node_get vrrpd pid)
old_s=$(node_get syncd pid)
kill -KILL "$old_v" "$old_s"
wait_for '[ "$(node_get vrrpd restarts)/$(node_get syncd restarts)" = 1/1 ] && all_up' 10
new_v=$(node_get vrrpd pid)
new_s=$(node_get syncd pid)
if [ -n "$new_v" ] && [ "$new_v" != 0 ] && [ "$new_v" != "$old_v" ] &&
    [ -n "$new_s" ] && [ "$new_s" != 0 ] && [ "$new_s" != "$old_s" ] && all_up; then
	tap_ok "SIGKILLed vrrpd and syncd are restarted (new pids, restarts 1, answering)"
else
	tap_fail "SIGKILLed vrrpd and syncd are restarted" "$(td_ctl status 2>&1)"
fi
tap_like "$(cat "$LAB_TMP/tandemd.log")" "tandem-vrrpd \(pid $old_v\) killed by signal 9 \(Killed\) after [0-9.]+ s; restarting in 100 ms" \
	"tandemd logs why vrrpd died and when it restarts it"
wait "$DL"
if [ "$(cat "$LAB_TMP/dl.size")" = 4194304 ] && cmp -s "$LAB_TMP/dl" "$LAB_BIG"; then
	tap_ok "a download running across the vrrpd and syncd restarts arrives byte-exact"
else
	tap_fail "a download across the vrrpd and syncd restarts" \
		"size: $(cat "$LAB_TMP/dl.size")" "$(td_ctl -L -n 2>&1)"
fi

# The director killed: restarted, and it serves new connections again.
old_d=$(node_get director pid)
kill -KILL "$old_d"
wait_for '[ "$(node_get director restarts)" = 1 ] && [ "$(node_get director health)" = ok ]' 10
new_d=$(node_get director pid)
if [ -n "$new_d" ] && [ "$new_d" != 0 ] && [ "$new_d" != "$old_d" ]; then
	tap_ok "a SIGKILLed director is restarted (pid $old_d -> $new_d)"
else
	tap_fail "a SIGKILLed director is restarted" "$(td_ctl status 2>&1)"
fi
ms_start=${EPOCHREALTIME/[.,]/}
if wait_for curl_ok 10; then
	tap_ok "the restarted director serves new connections through the VIP"
else
	tap_fail "the restarted director serves new connections" \
		"$(td_ctl -L -n 2>&1)" "$(tail -20 "$LAB_TMP/tandemd.log")"
fi
tap_like "$(curl_seq 4 "http://$VIP/")" '^rs[12] rs[12] rs[12] rs[12]$' \
	"four more requests through the restarted director"

# SIGTERM: every daemon stops, then tandemd.
pids="$(node_get director pid) $(node_get vrrpd pid) $(node_get syncd pid) $(node_get snmpd pid)"
kill -TERM "$TND"
if wait_for "! kill -0 $TND" 15; then
	wait "$TND"
	rc=$?
	alive=""
	for p in $pids; do kill -0 "$p" 2>/dev/null && alive+=" $p"; done
	if [ "$rc" = 0 ] && [ -z "$alive" ]; then
		tap_ok "SIGTERM stops every daemon, then tandemd (status 0)"
	else
		tap_fail "SIGTERM stops every daemon" "tandemd status $rc, alive:$alive"
	fi
else
	tap_fail "tandemd stops on SIGTERM" "$(tail -20 "$LAB_TMP/tandemd.log")"
fi
tap_like "$(grep -o 'tandem-[a-z]* stopped' "$LAB_TMP/tandemd.log" | tr '\n' ' ')" \
	"^(tandem-(syncd|vrrpd|snmpd) stopped ){3}tandem-director stopped $" \
	"stopped in reverse order, the director last"

# --- a crash loop is backed off ---------------------------------------------
cat >"$LAB_TMP/loop.conf" <<EOF
director = { interfaces = [ "nosuch0" ]; };
virtual_servers = ( { address = "$VIP"; port = 80; protocol = "tcp";
    real_servers = ( { address = "192.168.1.11"; } ); } );
EOF
lab_bg director loop "$TD_BIN/tandemd" -f "$LAB_TMP/loop.conf" --run-dir "$LAB_TMP/run-loop"
LOOP=$LAB_PID
sleep 8
n=$(grep -c 'tandem-director (pid [0-9]*) exited with status 1' "$LAB_TMP/loop.log")
delays=$(grep -o 'restarting in [0-9]* ms' "$LAB_TMP/loop.log" | awk '{print $3}' | tr '\n' ' ')
if [ "$n" -ge 4 ] && [ "$n" -le 8 ]; then
	tap_ok "a director that fails at start: $n starts in 8 s, not a spin"
else
	tap_fail "a crash loop is backed off" "$n deaths in 8 s" "$(tail -5 "$LAB_TMP/loop.log")"
fi
tap_like "$delays" '^100 200 400 800 1600 ' "each quick death doubles the delay: $delays"
restarts=$(TD_RUN="$LAB_TMP/run-loop" td_ctl status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)["tandemd"]["daemons"][0]
print(d["state"], d["restarts"], d["last_exit"])')
tap_like "$restarts" "^(restarting|running) [0-9]+ exited with status 1$" \
	"tandemctl status: the director's state, restarts and why it last died"
lab_stop "$LOOP"

tap_done
