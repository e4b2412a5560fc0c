#!/bin/bash
# tandem-snmpd's HTTP endpoint beside a DR director: /metrics passes a
# strict exposition-format check, its counters grow with curl traffic and
# agree with `tandemctl -L -n --stats --exact` and `tandemctl status
# --json`, /status carries the same numbers, and bad requests (unknown
# paths, other methods, bodies, oversized or malformed requests) are
# refused while the daemon keeps serving.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

CHECK="$LAB_ROOT/tests/tools/promcheck.py"
lab_dr_topology
td_start "$(cat <<-EOF
	node = { name = "lb"; };
	director = { interfaces = [ "eth0" ]; };
	virtual_servers = ( { address = "$LAB_VIP"; port = 80; protocol = "tcp";
	    scheduler = "rr"; method = "dr";
	    real_servers = ( { address = "10.0.0.11"; }, { address = "10.0.0.12"; },
	                     { address = "10.0.0.13"; } ); } );
	snmp = { agentx_socket = "none"; metrics_listen = "127.0.0.1:9469";
	         poll_interval = 0.2; };
	EOF
)" || exit 1
lab_bg director tandem-snmpd "$TD_BIN/tandem-snmpd" -f "$LAB_TMP/director.conf" \
	--run-dir "$TD_RUN"
SNMPD=$LAB_PID
URL=http://127.0.0.1:9469
get() { lab_exec director curl -s -m 2 "$URL$1"; }
wait_for "get /metrics | grep -q 'tandem_daemon_up{daemon=\"director\"} 1'" 10 ||
	lab_die "tandem-snmpd: $(cat "$LAB_TMP/tandem-snmpd.log")"

# The checker itself refuses what it must (so that a pass means something).
printf '# TYPE x counter\nx{a="1"} -1\ny 1\n' >"$LAB_TMP/bad.prom"
if python3 "$CHECK" "$LAB_TMP/bad.prom" 2>/dev/null; then
	tap_fail "promcheck.py refuses a broken exposition"
else
	tap_ok "promcheck.py refuses a broken exposition"
fi

# metric NAME LABELS: one sample's value from the last scrape ($LAB_TMP/m).
scrape() { get /metrics >"$LAB_TMP/m"; }
metric() {
	python3 "$CHECK" --json "$LAB_TMP/m" 2>/dev/null | python3 -c '
import json, sys
want = dict(kv.split("=", 1) for kv in sys.argv[2:])
for s in json.load(sys.stdin):
    if s["name"] == sys.argv[1] and s["labels"] == want:
        print(int(s["value"]))
        break
else:
    print("missing")' "$@"
}
rs_labels() { echo protocol=tcp vip=$LAB_VIP port=80 server=$1 server_port=80; }

scrape
out=$(python3 "$CHECK" "$LAB_TMP/m" 2>&1)
tap_is "$?/$out" "0/" "idle /metrics: the strict exposition check finds no error"
before=$(metric tandem_virtual_server_connections_total protocol=tcp vip=$LAB_VIP port=80)
tap_is "$before" 0 "no connection counted before traffic"

# Traffic: counters increase.
for i in $(seq 9); do lab_exec client curl -s -m 2 -o /dev/null "http://$LAB_VIP/"; done
lab_exec client curl -s -m 5 -o /dev/null "http://$LAB_VIP/big"
# Until the 10 connections are counted (scraped again each time).
wait_for 'scrape && [ "$(metric tandem_virtual_server_connections_total protocol=tcp vip=$LAB_VIP port=80)" -ge 10 ]' 5
out=$(python3 "$CHECK" "$LAB_TMP/m" 2>&1)
tap_is "$?/$out" "0/" "/metrics after traffic: no error"
after=$(metric tandem_virtual_server_connections_total protocol=tcp vip=$LAB_VIP port=80)
tap_is "$after" 10 "tandem_virtual_server_connections_total counted the 10 connections"
inb=$(metric tandem_virtual_server_bytes_total protocol=tcp vip=$LAB_VIP port=80 direction=in)
tap_like "$inb" '^[1-9][0-9]{3,}$' "tandem_virtual_server_bytes_total{direction=in} grew ($inb)"

# Agreement with tandemctl: every real server's five counters, the
# service's, and the director's named counters and connection count.
agree() {
	scrape
	td_ctl -L -n --stats --exact >"$LAB_TMP/stats"
	td_ctl status --json >"$LAB_TMP/status.json"
	python3 "$CHECK" --json "$LAB_TMP/m" | python3 -c '
import json, sys
samples = json.load(sys.stdin)
def m(name, **labels):
    for s in samples:
        if s["name"] == name and s["labels"] == labels:
            return int(s["value"])
    return None
bad = []
keys = ["connections_total", None, None, None, None]
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) != 7 or not f[2].isdigit():
        continue
    conns, inp, outp, inb, outb = map(int, f[2:7])
    if f[0] == "->":
        addr, port = f[1].rsplit(":", 1)
        base, lab = "tandem_real_server_", dict(protocol="tcp", vip=vip,
            port="80", server=addr, server_port=port)
    else:
        vip, vport = f[1].rsplit(":", 1)
        base, lab = "tandem_virtual_server_", dict(protocol="tcp", vip=vip,
            port=vport)
    got = [m(base + "connections_total", **lab),
           m(base + "packets_total", direction="in", **lab),
           m(base + "packets_total", direction="out", **lab),
           m(base + "bytes_total", direction="in", **lab),
           m(base + "bytes_total", direction="out", **lab)]
    if got != [conns, inp, outp, inb, outb]:
        bad.append("%s: stats %s metrics %s" % (f[1], [conns, inp, outp, inb, outb], got))
