#!/usr/bin/env python3
"""Plots and a summary of `convlab bench` CSVs.

    python3 scripts/plot.py results/resnet_50.csv [more.csv ...] [--out DIR] [--baseline NAME]
                            [--targets FILE.json] [--plan PLAN.json]

Writes into DIR (default: the first CSV's directory), each file under a
temporary name first and then renamed, so a reader never sees half a file:

  heatmap_<dir>.png     layer x algorithm, GFLOP/s ratio to the baseline (default: the best
                        of all baselines per layer; --baseline NAME or family:F)
  roofline_<dir>.png    GFLOP/s against arithmetic intensity, under the measured ceilings
  gflops_<dir>.png      GFLOP/s per layer, every algorithm not marked slow
  bwd_d_methods.png     backward data GFLOP/s of every algorithm not marked slow, grouped by family
  time_vs_workspace.png median time against workspace bytes
  thread_scaling.png    only when more than one thread count ran
  SUMMARY.md            see summary.py

A CSV holding several layouts (`--layout` runs read together): the plots show
each algorithm's rows in another layout than nchw:oihw as their own series,
`algorithm@nhwc` (layout_series.py); SUMMARY.md's tables read nchw:oihw and its
"Layouts" section compares the two (summary_layouts.py).

Algorithm names, families and the baseline / slow flags come from the first
CSV's .meta.json (`algorithms`). GFLOP/s is the effective rate: every algorithm
is credited with the direct convolution's FLOP count.
"""
import argparse
import os
import sys

import numpy as np
from matplotlib.lines import Line2D

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_results import DIRECTIONS, Results, geomean, number, thread_speedups  # noqa: E402
from layout_series import split_layouts  # noqa: E402
from plot_common import colours, legend_outside, plt, save_figure, short_labels  # noqa: E402
from plot_placement import DEFAULT_BASELINE, plot_heatmaps, plot_rooflines  # noqa: E402
from report_format import InputError  # noqa: E402
import summary  # noqa: E402

FAMILY_SHADES = ["Blues", "Oranges", "Greens", "Reds", "Purples", "Greys", "YlOrBr", "PuRd", "BuGn", "GnBu"]


def grouped_bars(ax, layers, series, ylabel):
    """series: [(label, colour, [value or None per layer])]."""
    width = 0.85 / max(len(series), 1)
    x = np.arange(len(layers))
    for i, (label, colour, values) in enumerate(series):
        ax.bar(x + (i - (len(series) - 1) / 2) * width, [v or 0 for v in values], width, label=label, color=colour)
    ax.set_xticks(x)
    ax.set_xticklabels(short_labels(layers), rotation=60, ha="right", fontsize=8)
    ax.set_xlim(-0.6, len(layers) - 0.4)
    ax.set_ylabel(ylabel)
    heights = [v for _, _, values in series for v in values if v]
    if heights and max(heights) > 20 * min(heights):  # e.g. a slow yardstick the metadata did not mark
        ax.set_yscale("log")
        ax.set_ylabel(ylabel + ", log scale")
    ax.grid(axis="y", alpha=0.3)
    legend_outside(ax)


def bar_figure(res, n_series):
    return plt.subplots(figsize=(max(10.0, 1.5 + len(res.layers) * (0.1 * n_series + 0.2)), 5))


def slow_note(res):
    slow = [a for a in res.algorithms if res.catalog.is_slow(a)]
    return f" ({', '.join(slow)} left out: marked slow)" if slow else ""


def plot_gflops(res, out):
    colour, written = colours(res), []
    for d in DIRECTIONS:
        algos = [a for a in res.fast() if any(res.gflops(a, d, layer) for layer in res.layers)]
        if not algos:
            continue
        fig, ax = bar_figure(res, len(algos))
        grouped_bars(ax, res.layers, [(a, colour[a], [res.gflops(a, d, layer) for layer in res.layers])
                                      for a in algos], "GFLOP/s (effective, median)")
        ax.set_title(f"{d}: GFLOP/s per layer, {res.main_threads} threads{slow_note(res)}", fontsize=10)
        written += save_figure(fig, os.path.join(out, f"gflops_{d}.png"))
    return written


