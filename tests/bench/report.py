#!/usr/bin/env python3
"""Turns the bench's raw results into the table it prints and the section it
writes into docs/PERFORMANCE.md (between the bench markers, replacing the
last run's)."""

import argparse
import datetime
import os
import statistics
import sys

CASES = [
    ("direct", "straight to one real server (no load balancer)"),
    ("forward", "kernel, plain IP forwarding through lb (one server, no NAT)"),
    ("nft", "kernel nftables DNAT, `numgen inc mod 3`"),
    ("haproxy", "HAProxy, TCP mode, roundrobin"),
    ("tandem", "Tandem tandem-director, NAT, rr"),
]
CASES6 = [
    ("direct6", "straight to one real server (no load balancer)"),
    ("nft6", "kernel nftables DNAT (ip6 nat), `numgen inc mod 3`"),
    ("haproxy6", "HAProxy, TCP mode, roundrobin"),
    ("tandem6", "Tandem tandem-director, NAT, rr"),
]
UDP_CASES = [
    ("forward", "kernel, plain IP forwarding through lb (one server, no NAT)"),
    ("nft", "kernel nftables DNAT, `numgen inc mod 3`"),
    ("tandem", "Tandem tandem-director, NAT, rr, UDP service"),
]
WORKLOADS = [("keepalive", "keep-alive req/s"), ("close", "new conn/s")]
BEGIN = "<!-- bench:begin (written by tests/bench/run.sh; edits here are lost) -->"
END = "<!-- bench:end -->"

HEADER = """# Performance

`make bench` (tests/bench/run.sh) builds a topology of network namespaces on
one machine, veth pairs on Linux bridges: a client running wrk, a load
balancer namespace "lb" routing between the client's subnets 10.0.0.0/24 and
fd00::/64 and the real servers' 192.168.1.0/24 and fd01::/64 (NAT mode: the
real servers' default routes are the load balancer), and three real servers
running nginx (one worker, keep-alive, a 4-byte body). In one run it
measures, side by side:

- straight to one real server, with no load balancer in the path;
- the kernel forwarding to one server (plain routing, no NAT);
- the kernel's own load balancer: nftables DNAT with `numgen inc mod 3`;
- HAProxy 2.6 in TCP mode (roundrobin, 2 threads);
- Tandem's tandem-director in NAT mode (rr, 2 workers), when it is built.

HTTP, over IPv4 and again over IPv6 (the same setups with `ip6` nftables
rules, HAProxy bound to the IPv6 VIP, Tandem with an IPv6 service and the
IPv6 gateway VIP; no plain-forwarding row for IPv6): two workloads, each run
3 times (median shown; the setups take turns, one run each per round, so
that drift spreads over all alike), 5 s each: HTTP keep-alive requests per
second (`wrk -c 50 -t 2`), and new connections per second (the same with
`Connection: close`, so every request is a new TCP connection through the
load balancer). Offloads are left on, as users run. The one-server rows
(direct, forward) load a single nginx worker; the balanced rows spread the
requests over three, so they can beat "direct". Everything shares the same
2 CPU cores (wrk, nginx, the load balancer), so the numbers compare the
setups with each other; they are not what each would do on its own
hardware. Ratios are the setup's median divided by the kernel's (nftables)
and HAProxy's medians for the same address family in the same run.

UDP small packets: tests/bench/udpblast.c sends 64-byte datagrams (UDP
payload) from 256 source ports, each its own flow through the balancer, at
full speed for 3 s from one thread in the client; a sink (the same program)
on each real server counts the datagrams that reach it. Forwarded packets/s
is the sinks' total over the sender's time: the kernel forwarding to one
server (no NAT), nftables DNAT over the three, and Tandem with a UDP NAT
service over the three; 3 runs each, median. The kernel forwards in the
sender's own softirq, so its rows are bounded by what one sending core can
push through the whole path; Tandem's engine runs on its own threads and
drops what its receive ring cannot hold. "Lost inside lb" is the frames
that came in on lb's client-side interface and never left on its server
side (from the interfaces' counters; Tandem's engine does not count drops
in its AF_PACKET ring). Datagrams the sinks' own sockets dropped are
counted apart, as they are no fault of the balancer.

Memory: the resident set of the load-balancer process (VmRSS idle, and
VmHWM, the peak, after wrk held N keep-alive client connections through it
for 3 s; the count shown is the most seen established at once), from
/proc/PID/status, measured right after the process started. The kernel's
NAT keeps one conntrack entry per connection instead of a process; its
entry count is shown.

Scheduler cost: tests/bench/sched_bench.c calls `sched_pick` (lock
included) for every scheduler at 10, 100 and 1000 real servers with mixed
weights and loads; nanoseconds per pick, median of 7 runs of 20 ms or more.
"""


