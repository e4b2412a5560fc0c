#!/bin/bash
# Tandem's sync datagrams on the wire, judged by tshark's ipvs dissector:
# IPv4 and IPv6 entries, split over several datagrams at the kernel's 1472
# bytes, with and without Tandem's sequence/HMAC options, go to
# 224.0.0.81:8848 with TTL 1, and every field tshark decodes equals what
# the encoder put in. tshark's v1 dissector reads only the fixed part of an
# entry and steps by 36/72 bytes, ignoring the entry's size (and so its
# options): options are checked where tshark can follow them, at the end
# of a datagram's last entry (Tandem's trailer, a sequence-data option).
# Then a Python model of the kernel's receive path reads the same capture,
# options mid-datagram included, and must accept every entry as sent.
. "$(dirname "$0")/lib.sh"

command -v tshark >/dev/null || { tap_skip "tshark decodes sync" "no tshark"; tap_done; exit; }
[ -x "$TD_TOOLS/syncsend" ] || lab_die "build/tools/syncsend missing (make tools)"

lab_lan lan eth0 m=10.0.0.1/24 cap=10.0.0.2/24
PCAP="$LAB_TMP/sync.pcap"
KEY="$LAB_TMP/sync.key"
printf '0123456789abcdef0123456789abcdef\n' >"$KEY"

lab_bg cap tcpdump tcpdump -i eth0 -U --immediate-mode -n -w "$PCAP" 'udp port 8848'
TCPDUMP=$LAB_PID
wait_for "grep -q listening $LAB_TMP/tcpdump.log" 10 ||
	lab_die "tcpdump did not start: $(cat "$LAB_TMP/tcpdump.log")"

# Four runs, each printing the lines tshark should show for its datagrams.
send() { lab_exec m "$TD_TOOLS/syncsend" -i eth0 "$@"; sleep 0.2; }
{
	send -s 7 -n 100
	send -s 8 -n 30 -6
	send -s 9 -n 50 -k "$KEY"
	send -s 10 -n 20 -6 -k "$KEY"
	send -s 11 -n 2 -q
	send -s 12 -n 2 -6 -q -k "$KEY"
	send -s 13 -n 60 -q -k "$KEY"	# options mid-datagram: beyond tshark
} >"$LAB_TMP/sent" || lab_die "syncsend failed"
# Until tcpdump has written every datagram sent (or 5 s).
wait_for "[ \$(tcpdump -r $PCAP -n 2>/dev/null | wc -l) -ge \$(wc -l <$LAB_TMP/sent) ]" 5
lab_stop "$TCPDUMP" INT

ndg=$(wc -l <"$LAB_TMP/sent")
tap_like "$ndg" '^([5-9]|[1-9][0-9]+)$' "syncsend sent $ndg datagrams (100 IPv4 entries split over 3)"
tap_is "$(tshark -r "$PCAP" -Y 'ip.dst == 224.0.0.81 && udp.dstport == 8848 && ip.ttl == 1 && ipvs' 2>/dev/null | wc -l)" "$ndg" \
	"tshark sees all $ndg as ipvs to 224.0.0.81:8848 with TTL 1"
tap_is "$(tshark -r "$PCAP" -Y 'ipvs && _ws.malformed' 2>/dev/null | wc -l)" 0 \
	"none is malformed in tshark's view"
tap_is "$(tshark -r "$PCAP" -T fields -e ipvs.version 2>/dev/null | sort -u)" 1 \
	"every datagram is version 1"

# One line per datagram, fields as syncsend prints them.
got() {
	local f e=()
	for f in ipvs.syncid ipvs.conncount ipvs.size ipvs.proto ipvs.cport ipvs.vport \
		ipvs.dport "$1" "$2" "$3" ipvs.state ipvs.timeout ipvs.fwmark; do e+=(-e "$f"); done
	tshark -r "$PCAP" -Y "$4 && ipvs.syncid != 13" -T fields -E separator=/t -E occurrence=a -E aggregator=, "${e[@]}" 2>/dev/null
}
want4=$(awk -F'\t' '$1 != 13 && $8 !~ /:/' "$LAB_TMP/sent")
want6=$(awk -F'\t' '$1 != 13 && $8 ~ /:/' "$LAB_TMP/sent")
tap_is "$(got ipvs.caddr ipvs.vaddr ipvs.daddr 'ipvs && ipvs.caddr')" "$want4" \
	"IPv4 entries: syncid, count, size, protocol, ports, addresses, state, timeout, fwmark as sent"
