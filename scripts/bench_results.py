"""The rows of a `convlab bench` CSV, indexed for plots and the summary.

Only PASSED rows count for speed; "better oneDNN" on a layer is the faster of
onednn and onednn_blocked there.
"""
import csv
import math
import re

DIRECTIONS = ["fwd", "bwd_d", "bwd_w"]
ONEDNN = ("onednn", "onednn_blocked")
SLOW = ("naive", "reference")


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def geomean(values):
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def is_3x3_stride1(descriptor):
    """3x3 kernel, stride 1, no dilation, from a canonical descriptor (Problem::str)."""
    entries = dict(re.findall(r"([a-z]+)(\d+)", descriptor.split('n"')[0]))
    def get(h, w, default):
        return int(entries.get(h, default)), int(entries.get(w, entries.get(h, default)))
    return get("kh", "kw", 1) == (3, 3) and get("sh", "sw", 1) == (1, 1) and get("dh", "dw", 0) == (0, 0)


class Results:
    """PASSED rows indexed by (algorithm, direction, layer, threads)."""

    def __init__(self, rows):
        self.rows = rows
        self.passed = [r for r in rows if r.get("status") == "PASSED" and number(r.get("gflops_median"))]
        self.algorithms = list(dict.fromkeys(r["algorithm"] for r in rows if r.get("algorithm")))
        self.layers = list(dict.fromkeys(r["layer"] for r in rows if r.get("algorithm")))
        self.thread_counts = sorted({int(r["threads"]) for r in self.passed})
        self.main_threads = max(self.thread_counts) if self.thread_counts else None
        self.rate = {}
        self.time = {}
        self.descriptor = {}
        for r in self.passed:
            key = (r["algorithm"], r["direction"], r["layer"], int(r["threads"]))
            self.rate[key] = number(r["gflops_median"])
            self.time[key] = number(r["time_ms_median"])
            self.descriptor[r["layer"]] = r["descriptor"]

    def gflops(self, algorithm, direction, layer, threads=None):
        return self.rate.get((algorithm, direction, layer, threads or self.main_threads))

    def best_onednn(self, direction, layer):
        rates = [self.gflops(a, direction, layer) for a in ONEDNN]
        rates = [r for r in rates if r]
        return max(rates) if rates else None

    def ratios(self, algorithm, direction, baseline, layers=None):
        """{layer: algorithm rate / baseline(layer) rate} where both ran."""
        out = {}
        for layer in layers or self.layers:
            mine, theirs = self.gflops(algorithm, direction, layer), baseline(layer)
            if mine and theirs:
                out[layer] = mine / theirs
        return out


def thread_speedups(res, algorithm, threads, layers=None):
    """{(direction, layer): time at 1 thread / time at `threads`}."""
    out = {}
    for d in DIRECTIONS:
        for layer in layers or res.layers:
            t1 = res.time.get((algorithm, d, layer, 1))
            tn = res.time.get((algorithm, d, layer, threads))
            if t1 and tn:
                out[(d, layer)] = t1 / tn
    return out
