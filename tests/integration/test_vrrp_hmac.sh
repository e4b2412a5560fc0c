#!/bin/bash
# Tandem-to-Tandem adverts with HMAC-SHA256: a pair with one key forms one
# virtual router; a node with another key (at priority 254) is refused and
# counted; a recorded advert replayed later is refused as a replay.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"

lab_lan lan eth0 a=10.0.0.1/24 b=10.0.0.2/24 c=10.0.0.3/24 x=10.0.0.9/24
head -c 32 /dev/urandom | base64 >"$LAB_TMP/good.key"
head -c 32 /dev/urandom | base64 >"$LAB_TMP/other.key"

# conf PRIO KEY: instance ext signing its adverts with KEY.key.
conf() {
	vr_conf_ext "$1" '"10.0.0.100/24"' \
		"auth_type = \"hmac\"; auth_key_file = \"$LAB_TMP/$2.key\";"
}

vr_start b b "$(conf 100 good)" || exit 1
lab_bg x tcpdump tcpdump -i eth0 -U --immediate-mode -n -c 5 -w "$LAB_TMP/a.pcap" \
	'ip proto 112 and src 10.0.0.1'
wait_for "grep -q listening $LAB_TMP/tcpdump.log" 10
vr_start a a "$(conf 150 good)" || exit 1
wait_for '[ "$(vr_state a ext)/$(vr_state b ext)" = MASTER/BACKUP ]' 10
tap_is "$(vr_state a ext)/$(vr_state b ext)" MASTER/BACKUP "same key: a master, b backup"
tap_is "$(vr_get b ext master)/$(vr_get b ext counters.invalid)" "10.0.0.1/0" \
	"b accepts a's signed adverts"
tap_like "$(tshark -r "$LAB_TMP/a.pcap" -Y 'vrrp.checksum.status == 1' 2>/dev/null | wc -l)" '^[1-9]' \
	"signed adverts still carry a good VRRP checksum (tshark)"

vr_start c c "$(conf 254 other)" || exit 1
# c's adverts reach b 10 a second once c is master (it refuses a's too):
# wait until b has refused 10 of them, however slowly c comes up.
wait_for '[ "$(vr_get b ext counters.errors.auth)" -ge 10 ]' 10
tap_like "$(vr_get b ext counters.errors.auth)" '^[1-9]' "another key: refused and counted (auth)"
tap_is "$(vr_get b ext master)/$(vr_get a ext state)" "10.0.0.1/MASTER" \
	"... and ignored: c at priority 254 moves nobody"
vr_stop c

# Replay: a's recorded advert, sent again once a has gone.
vr_stop a
wait_for '[ "$(vr_state b ext)" = MASTER ]' 5
trans=$(vr_get b ext transitions)
lab_exec x python3 - "$LAB_TMP/a.pcap" <<'EOF2'
import socket, struct, sys
data = open(sys.argv[1], "rb").read()
off, frames = 24, []
while off + 16 <= len(data):
    incl = struct.unpack("<I", data[off + 8:off + 12])[0]
    frames.append(data[off + 16:off + 16 + incl])
    off += 16 + incl
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for _ in range(10):
    s.send(frames[0])
EOF2
wait_for '[ "$(vr_get b ext counters.errors.replay)" -ge 10 ]' 5
tap_like "$(vr_get b ext counters.errors.replay)" '^([1-9]|10)$' "a replayed advert is refused and counted (replay)"
tap_is "$(vr_state b ext)/$(vr_get b ext transitions)" "MASTER/$trans" "... and changes nothing"
tap_done