tap_is "$(got ipvs.caddr6 ipvs.vaddr6 ipvs.daddr6 'ipvs && ipvs.caddr6')" "$want6" \
	"IPv6 entries: the same fields as sent"
tap_is "$(tshark -r "$PCAP" -Y 'ipvs.syncid == 11 || ipvs.syncid == 12' -T fields -e ipvs.syncid -e ipvs.flags.v1 -e ipvs.size.v1 \
	-E occurrence=a -E aggregator=, 2>/dev/null | tr '\t' ' ')" "11 0x00000000,0x00000600 36,62
12 0x00000000,0x00000600 72,142" \
	"entry flags and sizes: a last entry with sequence data (+26) and Tandem's trailer (+44)"

# The kernel's receive path (ip_vs_process_message, ip_vs_proc_sync_conn)
# modelled in Python over the same capture: every entry accepted, options
# stepped over by their length, Tandem's skipped as optional (type & 0x40),
# entries stepped by their 4-aligned size, as an IPVS backup would.
kernel_model() {
	python3 - "$PCAP" <<'PY'
import socket, struct, sys
def udp_payloads(path):
    # pcap as tcpdump -w writes it: Ethernet, IPv4, UDP.
    data = open(path, 'rb').read()
    assert struct.unpack('<I', data[:4])[0] == 0xa1b2c3d4 and struct.unpack('<I', data[20:24])[0] == 1
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack('<I', data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if frame[12:14] != b'\x08\x00' or frame[23] != 17:
            continue
        ip = frame[14:]
        udp = ip[(ip[0] & 15) * 4:]
        if struct.unpack('!H', udp[2:4])[0] == 8848:
            yield udp[8:struct.unpack('!H', udp[4:6])[0]]
for b in udp_payloads(sys.argv[1]):
    res, syncid, size, n, ver, spare = struct.unpack('!BBHBBH', b[:8])
    assert size == len(b) and ver == 1 and res == 0 and spare == 0, 'header'
    f = {k: [] for k in 'proto cport vport dport caddr vaddr daddr state timeout fwmark'.split()}
    end = 8
    for i in range(n):
        p = end
        assert p + 36 <= len(b), 'too small'
        typ, proto, vs = struct.unpack('!BBH', b[p:p + 4])
        esize = vs & 0x0fff
        assert vs >> 12 == 0 and p + esize <= len(b), 'entry size/version'
        fam, al = (socket.AF_INET6, 16) if typ & 1 else (socket.AF_INET, 4)
        assert typ in (0, 1), 'type'
        flags, state, cport, vport, dport, fwmark, timeout = struct.unpack('!IHHHHII', b[p + 4:p + 24])
        addrs = [socket.inet_ntop(fam, b[p + 24 + k * al:p + 24 + (k + 1) * al]) for k in range(3)]
        q, oend = p + 24 + 3 * al, p + esize
        assert q <= oend, 'base past size'
        while q < oend:
            assert q + 2 <= oend, 'option header'
            t, l = b[q], b[q + 1]
            q += 2
            assert l and q + l <= oend, 'option length'
            if (t & ~0x40) not in (1, 2, 3):
                assert t & 0x40, 'unknown mandatory option %#x' % t
            q += l
        for k, v in zip(('proto', 'cport', 'vport', 'dport', 'state', 'timeout', 'fwmark'),
                        ('0x%02x' % proto, cport, vport, dport, '0x%04x' % state, timeout, '0x%08x' % fwmark)):
            f[k].append(str(v))
        for k, a in zip(('caddr', 'vaddr', 'daddr'), addrs):
            f[k].append(a)
        end = p + ((esize + 3) & ~3)
    print('\t'.join([str(syncid), str(n), str(size)] + [','.join(f[k]) for k in
          'proto cport vport dport caddr vaddr daddr state timeout fwmark'.split()]))
PY
}
tap_is "$(kernel_model 2>&1)" "$(cat "$LAB_TMP/sent")" \
	"a model of the kernel's receive path accepts every entry of every datagram, as sent"
tap_done
