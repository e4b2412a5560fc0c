#!/bin/bash
# Installs every Debian package that Tandem's build, tests, demo and bench need.
# Idempotent: when everything is present it only asks dpkg and returns.
set -euo pipefail

# The one list. Keep it sorted by purpose; a package here is installed on every
# machine that runs `make test`, `make demo` or `make bench`.
PACKAGES=(
	# build
	build-essential clang pkg-config
	libevent-dev libnl-3-dev libnl-route-3-dev libconfig-dev libssl-dev
	libjson-c-dev libsnmp-dev
	# privileges: each daemon keeps only the capabilities it needs
	libcap-ng-dev
	# unit tests, sanitizers, fuzzers (libclang-rt-14-dev holds libFuzzer and
	# the ASan/UBSan runtimes for Debian 12's clang 14)
	libcmocka-dev libclang-rt-14-dev
	# lint and docs
	cppcheck clang-tidy mandoc
	# make install's test checks the systemd units (systemd-analyze verify)
	systemd
	# integration labs, demo and bench
	iproute2 nftables iputils-ping procps tcpdump tshark python3 python3-scapy
	nginx-light wrk curl haproxy keepalived snmpd snmp
	# monitoring: the trap receiver and the MIB checker (smilint)
	snmptrapd smitools
	# real SMTP and DNS servers for the checker's tests (run in namespaces)
	opensmtpd dnsmasq-base
)

missing=()
for p in "${PACKAGES[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = "installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: not root; install these packages first: ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no, without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	debconf-set-selections
# Daemons pulled in here (nginx, haproxy, keepalived, snmpd, opensmtpd) must not start on
# the host: tests run their own copies inside namespaces. Where the machine has
# no policy-rc.d, put a temporary one that refuses every start.
policy=/usr/sbin/policy-rc.d
ours=""
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	ours=1
	trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	"${missing[@]}" </dev/null
if [ -n "$ours" ]; then rm -f "$policy"; trap - EXIT; fi
# Under systemd, units are enabled on install; keep them off on the host.
if [ -d /run/systemd/system ]; then
	for s in nginx haproxy keepalived snmpd snmptrapd opensmtpd; do
		systemctl disable --now "$s" >/dev/null 2>&1 || true
	done
fi
