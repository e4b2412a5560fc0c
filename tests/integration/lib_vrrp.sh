# VRRP helpers for integration tests, on top of lib.sh: start tandem-vrrpd
# and keepalived in lab namespaces, read their states, time a takeover.
#
#   vr_start t1 a "$conf"           tandem-vrrpd "a" in namespace t1
#   vr_state a ext                  -> MASTER / BACKUP / FAULT / INIT
#   ka_start k1 ka "$kconf"         keepalived "ka" in namespace k1
#   ka_is_master k1 10.0.0.100      keepalived holds the VIP
#   vr_lab_two_nodes                nodes a and b on bridge lan
#   vr_lab_two_directors dr         lb1, lb2, two real servers, a client
#   vr_node_start lb1 lb1 "$conf"   tandem-director, then tandem-vrrpd

declare -A VR_PID VR_NS VR_DIR_PID KA_PID KA_NS

# vr_start NS NAME CONFIG_TEXT: writes $LAB_TMP/NAME.conf, starts
# tandem-vrrpd (run dir $LAB_TMP/run-NAME) and waits for its socket.
vr_start() {
	local ns=$1 name=$2
	printf '%s\n' "$3" >"$LAB_TMP/$name.conf"
	lab_bg "$ns" "vrrpd-$name" "$TD_BIN/tandem-vrrpd" \
		-f "$LAB_TMP/$name.conf" --run-dir "$LAB_TMP/run-$name"
	VR_PID[$name]=$LAB_PID
	VR_NS[$name]=$ns
	if ! wait_for "vr_ctl $name vrrp" 10; then
		tap_fail "tandem-vrrpd $name starts" \
			"$(cat "$LAB_TMP/vrrpd-$name.log")"
		return 1
	fi
}

# vr_conf_ext PRIO VIPS [KEYS [INSTANCES]]: a tandem-vrrpd config, the
# director not tracked, with one instance "ext" on eth0, VRID 51, advert
# 0.1 s, at priority PRIO holding VIPS (a quoted list: '"10.0.0.100/24"'),
# with KEYS added to it and INSTANCES (", { ... }") after it.
vr_conf_ext() {
	cat <<-EOF
	node = { name = "n"; };
	vrrp = { track_director = false;
	  instances = ( { name = "ext"; interface = "eth0"; vrid = 51;
	    priority = $1; advert_int = 0.1; virtual_ipaddress = [ $2 ];
	    ${3:-} } ${4:-} ); };
	EOF
}

# vr_director_start NS NAME: tandem-director in NS on $LAB_TMP/NAME.conf
# (the same run dir as tandem-vrrpd NAME, log director-NAME.log), pid in
# VR_DIR_PID[NAME]; waits until it answers.
vr_director_start() {
	local ns=$1 name=$2
	lab_bg "$ns" "director-$name" "$TD_BIN/tandem-director" \
		-f "$LAB_TMP/$name.conf" --run-dir "$LAB_TMP/run-$name"
	VR_DIR_PID[$name]=$LAB_PID
	wait_for "vr_ctl $name status" 10 ||
		lab_die "director $name: $(cat "$LAB_TMP/director-$name.log")"
}

# vr_node_start NS NAME CONFIG_TEXT: one Tandem node without sync: writes
# $LAB_TMP/NAME.conf, starts tandem-director on it (vr_director_start),
# then tandem-vrrpd (vr_start); exits the test when either fails.
vr_node_start() {
	local ns=$1 name=$2
	printf '%s\n' "$3" >"$LAB_TMP/$name.conf"
	vr_director_start "$ns" "$name"
	vr_start "$ns" "$name" "$3" || exit 1
}

# vr_ctl NAME ARGS...: tandemctl against tandem-vrrpd NAME.
vr_ctl() {
	local name=$1
	shift
	"$TD_BIN/tandemctl" --run-dir "$LAB_TMP/run-$name" "$@"
}

