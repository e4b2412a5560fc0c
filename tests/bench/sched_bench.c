/* Scheduler micro-benchmark: nanoseconds per pick (sched_pick, lock
 * included) for every scheduler at 10, 100 and 1000 real servers, the
 * median of several runs, printed as a markdown table. Servers have mixed
 * weights and connection counts; packets come from 4,096 sources to 4,096
 * destination addresses. Not part of make test. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frame.h"
#include "scheduler.h"
#include "service.h"

#define RUNS		7
#define RUN_NS		20000000ull	/* at least 20 ms per run */
#define NPKTS		4096

static const char *const names[] = {
	"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq",
	"fo", "ovf", "mh", "twos",
};
static const int sizes[] = { 10, 100, 1000 };

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
v4(struct tnd_addr *a, uint32_t host)
{
	memset(a, 0, sizeof(*a));
	a->af = AF_INET;
	for (int i = 0; i < 4; i++)
		a->bytes[i] = (uint8_t)(host >> (24 - 8 * i));
}

static struct service *
bench_service(struct svc_table *t, const char *sched, int n)
{
	struct service *s = NULL;
	struct tnd_addr a;

	v4(&a, 0x0a0000fe);
	if (svc_add(t, IPPROTO_TCP, &a, 80, sched, 0, 0xffffffffu, &s) != 0) {
		fprintf(stderr, "cannot add a %s service\n", sched);
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		v4(&a, 0x0a010000u + (uint32_t)i);
		if (svc_add_dest(t, s, &a, 80, FWD_DR, 1 + i % 10, 0, 0) != 0) {
			fprintf(stderr, "cannot add server %d\n", i);
			exit(1);
		}
	}
	/* Loads as a busy service might have them, with about half of the
	 * servers over their weight in active connections (ovf's limit);
	 * fixed seed. */
	srand(42);
	for (int i = 0; i < n; i++) {
		int w = atomic_load(&s->dests[i]->weight);
		atomic_store(&s->dests[i]->active, rand() % (2 * w + 1));
		atomic_store(&s->dests[i]->inactive, rand() % 200);
	}
	return s;
}

static void
bench_packets(struct pkt *pk)
{
	srand(7);
	for (int i = 0; i < NPKTS; i++) {
		memset(&pk[i], 0, sizeof(pk[i]));
		pk[i].proto = IPPROTO_TCP;
		v4(&pk[i].saddr, 0xc0000000u | ((uint32_t)rand() & 0xffffff));
		v4(&pk[i].daddr, 0xac100000u + (uint32_t)i);
		pk[i].sport = (uint16_t)(1024 + rand() % 60000);
		pk[i].dport = 80;
	}
}

/* One run: ns per pick over at least RUN_NS. */
static double
bench_run(struct service *s, const struct pkt *pk)
{
	uint64_t start = now_ns(), end;
	unsigned long picks = 0, hits = 0;

	do {
		for (int i = 0; i < 1024; i++)
			hits += sched_pick(s, &pk[(picks + (unsigned)i) %
			    NPKTS]) != NULL;
		picks += 1024;
		end = now_ns();
	} while (end - start < RUN_NS);
	if (hits == 0)
		fprintf(stderr, "%s: no pick succeeded\n", s->sched->name);
	return (double)(end - start) / (double)picks;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
bench_median(const char *sched, int n, const struct pkt *pk)
{
	struct svc_table t;
	double r[RUNS];

	svc_table_init(&t);
	struct service *s = bench_service(&t, sched, n);
	bench_run(s, pk);			/* warm up */
	for (int i = 0; i < RUNS; i++)
		r[i] = bench_run(s, pk);
	svc_table_free(&t);
	qsort(r, RUNS, sizeof(r[0]), cmp_double);
	return r[RUNS / 2];
}

int
main(void)
{
	static struct pkt pk[NPKTS];

	bench_packets(pk);
	printf("| scheduler | 10 servers | 100 servers | 1000 servers |\n");
	printf("|---|---:|---:|---:|\n");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		printf("| %s |", names[i]);
		for (size_t j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++)
			printf(" %.0f |", bench_median(names[i], sizes[j], pk));
		printf("\n");
		fflush(stdout);
	}
	printf("\nns per pick (sched_pick, lock included), median of %d runs "
	    "of at least %llu ms.\n", RUNS, RUN_NS / 1000000);
	return 0;
}
