/* tandemctl output: the director's JSON replies printed in ipvsadm's exact
 * layouts (-L, --stats, --rate, --thresholds, -c, --timeout, -S), plus the
 * Tandem-only status view and --json. Pure: replies in, text to a FILE. */
#ifndef TANDEM_CTL_FORMAT_H
#define TANDEM_CTL_FORMAT_H

#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

/* Listing format flags, named after ipvsadm's FMT_* bits. */
#define FMT_NUMERIC		0x0001
#define FMT_RULE		0x0002	/* -S */
#define FMT_STATS		0x0004
#define FMT_RATE		0x0008
#define FMT_THRESHOLDS		0x0010
#define FMT_PERSISTENTCONN	0x0020
#define FMT_NOSORT		0x0040
#define FMT_EXACT		0x0080

/* What ipvsadm prints as the IPVS version in the -L header. */
#define FMT_IPVS_VERSION	"1.2.1"
#define FMT_DEFAULT_TABSIZE	4096

/* -L: a get_services reply. single: -L -t VIP (no version line). */
void	fmt_list(FILE *out, json_object *reply, unsigned fmt, int single);
/* -S: a get_services reply as ipvsadm -S rule lines. */
void	fmt_save(FILE *out, json_object *reply, unsigned fmt);
/* -L -c: the header once, then each page of a get_conns reply. */
void	fmt_conns_header(FILE *out);
void	fmt_conns(FILE *out, json_object *reply, unsigned fmt);
/* -L --timeout: a get_timeouts reply. */
void	fmt_timeouts(FILE *out, json_object *reply);
/* tandemctl status: a status reply, readable. */
void	fmt_status(FILE *out, json_object *reply);
/* --json: any reply, pretty, one trailing newline. */
void	fmt_json(FILE *out, json_object *reply);
/* ipvsadm's print_largenum: 9 columns, K/M/G/T unless FMT_EXACT. */
void	fmt_largenum(FILE *out, uint64_t v, unsigned fmt);

#endif