def plot_bwd_d_methods(res, out):
    algos = [a for a in res.fast() if any(res.gflops(a, "bwd_d", layer) for layer in res.layers)]
    families = res.families(algos)
    series = []
    for f_index, family in enumerate(families):
        members = [a for a in algos if res.catalog.family(a) == family]
        shades = plt.get_cmap(FAMILY_SHADES[f_index % len(FAMILY_SHADES)])
        for i, a in enumerate(members):
            shade = shades(0.85 - 0.45 * i / max(len(members) - 1, 1))
            label = a if a == family else f"{family}: {a}"
            series.append((label, shade, [res.gflops(a, "bwd_d", layer) for layer in res.layers]))
    if not series:
        return []
    fig, ax = bar_figure(res, len(series))
    grouped_bars(ax, res.layers, series, "GFLOP/s (effective, median)")
    ax.set_title(f"Backward data by family, {res.main_threads} threads{slow_note(res)}", fontsize=10)
    return save_figure(fig, os.path.join(out, "bwd_d_methods.png"))


def plot_time_vs_workspace(res, out):
    markers = {"fwd": "o", "bwd_d": "s", "bwd_w": "^"}
    colour = colours(res)
    fig, ax = plt.subplots(figsize=(9, 6))
    plotted = set()
    for r in res.passed:
        if int(r["threads"]) != res.main_threads or r["direction"] not in markers:
            continue
        ax.scatter(max(number(r.get("workspace_bytes")) or 0, 1), number(r["time_ms_median"]),
                   color=colour[r["algorithm"]], marker=markers[r["direction"]], s=18)
        plotted.add(r["algorithm"])
    if not plotted:
        plt.close(fig)
        return []
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("workspace bytes (0 shown as 1)")
    ax.set_ylabel("median time per call (ms)")
    ax.set_title(f"Time vs workspace, {res.main_threads} threads")
    ax.grid(alpha=0.3)
    handles = [Line2D([], [], color=colour[a], marker="o", linestyle="", label=a)
               for a in res.algorithms if a in plotted]
    handles += [Line2D([], [], color="black", marker=m, linestyle="", fillstyle="none", label=d)
                for d, m in markers.items()]
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return save_figure(fig, os.path.join(out, "time_vs_workspace.png"))


def plot_thread_scaling(res, out):
    if len(res.thread_counts) < 2 or 1 not in res.thread_counts:
        return []
    colour = colours(res)
    fig, ax = plt.subplots(figsize=(8, 5))
    for a in res.algorithms:
        points = [(n, geomean(thread_speedups(res, a, n).values())) for n in res.thread_counts]
        points = [(n, s) for n, s in points if s]
        if len(points) > 1:
            ax.plot([n for n, _ in points], [s for _, s in points], marker="o", label=a, color=colour[a])
    ax.plot(res.thread_counts, res.thread_counts, color="grey", linestyle="--", label="linear")
    ax.set_xticks(res.thread_counts)
    ax.set_xlabel("threads")
    ax.set_ylabel("speedup over 1 thread\n(geomean over layers and directions)")
    ax.set_title("Thread scaling")
    ax.grid(alpha=0.3)
    legend_outside(ax)
    return save_figure(fig, os.path.join(out, "thread_scaling.png"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="+",
                        help="convlab bench CSVs, read as one table (e.g. the main run and a 1-thread "
                             "scaling run); the first one's .meta.json describes the machine and the algorithms")
    parser.add_argument("--out", help="output directory (default: the first CSV's)")
    parser.add_argument("--baseline", default=DEFAULT_BASELINE,
                        help="the heatmaps' yardstick: an algorithm, family:F for the best baseline of family F "
                             "per layer, or baselines for the best of all (default: baselines)")
    parser.add_argument("--targets", help="a JSON list of targets to check in SUMMARY.md (see targets.py)")
    parser.add_argument("--append", action="append", metavar="FILE.md",
                        help="a Markdown section appended to SUMMARY.md; repeatable")
    parser.add_argument("--plan", help="`convlab pick CSV --plan FILE`'s JSON: SUMMARY.md's winners per layer")
    args = parser.parse_args()
    try:
        inputs = summary.load_inputs(args.csv, args.targets)
        plan = summary.load_plan(args.plan, inputs[0])
        appended = summary.appended_sections(args.append)
    except InputError as e:
        print(f"plot.py: error: {e}", file=sys.stderr)
        sys.exit(2)
    rows, meta, targets = inputs
    out = args.out or os.path.dirname(os.path.abspath(args.csv[0]))
    os.makedirs(out, exist_ok=True)
    res = Results(rows, meta, plan)
    series = Results(*split_layouts(rows, meta), plan)  # every layout, algorithm@layout its own series
    written = []
    for plot in (lambda r, o: plot_heatmaps(r, o, args.baseline), plot_rooflines, plot_gflops, plot_bwd_d_methods,
                 plot_time_vs_workspace, plot_thread_scaling):
        written += plot(series, out)
    written += summary.write_summary(res, args.csv, out, [os.path.basename(p) for p in written], targets, appended)
    for path in written:
        print(f"plot.py: wrote {path}")


if __name__ == "__main__":
    main()
