"""Where each row stands: per direction, a heatmap of the GFLOP/s ratio to a baseline (layer x algorithm)
and a roofline (useful GFLOP/s against arithmetic intensity under the measured ceilings)."""
import os
import sys

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.ticker import FuncFormatter, NullFormatter

from bench_results import DIRECTIONS, number, useful_rate
from plot_common import colours, family_markers, legend_outside, plt, save_figure, short_labels

DEFAULT_BASELINE = "baselines"


def baseline_choice(res, spec, default):
    """(algorithms whose per-layer best is the yardstick, its label), or (None, why not)."""
    names = res.resolve(spec)
    if not names and spec == "baselines" and not res.catalog.from_metadata:
        # Without the registry's list nothing is known to be a baseline: the oneDNN family stands in.
        spec = "family:onednn"
        names = res.resolve(spec)
    if not names and spec == default and res.baselines():
        return res.baselines(), f"best baseline per layer ({', '.join(res.baselines())}; no {spec} in the run)"
    if not names:
        return None, f"no algorithm or baseline family {spec!r} in the run"
    if spec == "baselines":
        return names, f"best baseline per layer ({', '.join(names)})"
    if not spec.startswith("family:") or len(names) == 1 and not res.catalog.from_metadata:
        return names, ", ".join(names)
    return names, f"best {spec[len('family:'):]}-family baseline per layer ({', '.join(names)})"


def plot_heatmaps(res, out, spec, default=DEFAULT_BASELINE):
    names, label = baseline_choice(res, spec, default)
    if not names:
        print(f"plot.py: no heatmaps: {label}", file=sys.stderr)
        return []
    written = []
    for d in DIRECTIONS:
        algos = [a for a in res.fast() if any(res.gflops(a, d, layer) for layer in res.layers)]
        layers = [layer for layer in res.layers if res.best_rate(names, d, layer)]
        if not algos or not layers:
            continue
        ratio = np.full((len(layers), len(algos)), np.nan)
        for i, layer in enumerate(layers):
            base = res.best_rate(names, d, layer)
            for j, a in enumerate(algos):
                rate = res.gflops(a, d, layer)
                if rate:
                    ratio[i, j] = rate / base
        finite = ratio[np.isfinite(ratio)]
        # symmetric in log around 1, rounded up to a power of two so that both ends carry a tick
        span = min(2.0 ** np.ceil(np.log2(max(float(np.max(finite)), 1 / float(np.min(finite)), 1.25))), 64.0)
        fig, ax = plt.subplots(figsize=(1.6 + 0.85 * len(algos), 1.4 + 0.32 * len(layers)))
        ax.set_facecolor("0.85")  # a missing cell (declined, skipped, failed) shows grey
        image = ax.imshow(np.ma.masked_invalid(ratio), cmap="RdBu", norm=LogNorm(1 / span, span), aspect="auto")
        for i in range(len(layers)):
            for j in range(len(algos)):
                value = ratio[i, j]
                text = "–" if not np.isfinite(value) else f"{value:.2f}" if value >= 0.1 else f"{value:.1g}"
                dark = np.isfinite(value) and abs(np.log(value)) > 0.6 * np.log(span)
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color="white" if dark else "black")
        ax.set_xticks(range(len(algos)))
        ax.set_xticklabels(algos, rotation=40, ha="right", fontsize=8)
        ax.set_yticks(range(len(layers)))
        ax.set_yticklabels(short_labels(layers), fontsize=8)
        steps = (1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2, 4, 8, 16) if span > 2 else (0.5, 0.8, 1, 1.25, 2)
        ticks = [t for t in steps if 1 / span <= t <= span]
        bar = fig.colorbar(image, ax=ax, fraction=0.05, pad=0.02)
        bar.set_ticks(ticks)
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        bar.ax.yaxis.set_minor_formatter(NullFormatter())
        bar.set_label("GFLOP/s ratio (> 1 faster)")
        ax.set_title(f"{d}, {res.main_threads} threads: GFLOP/s ratio to {label}", fontsize=9, wrap=True)
        written += save_figure(fig, os.path.join(out, f"heatmap_{d}.png"))
    return written


def plot_rooflines(res, out):
    if not any(number(r.get("arith_intensity")) for r in res.passed):
        print("plot.py: no roofline plots: the CSV has no arith_intensity column", file=sys.stderr)
        return []
    if not res.useful_counted:
        print("plot.py: the CSV has no gflop_useful column (an older convlab): the rooflines credit every row "
              "with the nominal FLOPs, padding taps included, so a direct kernel may pass the ceiling",
              file=sys.stderr)
    colour, marker = colours(res), family_markers(res)
    compute, triad, l2 = res.fma_peak(), number(res.peak.get("triad_gb_s")), number(res.peak.get("l2_gb_s"))
    written = []
    for d in DIRECTIONS:
        points = {}
        for r in res.passed:
            ai = number(r.get("arith_intensity"))
            if r["direction"] == d and int(r["threads"]) == res.main_threads and ai and not res.catalog.is_slow(
                    r["algorithm"]):
                points.setdefault(r["algorithm"], []).append((ai, useful_rate(r)))
        if not points:
            continue
        fig, ax = plt.subplots(figsize=(9, 6))
        for a in (a for a in res.algorithms if a in points):
            xs, ys = zip(*points[a])
            ax.scatter(xs, ys, color=colour[a], marker=marker[res.catalog.family(a)], s=28,
                       label=f"{a} ({res.catalog.family(a)})", edgecolors="black", linewidths=0.3)
        all_x = [x for p in points.values() for x, _ in p]
        lo, hi = min(all_x) / 2, max(all_x) * 2
        for bandwidth in (b for b in (triad, l2) if b and compute):
            lo = min(lo, compute / bandwidth / 2)  # show where each ceiling meets the compute one
        x = np.geomspace(lo, hi, 200)
        if compute:
            ax.plot(x, np.full_like(x, compute), color="black", linewidth=1.2,
                    label=f"FMA peak {compute:.0f} GFLOP/s")
        if triad:
            ax.plot(x, np.minimum(triad * x, compute or np.inf), color="black", linestyle="--", linewidth=1.2,
                    label=f"DRAM triad {triad:.0f} GB/s x AI")
        if l2:
            ax.plot(x, np.minimum(l2 * x, compute or np.inf), color="grey", linestyle=":", linewidth=1.2,
                    label=f"L2 {l2:.0f} GB/s x AI")
        ax.set_xscale("log")
        ax.set_yscale("log")
        plain = FuncFormatter(lambda v, _: f"{v:g}")
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(plain)
        ax.yaxis.set_minor_formatter(plain)
        ax.tick_params(axis="y", which="minor", labelsize=7)
        counted = "useful" if res.useful_counted else "nominal"
        ax.set_xlabel(f"arithmetic intensity ({counted} FLOP / compulsory byte)")
        ax.set_ylabel(f"GFLOP/s ({counted} FLOPs, median)")
        why = ("useful FLOPs, taps inside the input: only algorithms that do fewer multiplications, Winograd and "
               "FFT, may pass the ceiling" if res.useful_counted else
               "nominal FLOPs, padding taps included (CSV without gflop_useful): any algorithm may pass the ceiling")
        ax.set_title(f"{d}: roofline, {res.main_threads} threads, one marker per algorithm x layer\n({why})",
                     fontsize=10)
        ax.grid(alpha=0.3, which="both")
        legend_outside(ax)
        written += save_figure(fig, os.path.join(out, f"roofline_{d}.png"))
    return written
