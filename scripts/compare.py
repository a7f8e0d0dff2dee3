#!/usr/bin/env python3
"""Compare two `convlab bench` runs row by row: ratio of median times and a Mann-Whitney U test.

    python3 scripts/compare.py A.csv B.csv [--raw-a A.json] [--raw-b B.json] [--alpha 0.05]

Rows are matched on (suite, layer, descriptor, algorithm, direction, threads, and cache when the CSVs
have it). For each pair it prints B/A of the median time (> 1: B is slower) and whether the two sets
of repetitions differ significantly by a two-sided Mann-Whitney U test (the repetitions are the
"iteration" entries of the Google Benchmark raw JSONs, by default the CSVs' .json siblings; entries
of the same name, as a resumed run writes, are pooled). Then the geometric mean of the ratios.

Exit status: 0 when compared; 2 with one line "compare: error: ..." when a file is missing or
unreadable, the CSVs' columns differ (the phase_* columns aside: they depend on the algorithms run),
or they share no row.
"""
import argparse
import csv
import json
import math
import os
import re
import sys

KEY = ["suite", "layer", "descriptor", "algorithm", "direction", "threads"]
TO_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
MIN_REPETITIONS = 3


class CompareError(Exception):
    pass


def read_csv(path):
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            return list(reader.fieldnames or []), list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise CompareError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}")


def parse_name(name):
    """(algorithm, direction, layer, {attribute: value}) of "ALGO/DIR/LAYER/threads:N[/key:value...]"."""
    parts = name.split("/")
    for i in range(2, len(parts)):
        if re.fullmatch(r"threads:\d+", parts[i]) and i > 2:
            attributes = dict(p.split(":", 1) for p in parts[i:] if ":" in p)
            return parts[0], parts[1], "/".join(parts[2:i]), attributes
    return None


def read_repetitions(path):
    """{(algorithm, direction, layer, threads, cache or None): [ms, ...]} of the iteration entries."""
    try:
        with open(path) as f:
            benchmarks = json.load(f).get("benchmarks", [])
    except (OSError, ValueError, AttributeError) as e:
        raise CompareError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}")
    out = {}
    for b in benchmarks:
        if not isinstance(b, dict) or b.get("run_type") != "iteration" or "real_time" not in b \
                or b.get("error_occurred"):
            continue
        parsed = parse_name(b.get("run_name") or b.get("name", ""))
        if not parsed:
            continue
        algorithm, direction, layer, attributes = parsed
        key = (algorithm, direction, layer, attributes["threads"], attributes.get("cache"))
        out.setdefault(key, []).append(float(b["real_time"]) * TO_MS.get(b.get("time_unit", "ms"), 1.0))
    return out


def repetitions_of(raw, row):
    """The row's repetitions; a raw JSON whose names carry no cache matches a row of any cache."""
    if raw is None:
        return []
    base = (row["algorithm"], row["direction"], row["layer"], row["threads"])
    return raw.get(base + (row.get("cache") or None,)) or raw.get(base + (None,)) or []


def number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def significance(a, b, alpha):
    if len(a) < MIN_REPETITIONS or len(b) < MIN_REPETITIONS:
        return "", "n/a (too few repetitions)"
    from scipy.stats import mannwhitneyu
    p = mannwhitneyu(a, b, alternative="two-sided").pvalue
    if not math.isfinite(p):
        return "", "n/a (identical)"
    return f"{p:.3g}", "significant" if p < alpha else "not significant"


