/* tandemctl's usage and help text: ipvsadm's commands and options, and
 * what Tandem adds (status, --json, --run-dir). */
#include "parse.h"

static const char *const synopsis[] = {
	("-A|E virtual-service [-s scheduler] [-p [timeout]]\n"
	 "                 [-M netmask] [-b flags] [-o]"),
	"-D virtual-service",
	"-C",
	"-R",
	"-S [-n]",
	"-a|e virtual-service -r server-address [options]",
	"-d virtual-service -r server-address",
	"-L|l [virtual-service] [options]",
	"-Z [virtual-service]",
	"--set tcp tcpfin udp",
	"status",
	"reload",
	"-h",
};

static const char commands[] =
	"Commands:\n"
	"Either long or short options are allowed.\n"
	"  --add-service     -A        add virtual service with options\n"
	"  --edit-service    -E        edit virtual service with options\n"
	"  --delete-service  -D        delete virtual service\n"
	"  --clear           -C        clear the whole table\n"
	"  --restore         -R        restore rules (ipvsadm -S lines) from stdin\n"
	"  --save            -S        save rules to stdout\n"
	"  --add-server      -a        add real server with options\n"
	"  --edit-server     -e        edit real server with options\n"
	"  --delete-server   -d        delete real server\n"
	"  --list            -L|-l     list the table\n"
	"  --zero            -Z        zero counters in a service or all services\n"
	"  --set tcp tcpfin udp        set connection timeout values\n"
	"  status                      show the director's status counters\n"
	"                              (and tandemd's daemons when it runs)\n"
	"  reload                      check and apply the config file again\n"
	"  vrrp                        show tandem-vrrpd's VRRP instances\n"
	"  sync                        show tandem-syncd's role, peer and counters\n"
	"  checks                      show tandem-checkd's health checks\n"
	"  --help            -h        display this help message\n"
	"  --version         -v        display the version\n\n";

static const char options[] =
	"virtual-service:\n"
	"  --tcp-service|-t service-address   service-address is host[:port]\n"
	"  --udp-service|-u service-address   service-address is host[:port]\n"
	"  --sctp-service  service-address    service-address is host[:port]\n"
	"Options:\n"
	"  --scheduler    -s scheduler        one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|\n"
	"                                     sed|nq|fo|ovf|mh|twos,\n"
	"                                     the default scheduler is " CMD_DEF_SCHED ".\n"
	"  --sched-flags  -b flags            scheduler flags (comma-separated)\n"
	"  --persistent   -p [timeout]        persistent service (default 360 s)\n"
	"  --netmask      -M netmask          persistent granularity mask\n"
	"  --real-server  -r server-address   server-address is host (and port)\n"
	"  --gatewaying   -g                  gatewaying (direct routing) (default)\n"
	"  --ipip         -i                  ipip encapsulation (tunneling)\n"
	"  --masquerading -m                  masquerading (NAT)\n"
	"  --weight       -w weight           capacity of real server\n"
	"  --u-threshold  -x uthreshold       upper threshold of connections\n"
	"  --l-threshold  -y lthreshold       lower threshold of connections\n"
	"  --ops          -o                  one-packet scheduling (UDP)\n"
	"  --connection   -c                  output of current connections\n"
	"  --timeout                          output of timeout (tcp tcpfin udp)\n"
	"  --stats                            output of statistics information\n"
	"  --rate                             output of rate information\n"
	"  --exact        -X                  expand numbers (display exact values)\n"
	"  --thresholds                       output of thresholds information\n"
	"  --persistent-conn                  output of persistent connection info\n"
	"  --nosort                           disable sorting of services and servers\n"
	"  --sort                             does nothing, for backwards compatibility\n"
	"  --numeric      -n                  numeric output of addresses and ports\n"
	"  --json                             print the director's reply as JSON\n"
	"  --run-dir DIR                      control sockets' directory\n"
	"                                     (default " CMD_DEF_RUNDIR ")\n";

void
cmd_usage(FILE *out, const char *prog, int full)
{
	fprintf(out, "Usage:\n");
	for (size_t i = 0; i < sizeof(synopsis) / sizeof(synopsis[0]); i++)
		fprintf(out, "  %s %s\n", prog, synopsis[i]);
	if (!full) {
		fprintf(out, "Try `%s -h' or `%s --help' for more information.\n",
		    prog, prog);
		return;
	}
	fprintf(out, "\n%s%s", commands, options);
}