# vr_get NAME INSTANCE KEY[.SUBKEY]: one field of `tandemctl vrrp --json`.
vr_get() {
	vr_ctl "$1" vrrp --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
for i in d["instances"]:
    if i["name"] == sys.argv[1]:
        v = i
        for k in sys.argv[2].split("."):
            v = v[k]
        print(v)
        break
else:
    print("missing")' "$2" "$3"
}

vr_state() { vr_get "$1" "$2" state; }

# vr_owned NAME: the instances node NAME's director owns, sorted and
# space-separated ("none" when none), as `tandemctl status --json` says.
vr_owned() {
	vr_ctl "$1" status --json 2>/dev/null | python3 -c '
import json, sys
print(" ".join(sorted(o["instance"] for o in json.load(sys.stdin)["owned"])) or "none")'
}

# vr_stop NAME [SIGNAL]: stops tandem-vrrpd NAME (default TERM).
vr_stop() {
	lab_stop "${VR_PID[$1]}" "${2:-TERM}"
}

# ka_start NS NAME CONFIG_TEXT: keepalived (VRRP only, no respawn) with
# its own config and pid files in the lab dir; its log in NAME.log.
ka_start() {
	local ns=$1 name=$2
	printf '%s\n' "$3" >"$LAB_TMP/$name.kconf"
	rm -f "$LAB_TMP/$name.pid" "$LAB_TMP/$name.vrrp.pid"
	lab_bg "$ns" "$name" keepalived -n -l -D -P -R \
		-f "$LAB_TMP/$name.kconf" -p "$LAB_TMP/$name.pid" \
		-r "$LAB_TMP/$name.vrrp.pid"
	KA_PID[$name]=$LAB_PID
	KA_NS[$name]=$ns
	wait_for "test -s $LAB_TMP/$name.vrrp.pid" 10 ||
		tap_fail "keepalived $name starts" "$(cat "$LAB_TMP/$name.log")"
}

# ka_kill NAME: SIGKILL keepalived's VRRP process (no priority 0, as a
# crash), then the parent; the VIPs a dead keepalived leaves on its
# interfaces are removed, so that ka_is_master stays true to its name.
ka_kill() {
	local name=$1 child
	child=$(cat "$LAB_TMP/$name.vrrp.pid" 2>/dev/null)
	[ -n "$child" ] && kill -KILL "$child" 2>/dev/null
	lab_stop "${KA_PID[$name]}" KILL
	ka_flush_vips "${KA_NS[$name]}"
}

# ka_flush_vips NS: removes every address keepalived may have added (the
# test VIPs end in ::100 or .100).
ka_flush_vips() {
	local a
	for a in $(ip -n "$LAB-$1" -br addr show | awk '{for (i = 3; i <= NF; i++) print $i}' | grep -E '(\.100|::100)/'); do
		ip -n "$LAB-$1" addr del "$a" dev eth0 2>/dev/null
	done
}

# ka_stop NAME: a clean keepalived stop (it sends priority 0 as master).
ka_stop() {
	lab_stop "${KA_PID[$1]}" TERM
}

# ka_is_master NS VIP: keepalived's view: a master holds the VIP.
ka_is_master() {
	ip -n "$LAB-$1" -br addr show | grep -q " $2/"
}

# ka_conf NAME IFACE VRID PRIO ADVERT VERSION VIP [EXTRA...]: a keepalived
# config with one instance; EXTRA lines go inside vrrp_instance.
ka_conf() {
	local name=$1 ifc=$2 vrid=$3 prio=$4 adv=$5 ver=$6 vip=$7
	shift 7
	printf 'global_defs {\n  router_id %s\n  vrrp_version %s\n' "$name" "$ver"
	printf '  vrrp_garp_master_delay 0\n  vrrp_garp_master_repeat 1\n}\n'
	printf 'vrrp_instance VI_%s {\n  state BACKUP\n  interface %s\n' "$vrid" "$ifc"
	printf '  virtual_router_id %s\n  priority %s\n  advert_int %s\n' "$vrid" "$prio" "$adv"
	printf '  virtual_ipaddress {\n    %s\n  }\n' "$vip"
	local l
	for l in "$@"; do printf '  %s\n' "$l"; done
	printf '}\n'
}