st = json.load(open(sys.argv[2]))
for k, v in st["counters"].items():
    if k == "ctl_refused":
        continue	# the poll itself is a control client
    if m("tandem_director_events_total", event=k) != v:
        bad.append("counter %s: status %s metrics %s" % (k, v,
            m("tandem_director_events_total", event=k)))
if m("tandem_director_connections") != st["conns"]:
    bad.append("conns: status %s metrics %s" % (st["conns"], m("tandem_director_connections")))
print("\n".join(bad))
sys.exit(1 if bad else 0)' "$LAB_TMP/stats" "$LAB_TMP/status.json"
}
if wait_for agree 5; then
	tap_ok "metrics = tandemctl -L -n --stats --exact (service and each real server) = tandemctl status --json"
else
	tap_fail "metrics agree with tandemctl" "$(agree)"
fi
n=$(grep -c '^  -> [0-9]' "$LAB_TMP/stats")
tap_is "$n" 3 "the comparison covered the three real servers"
active=$(metric tandem_real_server_active_connections $(rs_labels 10.0.0.11))
tap_like "$active" '^[0-9]+$' "tandem_real_server_active_connections present for 10.0.0.11 ($active)"

# /status: JSON with the director's reply as tandemctl status shows it.
st=$(get /status | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["up"]["director"], d["services"]["services"][0]["stats"]["conns"])')
tap_is "$st" "True 10" "/status: director up, the service's 10 connections"

# Bad input: refused with a 4xx, counted, and the daemon serves on.
code() { lab_exec director curl -s -o /dev/null -w '%{http_code}' -m 2 "$@"; }
tap_is "$(code "$URL/nope")" 404 "unknown path: 404"
tap_is "$(code -X POST "$URL/metrics")" 405 "POST: 405"
c=$(code -X POST -d x=1 "$URL/metrics")
tap_like "$c" '^(405|413)$' "POST with a body refused ($c)"
tap_is "$(code -X DELETE "$URL/metrics")" 405 "DELETE: 405"
big=$(head -c 20000 /dev/zero | tr '\0' a)
c=$(code -H "X-Big: $big" "$URL/metrics")
tap_like "$c" '^(400|413|431)$' "20 KB of headers refused ($c)"
c=$(code "$URL/metrics?$(head -c 600 /dev/zero | tr '\0' a)")
tap_like "$c" '^(400|414)$' "600-byte target refused ($c)"
raw() {	# a raw request; prints the status line
	lab_exec director python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", 9469), timeout=2)
s.sendall(sys.argv[1].encode("latin-1"))
try:
    print(s.recv(200).split(b"\r\n")[0].decode("latin-1"))
except socket.timeout:
    print("timeout")
except ConnectionResetError:
    print("reset")' "$1"
}
tap_like "$(raw $'GARBAGE\r\n\r\n')" '^(HTTP/1\.[01] 400 |reset$|$)' "a malformed request line is refused"
tap_like "$(raw $'GET /metrics HTTP/1.1\r\nContent-Length: 99999999\r\n\r\nx')" \
	'^HTTP/1\.[01] 4(00|05|13) ' "a GET with a huge body is refused"
tap_like "$(raw $'GET /met\x01rics HTTP/1.0\r\n\r\n')" '^HTTP/1\.[01] 400' \
	"a control byte in the target: 400"
tap_like "$(raw $'GET /metrics HTTP/9.9\r\n\r\n')" '^(HTTP/1\.[01] 4[0-9][0-9]|reset|)' \
	"HTTP/9.9 refused"
kill -0 "$SNMPD" && tap_ok "tandem-snmpd still runs" || tap_fail "tandem-snmpd still runs"
scrape
refused=$(metric tandem_snmp_http_refused_total)
tap_like "$refused" '^[4-9]|[1-9][0-9]+$' "tandem_snmp_http_refused_total counted them ($refused)"
out=$(python3 "$CHECK" "$LAB_TMP/m" 2>&1)
tap_is "$?/$out" "0/" "/metrics still clean after the bad requests"

# SIGHUP: a new metrics address applies at once; a bad file changes nothing.
sed -i 's/127.0.0.1:9469/127.0.0.1:9470/' "$LAB_TMP/director.conf"
kill -HUP "$SNMPD"
wait_for "lab_exec director curl -sf -o /dev/null http://127.0.0.1:9470/metrics" 5
tap_is "$(code http://127.0.0.1:9470/metrics)/$(code http://127.0.0.1:9469/metrics)" \
	"200/000" "SIGHUP: metrics moved to port 9470, 9469 closed"
sed -i 's/poll_interval = 0.2;/poll_interval = 0;/' "$LAB_TMP/director.conf"
kill -HUP "$SNMPD"
wait_for "grep -q 'nothing changed' $LAB_TMP/tandem-snmpd.log" 5
tap_is "$(code http://127.0.0.1:9470/metrics)" 200 \
	"SIGHUP with poll_interval = 0: refused, still serving"
kill -0 "$SNMPD" && tap_ok "tandem-snmpd still runs after both reloads" ||
	tap_fail "tandem-snmpd still runs after both reloads"
tap_done
