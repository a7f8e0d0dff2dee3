#!/usr/bin/env python3
"""SUMMARY.md from `convlab bench` CSVs and the first one's .meta.json.

    python3 scripts/summary.py results/resnet_50.csv [more.csv ...] [--out DIR] [--targets FILE.json]
                               [--plan PLAN.json]

(scripts/plot.py writes it too, beside the plots.) Definitions, also stated in the file:
  - speed counts PASSED rows only, at the largest thread count of the run, warm cache when both ran;
  - baselines and slow algorithms are those the metadata's `algorithms` marks so;
    "best baseline of family F" on a layer is the fastest baseline of that family there;
  - "convlab's best" on a layer is the fastest algorithm that is neither a baseline nor slow;
  - "winner" and "best baseline" are `convlab pick`'s, read from its plan JSON (--plan), never decided here;
  - a ratio over layers is the geometric mean of per-layer ratios, over the layers where both sides ran.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_results import DIRECTIONS, Results, geomean, number, read_rows  # noqa: E402
from summary_direct import direct_peers_section  # noqa: E402
from summary_fft import fft_section, roofline_section  # noqa: E402
from summary_layouts import layouts_section  # noqa: E402
from summary_sections import (accuracy_section, classes_section, direct_versus_gemm_section,  # noqa: E402
                              disturbed_section, noisy_section, phases_section, suspect_section,
                              winners_section)
from report_format import InputError, fmt, save_text, table  # noqa: E402
import targets as target_checks  # noqa: E402

REQUIRED_COLUMNS = ["layer", "descriptor", "algorithm", "direction", "threads", "status"]


def load_inputs(csv_paths, targets_path=None):
    """(rows of every CSV, the first CSV's metadata or {}, the targets or None); InputError on bad input."""
    rows = []
    for path in csv_paths:
        try:
            mine = read_rows(path)
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read {path}: {e.strerror if isinstance(e, OSError) else e}")
        if mine:
            missing = [c for c in REQUIRED_COLUMNS if c not in mine[0]]
            if missing:
                raise InputError(f"{path}: not a convlab bench CSV: no column {', '.join(missing)}")
        rows += mine
    meta = {}
    meta_path = os.path.splitext(csv_paths[0])[0] + ".meta.json"
    if os.path.exists(meta_path):
        try:
            with open(meta_path) as f:
                meta = json.load(f)
        except (OSError, ValueError) as e:
            raise InputError(f"cannot read {meta_path}: {e}")
        if not isinstance(meta, dict):
            raise InputError(f"{meta_path}: expected a JSON object")
    targets = target_checks.load(targets_path) if targets_path else None
    return rows, meta, targets


def load_plan(path, rows):
    """`convlab pick --plan`'s JSON of these rows (its winners and best baselines), or None without a path;
    InputError when it is not a measured plan or names a layer the CSVs lack."""
    if not path:
        return None
    try:
        with open(path) as f:
            plan = json.load(f)
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read plan {path}: {e}")
    if not isinstance(plan, dict) or not isinstance(plan.get("cells"), dict) or not isinstance(plan.get("rules"), dict):
        raise InputError(f"plan {path}: not the plan JSON of `convlab pick CSV --plan FILE` (no cells and rules)")
    layers = {r.get("layer") for r in rows}
    foreign = [layer for layer in plan["cells"] if layer not in layers]
    if foreign:
        raise InputError(f"plan {path}: layer {foreign[0]} is in no CSV given (a plan of another run?)")
    return plan


def peak_text(meta):
    peak = meta.get("peak")
    if not isinstance(peak, dict):
        return "not in the metadata"
    fma = peak.get("fma_gflops") or {}
    per_threads = ", ".join(f"{number(v):.1f} GFLOP/s at {k} thread{'s' if k != '1' else ''}"
                            for k, v in sorted(fma.items(), key=lambda kv: int(kv[0])) if number(v))
    # The probe's clock: observed_clock_ghz (1 thread busy), else clock_ghz as older metadata held it (a number).
    clocks = peak.get("clock_ghz")
    clock = (number(peak.get("observed_clock_ghz")) or (number(clocks.get("1")) if isinstance(clocks, dict) else
             number(clocks)) or (number(peak.get("clock_mhz")) or 0) / 1000 or None)
    clock_text = f"{clock:.2f} GHz" if clock else "clock not measured"
    nominal = meta.get("benchmark_context", {}).get("mhz_per_cpu")
    if not clock and nominal:
        clock_text += f" (nominal {nominal} MHz)"
    return (f"FMA {per_threads or '?'} (isa {peak.get('isa', '?')}, {clock_text}); "
            f"DRAM triad {fmt(number(peak.get('triad_gb_s')))} GB/s, L2 {fmt(number(peak.get('l2_gb_s')))} GB/s")


def measurement_warnings(meta):
    """Bold notes for the top of SUMMARY.md when the metadata says the peak or the threads are not to be trusted."""
    peak = meta.get("peak") if isinstance(meta.get("peak"), dict) else {}
    notes = ""
    if peak.get("oversubscribed") or meta.get("run", {}).get("oversubscribed"):
        notes += (f"\n**Oversubscribed:** the run asked for more threads than the {peak.get('usable_cpus', '?')} "
                  "CPU(s) its affinity mask allowed (--allow-oversubscribe); threads time-shared CPUs.\n")
    for threads, why in sorted((peak.get("peak_suspect") or {}).items(), key=lambda kv: int(kv[0])):
        notes += (f"\n**Peak suspect at {threads} thread(s):** {why}. Peak fractions at that thread count divide by "
                  "the clock-derived figure.\n")
    return notes


def machine_section(res, meta):
    if not meta:
        return "## Machine\n\nNo metadata file beside the CSV.\n"
    cpu = meta.get("cpu", {})
    run = {k: "?" for k in ("threads", "repetitions", "min_time_s", "budget_gflop")} | meta.get("run", {})
    isa = " ".join(k for k, v in cpu.get("isa", {}).items() if v)
    caches = ", ".join(f"{name.upper()} {c['size_bytes'] // 1024} KiB x{c['count']}"
                       for name, c in cpu.get("caches", {}).items() if c)
    blas, dnn, comp = meta.get("openblas", {}), meta.get("onednn", {}), meta.get("compiler", {})
    git = meta.get("git", {})
    env = ", ".join(f"{k}={v}" for k, v in meta.get("environment", {}).items())
    dirty = ", ".join(f"`{p}`" for p in git.get("dirty_paths") or [])
    commit = f"{git.get('commit', '?')}{f' (dirty tree: {dirty or chr(63)})' if git.get('dirty') else ''}"
    cache = run.get("cache") or res.cache or "not recorded"
    rows = [
        ("CPU", f"{cpu.get('model_name') or cpu.get('model', '?')}: {cpu.get('cores', '?')} cores, "
                f"{cpu.get('processors', '?')} logical processors"),
        ("ISA", isa or "?"), ("caches", caches or "?"), ("measured peak", peak_text(meta)),
        ("compiler", f"g++ {comp.get('version', '?')}, flags `{comp.get('flags', '').strip()}`"),
        ("OpenBLAS", f"{blas.get('version', '?')}, core {blas.get('corename', '?')} ({blas.get('config', '')})"),
        ("oneDNN", f"{dnn.get('version', '?')} ({dnn.get('cpu_runtime', '?')} runtime)"),
        ("environment", env), ("commit", commit), ("date", meta.get("date", "?")),
        ("settings", f"threads {run.get('threads')}, {run.get('repetitions')} repetitions of >= "
                     f"{run.get('min_time_s')} s, cache {cache}, correctness checked at mb "
                     f"{run.get('check_mb') or 'as run'}, slow algorithms skipped above {run.get('budget_gflop')} GFLOP"
                     f"{'' if run.get('completed') else ', run NOT completed (interrupted)'}"),
        ("command", f"`{meta.get('command_line', '?')}`"),
    ]
    return "## Machine\n\n" + table(["", ""], rows) + "\n"


def role(res, a):
    return "baseline" if res.catalog.is_baseline(a) else "slow" if res.catalog.is_slow(a) else ""


def speed_section(res):
    baselines = res.baselines()
    out = [f"## Speed per direction ({res.main_threads} threads)\n",
           "Geometric means over the layers an algorithm passed. GFLOP/s is the effective rate: every algorithm "
           "is credited with the direct convolution's nominal FLOPs (`gflop`, padding taps included), so rates "
           "compare algorithms on equal work. The peak fraction counts only the useful FLOPs (`gflop_useful`, "
           "taps inside the input) over the measured FMA peak, so a direct method stays below 1; algorithms that do "
           "fewer multiplications (the Winograd and FFT families) still can. The last columns give the geometric "
           "mean of the per-layer ratio to the best baseline on that layer, over the layers both ran.\n"
           + ("" if res.useful_counted else
              "\n**This CSV has no gflop_useful column (an older convlab): its peak fractions count the nominal "
              "FLOPs, padding taps included, and overstate direct methods on padded layers.**\n")]
    for d in DIRECTIONS:
        rows = []
        for a in res.algorithms:
            rates = [r for r in (res.gflops(a, d, layer) for layer in res.layers) if r]
            if not rates:
                continue
            fractions = [res.peak_fraction(a, d, layer) for layer in res.layers]
            ratios = res.ratios([a], baselines, d)
            rows.append((a, len(rates), res.catalog.family(a), role(res, a), fmt(geomean(rates)),
                         fmt(geomean(fractions)), fmt(geomean(ratios.values())), len(ratios)))
        header = ["algorithm", "layers", "family", "role", "geomean GFLOP/s", "geomean peak fraction",
                  "ratio to best baseline", "layers compared"]
        out.append(f"### {d}\n\n" + (table(header, rows) if rows else "No PASSED rows.") + "\n")
    return "\n".join(out)


def yardsticks(res):
    """[(label, algorithms whose per-layer best is the yardstick)]: each baseline, the best baseline of each
    family with more than one, the best baseline of all."""
    sticks = [(a, [a]) for a in res.baselines()]
    for family in res.baseline_families():
        members = res.of_family(family, res.baselines())
        if len(members) > 1:
            sticks.append((f"best {family}-family baseline", members))
    if len(res.baseline_families()) > 1:
        sticks.append(("best baseline", res.baselines()))
    return sticks


def versus_baselines_section(res):
    head = ("## convlab's best algorithm per layer against the baselines\n\nPer layer, the fastest algorithm that "
            "is neither a baseline nor slow, over each yardstick on that layer: geometric mean and worst layer.\n")
    if not res.baselines():
        why = "the metadata lacked `algorithms`" if not res.catalog.from_metadata else "no baseline ran"
        return head + f"\nNo baselines: {why}.\n"
    rows = []
    for d in DIRECTIONS:
        for label, names in yardsticks(res):
            ratios = res.ratios(res.contenders(), names, d)
            if ratios:
                worst = min(ratios, key=ratios.get)
                rows.append((d, label, fmt(geomean(ratios.values())), f"{fmt(ratios[worst])} ({worst})", len(ratios)))
    return (head + "\n" + table(["direction", "yardstick", "geomean ratio", "worst layer", "layers"], rows) + "\n\n"
            + best_baselines_text(res))


def best_baselines_text(res):
    """Which baseline was the best on how many layers, per direction: what "best baseline" stood for."""
    lines = ["Which baseline was the best baseline, in how many layers:\n"]
    for d in DIRECTIONS:
        counts = {}
        for layer in res.layers:
            found = res.best(res.baselines(), d, layer)
            if found:
                counts[found[0]] = counts.get(found[0], 0) + 1
        if counts:
            ranked = sorted(counts.items(), key=lambda item: -item[1])
            lines.append(f"- {d}: " + ", ".join(f"`{name}` {n}" for name, n in ranked))
    return "\n".join(lines) + "\n"


def appended_sections(paths):
    """Markdown files appended verbatim (run.sh: the pick plan and the cost model's scores)."""
    parts = []
    for path in paths or []:
        try:
            with open(path) as f:
                parts.append(f.read())
        except OSError as e:
            raise InputError(f"cannot read {path}: {e.strerror}")
    return parts


def summary_markdown(res, csv_label, plots, targets=None, appended=()):
    counts = {}
    for r in res.rows:
        counts[r.get("status", "?")] = counts.get(r.get("status", "?"), 0) + 1
    tally = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    notes = ""
    if not res.catalog.from_metadata:
        notes = ("\n**The metadata lacked `algorithms`** (the registry's list): no algorithm is treated as a baseline "
                 "or as slow, families come from the CSV's `family` column when it has one, and the comparisons "
                 "to baselines are left out.\n")
    if res.other_cache_rows:
        notes += (f"\n{len(res.other_cache_rows)} rows ran with a {res.other_cache_rows[0]['cache']} cache; the "
                  f"tables below are of the {res.cache}-cache rows.\n")
    notes = measurement_warnings(res.meta or {}) + notes
    parts = [f"# convlab benchmark summary\n\nFrom {csv_label}: {len(res.rows)} rows ({tally}). "
             f"Plots: {', '.join(plots) or 'none'}.\n" + notes,
             machine_section(res, res.meta), speed_section(res), versus_baselines_section(res), winners_section(res),
             classes_section(res), direct_versus_gemm_section(res), direct_peers_section(res), fft_section(res), roofline_section(res),
             noisy_section(res),
             disturbed_section(res), suspect_section(res),
             accuracy_section(res), phases_section(res), layouts_section(res)]
    parts.append(target_checks.section(res, targets) if targets is not None else
                 "## Targets\n\nNo targets file given (`--targets FILE.json`; scripts/targets/SET.json holds "
                 "a bundled set's).\n")
    parts += list(appended)
    return "\n".join(p for p in parts if p)


def write_summary(res, csv_paths, out, plots, targets, appended=()):
    path = os.path.join(out, "SUMMARY.md")
    save_text(path, summary_markdown(res, " + ".join(f"`{os.path.relpath(p, out)}`" for p in csv_paths), plots,
                                     targets, appended))
    return [path]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="+", help="convlab bench CSVs, read as one table")
    parser.add_argument("--out", help="output directory (default: the first CSV's)")
    parser.add_argument("--targets", help="a JSON list of targets to check (see targets.py)")
    parser.add_argument("--append", action="append", metavar="FILE.md",
                        help="a Markdown section appended at the end; repeatable")
    parser.add_argument("--plan", help="`convlab pick CSV --plan FILE`'s JSON: the winners per layer")
    args = parser.parse_args()
    try:
        rows, meta, targets = load_inputs(args.csv, args.targets)
        plan = load_plan(args.plan, rows)
        appended = appended_sections(args.append)
    except InputError as e:
        print(f"summary.py: error: {e}", file=sys.stderr)
        sys.exit(2)
    out = args.out or os.path.dirname(os.path.abspath(args.csv[0]))
    os.makedirs(out, exist_ok=True)
    for path in write_summary(Results(rows, meta, plan), args.csv, out, [], targets, appended):
        print(f"summary.py: wrote {path}")


if __name__ == "__main__":
    main()