# --- labs -------------------------------------------------------------------

# vr_lab_two_nodes [lan2]: namespaces a and b on bridge lan (eth0 at
# 10.0.0.1/24 and 10.0.0.2/24); with "lan2", on bridge lan2 too (eth1 at
# 192.168.1.1/24 and 192.168.1.2/24), for sync groups over two links.
vr_lab_two_nodes() {
	lab_lan lan eth0 a=10.0.0.1/24 b=10.0.0.2/24
	[ "${1:-}" = lan2 ] && lab_lan lan2 eth1 a=192.168.1.1/24 b=192.168.1.2/24
	return 0
}

# vr_lab_two_directors dr|dr6|nat: two Tandem nodes lb1 and lb2 in front
# of two nginx real servers rs1 and rs2 (port 80, answering "rsN\n"), and
# a client, on bridge ext:
#   dr   client 10.0.0.2, lb1/lb2 10.0.0.11/.12, rs1/rs2 10.0.0.21/.22
#        holding the VIP 10.0.0.100 on lo (direct routing)
#   dr6  the same in fd00::/64: client fd00::2, lb fd00::11/12, rs
#        fd00::21/22 holding the VIP fd00::100
#   nat  client 10.0.0.2, lb1/lb2 10.0.0.11/.12 and, on bridge int,
#        192.168.1.11/.12; rs1/rs2 at 192.168.1.21/.22 behind the
#        gateway VIP 192.168.1.1
vr_lab_two_directors() {
	local mode=$1 i
	lab_bridge ext
	[ "$mode" = nat ] && lab_bridge int
	lab_ns client
	if [ "$mode" = dr6 ]; then
		lab_link client eth0 ext fd00::2/64
	else
		lab_link client eth0 ext 10.0.0.2/24
	fi
	for i in 1 2; do
		lab_ns "lb$i"
		case $mode in
		dr)
			lab_link "lb$i" eth0 ext "10.0.0.1$i/24"
			lab_dr_real_server "rs$i" ext "10.0.0.2$i/24" 10.0.0.100
			lab_nginx "rs$i" "10.0.0.2$i,10.0.0.100" 80 "rs$i" ;;
		dr6)
			lab_link "lb$i" eth0 ext "fd00::1$i/64"
			lab_dr_real_server "rs$i" ext "fd00::2$i/64" fd00::100
			lab_nginx "rs$i" "fd00::2$i,fd00::100" 80 "rs$i" ;;
		nat)
			lab_link "lb$i" eth0 ext "10.0.0.1$i/24"
			lab_link "lb$i" eth1 int "192.168.1.1$i/24"
			lab_nat_real_server "rs$i" int "192.168.1.2$i/24" 192.168.1.1
			lab_nginx "rs$i" "192.168.1.2$i" 80 "rs$i" ;;
		*)
			lab_die "vr_lab_two_directors: unknown mode $mode" ;;
		esac
	done
}

# now_ms: the wall clock in milliseconds.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_ms CMD TIMEOUT: like wait_for, polling every 10 ms; prints the
# milliseconds it took (or nothing) and returns wait_for's status.
wait_ms() {
	local cmd=$1 t0 now deadline
	t0=$(now_ms)
	deadline=$((t0 + $2 * 1000))
	while :; do
		if eval "$cmd" >/dev/null 2>&1; then
			echo $(($(now_ms) - t0))
			return 0
		fi
		now=$(now_ms)
		[ "$now" -ge "$deadline" ] && return 1
		sleep 0.01
	done
}
