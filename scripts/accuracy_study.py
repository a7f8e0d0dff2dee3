#!/usr/bin/env python3
"""The accuracy study: each algorithm's error on random problems and on real layers, per data distribution.

    python3 scripts/accuracy_study.py shapes --count N --seed S > random.shapes
    python3 scripts/accuracy_study.py report DIR [--bench CSV ...] [--out results] [--note TEXT]

`shapes` writes N random problems as a shape file: half of them 3x3 stride 1 (where every
Winograd runs), a quarter with a 5x5 or 7x7 kernel (where FFT is meant to win), the rest
mixed strides, dilations and groups; channels 1-64, planes 4-32, minibatch 1-2.

`report` reads DIR/{random,layers}_{uniform,normal,relu}.csv (`convlab validate --csv`, written
by scripts/accuracy.sh) and writes OUT/accuracy.md and OUT/accuracy.png. A problem's error is
the checker's max_rel_err_real: the largest |got - ref| / sum |terms| over every output element
of the real-valued pass, on that distribution. Per algorithm, direction and distribution the
report gives the median, 99th percentile and maximum of it over the problems that PASSED or
FAILED (a FAILED problem is an error too: it is counted, and named). The plot puts each
algorithm's median error on the real layers of a class against its speed on that class, from
the bench CSVs given (`gflops_median`, geometric mean over the class's PASSED rows).
"""
import argparse
import json
import math
import os
import random
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_results import DIRECTIONS, geomean, layer_class_of, number, read_rows  # noqa: E402
from report_format import InputError, fmt, save_text, table  # noqa: E402

DISTRIBUTIONS = ["uniform", "normal", "relu"]
SETS = ["random", "layers"]
WINOGRAD = ["winograd_f2x3", "winograd_f4x3", "winograd_f6x3"]


