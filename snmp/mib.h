/* The OIDs tandem-snmpd serves: RFC 6527's VRRPV3-MIB and our TANDEM-MIB
 * (mibs/TANDEM-MIB.txt; its enterprise arc is a placeholder under
 * net-snmp's netSnmpPlaypen until a number is registered). */
#ifndef TANDEM_SNMP_MIB_H
#define TANDEM_SNMP_MIB_H

#include "oidtab.h"
#include "snmpd.h"

/* vrrpv3MIB: mib-2 207 */
#define VRRPV3_OID		1, 3, 6, 1, 2, 1, 207
#define VRRPV3_LEN		7
/* tandemMIB: netSnmpPlaypen 1701 */
#define TANDEM_OID		1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 1701
#define TANDEM_LEN		10

/* Column numbers, as in the MIB files. */
enum { VROP_MASTER = 3, VROP_PRIMARY, VROP_VMAC, VROP_STATUS, VROP_PRIORITY,
	VROP_ADDRCOUNT, VROP_ADVINT, VROP_PREEMPT, VROP_ACCEPT, VROP_UPTIME,
	VROP_ROWSTATUS };
enum { VRST_TRANSITIONS = 1, VRST_NEWMASTER_REASON, VRST_RCVD_ADV,
	VRST_ADVINT_ERR, VRST_TTL_ERR, VRST_PROTOERR_REASON, VRST_RCVD_PRIO0,
	VRST_SENT_PRIO0, VRST_INVALID_TYPE, VRST_ADDRLIST_ERR, VRST_LENGTH_ERR,
	VRST_DISCONT, VRST_REFRESH };

/* An instance's row index in the VRRPV3 tables: ifIndex, VrId, addr type. */
struct mib_vr_index {
	oid	idx[3];
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* Helpers shared by the two builders (mib.c): one table cell, the name
 * pre + column + index, with a typed value; -1 when the table is full. */
struct mib_cell {
	oid	name[OIDTAB_OID_MAX];
	size_t	len;
};

void	mib_cell_set(struct mib_cell *c, const oid *pre, size_t plen, oid col,
	    const oid *idx, size_t ilen);
int	mib_put_int(struct oidtab *t, const oid *pre, size_t plen, oid col,
	    const oid *idx, size_t ilen, u_char type, long v);
int	mib_put_uns(struct oidtab *t, const oid *pre, size_t plen, oid col,
	    const oid *idx, size_t ilen, u_char type, int64_t v);
int	mib_put_c64(struct oidtab *t, const oid *pre, size_t plen, oid col,
	    const oid *idx, size_t ilen, int64_t v);
int	mib_put_str(struct oidtab *t, const oid *pre, size_t plen, oid col,
	    const oid *idx, size_t ilen, const void *s, size_t len);
/* An address ("10.0.0.1", "fe80::1", "10.0.0.1/24"): InetAddressType
 * (1 ipv4, 2 ipv6, 0 unknown), its bytes in out, their number in len. */
int	mib_inet_parse(const char *s, uint8_t out[16], size_t *len);
/* A vrrpd instance's row index; -1 when its interface is not here. */
int	snmp_mib_vr_index(json_object *inst, oid idx[3]);
void	snmp_mib_vrrp(const struct snmp_model *m, struct oidtab *t,
	    double poll);
void	snmp_mib_tandem(const struct snmp_model *m, struct oidtab *t);

#endif
