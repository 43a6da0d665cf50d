#!/usr/bin/env python3
"""Summarise a bench/run.sh session: tables on stdout, JSON and CSV files.

usage: report.py RECORDS.tsv RESULTS.json RESULTS.csv

RECORDS.tsv has one line per run: row, group (kernel, startup, program),
engine, round (0 = the verification run, 1.. = timed rounds), status (ok,
crash, timeout, wrong), wall milliseconds, peak RSS in KiB, in-kernel
milliseconds (the kernel's own clock_gettime report; empty for other
rows), note.  The machine description comes from the BENCH_* environment
variables set by run.sh.  emu's translation counters come from the
verification run's stderr (raw/ROW-emu.err, EMU_STATS=1).
"""

import csv
import json
import math
import os
import re
import statistics
import sys

ENGINES = ("native", "emu", "qemu")
GROUPS = ("kernel", "startup", "program")
MACHINE_KEYS = {
    "cpu": "BENCH_CPU",
    "cores": "BENCH_CORES",
    "kernel": "BENCH_KERNEL",
    "os": "BENCH_OS",
    "load_start": "BENCH_LOAD_START",
    "load_end": "BENCH_LOAD_END",
    "qemu": "BENCH_QEMU",
    "gcc": "BENCH_GCC",
    "cross_gcc": "BENCH_CROSS_GCC",
    "tools": "BENCH_TOOLS",
    "emu_commit": "BENCH_COMMIT",
    "date": "BENCH_DATE",
    "runs": "BENCH_RUNS",
    "command": "BENCH_COMMAND",
}


def num(text):
    return float(text) if text else None


def load(records_path):
    """{row: {"group": g, "engines": {engine: [run, ...]}}} in order of first appearance."""
    rows = {}
    with open(records_path) as f:
        for line in f:
            row, group, engine, rnd, status, ms, rss, kms, note = line.rstrip("\n").split("\t")
            run = {"round": int(rnd), "status": status, "wall_ms": num(ms), "rss_kib": num(rss),
                   "kernel_ms": num(kms), "note": note or None}
            entry = rows.setdefault(row, {"group": group, "engines": {}})
            entry["engines"].setdefault(engine, []).append(run)
    return rows


def summarise(runs):
    """One engine's figures on one row: medians of the timed rounds."""
    bad = [r for r in runs if r["status"] != "ok"]
    timed = [r for r in runs if r["round"] > 0 and r["status"] == "ok"]
    res = {"status": bad[0]["status"] if bad else "ok", "note": bad[0]["note"] if bad else None,
           "runs": len(timed)}
    if bad or not timed:
        return res
    walls = [r["wall_ms"] for r in timed]
    res["times_ms"] = walls
    res["median_ms"] = statistics.median(walls)
    res["min_ms"] = min(walls)
    res["max_ms"] = max(walls)
    kms = [r["kernel_ms"] for r in timed if r["kernel_ms"] is not None]
    res["kernel_ms"] = statistics.median(kms) if kms else None
    res["peak_rss_kib"] = max(r["rss_kib"] for r in timed)
    return res


STATS_RE = re.compile(
    r"stats: (\d+) blocks translated \((\d+) guest instructions into (\d+) KiB of host code "
    r"in ([0-9.]+) ms"
)


def translation(records_path, rows):
    """emu's last --stats line of each row's verification run (raw/ROW-emu.err):
    blocks, guest instructions, host KiB, ms translating."""
    raw = os.path.join(os.path.dirname(records_path), "raw")
    out = {}
    for row in rows:
        try:
            text = open(os.path.join(raw, f"{row}-emu.err")).read()
        except OSError:
            continue
        found = STATS_RE.findall(text)
        if found:
            b, i, kib, ms = found[-1]
            out[row] = {"blocks": int(b), "guest_insns": int(i), "host_kib": int(kib), "translate_ms": float(ms)}
    return out


