/* Requests built from a struct ctl_cmd. ipvsadm replaces every attribute
 * of a service or real server on -E and -e (absent options fall back to
 * their defaults), so edits send every key, not only the options given. */
#include "request.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static const char *
proto_json(int proto)
{
	switch (proto) {
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	default:
		return "tcp";
	}
}

static const char *
fwd_json(enum cmd_fwd fwd)
{
	switch (fwd) {
	case CMD_FWD_NAT:
		return "nat";
	case CMD_FWD_TUN:
		return "tun";
	default:
		return "dr";
	}
}

static void
add_str(json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val));
}

static void
add_int(json_object *o, const char *key, int64_t val)
{
	json_object_object_add(o, key, json_object_new_int64(val));
}

static void
add_addr(json_object *o, const char *key, const struct tnd_addr *a)
{
	char buf[ADDR_STRLEN];

	add_str(o, key, addr_str(a, buf, sizeof(buf)));
}

static json_object *
new_req(const char *name)
{
	json_object *o = json_object_new_object();

	if (o)
		add_str(o, "cmd", name);
	return o;
}

/* {"proto": "tcp", "addr": "10.0.0.100", "port": 80} */
static void
add_service(json_object *req, const struct cmd_svc *svc)
{
	json_object *s = json_object_new_object();

	if (svc->fwmark) {
		add_int(s, "fwmark", svc->fwmark);
	} else {
		add_str(s, "proto", proto_json(svc->proto));
		add_addr(s, "addr", &svc->addr);
		add_int(s, "port", svc->port);
	}
	json_object_object_add(req, "service", s);
}

static void
add_sched_flags(json_object *req, const char *flags)
{
	json_object *arr = json_object_new_array();
	char buf[CMD_SCHED_MAX], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", flags);
	for (char *f = strtok_r(buf, ",", &save); f != NULL;
	    f = strtok_r(NULL, ",", &save))
		json_object_array_add(arr, json_object_new_string(f));
	json_object_object_add(req, "sched_flags", arr);
}

static json_object *
service_req(const char *name, const struct ctl_cmd *cmd)
{
	json_object *req = new_req(name);
	char buf[ADDR_STRLEN];

	add_service(req, &cmd->svc);
	add_str(req, "scheduler", cmd->sched);
	add_int(req, "persistent", cmd->persistent);
	if (cmd->svc.addr.af == AF_INET6)
		add_int(req, "netmask", cmd->netmask_len);
	else
		add_str(req, "netmask", addr_str(&cmd->netmask, buf, sizeof(buf)));
	json_object_object_add(req, "ops", json_object_new_boolean(cmd->ops));
	add_str(req, "pe", cmd->pe);	/* "" clears it, as -E without --pe */
	add_sched_flags(req, cmd->sched_flags);
	return req;
}

static json_object *
dest_req(const char *name, const struct ctl_cmd *cmd, int full)
{
	json_object *req = new_req(name);

	add_service(req, &cmd->svc);
	add_addr(req, "addr", &cmd->daddr);
	add_int(req, "port", cmd->dport);
	if (!full)
		return req;
	add_str(req, "method", fwd_json(cmd->fwd));
	add_int(req, "weight", cmd->weight);
	add_int(req, "u_threshold", cmd->u_threshold);
	add_int(req, "l_threshold", cmd->l_threshold);
	if (cmd->tun_type[0])
		add_str(req, "tun_type", cmd->tun_type);
	if (cmd->opts & OPT_TUNPORT)
		add_int(req, "tun_port", cmd->tun_port);
	if (cmd->opts & OPT_TUNCSUM)
		add_int(req, "tun_csum", cmd->tun_csum);
	return req;
}

/* A request with the service only when one was given. */
static json_object *
maybe_service_req(const char *name, const struct ctl_cmd *cmd)
{
	json_object *req = new_req(name);

	if (cmd->opts & OPT_SERVICE)
		add_service(req, &cmd->svc);
	return req;
}

static json_object *
list_req(const struct ctl_cmd *cmd)
{
	if (cmd->opts & OPT_CONNECTION)
		return new_req("get_conns");
	if (cmd->opts & OPT_TIMEOUT)
		return new_req("get_timeouts");
	return maybe_service_req("get_services", cmd);
}

static json_object *
set_req(const struct ctl_cmd *cmd)
{
	json_object *req = new_req("set_timeouts");

	add_int(req, "tcp", cmd->timeout[0]);
	add_int(req, "tcpfin", cmd->timeout[1]);
	add_int(req, "udp", cmd->timeout[2]);
	return req;
}

json_object *
req_build(const struct ctl_cmd *cmd)
{
	json_object *req;

	switch (cmd->kind) {
	case CMD_ADD:
		return service_req("add_service", cmd);
	case CMD_EDIT:
		return service_req("edit_service", cmd);
	case CMD_DEL:
		req = new_req("del_service");
		add_service(req, &cmd->svc);
		return req;
	case CMD_FLUSH:
		return new_req("clear");
	case CMD_LIST:
		return list_req(cmd);
	case CMD_SAVE:
		return new_req("get_services");
	case CMD_ADDDEST:
		return dest_req("add_dest", cmd, 1);
	case CMD_EDITDEST:
		return dest_req("edit_dest", cmd, 1);
	case CMD_DELDEST:
		return dest_req("del_dest", cmd, 0);
	case CMD_ZERO:
		return maybe_service_req("zero", cmd);
	case CMD_SET:
		return set_req(cmd);
	case CMD_STATUS:
		return new_req("status");
	default:
		return NULL;
	}
}
