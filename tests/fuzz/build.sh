#!/bin/bash
# Build every libFuzzer target in tests/fuzz/ with clang into $1
# (default build/fuzz), linking the engine and shared library sources.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-build/fuzz}
mkdir -p "$out"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 -D_GNU_SOURCE -Ilib -Idirector -Ivrrp -Isync $(pkg-config --cflags libnl-3.0 json-c)"
libs="$(pkg-config --libs libevent libnl-3.0 libnl-route-3.0 libconfig libcrypto json-c) -lpthread"
# lib/privs.c: libcap-ng
libs="$libs $(pkg-config --libs libcap-ng)"
srcs="lib/*.c $(ls director/*.c | grep -v director/main.c) $(ls vrrp/*.c 2>/dev/null | grep -v vrrp/main.c) $(ls sync/*.c 2>/dev/null | grep -v sync/main.c)"
# tandem-snmpd's targets also take snmp/ and net-snmp.
snmp_srcs="$(ls snmp/*.c 2>/dev/null | grep -v snmp/main.c)"
# tandem-checkd's targets take healthcheck/ and OpenSSL's TLS.
hc_srcs="$(ls healthcheck/*.c 2>/dev/null | grep -v healthcheck/main.c)"
for t in tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	extra="" extra_libs=""
	case $name in fuzz_snmp_*)
		extra="-Isnmp $snmp_srcs" extra_libs="-lnetsnmpagent -lnetsnmp" ;;
	fuzz_check_*)
		extra="-Ihealthcheck $hc_srcs"
		extra_libs="$(pkg-config --libs libssl libevent_openssl)" ;;
	esac
	if [ ! -x "$out/$name" ] || [ -n "$(find lib director vrrp sync snmp healthcheck "$t" -newer "$out/$name" -name '*.[ch]' -print -quit 2>/dev/null)" ]; then
		echo "  FUZZ    $name"
		# shellcheck disable=SC2086
		clang $flags -o "$out/$name" "$t" $srcs $extra $libs $extra_libs
	fi
done