def load(path):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if p and p[0] and not p[0].startswith("#"):
                rows.append(p)
    return rows


def fmt_num(v):
    if v is None:
        return "-"
    if v >= 1000:
        return f"{v:,.0f}"
    return f"{v:.1f}"


def fmt_ratio(v, base):
    if v is None or not base:
        return "-"
    return f"{v / base:.2f}x"


def results_table(rows, cases, sfx=""):
    """The throughput table of CASES; ratios against nft+SFX and
    haproxy+SFX, the balancers of the same address family."""
    vals = {}
    errs = {}
    lats = {}
    for case, wl, _run, rps, err, lat in rows:
        vals.setdefault((case, wl), []).append(float(rps))
        errs[(case, wl)] = errs.get((case, wl), 0) + int(err)
        lats.setdefault((case, wl), []).append(float(lat))
    med = {k: statistics.median(v) for k, v in vals.items()}
    lines = [
        "| setup | keep-alive req/s | vs nft | vs HAProxy | latency ms | "
        "new conn/s | vs nft | vs HAProxy | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    notes = []
    for case, desc in cases:
        if not any(k[0] == case for k in med):
            continue
        cells = [f"{case}: {desc}"]
        for wl, _ in WORKLOADS:
            v = med.get((case, wl))
            cells += [fmt_num(v), fmt_ratio(v, med.get(("nft" + sfx, wl))),
                      fmt_ratio(v, med.get(("haproxy" + sfx, wl)))]
            if wl == "keepalive":
                lat = lats.get((case, wl))
                cells.append(f"{statistics.median(lat):.2f}" if lat else "-")
        e = sum(errs.get((case, wl), 0) for wl, _ in WORKLOADS)
        cells.append(str(e))
        lines.append("| " + " | ".join(cells) + " |")
        runs = "; ".join(
            f"{wl} " + " ".join(fmt_num(x) for x in vals.get((case, wl), []))
            for wl, _ in WORKLOADS)
        notes.append(f"{case}: {runs}")
    if len(lines) == 2:
        return [], []
    return lines, notes


def udp_table(rows):
    """Forwarded packets/s (the sinks' total over the sender's time) per
    setup, median over runs; ratio against nftables."""
    fwd, sent, drops, lb_in, lb_out = {}, {}, {}, {}, {}
    for row in rows:
        case, _run, n_sent, secs, recv, sink_drops, e_in, e_out = \
            (row + ["0"] * 8)[:8]
        t = float(secs)
        if t <= 0:
            continue
        fwd.setdefault(case, []).append(int(recv) / t)
        sent.setdefault(case, []).append(int(n_sent) / t)
        drops[case] = drops.get(case, 0) + int(sink_drops)
        lb_in[case] = lb_in.get(case, 0) + int(e_in)
        lb_out[case] = lb_out.get(case, 0) + int(e_out)
    if not fwd:
        return [], []
    base = statistics.median(fwd["nft"]) if "nft" in fwd else None
    lines = [
        "| setup | forwarded pkt/s | vs nft | sent pkt/s | arrived (all runs) "
        "| lost inside lb (all runs) | dropped by the sinks' sockets |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    notes = []
    for case, desc in UDP_CASES:
        if case not in fwd:
            continue
        f = statistics.median(fwd[case])
        s = statistics.median(sent[case])
        share = sum(fwd[case]) / sum(sent[case]) if sum(sent[case]) else 0
        # Frames into lb's eth0 that never left by eth1 (with Tandem:
        # mostly the engine's receive ring overflowing).
        lost = lb_in[case] - lb_out[case]
        lost = f"{100 * max(lost, 0) / lb_in[case]:.1f}%" if lb_in[case] else "-"
        lines.append(f"| {case}: {desc} | {fmt_num(f)} | "
                     f"{fmt_ratio(f, base)} | {fmt_num(s)} | "
                     f"{100 * share:.1f}% | {lost} | {drops[case]:,} |")
        notes.append(f"{case}: forwarded " +
                     " ".join(fmt_num(x) for x in fwd[case]) + ", sent " +
                     " ".join(fmt_num(x) for x in sent[case]))
    return lines, notes


def counters_lines(rows):
    """Tandem's engine counters other than zero, per round."""
    by_round = {}
    for rnd, name, value in rows:
        by_round.setdefault(rnd, []).append(f"{name} {int(value):,}")
    return [f"- round {r}: " + ", ".join(v) for r, v in by_round.items()]


def kib(x):
    return "-" if x in ("", "-") else f"{int(x) / 1024:.1f} MiB"


def memory_table(rows):
    lines = [
        "| load balancer | client connections held | VmRSS idle | "
        "VmHWM (peak) | peak over idle, per connection | conntrack entries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        name, conns, idle, hwm, ct = (row + [""] * 5)[:5]
        per = "-"
        if idle and hwm and conns.isdigit() and int(conns) > 0:
            per = f"{(int(hwm) - int(idle)) * 1024 / int(conns):,.0f} B"
        lines.append(f"| {name} | {conns} | {kib(idle)} | {kib(hwm)} | "
                     f"{per} | {ct or '-'} |")
    return lines


def section_of(title, table, notes_label, notes):
    if not table:
        return []
    out = [f"### {title}", "", *table, ""]
    if notes:
        out += [notes_label + "; ".join(notes) + ".", ""]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--memory", required=True)
    ap.add_argument("--env", required=True)
    ap.add_argument("--udp")
    ap.add_argument("--counters")
    ap.add_argument("--sched")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--doc")
    a = ap.parse_args()

    rows = load(a.results)
    res, notes = results_table(rows, CASES)
    res6, notes6 = results_table(rows, CASES6, "6")
    udp, udp_notes = udp_table(load(a.udp)) if a.udp else ([], [])
    ctr = counters_lines(load(a.counters)) if a.counters else []
    mem = memory_table(load(a.memory))
    sched = []
    if a.sched and os.path.exists(a.sched):
        sched = open(a.sched).read().strip().splitlines()
    env = open(a.env).read().strip() if os.path.exists(a.env) else ""
    for block in (res, res6, udp, mem, sched):
        if block:
            print()
            print("\n".join(block))
    print()
    print("runs: " + "\n      ".join(notes + notes6 + udp_notes))
    if ctr:
        print("tandem counters other than zero:\n" + "\n".join(ctr))

    if not a.doc:
        return 0
    today = datetime.date.today().isoformat()
    n = a.runs
    section = [
        BEGIN,
        f"## Latest run: {today}",
        "",
        "Command: `make bench`",
        "",
        env,
        "",
        *section_of(f"HTTP over IPv4 (median of {n} runs)", res,
                    "Each run's value, in order: ", notes),
        *section_of(f"HTTP over IPv6 (median of {n} runs)", res6,
                    "Each run's value, in order: ", notes6),
        *section_of(f"UDP small packets (median of {n} runs)", udp,
                    "Each run's packets/s, in order: ", udp_notes),
    ]
    if ctr:
        section += [
            "Tandem's engine counters other than zero (`tandemctl status`, "
            "each round's director from its start, after all its "
            "workloads):",
            "",
            *ctr,
            "",
        ]
    section += ["### Memory of the load-balancer process", "", *mem, ""]
    if sched:
        section += ["### Scheduler cost (ns per pick)", "", *sched, ""]
    section[-1:] = [END] if section[-1] == "" else section[-1:] + [END]
    text = HEADER
    if os.path.exists(a.doc):
        text = open(a.doc).read()
    if BEGIN in text and END in text:
        pre = text[:text.index(BEGIN)]
        post = text[text.index(END) + len(END):]
        text = pre + "\n".join(section) + post
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(section) + "\n"
    with open(a.doc, "w") as f:
        f.write(text)
    print(f"bench: wrote {a.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
