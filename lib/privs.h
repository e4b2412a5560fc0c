/* Capabilities: after start-up each daemon keeps only those it needs
 * (libcap-ng), in its effective, permitted and bounding sets. */
#ifndef TANDEM_PRIVS_H
#define TANDEM_PRIVS_H

/* Keep only caps[0..n-1] (CAP_* numbers) of what the process holds in its
 * effective and permitted sets; with bounding, the bounding set too when
 * it may change it (CAP_SETPCAP), so that nothing it runs gets more. Logs
 * what is kept. Call before starting threads: capabilities are per thread,
 * and threads made later inherit them. 0, or -1 when refused. */
int	privs_keep(const char *who, const int *caps, int n, int bounding);

#endif
