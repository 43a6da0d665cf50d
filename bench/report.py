#!/usr/bin/env python3
"""Summarise a bench/run.sh session: the table on stdout, JSON and CSV files.

usage: report.py RECORDS.tsv RESULTS.json RESULTS.csv

RECORDS.tsv has one line per (row, engine): row, engine, status, hyperfine
JSON path (empty when not timed), in-kernel milliseconds (from the
kernel's own clock_gettime report; empty for start-up), note.  The machine
description comes from the BENCH_* environment variables set by run.sh.
"""

import csv
import json
import re
import os
import sys

ENGINES = ("native", "emu", "qemu")
MACHINE_KEYS = {
    "cpu": "BENCH_CPU",
    "cores": "BENCH_CORES",
    "kernel": "BENCH_KERNEL",
    "os": "BENCH_OS",
    "qemu": "BENCH_QEMU",
    "gcc": "BENCH_GCC",
    "cross_gcc": "BENCH_CROSS_GCC",
    "hyperfine": "BENCH_HYPERFINE",
    "emu_commit": "BENCH_COMMIT",
    "date": "BENCH_DATE",
    "runs": "BENCH_RUNS",
}


def load(records_path):
    """Rows in order of first appearance: {row: {engine: result}}."""
    rows = {}
    with open(records_path) as f:
        for line in f:
            row, engine, status, js, kernel_ms, note = line.rstrip("\n").split("\t")
            res = {"status": status, "note": note or None}
            res["kernel_ms"] = float(kernel_ms) if kernel_ms else None
            if js:
                h = json.load(open(js))["results"][0]
                for key in ("mean", "median", "min", "max", "stddev"):
                    v = h.get(key)
                    res[key + "_ms"] = None if v is None else v * 1e3
                res["runs"] = len(h["times"])
                res["times_ms"] = [t * 1e3 for t in h["times"]]
            rows.setdefault(row, {})[engine] = res
    return rows


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


def translation_table(stats):
    if not stats:
        return
    print()
    print("Translation (emu --stats, verification run):")
    head = ["kernel", "blocks", "guest insns", "host KiB", "ms", "M insns/s"]
    lines = [head]
    for row, t in stats.items():
        rate = t["guest_insns"] / t["translate_ms"] / 1e3 if t["translate_ms"] else 0.0
        lines.append([row, str(t["blocks"]), str(t["guest_insns"]), str(t["host_kib"]),
                      f"{t['translate_ms']:.1f}", f"{rate:.2f}"])
    widths = [max(len(l[c]) for l in lines) for c in range(len(head))]
    for i, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:])]
        print("| " + " | ".join(cells) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def ratio(a, b):
    return a / b if a is not None and b else None


def cell(res, key):
    """A table cell: the figure, or why there is none."""
    if res is None:
        return "-"
    if res["status"] == "unsupported":
        return "unsupported"
    if res["status"] != "ok":
        return "FAIL:" + res["status"]
    v = res.get(key)
    if v is None:
        return "-"
    s = f"{v:.1f}"
    return s + "*" if res.get("runs") == 1 and key != "kernel_ms" else s


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}x"


def value(res, key):
    return res.get(key) if res is not None and res["status"] == "ok" else None


def table(rows, key, title):
    head = ("kernel", "native ms", "emu ms", "qemu ms", "emu/native", "qemu/emu")
    lines = [head]
    for row, by in rows.items():
        n, e, q = (by.get(x) for x in ENGINES)
        if key == "kernel_ms" and n is not None and n["status"] == "ok" and n["kernel_ms"] is None:
            continue  # no in-kernel clock (start-up)
        lines.append(
            (
                row,
                cell(n, key),
                cell(e, key),
                cell(q, key),
                fmt_ratio(ratio(value(e, key), value(n, key))),
                fmt_ratio(ratio(value(q, key), value(e, key))),
            )
        )
    if len(lines) == 1:
        return
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    print()
    print(title)
    for i, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:])]
        print("| " + " | ".join(cells) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def main():
    records, json_path, csv_path = sys.argv[1:4]
    rows = load(records)
    machine = {k: os.environ.get(v) for k, v in MACHINE_KEYS.items()}

    table(rows, "min_ms", "Whole process (hyperfine -N, min of the timed runs; * = 1 run):")
    table(rows, "kernel_ms", "In-kernel time (clock_gettime around the kernel, verification run):")
    stats = translation(records, rows)
    translation_table(stats)
    notes = [(r, e, res["note"]) for r, by in rows.items() for e, res in by.items() if res["note"]]
    if notes:
        print()
        for r, e, note in notes:
            print(f"note: {r} / {e}: {note}")

    doc = {"machine": machine, "results": []}
    for row, by in rows.items():
        entry = {"kernel": row, "engines": by, "emu_translation": stats.get(row)}
        for key in ("min_ms", "kernel_ms"):
            n, e, q = (value(by.get(x), key) for x in ENGINES)
            entry[f"emu_over_native_{key}"] = ratio(e, n)
            entry[f"qemu_over_emu_{key}"] = ratio(q, e)
        doc["results"].append(entry)
    with open(json_path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")

    fields = ["kernel", "engine", "status", "min_ms", "mean_ms", "median_ms", "stddev_ms", "runs", "kernel_ms", "note"]
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(fields)
        for row, by in rows.items():
            for engine, res in by.items():
                w.writerow([row, engine] + [res.get(k) for k in fields[2:]])


if __name__ == "__main__":
    main()
