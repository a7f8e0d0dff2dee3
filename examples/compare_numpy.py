#!/usr/bin/env python3
"""The three textbook numpy methods (numpy_im2col, numpy_strided,
numpy_loops) checked and timed through convlab beside its C++ algorithms
(im2col_gemm, winograd_f2x3 and direct when registered), one table:

    PYTHONPATH=build/python python3 examples/compare_numpy.py
    PYTHONPATH=build/python python3 examples/compare_numpy.py --problem mb1ic4ih6oc4kh3ph1 --min-time 0.01

Every row comes from convlab.bench: the checker first (integer and real
data against the double reference; the verdict), then Google Benchmark.
The loops only run on problems of at most --loops-max-mflop MFLOP."""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import convlab  # noqa: E402
import numpy_im2col  # noqa: E402
import numpy_loops  # noqa: E402
import numpy_strided  # noqa: E402

DEFAULT_PROBLEMS = [
    'mb8ic64ih28oc64kh3ph1n"3x3"',
    'mb8ic128ih28oc256kh1sh2n"1x1_s2"',
    'mb4ic32ih32oc32kh3ph2dh1n"3x3_dil"',
    'mb1ic4ih7oc4kh3ph1n"tiny"',
]
CPP_ALGORITHMS = ["im2col_gemm", "winograd_f2x3", "direct"]
DIRECTIONS = ["fwd", "bwd_d", "bwd_w"]


def callables(module, p):
    """{direction: fn} with the signatures convlab.validate expects."""
    return {"fwd": lambda x, w, b: module.forward(p, x, w, b),
            "bwd_d": lambda dy, w: module.backward_data(p, dy, w),
            "bwd_w": lambda x, dy: module.backward_weights(p, x, dy)}


def rows_for(p, args):
    registered = {a["name"] for a in convlab.algorithms()}
    methods = [("numpy_im2col", numpy_im2col), ("numpy_strided", numpy_strided)]
    if p.flops() <= args.loops_max_mflop * 1e6:
        methods.append(("numpy_loops", numpy_loops))
    rows = []
    for d in DIRECTIONS:
        algos = [name for name in CPP_ALGORITHMS if name in registered]
        algos += [{label: callables(module, p)[d]} for label, module in methods]
        rows += convlab.bench([p], algos, directions=[d], threads=args.threads, repetitions=args.repetitions,
                              min_time=args.min_time)
    return rows


def number(value):
    return "-" if value is None else f"{value:.4g}"


def print_table(rows, out=None):
    out = out or sys.stdout
    header = ["problem", "direction", "algorithm", "verdict", "median ms", "GFLOP/s"]
    table = [[r["layer"], r["direction"], r["algorithm"], r["status"], number(r["time_ms_median"]),
              number(r["gflops_median"])] for r in rows]
    widths = [max(len(str(row[k])) for row in [header] + table) for k in range(len(header))]
    for row in [header, ["-" * w for w in widths]] + table:
        out.write("  ".join(str(cell).ljust(w) if k < 4 else str(cell).rjust(w)
                            for k, (cell, w) in enumerate(zip(row, widths))).rstrip() + "\n")
    for r in rows:
        if r["status"] != "PASSED":
            out.write(f"{r['algorithm']} {r['direction']} {r['layer']}: {r['status']}: {r['reason']}\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problem", action="append", help="a descriptor (repeatable; default: four layers)")
    parser.add_argument("--threads", type=int, default=None, help="default: every core")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=0.1, help="seconds per repetition")
    parser.add_argument("--loops-max-mflop", type=float, default=1.0)
    args = parser.parse_args(argv)
    rows = []
    for descriptor in args.problem or DEFAULT_PROBLEMS:
        rows += rows_for(convlab.Problem(descriptor), args)
    print_table(rows)
    return 0 if all(r["status"] in ("PASSED", "SKIPPED") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
