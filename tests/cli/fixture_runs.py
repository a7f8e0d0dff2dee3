"""Synthetic `convlab bench` outputs (CSV, .meta.json, raw results: Google Benchmark records as JSON
lines) for test_plots.py.

Every rate is a closed-form function of (algorithm, layer, direction, threads), so the test can compute
the figures it expects without the scripts' code.
"""
import csv
import json
import os

DIRECTIONS = ["fwd", "bwd_d", "bwd_w"]
PEAK = {"1": 200.0, "2": 400.0}
# name, family, baseline, slow, base GFLOP/s
ALGORITHMS = [("naive", "direct", False, True, 0.5), ("im2col_gemm", "gemm", False, False, 100.0),
              ("winograd_f2x3", "winograd", False, False, 200.0), ("direct", "direct", False, False, 150.0),
              ("onednn", "onednn", True, False, 120.0), ("onednn_blocked", "onednn", True, False, 110.0),
              ("onednn_native", "onednn", True, False, 130.0), ("torch", "torch", True, False, 90.0),
              ("reference", "reference", False, True, 0.8)]
# layer, descriptor, (mb, ic, oc, oh, kh)
LAYERS = [("t:res2a", 'mb8ic64ih56oc64oh56kh3ph1n"t:res2a"', (8, 64, 64, 56, 3)),
          ("t:res2b", 'mb8ic256ih56oc64oh56kh1n"t:res2b"', (8, 256, 64, 56, 1)),
          ("t:res3a", 'mb8ic128ih56oc128oh28kh3sh2ph1n"t:res3a"', (8, 128, 128, 28, 3))]
# The layer_class column convlab writes for them (3x3 stride 1, 1x1 stride 1, 3x3 stride 2).
LAYER_CLASS = {"t:res2a": "3x3_s1", "t:res2b": "1x1_s1", "t:res3a": "3x3_s2"}
# gflop_useful / gflop: the share of (output, tap) pairs whose tap is inside the input, squared (both axes).
# res2a, 3x3 pad 1 on 56: 56 x 3 pairs less the first row's top tap and the last row's bottom one, 166 of 168;
# res2b, 1x1: all; res3a, 3x3 stride 2 pad 1, 56 -> 28: only the first row's top tap is outside, 83 of 84.
USEFUL = {"t:res2a": (166 / 168) ** 2, "t:res2b": 1.0, "t:res3a": (83 / 84) ** 2}
NOISY = ("im2col_gemm", "fwd", "t:res2b", 2)
FAILED = ("direct", "bwd_w", "t:res3a", 2)
FEW_REPETITIONS = ("torch", "fwd", "t:res2a", 2)
COLUMNS = ["suite", "layer", "descriptor", "layer_class", "weight", "algorithm", "family", "direction", "threads", "cache", "mb",
           "gflop", "gflop_useful", "time_ms_median", "time_ms_min", "gflops_median", "peak_fraction", "arith_intensity", "bound",
           "spread", "cv", "noisy", "repetitions", "workspace_bytes", "max_abs_err", "max_rel_err", "status", "reason",
           "implementation", "phase_gemm_ms"]


def gflop(layer):
    mb, ic, oc, oh, kh = dict((l, s) for l, _, s in LAYERS)[layer]
    return 2 * mb * oc * oh * oh * ic * kh * kh / 1e9


def useful_rate(algorithm, layer, direction, threads):
    """GFLOP/s on the useful count: what peak_fraction and the roofline place."""
    r = rate(algorithm, layer, direction, threads)
    return r * USEFUL[layer] if r else None


def runs(algorithm, layer):
    if algorithm == "winograd_f2x3":
        return layer == "t:res2a"
    if algorithm in ("naive", "reference"):
        return layer == "t:res2a"
    return True


def rate(algorithm, layer, direction, threads):
    """GFLOP/s; None when the algorithm does not run there."""
    if not runs(algorithm, layer):
        return None
    i, j, k = ([a[0] for a in ALGORITHMS].index(algorithm), [l[0] for l in LAYERS].index(layer),
               DIRECTIONS.index(direction))
    base = dict((a[0], a[4]) for a in ALGORITHMS)[algorithm]
    wobble = 1 + 0.1 * ((i * 7 + j * 3 + k * 5) % 5 - 2)  # not a constant factor: geomeans must really average
    return base * (1.0, 0.8, 1.1)[j] * (1.0, 0.9, 0.8)[k] * wobble * (1.0 if threads == 2 else 0.55)


def metadata(with_algorithms=True):
    meta = {"cpu": {"model_name": "Test CPU", "cores": 2, "processors": 2}, "run": {"threads": [1, 2]},
            "peak": {"fma_gflops": PEAK, "triad_gb_s": 40.0, "l2_gb_s": 300.0, "isa": "avx512",
                     "clock_ghz": {"1": 3.0, "2": 2.9}, "observed_clock_ghz": 3.0}}
    if with_algorithms:
        meta["algorithms"] = [{"name": n, "family": f, "description": f"{n} test", "directions": DIRECTIONS,
                               "exact": True, "tolerance": 1e-5, "mixes_neighbours": False, "baseline": b, "slow": s}
                              for n, f, b, s, _ in ALGORITHMS]
    return meta


