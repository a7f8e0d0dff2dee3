#!/usr/bin/env python3
"""Each baseline's figure in `convlab bench` held against its library run on its own.

A baseline is only as honest as its call. For every PASSED baseline row of a
bench CSV (the convlab side), this times the same layer, direction, minibatch
and thread count with the library's own public entry point, outside convlab:

  torch            PyTorch from Python, as its users call it: torch.nn.functional.conv2d
                   for fwd, torch.autograd.grad for bwd_d (grad of x) and bwd_w (grads of w, b)
  onednn_native,   build/crosscheck/crosscheck_<name>: small standalone programs
  onednn_winograd, on each library's public API (crosscheck/*.cpp), one per
  libxsmm, xnnpack library, timing only the library's compute call

and writes, per row, the ratio convlab / independent in speed (independent
time over convlab time: 1.0 is equal, below 1.0 convlab's call is slower than
the library on its own), of the medians and of the minima of the repetitions'
mean call times. The minima are the ones judged: on a shared machine a spell
of interference lengthens some repetitions of either side, and convlab's bench
re-times a case its noise sentinel saw disturbed while the independent side is
timed once, which biases the medians' ratio. A ratio of minima outside
[0.9, 1.1] is flagged with what differs: the kernel each side ran (convlab's
`implementation` column against the standalone program's), or, when both ran
the same kernel, the call.

    scripts/crosscheck_baselines.py results/resnet_50.csv --out results/crosscheck
        [--build build] [--repetitions 5] [--min-time 0.05] [--layers N]

Writes OUT.csv (one row per baseline, layer and direction) and OUT.md (the
geometric mean per baseline and direction, and the flagged rows). Run it right
after the bench that wrote the CSV, on the same machine (scripts/run.sh does),
so both sides see the same conditions. Benchmark runs, not tests: the figures
describe the machine they ran on.
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_results import geomean, number, read_rows  # noqa: E402
from report_format import InputError, save_text  # noqa: E402

LOW, HIGH = 0.9, 1.1
STANDALONE = ["onednn_native", "onednn_winograd", "libxsmm", "xnnpack"]
BASELINES = ["torch"] + STANDALONE


def fail(message):
    print(f"crosscheck_baselines.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def median(values):
    values = sorted(values)
    n = len(values)
    return values[n // 2] if n % 2 else 0.5 * (values[n // 2 - 1] + values[n // 2])


def call_times(call, repetitions, min_time):
    """The scaffold's timing (crosscheck/standalone.cpp): warm-up, then (median, minimum) of per-repetition means."""
    call()
    means = []
    for _ in range(repetitions):
        calls, start = 0, time.perf_counter()
        while True:
            call()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        means.append(elapsed * 1e3 / calls)
    return median(means), min(means)


class TorchSide:
    """PyTorch from Python, imported only when a torch row is to be checked."""

    def __init__(self, build):
        import torch  # python3-torch: the same libtorch convlab's torch baseline loads
        sys.path.insert(0, os.path.join(build, "python"))
        import convlab  # the descriptor's geometry, from convlab's Problem (no parsing here)

        self.torch, self.convlab = torch, convlab

    def time(self, descriptor, direction, threads, repetitions, min_time):
        """((median ms, min ms), ATen's backend for it) or (None, why not)."""
        torch, F = self.torch, self.torch.nn.functional
        p = self.convlab.Problem(descriptor)
        if (p.ph, p.pw) != (p.ph_bottom(), p.pw_right()):
            return None, "asymmetric padding: torch pads symmetrically"
        torch.set_num_threads(threads)
        generator = torch.Generator().manual_seed(1)

        def uniform(*shape, grad=False):
            return (torch.rand(*shape, generator=generator) * 2 - 1).requires_grad_(grad)

        geometry = dict(stride=(p.sh, p.sw), padding=(p.ph, p.pw), dilation=(p.dh + 1, p.dw + 1), groups=p.g)
        x = uniform(*p.shape("x"), grad=direction == "bwd_d")
        w = uniform(*p.shape("w"), grad=direction == "bwd_w")
        b = uniform(*p.shape("b"), grad=direction == "bwd_w")
        # ATen's choice for these tensors, to hold against the backend convlab's row names.
        backend = str(torch._C._select_conv_backend(x, w, b, [p.sh, p.sw], [p.ph, p.pw], [p.dh + 1, p.dw + 1],
                                                    False, [0, 0], p.g)).split(".")[-1]
        if direction == "fwd":
            with torch.no_grad():
                return call_times(lambda: F.conv2d(x, w, b, **geometry), repetitions, min_time), backend
        y = F.conv2d(x, w, b, **geometry)
        dy = uniform(*y.shape)
        wrt = (x,) if direction == "bwd_d" else (w, b)
        call = lambda: torch.autograd.grad(y, wrt, dy, retain_graph=True)  # noqa: E731
        return call_times(call, repetitions, min_time), backend


