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
WORKLOADS = [("keepalive", "keep-alive req/s"), ("close", "new conn/s")]
BEGIN = "<!-- bench:begin (written by tests/bench/run.sh; edits here are lost) -->"
END = "<!-- bench:end -->"

HEADER = """# Performance

`make bench` (tests/bench/run.sh) builds a topology of network namespaces on
one machine, veth pairs on Linux bridges: a client running wrk, a load
balancer namespace "lb" routing between the client's subnet 10.0.0.0/24 and
the real servers' 192.168.1.0/24 (NAT mode: the real servers' default route
is the load balancer), and three real servers running nginx (one worker,
keep-alive, a 4-byte body). In one run it measures, side by side:

- straight to one real server, with no load balancer in the path;
- the kernel forwarding to one server (plain routing, no NAT);
- the kernel's own load balancer: nftables DNAT with `numgen inc mod 3`;
- HAProxy 2.6 in TCP mode (roundrobin, 2 threads);
- Tandem's tandem-director in NAT mode (rr), when it is built.

Two workloads, each run 3 times (median shown; the setups take turns, one
run each per round, so that drift spreads over all alike), 5 s each: HTTP keep-alive
requests per second (`wrk -c 50 -t 2`), and new connections per second
(the same with `Connection: close`, so every request is a new TCP
connection through the load balancer). Offloads are left on, as users run.
The two one-server rows (direct, forward) load a single nginx worker; the
balanced rows spread the requests over three, so they can beat "direct".
Everything shares the same 2 CPU cores (wrk, nginx, the load balancer), so
the numbers compare the setups with each other; they are not what each
would do on its own hardware. Ratios are the setup's median divided by the
kernel's (nftables) and HAProxy's medians in the same run.

Memory: the resident set of the load-balancer process (VmRSS idle, and
VmHWM, the peak, after wrk held N keep-alive client connections through it
for 3 s; the count shown is the most seen established at once), from
/proc/PID/status, measured right after the process started. The kernel's
NAT keeps one conntrack entry per connection instead of a process; its
entry count is shown.
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


def results_table(rows):
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
    for case, desc in CASES:
        if not any(k[0] == case for k in med):
            continue
        cells = [f"{case}: {desc}"]
        for wl, _ in WORKLOADS:
            v = med.get((case, wl))
            cells += [fmt_num(v), fmt_ratio(v, med.get(("nft", wl))),
                      fmt_ratio(v, med.get(("haproxy", wl)))]
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
    return lines, notes


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--memory", required=True)
    ap.add_argument("--env", required=True)
    ap.add_argument("--doc")
    a = ap.parse_args()

    res, notes = results_table(load(a.results))
    mem = memory_table(load(a.memory))
    env = open(a.env).read().strip() if os.path.exists(a.env) else ""
    print()
    print("\n".join(res))
    print()
    print("\n".join(mem))
    print()
    print("runs: " + "\n      ".join(notes))

    if not a.doc:
        return 0
    today = datetime.date.today().isoformat()
    section = [
        BEGIN,
        f"## Latest run: {today}",
        "",
        "Command: `make bench`",
        "",
        env,
        "",
        "### Throughput (median of 3 runs)",
        "",
        *res,
        "",
        "Each run's value, in order: " + "; ".join(notes) + ".",
        "",
        "### Memory of the load-balancer process",
        "",
        *mem,
        END,
    ]
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
