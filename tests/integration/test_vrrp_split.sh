#!/bin/bash
# Two tandem-vrrpd nodes with a sync group of two instances on two links:
# split brain (the nodes cut apart, links still up) and its end, a fault in
# one group member moving the whole group, a track script with a weight,
# and keepalived-style notify: the FIFO shows every transition in order,
# notify scripts run as the unprivileged script user.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"

vr_lab_two_nodes lan2
SHARED="$LAB_TMP/shared"		# written by scripts running as nobody
mkdir -p "$SHARED"
chmod 0777 "$SHARED"
touch "$SHARED/healthy"
cat >"$LAB_TMP/notify.sh" <<'EOF2'
#!/bin/sh
echo "$1 $2 $3 $4 uid=$(id -u)" >>"$(dirname "$0")/shared/notify-$2.log"
EOF2
chmod 0755 "$LAB_TMP/notify.sh"

# conf PRIO [SCRIPT_TRACKING]
conf() {
	cat <<-EOF
	node = { name = "n"; };
	vrrp = { track_director = false; notify_fifo = "$LAB_TMP/fifo-$3";
	  scripts = ( { name = "chk"; script = "test -e $SHARED/healthy";
	    interval = 0.2; rise = 2; fall = 2; weight = -60; } );
	  instances = (
	    { name = "ext"; interface = "eth0"; vrid = 51; priority = $1;
	      advert_int = 0.1; virtual_ipaddress = [ "10.0.0.100/24" ];
	      notify = "$LAB_TMP/notify.sh"; $2 },
	    { name = "int"; interface = "eth1"; vrid = 52; priority = $1;
	      advert_int = 0.1; virtual_ipaddress = [ "192.168.1.254/24" ]; $2 } );
	  sync_groups = ( { name = "pair"; instances = [ "ext", "int" ]; } ); };
	EOF
}

# FIFO readers first: every line either node writes lands in fifo-N.log.
for n in a b; do
	mkfifo "$LAB_TMP/fifo-$n"
	lab_bg "$n" "fiforeader-$n" sh -c "exec cat <>'$LAB_TMP/fifo-$n' >>'$LAB_TMP/fifo-$n.log'"
done
vr_start a a "$(conf 150 'track_scripts = [ "chk" ];' a)" || exit 1
vr_start b b "$(conf 100 '' b)" || exit 1
both() { echo "$(vr_state "$1" ext)/$(vr_state "$1" int)"; }
wait_for '[ "$(both a)/$(both b)" = MASTER/MASTER/BACKUP/BACKUP ]' 10
tap_is "$(both a)/$(both b)" MASTER/MASTER/BACKUP/BACKUP "a master of both instances, b backup"

# Split brain: the bridges stop carrying frames between the two nodes.
isolate() {
	local p
	for p in a-eth0 b-eth0 a-eth1 b-eth1; do
		ip netns exec "$LAB-switch" bridge link set dev "$p" isolated "$1"
	done
}
isolate on
wait_for '[ "$(both b)" = MASTER/MASTER ]' 5
tap_is "$(both a)/$(both b)" MASTER/MASTER/MASTER/MASTER "links cut: both nodes master (split brain)"
isolate off
wait_for '[ "$(both b)" = BACKUP/BACKUP ]' 5
tap_is "$(both a)/$(both b)" MASTER/MASTER/BACKUP/BACKUP "links back: one master again (a, higher priority)"

# A fault in one member (a's eth1 loses carrier) moves the group.
ip -n "$LAB-switch" link set a-eth1 down
wait_for '[ "$(both b)" = MASTER/MASTER ]' 5
tap_is "$(both a)/$(both b)" FAULT/FAULT/MASTER/MASTER \
	"a's eth1 down: both of a's instances FAULT, b master of both"
ip -n "$LAB-switch" link set a-eth1 up
wait_for '[ "$(both a)" = MASTER/MASTER ]' 8
tap_is "$(both a)/$(both b)" MASTER/MASTER/BACKUP/BACKUP "a's eth1 up: a preempts back"

# The track script fails (weight -60: 150 -> 90 < 100): b preempts. Both
# members track it: one member's weight alone cannot move a sync group
# whose other member still sees its master (keepalived ignores weights
# in sync groups for the same reason).
rm -f "$SHARED/healthy"
wait_for '[ "$(both b)" = MASTER/MASTER ]' 8
tap_is "$(vr_get a ext effective_priority)/$(both a)/$(both b)" "90/BACKUP/BACKUP/MASTER/MASTER" \
	"track script down: a's priority 150 - 60 = 90, b takes over"
touch "$SHARED/healthy"
wait_for '[ "$(both a)" = MASTER/MASTER ]' 8
tap_is "$(vr_get a ext effective_priority)/$(both a)" "150/MASTER/MASTER" "track script up: a back to 150, master"

vr_stop b
vr_stop a
# The FIFO holds every transition the daemon made, in the order it made
# them (its log is the reference), one instance or the group at a time.
seq_of() { grep "\"$2\"" "$LAB_TMP/fifo-$1.log" | awk '{print $3}' | tr '\n' ' '; }
log_seq() {
	grep -E "tandem-vrrpd: $2: [A-Z]+ -> [A-Z]+" "$LAB_TMP/vrrpd-$1.log" |
		awk '{print $6}' | sed 's/^INIT$/STOP/' | tr '\n' ' '
}
# Until the FIFO readers have written as many transitions as the logs hold.
nwords() { wc -w <<<"$1"; }
wait_for '(for n in a b; do for i in ext int; do [ "$(nwords "$(seq_of $n $i)")" -ge "$(nwords "$(log_seq $n $i)")" ] || exit 1; done; done)' 5
for n in a b; do
	for i in ext int; do
		tap_is "$(seq_of $n $i)" "$(log_seq $n $i)" \
			"$n's FIFO: every transition of $i, in order ($(seq_of $n $i))"
	done
done
# What the test did, as b saw it: split brain, its end, a's fault and its
# end, a's script down and up; transient flaps in between are allowed.
tap_like "$(seq_of b ext)" '^BACKUP MASTER (BACKUP MASTER )*BACKUP MASTER (BACKUP MASTER )*BACKUP MASTER (BACKUP MASTER )*BACKUP STOP $' \
	"b's FIFO: master three times (split brain, a's fault, a's script)"
tap_like "$(seq_of b pair)" '^BACKUP (MASTER BACKUP )+$' "b's FIFO: the group's transitions"
tap_like "$(head -1 "$LAB_TMP/fifo-b.log")" '^INSTANCE "(ext|int)" BACKUP 100$' \
	"FIFO lines as keepalived writes them"
tap_like "$(cat "$SHARED/notify-ext.log" 2>/dev/null)" "INSTANCE ext MASTER 150 uid=$(id -u nobody)" \
	"notify script ran with keepalived's arguments, as user nobody"
tap_done
