#!/bin/bash
# Build every libFuzzer target in tests/fuzz/ with clang into $1
# (default build/fuzz). The daemons' sources are compiled once, with the
# sanitizers and fuzzer coverage, into static archives (core: lib,
# director, vrrp, sync; snmp; healthcheck) that each target links, so
# that only what a target uses is pulled in.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-build/fuzz}
mkdir -p "$out/obj"
san="-g -O1 -fsanitize=address,undefined"
cflags="$san -std=gnu11 -D_GNU_SOURCE -Ilib -Idirector -Ivrrp -Isync -Isnmp -Ihealthcheck $(pkg-config --cflags libnl-3.0 json-c)"
libs="$(pkg-config --libs libevent libnl-3.0 libnl-route-3.0 libconfig libcrypto json-c) -lpthread"
# lib/privs.c: libcap-ng
libs="$libs $(pkg-config --libs libcap-ng)"
jobs=$(nproc 2>/dev/null || echo 2)

# archive NAME DIR...: $out/libfz_NAME.a from DIR/*.c but main.c, rebuilt
# whole when any source or header there (or in lib/) is newer.
archive() {
	local name=$1 a="$out/libfz_$1.a" srcs
	shift
	srcs=$(for d in "$@"; do ls "$d"/*.c 2>/dev/null | grep -v "^$d/main.c$"; done)
	[ -n "$srcs" ] || return 0
	if [ -f "$a" ] && [ -z "$(find "$@" lib -newer "$a" -name '*.[ch]' -print -quit)" ]; then
		return 0
	fi
	echo "  FUZZ-AR libfz_$name.a"
	mkdir -p "$out/obj/$name"
	rm -f "$out/obj/$name"/*.o
	# shellcheck disable=SC2086
	printf '%s\n' $srcs | xargs -P "$jobs" -I{} sh -c \
		'o="$1/$(echo "$2" | tr / _).o"; clang $3 -fsanitize=fuzzer-no-link -c -o "$o" "$2"' \
		_ "$out/obj/$name" {} "$cflags"
	rm -f "$a"
	ar rcs "$a" "$out/obj/$name"/*.o
}
archive core lib director vrrp sync
archive snmp snmp
archive hc healthcheck

for t in tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	extra="" extra_libs=""
	case $name in fuzz_snmp_*)
		extra="$out/libfz_snmp.a" extra_libs="-lnetsnmpagent -lnetsnmp" ;;
	fuzz_check_*)
		extra="$out/libfz_hc.a"
		extra_libs="$(pkg-config --libs libssl libevent_openssl)" ;;
	esac
	if [ ! -x "$out/$name" ] || [ "$t" -nt "$out/$name" ] ||
	    [ "$out/libfz_core.a" -nt "$out/$name" ] ||
	    { [ -n "$extra" ] && [ "$extra" -nt "$out/$name" ]; }; then
		echo "  FUZZ    $name"
		# shellcheck disable=SC2086
		clang $cflags -fsanitize=fuzzer -o "$out/$name" "$t" $extra \
			"$out/libfz_core.a" $libs $extra_libs
	fi
done