def rows(slower=None):
    """The CSV rows; `slower`: the (algorithm, direction, layer, threads) made twice as slow."""
    out = []
    for layer, descriptor, _ in LAYERS:
        for name, family, *_ in ALGORITHMS:
            for d in DIRECTIONS:
                for threads in (1, 2):
                    key = (name, d, layer, threads)
                    row = {"suite": "t", "layer": layer, "descriptor": descriptor, "layer_class": LAYER_CLASS[layer],
                           "weight": "1", "algorithm": name,
                           "family": family, "direction": d, "threads": str(threads), "cache": "warm", "mb": "8",
                           "gflop": f"{gflop(layer):.6g}", "gflop_useful": f"{gflop(layer) * USEFUL[layer]:.6g}",
                           "reason": "", "implementation": "",
                           "workspace_bytes": str(1048576 * (1 + len(name) % 3))}
                    r = rate(name, layer, d, threads)
                    if r is None:
                        row.update(status="SKIPPED", reason="declines")
                        out.append(row)
                        continue
                    if key == slower:
                        r /= 2
                    if key == FAILED:
                        r = 9999.0  # a fast wrong answer: must count nowhere
                    ms = gflop(layer) / r * 1e3
                    noisy = key == NOISY
                    row.update(time_ms_median=repr(ms), time_ms_min=repr(ms * 0.98), gflops_median=repr(r),
                               peak_fraction=repr(r * USEFUL[layer] / PEAK[str(threads)]),
                               arith_intensity=str(10.0 * (1 + j_of(layer))),
                               bound="compute", spread="0.25" if noisy else "0.02", cv="0.2" if noisy else "0.01",
                               noisy="1" if noisy else "0", repetitions="5", max_abs_err="1e-6",
                               max_rel_err="0.5" if key == FAILED else "2e-7",
                               status="FAILED" if key == FAILED else "PASSED", phase_gemm_ms=repr(ms * 0.8))
                    out.append(row)
    return out


def j_of(layer):
    return [l[0] for l in LAYERS].index(layer)


def raw_json(csv_rows, duplicate=None, suffix=""):
    """Google Benchmark JSON: 5 repetitions per timed row (2 for FEW_REPETITIONS) plus aggregates;
    `duplicate`: a key whose entries appear twice, as a resumed run leaves them."""
    benchmarks = []
    for row in csv_rows:
        if not row.get("time_ms_median"):
            continue
        key = (row["algorithm"], row["direction"], row["layer"], int(row["threads"]))
        name = f"{row['algorithm']}/{row['direction']}/{row['layer']}/threads:{row['threads']}{suffix}"
        ms = float(row["time_ms_median"])
        count = 2 if key == FEW_REPETITIONS else 5
        entries = [{"name": name, "run_name": name, "run_type": "iteration", "repetition_index": i,
                    "real_time": ms * (1 + 0.01 * (i - 2)), "time_unit": "ms"} for i in range(count)]
        entries.append({"name": name + "_median", "run_name": name, "run_type": "aggregate",
                        "aggregate_name": "median", "real_time": ms, "time_unit": "ms"})
        benchmarks += entries * (2 if key == duplicate else 1)
    return {"context": {}, "benchmarks": benchmarks}


def plan(csv_rows, threads=2):
    """A plan JSON as `convlab pick --plan` writes it for these rows: winner and runner-up among the algorithms
    neither baseline nor slow, best baseline, by median time of the PASSED rows at `threads`; "significant" is
    fixture data here (a margin above 1.5), the rule being pick's."""
    role = {n: (b, s) for n, _, b, s, _ in ALGORITHMS}
    cells = {}
    for layer, _, _ in LAYERS:
        for d in DIRECTIONS:
            times = {r["algorithm"]: float(r["time_ms_median"]) for r in csv_rows
                     if r["layer"] == layer and r["direction"] == d and r["threads"] == str(threads)
                     and r["status"] == "PASSED"}
            own = sorted((ms, a) for a, ms in times.items() if role[a] == (False, False))
            baselines = sorted((ms, a) for a, ms in times.items() if role[a][0])
            if not own:
                continue
            (ms, winner), second = own[0], own[1] if len(own) > 1 else None
            cells.setdefault(layer, {})[d] = {
                "winner": winner, "winner_ms": ms, "runner_up": second and second[1],
                "runner_up_ms": second and second[0], "margin": second and second[0] / ms,
                "significant": bool(second and second[0] / ms > 1.5), "test": "spread 0.020+0.020",
                "best_baseline": baselines[0][1] if baselines else None,
                "best_baseline_ms": baselines[0][0] if baselines else None}
    return {"layers": {}, "order": [layer for layer, _, _ in LAYERS], "threads": threads, "cells": cells,
            "rules": {"winner": "WINNER RULE", "best_baseline": "BASELINE RULE", "significance": "SIGNIFICANCE RULE",
                      "alpha": 0.05, "min_repetitions": 4}}


def write_plan(directory, csv_rows):
    path = os.path.join(directory, "plan.json")
    with open(path, "w") as f:
        json.dump(plan(csv_rows), f)
    return path


def write_run(directory, stem, csv_rows, meta, raw, columns=COLUMNS):
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, stem + ".csv")
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(csv_rows)
    with open(os.path.join(directory, stem + ".meta.json"), "w") as f:
        json.dump(meta, f)
    with open(os.path.join(directory, stem + ".json"), "w") as f:  # JSON lines, as bench writes them
        f.writelines(json.dumps(line) + "\n" for line in [{"context": raw["context"]}] + raw["benchmarks"])
    return path
