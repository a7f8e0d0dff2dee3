#!/usr/bin/env python3
"""The data study's report: how each algorithm's time moves with the data and with FTZ.

    python3 scripts/data_study.py DIR [--crosscheck-torch] [--note TEXT]

DIR holds the six CSVs of scripts/data_study.sh (uniform|relu|denormal _ftz_ off|on .csv). Writes
DIR/data_study.md and DIR/data_study.json. Per algorithm and direction: the time with each data
and mode over the time with uniform data and FTZ off, the geometric mean over the layers where
both rows PASSED, beside the rows' noise (the largest `spread` of the rows behind it) and how
many of them the noise sentinel marked disturbed. --crosscheck-torch times PyTorch from Python
(python3-torch) on the same layers and data distributions, torch.set_flush_denormal for FTZ,
and sets its denormal/uniform ratios beside the `torch` rows'.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_results import DIRECTIONS, geomean, number, read_rows  # noqa: E402
from report_format import InputError, fmt, save_text, table  # noqa: E402

DATA = ["uniform", "relu", "denormal"]
MODES = ["off", "on"]
BASE = ("uniform", "off")
SLOW = 2.0  # a ratio at least this large is called a slowdown in the findings


def csv_name(data, ftz):
    return f"{data}_ftz_{ftz}.csv"


def load(directory):
    """{(data, ftz): {(algorithm, direction, layer): row}} of the CSVs present; InputError when the base is missing."""
    runs = {}
    for data in DATA:
        for ftz in MODES:
            path = os.path.join(directory, csv_name(data, ftz))
            if os.path.exists(path):
                runs[(data, ftz)] = {(r["algorithm"], r["direction"], r["layer"]): r for r in read_rows(path)}
    if BASE not in runs:
        raise InputError(f"{directory}: no {csv_name(*BASE)} (run scripts/data_study.sh first)")
    return runs


def ratios(runs):
    """{(algorithm, direction): {(data, ftz): (geomean ratio, largest spread, disturbed rows, layers)}}."""
    base = runs[BASE]
    out = {}
    for (algorithm, direction, layer), row in base.items():
        if row.get("status") != "PASSED":
            continue
        entry = out.setdefault((algorithm, direction), {})
        for condition, rows in runs.items():
            other = rows.get((algorithm, direction, layer))
            if not other or other.get("status") != "PASSED":
                continue
            t0, t1 = number(row.get("time_ms_median")), number(other.get("time_ms_median"))
            if not t0 or not t1:
                continue
            cell = entry.setdefault(condition, {"ratios": [], "spread": 0.0, "disturbed": 0})
            cell["ratios"].append(t1 / t0)
            cell["spread"] = max(cell["spread"], number(row.get("spread")) or 0, number(other.get("spread")) or 0)
            cell["disturbed"] += (row.get("disturbed") == "1") + (other.get("disturbed") == "1")
    return {key: {c: (geomean(v["ratios"]), v["spread"], v["disturbed"], len(v["ratios"])) for c, v in entry.items()}
            for key, entry in out.items()}


def cpu_of(directory):
    for data in DATA:
        meta = os.path.join(directory, os.path.splitext(csv_name(data, "off"))[0] + ".meta.json")
        if os.path.exists(meta):
            with open(meta) as f:
                cpu = json.load(f).get("cpu", {})
            return cpu.get("model_name") or cpu.get("model") or platform.processor() or "unknown CPU"
    return platform.processor() or "unknown CPU"


# --- PyTorch on its own -------------------------------------------------------------------------

def torch_tensor(torch, shape, data, role, generator):
    """A tensor of `data` as convlab's --data defines it (docs/data.md), from torch's own generator."""
    u = torch.rand(shape, generator=generator) * 2 - 1
    if data == "relu":
        if role == "x":
            return u.clamp(min=0)
        if role == "dy":
            return u * (torch.rand(shape, generator=generator) < 0.5)
        return u
    if data == "denormal" and role != "b":
        chosen = torch.rand(shape, generator=generator) < 0.1
        subnormal = (torch.rand(shape, generator=generator) * 2 - 1) * 1.17e-38  # |v| < 2^-126
        return torch.where(chosen, subnormal, u)
    return u


def time_torch(torch, problem, direction, data, ftz, threads, min_seconds=0.2):
    """Median of 5 timings of at least `min_seconds`/5 each of aten's convolution (fwd) or convolution_backward."""
    torch.set_num_threads(threads)
    torch.set_flush_denormal(ftz == "on")
    g = torch.Generator().manual_seed(7)
    p = problem
    x = torch_tensor(torch, (p.mb, p.ic, p.ih, p.iw), data, "x", g)
    w = torch_tensor(torch, (p.oc, p.ic // p.g, p.kh, p.kw), data, "w", g)
    b = torch_tensor(torch, (p.oc,), data, "b", g)
    dy = torch_tensor(torch, (p.mb, p.oc, p.oh, p.ow), data, "dy", g)
    args = dict(stride=(p.sh, p.sw), padding=(p.ph, p.pw), dilation=(p.dh + 1, p.dw + 1), groups=p.g)
    mask = {"fwd": None, "bwd_d": [True, False, False], "bwd_w": [False, True, True]}[direction]

    def call():
        if mask is None:
            return torch.nn.functional.conv2d(x, w, b, **args)
        return torch.ops.aten.convolution_backward(dy, x, w, [p.oc], list(args["stride"]), list(args["padding"]),
                                                   list(args["dilation"]), False, [0, 0], p.g, mask)

    with torch.no_grad():
        call()
        times = []
        for _ in range(5):
            calls, start = 0, time.perf_counter()
            while time.perf_counter() - start < min_seconds / 5 or calls == 0:
                call()
                calls += 1
            times.append((time.perf_counter() - start) / calls)
    torch.set_flush_denormal(False)
    return statistics.median(times)


def torch_crosscheck(runs):
    """Rows (layer, direction, data, ftz, torch from Python ratio, convlab's torch row ratio)."""
    import torch
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "python"))
    import convlab
    out = []
    base = runs[BASE]
    for (algorithm, direction, layer), row in sorted(base.items()):
        if algorithm != "torch" or row.get("status") != "PASSED":
            continue
        problem = convlab.Problem(row["descriptor"])
        threads = int(row["threads"])
        t0 = time_torch(torch, problem, direction, "uniform", "off", threads)
        for condition in [("denormal", "off"), ("denormal", "on")]:
            other = runs.get(condition, {}).get((algorithm, direction, layer))
            ours = (number(other["time_ms_median"]) / number(row["time_ms_median"])
                    if other and other.get("status") == "PASSED" else None)
            theirs = time_torch(torch, problem, direction, *condition, threads) / t0
            out.append((layer, direction, *condition, theirs, ours))
    return out