def random_shapes(count, seed):
    rng = random.Random(seed)
    lines = [f"# {count} random problems for the accuracy study (scripts/accuracy_study.py shapes --seed {seed})"]
    for n in range(count):
        kind = rng.random()
        g = 1
        ic, oc = rng.randint(1, 64), rng.randint(1, 64)
        if kind < 0.5:
            k, s, d = 3, 1, 0
        elif kind < 0.75:
            k, s, d = rng.choice([5, 7]), 1, 0
        else:
            k, s, d = rng.choice([1, 2, 3, 4, 5]), rng.randint(1, 3), rng.choice([0, 0, 1])
            if rng.random() < 0.3:
                g = rng.choice([2, 4])
                ic, oc = g * max(1, ic // g), g * max(1, oc // g)
        extent = (k - 1) * (d + 1) + 1
        p = rng.randint(0, k // 2)
        i = rng.randint(max(4, extent), 32)
        o = (i + 2 * p - extent) // s + 1
        mb = rng.randint(1, 2)
        lines.append(f'g{g}mb{mb}ic{ic}ih{i}oc{oc}oh{o}kh{k}sh{s}ph{p}dh{d}n"random_{n}"')
    return "\n".join(lines) + "\n"


def quantile(values, q):
    """The q-quantile by linear interpolation between order statistics (numpy's default)."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def load(directory):
    """{(set, distribution): rows}; InputError when none is there."""
    runs = {}
    for name in SETS:
        for data in DISTRIBUTIONS:
            path = os.path.join(directory, f"{name}_{data}.csv")
            if os.path.exists(path):
                runs[(name, data)] = read_rows(path)
    if not runs:
        raise InputError(f"{directory}: no random_*.csv or layers_*.csv (run scripts/accuracy.sh first)")
    return runs


def errors(rows):
    """{(algorithm, direction): ([errors], [failed descriptors])} over the rows that ran."""
    out = {}
    for r in rows:
        if r.get("status") not in ("PASSED", "FAILED") or r.get("algorithm") in ("", "reference"):
            continue
        value = number(r.get("max_rel_err_real"))
        entry = out.setdefault((r["algorithm"], r["direction"]), ([], []))
        if value is not None:
            entry[0].append(value)
        if r["status"] == "FAILED":
            entry[1].append(r["descriptor"])
    return out


def statistics_table(runs, name):
    header = ["algorithm", "dir"] + [f"{d} {s}" for d in DISTRIBUTIONS for s in ("median", "p99", "max")] + ["problems"]
    rows, medians = [], {}
    keys = set()
    for data in DISTRIBUTIONS:
        keys |= set(errors(runs.get((name, data), [])))
    for algorithm, direction in sorted(keys, key=lambda k: (k[0], DIRECTIONS.index(k[1]))):
        line, counted = [algorithm, direction], 0
        for data in DISTRIBUTIONS:
            values, failed = errors(runs.get((name, data), [])).get((algorithm, direction), ([], []))
            if values:
                median = statistics.median(values)
                medians[(algorithm, direction, data)] = median
                line += [fmt(median, 2), fmt(quantile(values, 0.99), 2), fmt(max(values), 2)]
                counted = max(counted, len(values))
            else:
                line += ["-", "-", "-"]
            if failed:
                line[-1] += f" ({len(failed)} FAILED)"
        rows.append(line + [str(counted)])
    return table(header, rows), medians


def growth_text(medians):
    """How the Winograd error grows with the tile, and where FFT stands, from the random set's uniform medians."""
    parts = []
    for direction in DIRECTIONS:
        m = {a: medians.get((a, direction, "uniform")) for a in WINOGRAD + ["fft", "im2col_gemm", "direct"]}
        steps = [f"{a[-4:]} {fmt(m[a], 2)}" for a in WINOGRAD if m[a]]
        ratios = [f"{WINOGRAD[i + 1][-4:]}/{WINOGRAD[i][-4:]} {fmt(m[WINOGRAD[i + 1]] / m[WINOGRAD[i]])}x"
                  for i in range(2) if m[WINOGRAD[i]] and m[WINOGRAD[i + 1]]]
        text = f"- {direction}: median error {', '.join(steps) or 'no Winograd rows'}"
        if ratios:
            text += f" ({', '.join(ratios)})"
        if m["fft"]:
            text += f"; fft {fmt(m['fft'], 2)}"
        if m["im2col_gemm"]:
            text += f"; im2col_gemm {fmt(m['im2col_gemm'], 2)}"
        parts.append(text + ".")
    return "\n".join(parts)


def speed_by_class(bench_paths):
    """{(algorithm, layer_class): geomean gflops_median} over PASSED rows of the bench CSVs."""
    rates, classes = {}, {}
    for path in bench_paths:
        for r in read_rows(path):
            if r.get("status") == "PASSED" and number(r.get("gflops_median")):
                if r["descriptor"] not in classes:  # a CSV older than the layer_class column asks convlab.Problem
                    classes[r["descriptor"]] = layer_class_of([r]) or "?"
                rates.setdefault((r["algorithm"], classes[r["descriptor"]]), []).append(number(r["gflops_median"]))
    return {k: geomean(v) for k, v in rates.items()}


def error_by_class(runs):
    """({(algorithm, layer_class): median error}, the set it came from): the real layers' uniform runs, or the
    random problems' when the real layers were not run; every direction."""
    source = "layers" if ("layers", "uniform") in runs else "random"
    values = {}
    for r in runs.get((source, "uniform"), []):
        value = number(r.get("max_rel_err_real"))
        if r.get("status") in ("PASSED", "FAILED") and value is not None and r.get("algorithm") != "reference":
            values.setdefault((r["algorithm"], r.get("layer_class", "?")), []).append(value)
    return {k: statistics.median(v) for k, v in values.items()}, source


def plot(path, errors_by_class, speeds):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    classes = sorted({c for (a, c) in errors_by_class if speeds.get((a, c))})  # a class with a point to draw
    columns = min(3, max(1, len(classes)))
    figure, axes = plt.subplots(math.ceil(len(classes) / columns), columns, figsize=(5 * columns, 4 * math.ceil(len(classes) / columns)),
                                squeeze=False)
    for ax, layer_class in zip(axes.flat, classes):
        for (algorithm, c), error in sorted(errors_by_class.items()):
            speed = speeds.get((algorithm, c))
            if c != layer_class or not speed:
                continue
            ax.scatter(speed, max(error, 1e-9))
            ax.annotate(algorithm, (speed, max(error, 1e-9)), fontsize=7)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(layer_class)
        ax.set_xlabel("GFLOP/s (geometric mean, bench)")
        ax.set_ylabel("median max rel error (uniform)")
    for ax in list(axes.flat)[len(classes):]:
        ax.axis("off")
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def mixes_neighbours(directory):
    """The algorithms the runs' metadata marks mixes_neighbours, sorted; [] without metadata."""
    for name in sorted(os.listdir(directory)):
        if name.endswith(".meta.json"):
            with open(os.path.join(directory, name)) as f:
                return sorted(a["name"] for a in json.load(f).get("algorithms", []) if a.get("mixes_neighbours"))
    return []


def report(directory, bench_paths, out, note=""):
    runs = load(directory)
    parts = ["# Accuracy beside speed\n",
             "A problem's error is the checker's `max_rel_err_real`: over every output element of the real-valued "
             "pass, |got - ref| / sum of |terms| against the double reference (docs/data.md for the "
             "distributions). Median, 99th percentile and maximum over the problems; an exact algorithm's error "
             "is fp32 summation rounding. Written by scripts/accuracy.sh.\n"]
    if note:
        parts.append(f"**Note on this run:** {note}\n")
    mixing = mixes_neighbours(directory)
    if mixing:
        parts.append(f"{', '.join(f'`{a}`' for a in mixing)} mix neighbouring outputs (Winograd, FFT): the checker "
                     "judges each of their elements on the largest scale of its 2-D plane (check.cpp says why), so "
                     "their figures are not per-element errors like the others'; compare them among themselves.\n")
    medians = {}
    for name, title in [("random", "Random problems"), ("layers", "Real layers (minibatch 1)")]:
        if not any(key[0] == name for key in runs):
            continue
        text, found = statistics_table(runs, name)
        if name == "random":
            medians = found
        parts.append(f"## {title}\n\n{text}\n")
    if medians:
        parts.append("## How the error grows with the Winograd tile, and FFT's\n\nMedians on the random problems, "
                     "uniform data:\n\n" + growth_text(medians) + "\n")
    speeds = speed_by_class(bench_paths) if bench_paths else {}
    by_class, source = error_by_class(runs)
    if speeds and by_class:
        plot(os.path.join(out, "accuracy.png"), by_class, speeds)
        parts.append("## Error against speed\n\n![error against speed per layer class](accuracy.png)\n\nErrors: the "
                     f"median over the {'real layers' if source == 'layers' else 'random problems'} of each class, "
                     "uniform data, all directions; speeds: the geometric mean GFLOP/s of the class's rows in "
                     + ", ".join(f"`{os.path.relpath(p, out)}`" for p in bench_paths) + ".\n")
    save_text(os.path.join(out, "accuracy.md"), "\n".join(parts))
    return os.path.join(out, "accuracy.md")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    shapes = sub.add_parser("shapes", help="write random problems as a shape file")
    shapes.add_argument("--count", type=int, default=300)
    shapes.add_argument("--seed", type=int, default=20261207)
    rep = sub.add_parser("report", help="write accuracy.md and accuracy.png")
    rep.add_argument("directory")
    rep.add_argument("--bench", action="append", default=[], help="a convlab bench CSV for the speeds; repeatable")
    rep.add_argument("--out", default="results")
    rep.add_argument("--note", default="", help="a sentence on the run's conditions, printed at the top")
    args = parser.parse_args()
    if args.command == "shapes":
        if args.count < 1:
            print("accuracy_study.py: error: --count must be at least 1", file=sys.stderr)
            sys.exit(2)
        sys.stdout.write(random_shapes(args.count, args.seed))
        return
    try:
        print(f"accuracy_study.py: wrote {report(args.directory, args.bench, args.out, args.note)}")
    except (InputError, OSError) as e:
        print(f"accuracy_study.py: error: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
