#!/usr/bin/python3
"""ConvBench's question asked of a corpus sweep: on what share of real layers
each family of convlab's algorithms wins, in each direction, and by how much.

    corpus_summary.py --bench B.csv --plan P.json [--validate V.csv] [--reference im2col_gemm] --out SUMMARY.md

A cell is a layer x direction. Its winner is pick's (the plan): the fastest of
convlab's own algorithms. Per family and direction the table gives the cells
it wins (share of the cells with a winner), the geometric mean of the winning
margin over the runner-up (the next of convlab's own) and of the speed-up over
the reference algorithm (im2col + GEMM, ConvBench's yardstick) on those
cells, and on what share of the cells where both ran the family's fastest
algorithm other than the reference beats the reference (ConvBench's "beat
im2col + GEMM on 93.6%"). A second table sets the plan against each
baseline; a third gives each layer class's most frequent winning family.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_results import DIRECTIONS, Results, geomean  # noqa: E402
from network_page import disturbed_text, load_run, plan_cells, run_lines  # noqa: E402
from report_format import InputError, fmt, save_text, table  # noqa: E402


def pct(part, whole):
    return f"{100.0 * part / whole:.1f}%" if whole else "–"


def family_table(res, cells, reference):
    rows = []
    families = res.families(res.contenders())
    for d in DIRECTIONS:
        won = {(layer, dd): c for (layer, dd), c in cells.items() if dd == d and c.get("winner")}
        for family in families:
            mine = {k: c for k, c in won.items() if res.catalog.family(c["winner"]) == family}
            margins = [c["margin"] for c in mine.values() if c.get("runner_up") and c.get("margin")]
            above = sum(1 for c in mine.values() if c.get("significant"))
            speedups = [res.time(reference, d, layer) / c["winner_ms"] for (layer, _), c in mine.items()
                        if res.time(reference, d, layer) and c.get("winner_ms")]
            members = [a for a in res.of_family(family, res.contenders()) if a != reference]
            beats, both = 0, 0
            for layer in res.layers:
                ref = res.time(reference, d, layer)
                times = [t for t in (res.time(a, d, layer) for a in members) if t]
                if ref and times:
                    both += 1
                    beats += min(times) < ref
            if not mine and not both:
                continue
            rows.append([d, family, f"{len(mine)} ({pct(len(mine), len(won))})", pct(above, len(mine)),
                         fmt(geomean(margins), 3), fmt(geomean(speedups), 3),
                         f"{pct(beats, both)} of {both}" if both else "–"])
    header = ["direction", "family", "cells won (share)", "won above noise", "margin over runner-up (geomean)",
              f"speed-up over {reference} where it wins (geomean)",
              f"its best (not {reference}) beats {reference} on"]
    return table(header, rows)


def baseline_table(res, cells):
    rows = []
    for d in DIRECTIONS:
        for b in res.baselines():
            ratios = [res.time(b, d, layer) / c["winner_ms"] for (layer, dd), c in cells.items()
                      if dd == d and c.get("winner_ms") and res.time(b, d, layer)]
            if not ratios:
                continue
            faster = sum(1 for r in ratios if r < 1)
            rows.append([d, b, len(ratios), pct(faster, len(ratios)), fmt(geomean(ratios), 3)])
    return table(["direction", "baseline", "cells both ran", "baseline faster than the plan on",
                  "baseline time / plan time (geomean)"], rows)


def class_table(res, cells):
    rows = []
    for cls in sorted(set(c for c in res.layer_class.values() if c)):
        row = [cls, sum(1 for c in res.layer_class.values() if c == cls)]
        for d in DIRECTIONS:
            counts = {}
            for (layer, dd), c in cells.items():
                if dd == d and c.get("winner") and res.layer_class.get(layer) == cls:
                    family = res.catalog.family(c["winner"])
                    counts[family] = counts.get(family, 0) + 1
            total = sum(counts.values())
            top = max(sorted(counts), key=counts.get) if counts else None
            row.append(f"{top} {pct(counts[top], total)}" if top else "–")
        rows.append(row)
    return table(["layer class", "layers"] + [f"{d}: most frequent winning family" for d in DIRECTIONS], rows)


def validation_line(rows):
    counts = {}
    for r in rows:
        counts[r.get("status")] = counts.get(r.get("status"), 0) + 1
    return f"`convlab validate`: {len(rows)} cases, " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))


def complete_layers(rows):
    """The rows of the layers with every case written (as many rows as the
    fullest layer), and how many layers were cut short: a stopped sweep's last
    layer lacks some, and its winners would be chosen among the cases that ran."""
    per_layer = {}
    for r in rows:
        per_layer[r.get("layer")] = per_layer.get(r.get("layer"), 0) + 1
    full = max(per_layer.values(), default=0)
    keep = {layer for layer, n in per_layer.items() if n == full}
    return [r for r in rows if r.get("layer") in keep], len(per_layer) - len(keep)


def sample_size(path):
    with open(path) as f:
        return sum(1 for line in f if line.strip() and not line.startswith("#"))


def summary(res, plan, validate_rows, reference, note="", sampled=None, cut_short=0):
    cells = {k: c for k, c in plan_cells(plan).items() if k[0] in set(res.layers)}
    bench_counts = {}
    for r in res.rows:
        bench_counts[r.get("status")] = bench_counts.get(r.get("status"), 0) + 1
    out = ["# Which family wins on real layers", ""]
    machine, *command = run_lines(res)
    out.append(f"{len(res.layers)} layers, {len(cells)} cells (layer x direction), {machine}")
    out += command
    out.append(f"`convlab bench`: {len(res.rows)} rows, " +
               ", ".join(f"{n} {s}" for s, n in sorted(bench_counts.items())) +
               f"; {disturbed_text(res)}.")
    if sampled is not None and len(res.layers) < sampled:
        out.append(f"**A partial sweep: {len(res.layers)} of the {sampled} sampled layers timed** "
                   f"({cut_short} more cut short and left out); the sample's shuffled order makes them a random "
                   "part of it.")
    if validate_rows is not None:
        out.append(validation_line(validate_rows) + ".")
    if note:
        out.append(note)
    out += ["", "## Each family, each direction", "", family_table(res, cells, reference), "",
            "## The plan against each baseline", "", baseline_table(res, cells), "",
            "## By layer class", "", class_table(res, cells), ""]
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--validate")
    parser.add_argument("--reference", default="im2col_gemm", help="the yardstick algorithm (default im2col_gemm)")
    parser.add_argument("--note", default="")
    parser.add_argument("--sample", help="the sample's shape file: the summary says when fewer layers were timed")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    try:
        rows, meta, plan, validate_rows = load_run(args.bench, args.plan, args.validate)
        rows, cut_short = complete_layers(rows)
        try:
            sampled = sample_size(args.sample) if args.sample else None
        except OSError as error:
            raise InputError(f"{args.sample}: {error}")
        text = summary(Results(rows, meta, plan), plan, validate_rows, args.reference, args.note, sampled, cut_short)
    except InputError as error:
        print(f"corpus_summary.py: {error}", file=sys.stderr)
        return 2
    save_text(args.out, text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
