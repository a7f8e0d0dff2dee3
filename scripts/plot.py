#!/usr/bin/env python3
"""Plots and a summary of a `convlab bench` CSV.

    python3 scripts/plot.py results/resnet_50.csv [--out DIR]

Writes into DIR (default: the CSV's directory), each file under a temporary
name first and then renamed, so a reader never sees half a file:

  gflops_fwd.png, gflops_bwd_d.png, gflops_bwd_w.png   GFLOP/s per layer, every algorithm
  speedup_vs_onednn.png    each algorithm over the better of onednn / onednn_blocked, per layer
  bwd_d_methods.png        backward data: col2im scatter vs rot180 full convolution, ...
  time_vs_workspace.png    median time against workspace bytes
  thread_scaling.png       only when more than one thread count ran
  SUMMARY.md               machine, geometric means, winners, accuracy, targets

Only PASSED rows count for speed. GFLOP/s is the effective rate: every
algorithm is credited with the direct convolution's FLOP count.
"""
import argparse
import json
import os
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_results import DIRECTIONS, ONEDNN, SLOW, Results, geomean, number, read_rows, thread_speedups  # noqa: E402
from summary import summary_markdown  # noqa: E402


def save_atomically(path, write):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", dir=directory)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; results are for reading
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def save_figure(fig, path):
    save_atomically(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight"))
    plt.close(fig)


def grouped_bars(ax, layers, series, ylabel, log=False):
    """series: [(label, [value or None per layer])]."""
    width = 0.8 / max(len(series), 1)
    x = np.arange(len(layers))
    for i, (label, values) in enumerate(series):
        heights = [v if v else 0 for v in values]
        ax.bar(x + (i - (len(series) - 1) / 2) * width, heights, width, label=label)
    ax.set_xticks(x)
    ax.set_xticklabels([layer.split(":")[-1] for layer in layers], rotation=70, ha="right", fontsize=7)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7, ncol=3)


def plot_gflops(res, out):
    written = []
    for d in DIRECTIONS:
        algos = [a for a in res.algorithms if any(res.gflops(a, d, layer) for layer in res.layers)]
        if not algos:
            continue
        fig, ax = plt.subplots(figsize=(13, 5))
        grouped_bars(ax, res.layers, [(a, [res.gflops(a, d, layer) for layer in res.layers]) for a in algos],
                     "GFLOP/s (effective, median)")
        ax.set_title(f"{d}: GFLOP/s per layer, {res.main_threads} threads")
        path = os.path.join(out, f"gflops_{d}.png")
        save_figure(fig, path)
        written.append(path)
    return written


def plot_speedup(res, out):
    fig, axes = plt.subplots(3, 1, figsize=(13, 13))
    any_data = False
    for ax, d in zip(axes, DIRECTIONS):
        series = []
        for a in res.algorithms:
            if a in ONEDNN + SLOW:  # the baseline itself; the yardsticks
                continue
            r = res.ratios(a, d, lambda layer: res.best_onednn(d, layer))
            if r:
                series.append((a, [r.get(layer) for layer in res.layers]))
        if series:
            any_data = True
            grouped_bars(ax, res.layers, series, "speedup over the better oneDNN", log=True)
            ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_title(f"{d}: speedup over max(onednn, onednn_blocked) per layer")
    if not any_data:
        plt.close(fig)
        return []
    path = os.path.join(out, "speedup_vs_onednn.png")
    save_figure(fig, path)
    return [path]


def plot_bwd_d_methods(res, out):
    methods = [("im2col_gemm", "im2col_gemm: GEMM + col2im scatter"),
               ("im2col_gemm_fullconv", "im2col_gemm_fullconv: rot180 full conv, same engine"),
               ("stride_view", "stride_view: rot180 full conv via strided view"),
               ("winograd_f2x3", "winograd_f2x3: full conv, F(2,3)"),
               ("winograd_f4x3", "winograd_f4x3: full conv, F(4,3)"),
               ("onednn", "onednn"), ("onednn_blocked", "onednn_blocked")]
    series = [(label, [res.gflops(a, "bwd_d", layer) for layer in res.layers]) for a, label in methods]
    series = [s for s in series if any(s[1])]
    if not series:
        return []
    fig, ax = plt.subplots(figsize=(13, 5))
    grouped_bars(ax, res.layers, series, "GFLOP/s (effective, median)")
    ax.set_title("Backward data: col2im scatter vs rot180 full convolution")
    path = os.path.join(out, "bwd_d_methods.png")
    save_figure(fig, path)
    return [path]


def plot_time_vs_workspace(res, out):
    markers = {"fwd": "o", "bwd_d": "s", "bwd_w": "^"}
    colours = {a: plt.cm.tab10(i % 10) for i, a in enumerate(res.algorithms)}
    fig, ax = plt.subplots(figsize=(9, 6))
    plotted = set()
    for r in res.passed:
        if int(r["threads"]) != res.main_threads:
            continue
        ws = number(r.get("workspace_bytes")) or 0
        a = r["algorithm"]
        ax.scatter(max(ws, 1), number(r["time_ms_median"]), color=colours[a], marker=markers[r["direction"]],
                   label=a if a not in plotted else None, s=18)
        plotted.add(a)
    if not plotted:
        plt.close(fig)
        return []
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("workspace bytes (0 shown as 1)")
    ax.set_ylabel("median time per call (ms)")
    ax.set_title("Time vs workspace (o fwd, s bwd_d, ^ bwd_w)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    path = os.path.join(out, "time_vs_workspace.png")
    save_figure(fig, path)
    return [path]


def plot_thread_scaling(res, out):
    if len(res.thread_counts) < 2 or 1 not in res.thread_counts:
        return []
    fig, ax = plt.subplots(figsize=(8, 5))
    for a in res.algorithms:
        points = [(n, geomean(thread_speedups(res, a, n).values())) for n in res.thread_counts]
        points = [(n, s) for n, s in points if s]
        if len(points) > 1:
            ax.plot([n for n, _ in points], [s for _, s in points], marker="o", label=a)
    ax.plot(res.thread_counts, res.thread_counts, color="grey", linestyle="--", label="linear")
    ax.set_xlabel("threads")
    ax.set_ylabel("speedup over 1 thread (geomean over layers and directions)")
    ax.set_title("Thread scaling")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    path = os.path.join(out, "thread_scaling.png")
    save_figure(fig, path)
    return [path]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="+",
                        help="convlab bench CSVs, read as one table (e.g. the main run and a 1-thread "
                             "scaling run); the first one's .meta.json describes the machine")
    parser.add_argument("--out", help="output directory (default: the CSV's)")
    args = parser.parse_args()
    out = args.out or os.path.dirname(os.path.abspath(args.csv[0]))
    os.makedirs(out, exist_ok=True)
    meta_path = os.path.splitext(args.csv[0])[0] + ".meta.json"
    meta = {}
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)

    res = Results([row for path in args.csv for row in read_rows(path)])
    written = []
    for plot in (plot_gflops, plot_speedup, plot_bwd_d_methods, plot_time_vs_workspace, plot_thread_scaling):
        written += plot(res, out)
    summary_path = os.path.join(out, "SUMMARY.md")
    text = summary_markdown(res, meta, " + ".join(f"`{os.path.relpath(p, out)}`" for p in args.csv), [os.path.basename(p) for p in written])

    def write_text(tmp):
        with open(tmp, "w") as f:
            f.write(text)

    save_atomically(summary_path, write_text)
    written.append(summary_path)
    for path in written:
        print(f"plot.py: wrote {path}")


if __name__ == "__main__":
    main()
