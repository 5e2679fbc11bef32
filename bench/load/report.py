#!/usr/bin/python3
"""Rewrites the load-generator section of docs/performance.md from the JSON lines that
bench/run.sh collected (one file per peer). Only the text between the markers
<!-- load:begin --> and <!-- load:end --> is replaced."""
import json
import sys

def load(paths):
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    rows.append(json.loads(line))
    return rows

PEERS = ["pacte", "node-ws", "prosody"]

def fmt_ratio(v):
    return f"{v:.2f}" if v >= 0.1 else f"{v:.3f}"

def fmt_ms(v):
    return f"{v:.1f}" if v >= 10 else f"{v:.2f}"

def main():
    doc, command, machine, started, load_avg = sys.argv[1:6]
    rows = load(sys.argv[6:])
    by = {}
    for r in rows:
        by.setdefault(r["label"], {})[r["peer"]] = r
    labels = list(dict.fromkeys(r["label"] for r in rows))
    out = []
    out.append(f"Measured {started} on {machine}; load average {load_avg} at the start. Command:\n")
    out.append("```\n" + command + "\n```\n")
    idle = [l for l in labels if by[l][next(iter(by[l]))]["scenario"] == "idle"]
    if idle:
        out.append("**Idle connections** (server memory: resident set after the connections minus before, per connection):\n")
        out.append("| connections | " + " | ".join(PEERS) + " |")
        out.append("|---|" + "---|" * len(PEERS))
        for l in idle:
            cells = []
            for p in PEERS:
                r = by[l].get(p)
                cells.append("—" if not r else f"{r['ready']:,}/{r['connections']:,} held, {r['kib_per_connection']:.2f} KiB each (RSS {r['rss_mib']:.0f} MiB)")
            out.append(f"| {by[l][next(iter(by[l]))]['connections']:,} | " + " | ".join(cells) + " |")
        out.append("")
    busy = [l for l in labels if l not in idle]
    if busy:
        out.append("**Delivery** (latency = receive − intended send time, ms; CPU = server CPU time per delivered message):\n")
        out.append("| scenario | server | delivered / expected | delivered/s | p50 | p99 | p99.9 | max | CPU µs/delivery |")
        out.append("|---|---|---|---|---|---|---|---|---|")
        for l in busy:
            for p in PEERS:
                r = by[l].get(p)
                if not r:
                    continue
                out.append(f"| {l} | {p} | {r['delivered']:,} / {r['expected']:,} | {r['delivered_per_s']:,.0f} | "
                           f"{fmt_ms(r['p50_ms'])} | {fmt_ms(r['p99_ms'])} | {fmt_ms(r['p999_ms'])} | {fmt_ms(r['max_ms'])} | "
                           f"{r['cpu_us_per_delivery']:.2f} |")
        out.append("")
        out.append("**Ratios** (peer ÷ Pacte: above 1 means Pacte is better; CPU per delivered message and p99):\n")
        out.append("| scenario | node-ws CPU ÷ Pacte CPU | node-ws p99 ÷ Pacte p99 | prosody CPU ÷ Pacte CPU | prosody p99 ÷ Pacte p99 |")
        out.append("|---|---|---|---|---|")
        for l in busy:
            pa = by[l].get("pacte")
            if not pa:
                continue
            cells = []
            for p in ["node-ws", "prosody"]:
                r = by[l].get(p)
                if not r or pa["cpu_us_per_delivery"] == 0 or pa["p99_ms"] == 0:
                    cells += ["—", "—"]
                    continue
                complete = r["delivered"] == r["expected"]
                mark = "" if complete else " (peer incomplete)"
                cells.append(fmt_ratio(r['cpu_us_per_delivery'] / pa['cpu_us_per_delivery']) + mark)
                cells.append(fmt_ratio(r['p99_ms'] / pa['p99_ms']) + mark)
            out.append(f"| {l} | " + " | ".join(cells) + " |")
        out.append("")
    text = open(doc, encoding="utf-8").read()
    begin, end = "<!-- load:begin -->", "<!-- load:end -->"
    a, b = text.index(begin) + len(begin), text.index(end)
    text = text[:a] + "\n" + "\n".join(out) + "\n" + text[b:]
    open(doc, "w", encoding="utf-8").write(text)

if __name__ == "__main__":
    main()
