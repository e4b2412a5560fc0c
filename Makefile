# Tandem: build, test, demo, bench, install.
# `make` builds every binary into build/bin/; `make test` installs the Debian
# packages it needs (scripts/deps.sh) and runs unit, sanitizer, fuzz and
# integration tests, ending with one line "N passed, N failed".

PREFIX  ?= /usr/local
DESTDIR ?=
# make install: the config directory the units point at, systemd units,
# and the MIB files when the snmp folder has them.
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
MIBDIR  ?= $(PREFIX)/share/snmp/mibs
MIB_FILES = $(wildcard snmp/mibs/*.txt snmp/mibs/*-MIB etc/mibs/*.txt etc/mibs/*-MIB)
B       := build

CC      ?= gcc
PKGS    := libevent libnl-3.0 libnl-route-3.0 libconfig libcrypto json-c \
           libssl libevent_openssl
PKGS    += libcap-ng
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter
CFLAGS  ?= -O2 -g
override CFLAGS += -std=gnu11 $(WARN) -D_GNU_SOURCE -Ilib $(PKG_CFLAGS)
LDLIBS  := $(PKG_LIBS) -lpthread

LIB_SRC := $(wildcard lib/*.c)
DIR_SRC := $(filter-out director/main.c,$(wildcard director/*.c))
CTL_SRC := $(filter-out ctl/main.c,$(wildcard ctl/*.c))
VRRP_SRC := $(filter-out vrrp/main.c,$(wildcard vrrp/*.c))
SYNC_SRC := $(filter-out sync/main.c,$(wildcard sync/*.c))
SNMP_SRC := $(filter-out snmp/main.c,$(wildcard snmp/*.c))
SNMP_LIBS := -lnetsnmpagent -lnetsnmp
HC_SRC  := $(filter-out healthcheck/main.c,$(wildcard healthcheck/*.c))
NODE_SRC := $(filter-out node/main.c,$(wildcard node/*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o)
DIR_OBJ := $(DIR_SRC:%.c=$(B)/obj/%.o)
CTL_OBJ := $(CTL_SRC:%.c=$(B)/obj/%.o)
VRRP_OBJ := $(VRRP_SRC:%.c=$(B)/obj/%.o)
SYNC_OBJ := $(SYNC_SRC:%.c=$(B)/obj/%.o)
SNMP_OBJ := $(SNMP_SRC:%.c=$(B)/obj/%.o)
HC_OBJ  := $(HC_SRC:%.c=$(B)/obj/%.o)
NODE_OBJ := $(NODE_SRC:%.c=$(B)/obj/%.o)

BINS    := $(B)/bin/tandem-director $(B)/bin/tandemctl $(B)/bin/tandem-vrrpd $(B)/bin/tandem-syncd \
           $(B)/bin/tandem-snmpd $(B)/bin/tandem-checkd
BINS    += $(B)/bin/tandemd
TOOLS   := $(patsubst tests/tools/%.c,$(B)/tools/%,$(wildcard tests/tools/*.c))
UNITS   := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all tools deps test unit unit-asan fuzz integration demo bench install clean lint
all: $(BINS) tools

$(B)/obj/%.o: %.c $(wildcard lib/*.h director/*.h ctl/*.h vrrp/*.h sync/*.h snmp/*.h healthcheck/*.h node/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(B)/libtandem.a: $(LIB_OBJ)
	@rm -f $@; ar rcs $@ $^
$(B)/libdirector.a: $(DIR_OBJ)
	@rm -f $@; ar rcs $@ $^

$(B)/bin/tandem-director: $(B)/obj/director/main.o $(B)/libdirector.a $(B)/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(B)/libctl.a: $(CTL_OBJ)
	@rm -f $@; ar rcs $@ $^

$(B)/bin/tandemctl: $(B)/obj/ctl/main.o $(B)/libctl.a $(B)/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
$(B)/libvrrp.a: $(VRRP_OBJ)
	@rm -f $@; ar rcs $@ $^

$(B)/libsync.a: $(SYNC_OBJ)
	@rm -f $@; ar rcs $@ $^

$(B)/bin/tandem-syncd: $(B)/obj/sync/main.o $(B)/libsync.a $(B)/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/libsnmpd.a: $(SNMP_OBJ)
	@rm -f $@; ar rcs $@ $^

$(B)/bin/tandem-snmpd: $(B)/obj/snmp/main.o $(B)/libsnmpd.a $(B)/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) $(SNMP_LIBS)

$(B)/bin/tandem-vrrpd: $(B)/obj/vrrp/main.o $(B)/libvrrp.a $(B)/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/libcheckd.a: $(HC_OBJ)
	@rm -f $@; ar rcs $@ $^

$(B)/bin/tandem-checkd: $(B)/obj/healthcheck/main.o $(B)/libcheckd.a $(B)/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/libnode.a: $(NODE_OBJ)
	@rm -f $@; ar rcs $@ $^

# tandemd checks the sync and snmp sections with their daemons' parsers.
$(B)/bin/tandemd: $(B)/obj/node/main.o $(B)/libnode.a $(B)/libsync.a $(B)/libsnmpd.a $(B)/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

tools: $(TOOLS)
$(B)/tools/syncsend: tests/tools/syncsend.c $(B)/libsync.a $(B)/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Isync -o $@ $^ $(LDLIBS)
# streamcheck is the one tool in several files (tests/tools/streamcheck/).
SC_SRC := $(wildcard tests/tools/streamcheck/*.c)
$(B)/tools/streamcheck: tests/tools/streamcheck.c $(SC_SRC) tests/tools/streamcheck/sc.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/tools/streamcheck -o $@ tests/tools/streamcheck.c $(SC_SRC)
$(B)/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< -lpthread

$(B)/tests/%: tests/unit/%.c $(B)/libdirector.a $(B)/libctl.a $(B)/libvrrp.a $(B)/libnode.a $(B)/libsync.a $(B)/libsnmpd.a $(B)/libcheckd.a $(B)/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Idirector -Ictl -Ivrrp -Isync -Isnmp -Ihealthcheck -Inode -o $@ $^ $(LDLIBS) $(SNMP_LIBS) -lcmocka

# The unit tests again, under AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	$(MAKE) --no-print-directory B=$(B)/asan CC=clang \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  $(patsubst $(B)/tests/%,$(B)/asan/tests/%,$(UNITS))

deps:
	@scripts/deps.sh

unit: $(UNITS)
unit-asan: asan
fuzz:
	@tests/fuzz/build.sh $(B)/fuzz

test: deps
	@tests/run.sh

demo: deps all
	@tests/demo.sh

# Bench-only programs (not part of make test): the scheduler cost per pick
# and the UDP packet-rate blaster and sink.
BENCH_BINS := $(B)/bench/sched_bench $(B)/bench/udpblast
$(B)/bench/sched_bench: tests/bench/sched_bench.c $(B)/libdirector.a $(B)/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Idirector -o $@ $^ $(LDLIBS)
$(B)/bench/udpblast: tests/bench/udpblast.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

bench: deps all $(BENCH_BINS)
	@tests/bench/run.sh

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	  --suppress=missingIncludeSystem --inline-suppr -Ilib lib director ctl vrrp sync snmp healthcheck node
	clang-tidy --quiet -warnings-as-errors='*' -checks='-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier' \
	  $(LIB_SRC) $(DIR_SRC) director/main.c $(CTL_SRC) ctl/main.c $(VRRP_SRC) vrrp/main.c $(SYNC_SRC) sync/main.c $(SNMP_SRC) snmp/main.c $(HC_SRC) healthcheck/main.c -- -std=gnu11 -D_GNU_SOURCE -Ilib $(PKG_CFLAGS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	  --suppress=missingIncludeSystem --inline-suppr -Ilib -Isync -Itests/tools/streamcheck tests/tools
	clang-tidy --quiet -warnings-as-errors='*' -checks='-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier' \
	  $(wildcard tests/tools/*.c) $(SC_SRC) -- -std=gnu11 -D_GNU_SOURCE -Ilib -Isync -Itests/tools/streamcheck $(PKG_CFLAGS)
	clang-tidy --quiet -warnings-as-errors='*' -checks='-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier' \
	  $(NODE_SRC) node/main.c -- -std=gnu11 -D_GNU_SOURCE -Ilib $(PKG_CFLAGS)

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8 \
	  $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/doc/tandem/examples
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/sbin/
	install -m 0644 man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 0644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 0644 etc/*.conf $(DESTDIR)$(PREFIX)/share/doc/tandem/examples/
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/tandem $(DESTDIR)$(UNITDIR)
	for u in etc/systemd/*.service etc/systemd/*.target; do \
	  sed -e 's|@SBINDIR@|$(PREFIX)/sbin|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    $$u >$(DESTDIR)$(UNITDIR)/$${u##*/} && \
	  chmod 0644 $(DESTDIR)$(UNITDIR)/$${u##*/} || exit 1; done
	$(if $(MIB_FILES),install -d $(DESTDIR)$(MIBDIR) && \
	  install -m 0644 $(MIB_FILES) $(DESTDIR)$(MIBDIR)/)

clean:
	rm -rf $(B)