def print_table(title, head, lines):
    if not lines:
        return
    lines = [head] + lines
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    print()
    print(title)
    for i, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:])]
        print("| " + " | ".join(cells) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def translation_table(stats):
    lines = []
    for row, t in stats.items():
        rate = t["guest_insns"] / t["translate_ms"] / 1e3 if t["translate_ms"] else 0.0
        lines.append([row, str(t["blocks"]), str(t["guest_insns"]), str(t["host_kib"]),
                      f"{t['translate_ms']:.1f}", f"{rate:.2f}"])
    print_table("Translation (emu --stats, verification run; code cache = host KiB):",
                ["row", "blocks", "guest insns", "host KiB", "ms", "M insns/s"], lines)


def ratio(a, b):
    return a / b if a is not None and b else None


def value(res, key):
    return res.get(key) if res is not None and res["status"] == "ok" else None


def cell(res, key, scale=1.0):
    """A table cell: the figure, or why there is none."""
    if res is None:
        return "-"
    if res["status"] != "ok":
        return "FAIL:" + res["status"]
    v = res.get(key)
    if v is None:
        return "-"
    s = f"{v * scale:.1f}"
    return s + "*" if res.get("runs") == 1 and key == "median_ms" else s


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}x"


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def geomeans(summary, key):
    """Geometric means of emu/native and qemu/emu over the rows where all
    three engines have the figure, per group and over all rows."""
    out = {}
    for name, groups in [(g, (g,)) for g in GROUPS] + [("all", GROUPS)]:
        en, qe = [], []
        for s in summary.values():
            if s["group"] not in groups:
                continue
            n, e, q = (value(s["engines"].get(x), key) for x in ENGINES)
            if n and e and q:
                en.append(e / n)
                qe.append(q / e)
        if en:
            out[name] = {"rows": len(en), "emu_over_native": geomean(en), "qemu_over_emu": geomean(qe)}
    return out


def main():
    records, json_path, csv_path = sys.argv[1:4]
    rows = load(records)
    summary = {
        row: {"group": r["group"], "engines": {e: summarise(runs) for e, runs in r["engines"].items()}}
        for row, r in rows.items()
    }
    machine = {k: os.environ.get(v) for k, v in MACHINE_KEYS.items()}

    lines = []
    for row, s in summary.items():
        n, e, q = (s["engines"].get(x) for x in ENGINES)
        lines.append([row, cell(n, "median_ms"), cell(e, "median_ms"), cell(q, "median_ms"),
                      fmt_ratio(ratio(value(e, "median_ms"), value(n, "median_ms"))),
                      fmt_ratio(ratio(value(q, "median_ms"), value(e, "median_ms"))),
                      cell(n, "peak_rss_kib", 1 / 1024), cell(e, "peak_rss_kib", 1 / 1024),
                      cell(q, "peak_rss_kib", 1 / 1024)])
    wall_means = geomeans(summary, "median_ms")
    for name, g in wall_means.items():
        lines.append([f"geomean {name} ({g['rows']})", "", "", "", fmt_ratio(g["emu_over_native"]),
                      fmt_ratio(g["qemu_over_emu"]), "", "", ""])
    print_table("Whole process (wall time, median of the timed rounds; * = 1 run; RSS = peak over the timed runs):",
                ["row", "native ms", "emu ms", "qemu ms", "emu/native", "qemu/emu",
                 "native MiB", "emu MiB", "qemu MiB"], lines)

    lines = []
    for row, s in summary.items():
        n, e, q = (s["engines"].get(x) for x in ENGINES)
        if value(n, "kernel_ms") is None:
            continue  # no in-kernel clock (start-up, programs) or no native figure
        lines.append([row, cell(n, "kernel_ms"), cell(e, "kernel_ms"), cell(q, "kernel_ms"),
                      fmt_ratio(ratio(value(e, "kernel_ms"), value(n, "kernel_ms"))),
                      fmt_ratio(ratio(value(q, "kernel_ms"), value(e, "kernel_ms")))])
    kernel_means = geomeans(summary, "kernel_ms")
    if "kernel" in kernel_means:
        g = kernel_means["kernel"]
        lines.append([f"geomean ({g['rows']})", "", "", "", fmt_ratio(g["emu_over_native"]),
                      fmt_ratio(g["qemu_over_emu"])])
    print_table("In-kernel time (the kernel's own clock_gettime, median of the timed rounds):",
                ["kernel", "native ms", "emu ms", "qemu ms", "emu/native", "qemu/emu"], lines)

    stats = translation(records, summary)
    translation_table(stats)

    doc = {"machine": machine, "results": [], "geomean_wall": wall_means,
           "geomean_kernel_ms": kernel_means.get("kernel")}
    for row, s in summary.items():
        entry = {"row": row, "group": s["group"], "engines": s["engines"], "emu_translation": stats.get(row)}
        for key in ("median_ms", "kernel_ms"):
            n, e, q = (value(s["engines"].get(x), key) for x in ENGINES)
            entry[f"emu_over_native_{key}"] = ratio(e, n)
            entry[f"qemu_over_emu_{key}"] = ratio(q, e)
        doc["results"].append(entry)
    with open(json_path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")

    fields = ["row", "group", "engine", "status", "median_ms", "min_ms", "max_ms", "runs", "kernel_ms",
              "peak_rss_kib", "note"]
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(fields)
        for row, s in summary.items():
            for engine, res in s["engines"].items():
                w.writerow([row, s["group"], engine] + [res.get(k) for k in fields[3:]])


if __name__ == "__main__":
    main()