def compare(a_path, b_path, raw_a_path, raw_b_path, alpha):
    (a_columns, a_rows), (b_columns, b_rows) = read_csv(a_path), read_csv(b_path)
    if not a_columns or not b_columns:
        raise CompareError(f"{a_path if not a_columns else b_path} has no header")
    schema = lambda columns: {c for c in columns if not c.startswith("phase_")}  # noqa: E731
    only_a, only_b = sorted(schema(a_columns) - schema(b_columns)), sorted(schema(b_columns) - schema(a_columns))
    if only_a or only_b:
        raise CompareError("the CSVs' columns differ: " + "; ".join(
            f"only in {path}: {', '.join(cols)}" for path, cols in ((a_path, only_a), (b_path, only_b)) if cols))
    key_columns = KEY + (["cache"] if "cache" in a_columns else [])
    missing = [c for c in key_columns if c not in a_columns]
    if missing:
        raise CompareError(f"not convlab bench CSVs: no column {', '.join(missing)}")
    index = lambda rows: {tuple(r[c] for c in key_columns): r for r in rows}  # noqa: E731
    a_index, b_index = index(a_rows), index(b_rows)
    shared = [k for k in a_index if k in b_index]
    if not shared:
        raise CompareError(f"{a_path} and {b_path} share no rows (matched on {', '.join(key_columns)})")
    raws = []
    for given, csv_path in ((raw_a_path, a_path), (raw_b_path, b_path)):
        path = given or os.path.splitext(csv_path)[0] + ".json"
        raws.append(read_repetitions(path) if given or os.path.exists(path) else None)
    lines, ratios, verdicts = [], [], {}
    header = ["layer", "algorithm", "dir", "threads"] + (["cache"] if "cache" in key_columns else []) + [
        "A ms", "B ms", "B/A", "reps A/B", "p", "difference"]
    for key in shared:
        a, b = a_index[key], b_index[key]
        ta = number(a.get("time_ms_median")) if a.get("status") == "PASSED" else None
        tb = number(b.get("time_ms_median")) if b.get("status") == "PASSED" else None
        reps_a, reps_b = repetitions_of(raws[0], a), repetitions_of(raws[1], b)
        if ta and tb:
            ratios.append(tb / ta)
            p, verdict = significance(reps_a, reps_b, alpha)
            if verdict == "significant":
                verdict += ", B slower" if tb > ta else ", B faster"
            cells = [f"{ta:.4g}", f"{tb:.4g}", f"{tb / ta:.3f}", f"{len(reps_a)}/{len(reps_b)}", p, verdict]
        else:
            verdict = f"not compared (A {a.get('status')}, B {b.get('status')})"
            cells = [f"{ta:.4g}" if ta else "–", f"{tb:.4g}" if tb else "–", "–", "", "", verdict]
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
        lines.append([a["layer"], a["algorithm"], a["direction"], a["threads"]]
                     + ([a["cache"]] if "cache" in key_columns else []) + cells)
    widths = [max(len(str(row[i])) for row in [header] + lines) for i in range(len(header))]
    print(f"A: {a_path}\nB: {b_path}\nB/A is the ratio of median times (> 1: B slower); "
          f"Mann-Whitney U, two-sided, alpha {alpha:g}.\n")
    for row in [header] + lines:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    geo = math.exp(sum(map(math.log, ratios)) / len(ratios)) if ratios else None
    print(f"\n{len(shared)} rows matched, {len(a_index) - len(shared)} only in A, "
          f"{len(b_index) - len(shared)} only in B; "
          + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())))
    for name, raw in zip("AB", raws):
        if raw is None:
            print(f"no raw JSON beside {name}: significance not tested")
    print(f"geomean B/A over {len(ratios)} rows: " + (f"{geo:.3f}" if geo else "–"))


def main():
    parser = argparse.ArgumentParser(prog="compare", description=__doc__.splitlines()[0])
    parser.add_argument("a", help="the first run's CSV")
    parser.add_argument("b", help="the second run's CSV")
    parser.add_argument("--raw-a", help="A's Google Benchmark JSON (default: A.csv's .json sibling)")
    parser.add_argument("--raw-b", help="B's Google Benchmark JSON (default: B.csv's .json sibling)")
    parser.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    args = parser.parse_args()
    try:
        compare(args.a, args.b, args.raw_a, args.raw_b, args.alpha)
    except CompareError as e:
        print(f"compare: error: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
