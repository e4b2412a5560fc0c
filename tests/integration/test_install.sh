#!/bin/bash
# Packaging: `make install DESTDIR=... PREFIX=...` lays out the binaries,
# man pages, example configs, systemd units and MIB files where they
# belong; the units point at the PREFIX, are hardened and pass
# systemd-analyze verify; every installed example passes tandemd -t; every
# man page in man/ lints clean with mandoc.
. "$(dirname "$0")/lib.sh"

ROOT="$LAB_TMP/root"
out=$(make -C "$LAB_ROOT" --no-print-directory install DESTDIR="$ROOT" PREFIX=/usr 2>&1)
rc=$?
tap_is "$rc" 0 "make install DESTDIR=... PREFIX=/usr succeeds"
[ $rc -eq 0 ] || printf '%s\n' "$out" | tail -20 | sed 's/^/#   /'

# mode_of PATH: octal permission bits, or "missing".
mode_of() { stat -c %a "$1" 2>/dev/null || echo missing; }

# The tree a user expects, named from the source tree itself.
want=()
for b in "$LAB_ROOT"/build/bin/*; do want+=("usr/sbin/${b##*/} 755"); done
for m in "$LAB_ROOT"/man/*.8; do want+=("usr/share/man/man8/${m##*/} 644"); done
for m in "$LAB_ROOT"/man/*.5; do want+=("usr/share/man/man5/${m##*/} 644"); done
for c in "$LAB_ROOT"/etc/*.conf; do want+=("usr/share/doc/tandem/examples/${c##*/} 644"); done
for u in "$LAB_ROOT"/etc/systemd/*; do want+=("usr/lib/systemd/system/${u##*/} 644"); done
for f in "$LAB_ROOT"/snmp/mibs/* "$LAB_ROOT"/etc/mibs/*; do
	[ -f "$f" ] && want+=("usr/share/snmp/mibs/${f##*/} 644")
done
bad=()
for w in "${want[@]}"; do
	got=$(mode_of "$ROOT/${w% *}")
	[ "$got" = "${w#* }" ] || bad+=("${w% *}: mode $got, want ${w#* }")
done
if [ ${#bad[@]} -eq 0 ]; then
	tap_ok "every binary, man page, example, unit and MIB installed with its mode (${#want[@]} files)"
else
	tap_fail "the installed tree" "${bad[@]}"
fi
extra=$(cd "$ROOT" && find . -type f | sed 's|^\./||' | sort |
	grep -vxF -f <(printf '%s\n' "${want[@]% *}"))
tap_is "$extra" "" "nothing else is installed"
tap_is "$(mode_of "$ROOT/etc/tandem")" 755 "the config directory /etc/tandem exists"

# The product's core names, so that a missing build output cannot pass.
core="usr/sbin/tandemd usr/sbin/tandem-director usr/sbin/tandem-vrrpd
usr/sbin/tandem-syncd usr/sbin/tandemctl usr/share/man/man8/tandemd.8
usr/share/man/man5/tandem.conf.5 usr/lib/systemd/system/tandem.target
usr/lib/systemd/system/tandemd.service usr/lib/systemd/system/tandem-director.service
usr/lib/systemd/system/tandem-vrrpd.service usr/lib/systemd/system/tandem-syncd.service
usr/share/doc/tandem/examples/dr-lb1.conf usr/share/doc/tandem/examples/dr-lb2.conf
usr/share/doc/tandem/examples/nat-lb1.conf usr/share/doc/tandem/examples/nat-lb2.conf"
missing=""
for f in $core; do [ -f "$ROOT/$f" ] || missing+=" $f"; done
tap_is "$missing" "" "tandemd, the daemons, their units and the DR and NAT pair examples are there"

for c in "$ROOT"/usr/share/doc/tandem/examples/*.conf; do
	tap_cmd "installed tandemd -t accepts ${c##*/}" "$ROOT/usr/sbin/tandemd" -t -f "$c"
done

# --- systemd units ----------------------------------------------------------
U="$ROOT/usr/lib/systemd/system"
tap_is "$(grep -l '@' "$U"/* 2>/dev/null)" "" "no @PLACEHOLDER@ is left in the units"
tap_is "$(sed -n 's/^ExecStart=//p' "$U/tandemd.service")" \
	"/usr/sbin/tandemd -f /etc/tandem/tandem.conf" "tandemd.service runs /usr/sbin/tandemd on /etc/tandem/tandem.conf"
missing=""
for u in "$U"/*.service; do
	for k in NoNewPrivileges=yes PrivateTmp=yes ProtectSystem=strict \
	    ProtectHome=yes 'CapabilityBoundingSet=' RuntimeDirectory=tandem; do
		grep -q "^$k" "$u" || missing+=" ${u##*/}:$k"
	done
done
tap_is "$missing" "" "every unit: NoNewPrivileges, PrivateTmp, ProtectSystem=strict, a capability bounding set"
caps() { sed -n 's/^CapabilityBoundingSet=//p' "$U/$1.service"; }
tap_is "$(caps tandem-director)" "CAP_NET_RAW CAP_NET_ADMIN" "the director's unit: CAP_NET_RAW and CAP_NET_ADMIN only"
tap_is "$(caps tandem-snmpd)" "" "the SNMP subagent's unit: no capability"
if command -v systemd-analyze >/dev/null; then
	v=$(cd "$U" && systemd-analyze verify --man=no ./*.service ./*.target 2>&1 |
		grep -v 'is not executable')
	tap_is "$v" "" "systemd-analyze verify: no unknown key or bad value in any unit"
else
	tap_fail "systemd-analyze verify" "systemd-analyze is not installed"
fi

# PREFIX and SYSCONFDIR reach the units.
ROOT2="$LAB_TMP/root2"
make -C "$LAB_ROOT" --no-print-directory install DESTDIR="$ROOT2" PREFIX=/opt/tandem \
	SYSCONFDIR=/opt/tandem/etc >/dev/null 2>&1
tap_is "$(sed -n 's/^ExecStart=//p' "$ROOT2/opt/tandem/lib/systemd/system/tandem-vrrpd.service")" \
	"/opt/tandem/sbin/tandem-vrrpd -f /opt/tandem/etc/tandem/tandem.conf" \
	"PREFIX=/opt/tandem SYSCONFDIR=/opt/tandem/etc: the units follow"

# --- man pages --------------------------------------------------------------
for m in "$LAB_ROOT"/man/*.[1-8]; do
	tap_is "$(mandoc -T lint "$m" 2>&1)" "" "mandoc -T lint: man/${m##*/} is clean"
done
tap_like "$(mandoc -T ascii "$ROOT/usr/share/man/man8/tandemd.8" | sed "s/.\x08//g")" \
	"tandemd - supervise the daemons of a Tandem director node" "the installed tandemd(8) renders"
tap_done