def standalone(build, name, descriptor, direction, threads, repetitions, min_time):
    """((median ms, min ms) or None, implementation or decline reason) from build/crosscheck/crosscheck_NAME."""
    program = os.path.join(build, "crosscheck", f"crosscheck_{name}")
    if not os.access(program, os.X_OK):
        return None, f"{program} not built"
    done = subprocess.run([program, descriptor, direction, str(threads), str(repetitions), str(min_time)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        return None, f"crosscheck_{name} exited {done.returncode}: {done.stderr.strip()[:200]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if "declined" in result:
        return None, f"declined: {result['declined']}"
    return (result["median_ms"], result["min_ms"]), result.get("implementation", "")


def flag(ratio, convlab_impl, independent_impl):
    if ratio is None or LOW <= ratio <= HIGH:
        return ""
    side = "slower" if ratio < LOW else "faster"
    if independent_impl and convlab_impl and independent_impl not in convlab_impl and convlab_impl not in independent_impl:
        return f"convlab {side}; different kernels: '{convlab_impl}' vs '{independent_impl}'"
    return f"convlab {side} with the same kernel: the call differs (or the machine's noise: see both spreads)"


def baseline_rows(rows, layers):
    chosen = [r for r in rows if r.get("status") == "PASSED" and r.get("algorithm") in BASELINES
              and number(r.get("time_ms_median"))]
    if layers:
        names = list(dict.fromkeys(r["layer"] for r in chosen))[:layers]
        chosen = [r for r in chosen if r["layer"] in names]
    return chosen


def cross_check(rows, args):
    torch_side = None
    results = []
    for i, row in enumerate(rows, 1):
        name, direction, threads = row["algorithm"], row["direction"], int(row["threads"])
        descriptor = row["descriptor"]
        print(f"[{i}/{len(rows)}] {name} {direction} {row['layer']}", file=sys.stderr, flush=True)
        if name == "torch":
            torch_side = torch_side or TorchSide(args.build)
            times, implementation = torch_side.time(descriptor, direction, threads, args.repetitions,
                                                    args.min_time)
        else:
            times, implementation = standalone(args.build, name, descriptor, direction, threads, args.repetitions,
                                               args.min_time)
        convlab_ms, convlab_min = number(row["time_ms_median"]), number(row.get("time_ms_min")) or None
        ms, min_ms = times if times else (None, None)
        ratio = ms / convlab_ms if ms else None
        ratio_min = min_ms / convlab_min if min_ms and convlab_min else None
        results.append({
            "suite": row.get("suite", ""), "layer": row["layer"], "descriptor": descriptor, "baseline": name,
            "direction": direction, "threads": threads, "convlab_ms": f"{convlab_ms:.6g}",
            "independent_ms": f"{ms:.6g}" if ms else "", "ratio": f"{ratio:.4g}" if ratio else "",
            "convlab_min_ms": f"{convlab_min:.6g}" if convlab_min else "",
            "independent_min_ms": f"{min_ms:.6g}" if min_ms else "",
            "ratio_min": f"{ratio_min:.4g}" if ratio_min else "",
            "convlab_implementation": row.get("implementation", ""),
            "independent_implementation": implementation or "",
            "flag": flag(ratio_min, row.get("implementation", ""), implementation) if ratio_min else "",
        })
    return results


def write_csv(path, results):
    columns = list(results[0].keys()) if results else ["baseline"]
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(results)


def summary_table(results):
    """(baseline, direction, geomean of the minima's ratios, min, max, geomean of the medians' ratios, rows,
    flagged) for every pair with a ratio."""
    table = []
    for name in BASELINES:
        for direction in ("fwd", "bwd_d", "bwd_w"):
            pairs = [r for r in results if r["baseline"] == name and r["direction"] == direction and r["ratio_min"]]
            if pairs:
                ratios = [float(r["ratio_min"]) for r in pairs]
                medians = geomean([float(r["ratio"]) for r in pairs])
                flagged = sum(1 for r in pairs if r["flag"])
                table.append((name, direction, geomean(ratios), min(ratios), max(ratios), medians, len(pairs),
                              flagged))
    return table


def write_markdown(path, results, source):
    lines = ["# Baselines cross-checked against their libraries run on their own", "",
             f"convlab's rows from `{source}`; each library timed right after through its own public entry "
             "point (scripts/crosscheck_baselines.py says how). Ratio = convlab's rate / the independent "
             "rate, of the fastest repetitions (the judged one; the medians' beside it); outside "
             f"[{LOW}, {HIGH}] is flagged.", "",
             "| baseline | direction | geomean ratio (minima) | min | max | geomean ratio (medians) | layers | flagged |",
             "|---|---|---|---|---|---|---|---|"]
    for name, direction, g, lo, hi, medians, n, flagged in summary_table(results):
        verdict = "" if LOW <= g <= HIGH else " (outside)"
        lines.append(f"| {name} | {direction} | {g:.3f}{verdict} | {lo:.3f} | {hi:.3f} | {medians:.3f} | {n} | "
                     f"{flagged} |")
    unchecked = [r for r in results if not r["ratio_min"]]
    if unchecked:
        lines += ["", f"Not cross-checked ({len(unchecked)} rows): " + "; ".join(
            sorted({f"{r['baseline']} {r['direction']}: {r['independent_implementation']}" for r in unchecked}))]
    flagged = [r for r in results if r["flag"]]
    if flagged:
        lines += ["", "## Flagged rows", "", "| baseline | direction | layer | ratio | why |", "|---|---|---|---|---|"]
        for r in flagged:
            lines.append(f"| {r['baseline']} | {r['direction']} | {r['layer']} | {float(r['ratio_min']):.3f} | "
                         f"{r['flag']} |")
    save_text(path, "\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv", help="a `convlab bench` CSV with baseline rows")
    parser.add_argument("--out", required=True, help="output stem: OUT.csv and OUT.md")
    parser.add_argument("--build", default="build", help="the build directory (crosscheck/ and python/ in it)")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=0.05, help="seconds per repetition")
    parser.add_argument("--layers", type=int, default=0, help="only the first N layers of the CSV (0: all)")
    args = parser.parse_args()
    if args.repetitions < 1 or args.min_time <= 0 or args.layers < 0:
        fail("--repetitions and --min-time must be positive, --layers at least 0")
    try:
        rows = baseline_rows(read_rows(args.csv), args.layers)
    except (OSError, InputError) as e:
        fail(str(e))
    if not rows:
        fail(f"{args.csv}: no PASSED baseline rows ({', '.join(BASELINES)})")
    results = cross_check(rows, args)
    write_csv(args.out + ".csv", results)
    write_markdown(args.out + ".md", results, args.csv)
    print(open(args.out + ".md").read())


if __name__ == "__main__":
    main()