# --- the report ---------------------------------------------------------------------------------

def report(directory, cpu, table_ratios, crosscheck, note=""):
    conditions = [("uniform", "on"), ("relu", "off"), ("relu", "on"), ("denormal", "off"), ("denormal", "on")]
    header = ["algorithm", "dir"] + [f"{d} ftz {m}" for d, m in conditions] + ["noise (max spread)", "disturbed"]
    rows, slowdowns = [], []
    for (algorithm, direction) in sorted(table_ratios, key=lambda k: (k[0], DIRECTIONS.index(k[1]))):
        cells = table_ratios[(algorithm, direction)]
        line = [algorithm, direction]
        spread, disturbed = 0.0, 0
        for c in conditions:
            value = cells.get(c)
            line.append(fmt(value[0]) + "x" if value and value[0] else "-")
            if value:
                spread, disturbed = max(spread, value[1]), disturbed + value[2]
                if c[0] == "denormal" and value[0] and value[0] >= SLOW:
                    slowdowns.append((algorithm, direction, c[1], value[0]))
        rows.append(line + [f"{spread * 100:.0f}%", str(disturbed)])
    text = [f"## Data: time over uniform data with FTZ off ({cpu})\n",
            f"From `{directory}` (scripts/data_study.sh): six layers of ResNet-50 and MobileNet depthwise, every "
            "fast algorithm and baseline, each time over the same row with uniform data and FTZ off, geometric "
            "mean over the layers where both PASSED. `denormal` is 0.1 of x, w and dy subnormal; `ftz on` sets "
            "FTZ and DAZ on every thread (docs/data.md). Noise: the largest IQR-over-median of the rows behind a "
            "line; disturbed: rows the noise sentinel marked.\n",
            table(header, rows)]
    if note:
        text.insert(2, f"**Note on this run:** {note}\n")
    off = sorted([s for s in slowdowns if s[2] == "off"], key=lambda s: -s[3])
    on = [s for s in slowdowns if s[2] == "on"]
    text.append("\n**Findings.** " + (
        f"With denormal data and FTZ off, {len(off)} algorithm-direction pairs run {SLOW:g}x slower or more "
        f"(from {fmt(off[-1][3])}x to {fmt(off[0][3])}x: {', '.join(f'{a} {d} {fmt(r)}x' for a, d, _, r in off)}). "
        if off else f"No algorithm runs {SLOW:g}x slower with denormal data and FTZ off. ") + (
        f"With FTZ on, {len(on)} still do ({', '.join(f'{a} {d} {fmt(r)}x' for a, d, _, r in on)})."
        if on else "With FTZ on, none does.") + "\n")
    if crosscheck:
        text.append("\n### Cross-check: PyTorch from Python on the same data\n\n"
                    "The `torch` rows' denormal/uniform time ratios beside PyTorch's own (aten convolution and "
                    "convolution_backward from Python, `torch.set_flush_denormal` for FTZ, the same distributions "
                    "drawn by torch's generator):\n")
        text.append(table(["layer", "dir", "data", "ftz", "PyTorch from Python", "convlab torch row"],
                          [[l, d, da, f, fmt(t) + "x", fmt(o) + "x" if o else "-"] for l, d, da, f, t, o in crosscheck]))
    return "\n".join(text) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", help="the directory of scripts/data_study.sh's CSVs")
    parser.add_argument("--crosscheck-torch", action="store_true", help="time PyTorch from Python too")
    parser.add_argument("--note", default="", help="a sentence on the run's conditions, printed above the table")
    args = parser.parse_args()
    try:
        runs = load(args.directory)
    except InputError as e:
        print(f"data_study.py: error: {e}", file=sys.stderr)
        sys.exit(2)
    table_ratios = ratios(runs)
    crosscheck = torch_crosscheck(runs) if args.crosscheck_torch else []
    cpu = cpu_of(args.directory)
    save_text(os.path.join(args.directory, "data_study.md"), report(args.directory, cpu, table_ratios, crosscheck,
                                                                          args.note))
    payload = {"cpu": cpu, "ratios": [{"algorithm": a, "direction": d, "data": c[0], "ftz": c[1], "ratio": v[0],
                                       "max_spread": v[1], "disturbed": v[2], "layers": v[3]}
                                      for (a, d), cells in sorted(table_ratios.items()) for c, v in cells.items()],
               "torch_crosscheck": [{"layer": l, "direction": d, "data": da, "ftz": f, "pytorch": t, "convlab": o}
                                    for l, d, da, f, t, o in crosscheck]}
    save_text(os.path.join(args.directory, "data_study.json"), json.dumps(payload, indent=1) + "\n")
    print(f"data_study.py: wrote {args.directory}/data_study.md and data_study.json")


if __name__ == "__main__":
    main()
