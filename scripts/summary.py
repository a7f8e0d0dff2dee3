"""The text of results/SUMMARY.md from a `convlab bench` CSV and its metadata.

Definitions (also stated in the file):
  - speed counts PASSED rows only, at the largest thread count of the run;
  - "better oneDNN" on a layer is the faster of onednn and onednn_blocked there;
  - a ratio over layers is the geometric mean of per-layer ratios, over the
    layers where both sides have a PASSED row;
  - naive and reference are correctness yardsticks, not contenders: they are
    left out of the winners and of "best convlab algorithm".
"""
from bench_results import DIRECTIONS, ONEDNN, SLOW, geomean, is_3x3_stride1, number, thread_speedups

MIB = 1024 * 1024


def fmt(value, digits=3):
    return "–" if value is None else f"{value:.{digits}g}"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_section(meta):
    if not meta:
        return "## Machine\n\nNo metadata file beside the CSV.\n"
    cpu, run = meta.get("cpu", {}), meta.get("run", {})
    isa = " ".join(k for k, v in cpu.get("isa", {}).items() if v)
    caches = ", ".join(f"{name.upper()} {c['size_bytes'] // 1024} KiB x{c['count']}"
                       for name, c in cpu.get("caches", {}).items() if c)
    blas, dnn, comp, git = meta.get("openblas", {}), meta.get("onednn", {}), meta.get("compiler", {}), meta.get("git", {})
    env = ", ".join(f"{k}={v}" for k, v in meta.get("environment", {}).items())
    commit = f"{git.get('commit', '?')}{' (dirty tree)' if git.get('dirty') else ''}"
    rows = [
        ("CPU", f"{cpu.get('model_name') or cpu.get('model', '?')}: {cpu.get('cores', '?')} cores, "
                f"{cpu.get('processors', '?')} logical processors"),
        ("ISA", isa or "?"), ("caches", caches or "?"),
        ("compiler", f"g++ {comp.get('version', '?')}, flags `{comp.get('flags', '').strip()}`"),
        ("OpenBLAS", f"{blas.get('version', '?')}, core {blas.get('corename', '?')} ({blas.get('config', '')})"),
        ("oneDNN", f"{dnn.get('version', '?')} ({dnn.get('cpu_runtime', '?')} runtime)"),
        ("environment", env), ("commit", commit), ("date", meta.get("date", "?")),
        ("settings", f"threads {run.get('threads')}, {run.get('repetitions')} repetitions of >= "
                     f"{run.get('min_time_s')} s, correctness checked at mb {run.get('check_mb') or 'as run'}, "
                     f"naive/reference skipped above {run.get('budget_gflop')} GFLOP"
                     f"{'' if run.get('completed') else ', run NOT completed (interrupted)'}"),
        ("command", f"`{meta.get('command_line', '?')}`"),
    ]
    return "## Machine\n\n" + table(["", ""], rows) + "\n"


def speed_section(res):
    out = [f"## Speed per direction ({res.main_threads} threads)\n",
           "Geometric-mean GFLOP/s over the layers an algorithm passed (effective rate: every algorithm is "
           "credited with the direct convolution's FLOPs), and the geometric mean of its per-layer ratio to "
           "the better of onednn / onednn_blocked on the layers both ran.\n"]
    for d in DIRECTIONS:
        rows = []
        for a in res.algorithms:
            rates = [res.gflops(a, d, layer) for layer in res.layers]
            rates = [r for r in rates if r]
            if not rates:
                continue
            ratios = res.ratios(a, d, lambda layer: res.best_onednn(d, layer))
            rows.append((a, len(rates), fmt(geomean(rates)), fmt(geomean(ratios.values())), len(ratios)))
        out.append(f"### {d}\n\n" + (table(["algorithm", "layers", "geomean GFLOP/s", "ratio to better oneDNN",
                                             "layers compared"], rows) if rows else "No PASSED rows.") + "\n")
    return "\n".join(out)


def winners_section(res):
    rows = []
    for layer in res.layers:
        cells = []
        for d in DIRECTIONS:
            rates = {a: res.gflops(a, d, layer) for a in res.algorithms if a not in SLOW}
            rates = {a: r for a, r in rates.items() if r}
            best = max(rates, key=rates.get) if rates else None
            cells.append(f"{best} ({fmt(rates[best])})" if best else "–")
        rows.append((layer, *cells))
    return "## Winner per layer (GFLOP/s; naive and reference not counted)\n\n" + table(["layer", *DIRECTIONS], rows) + "\n"


def accuracy_section(res):
    rows = []
    for a in res.algorithms:  # registry order: winograd_f4x3 right after winograd_f2x3
        cells = []
        for d in DIRECTIONS:
            checked = [r for r in res.rows if r.get("algorithm") == a and r.get("direction") == d
                       and r.get("status") in ("PASSED", "FAILED") and number(r.get("max_rel_err")) is not None]
            if not checked:
                cells.append("–")
                continue
            worst = max(number(r["max_rel_err"]) for r in checked)
            failed = sum(r["status"] == "FAILED" for r in checked)
            cells.append(f"{worst:.2e}" + (f" ({failed} FAILED)" if failed else ""))
        rows.append((a, *cells))
    return ("## Accuracy\n\nLargest max_rel_err over the checked rows (|got - ref| / sum of |terms|, against the "
            "double-precision reference, integer and real-valued data).\n\n"
            + table(["algorithm", *DIRECTIONS], rows) + "\n")


def phases_section(res):
    rows = []
    for a in res.algorithms:
        for d in DIRECTIONS:
            mine = [r for r in res.passed if r["algorithm"] == a and r["direction"] == d
                    and int(r["threads"]) == res.main_threads]
            totals = {}
            for r in mine:
                for column, value in r.items():
                    if column.startswith("phase_") and column.endswith("_ms") and number(value) is not None:
                        phase = column[len("phase_"):-len("_ms")]
                        totals[phase] = totals.get(phase, 0) + number(value)
            if totals:
                timed = sum(number(r["time_ms_median"]) for r in mine)
                ordered = sorted(totals.items(), key=lambda kv: -kv[1])
                rows.append((a, d, ", ".join(f"{name} {100 * ms / timed:.0f}%" for name, ms in ordered)))
    if not rows:
        return ""
    return ("## Phases\n\nTime in each phase as a share of the median time, summed over layers. Phases are measured "
            "in separate untimed calls after the timing (the timed calls carry no phase clocks), and a phase that "
            "runs on several threads adds up every thread's time, so shares may exceed 100%.\n\n"
            + table(["algorithm", "direction", "phase shares"], rows) + "\n")


def target(name, value, threshold, at_least=True, detail=""):
    if value is None:
        return (name, "not measured", threshold, "not measured")
    met = value >= threshold if at_least else value <= threshold
    shown = f"{value:.3g}" + (f" ({detail})" if detail else "")
    return (name, shown, ("≥ " if at_least else "≤ ") + f"{threshold:g}", "met" if met else "NOT met")


def targets_section(res):
    rows = []
    fwd = res.ratios("im2col_gemm", "fwd", lambda layer: res.gflops("onednn", "fwd", layer))
    rows.append(target("im2col_gemm fwd vs onednn, geomean over layers", geomean(fwd.values()), 1.0,
                       detail=f"{len(fwd)} layers"))
    worst = min(fwd, key=fwd.get) if fwd else None
    rows.append(target("im2col_gemm fwd vs onednn, worst layer", fwd.get(worst), 0.7, detail=worst or ""))
    layers_3x3 = [layer for layer in res.layers if is_3x3_stride1(res.descriptor.get(layer, ""))]
    wino = res.ratios("winograd_f2x3", "fwd", lambda layer: res.gflops("im2col_gemm", "fwd", layer), layers_3x3)
    rows.append(target("winograd_f2x3 fwd vs im2col_gemm, 3x3 stride-1 layers", geomean(wino.values()), 1.5,
                       detail=f"{len(wino)} layers"))
    for d in DIRECTIONS:
        best = {}
        for layer in res.layers:
            base = res.best_onednn(d, layer)
            mine = [res.gflops(a, d, layer) for a in res.algorithms if a not in ONEDNN + SLOW]
            mine = [m for m in mine if m]
            if base and mine:
                best[layer] = max(mine) / base
        rows.append(target(f"{d}: best convlab algorithm per layer vs better oneDNN, geomean",
                           geomean(best.values()), 1.0, detail=f"{len(best)} layers"))
    workspaces = [number(r.get("workspace_bytes")) for r in res.rows if r.get("algorithm") == "im2col_gemm"]
    workspaces = [w for w in workspaces if w is not None]
    rows.append(target("im2col_gemm workspace, MiB (max over rows)", max(workspaces) / MIB if workspaces else None,
                       64, at_least=False))
    for a in ("im2col_gemm", "winograd_f2x3"):
        speedups = thread_speedups(res, a, 2, layers_3x3)
        rows.append(target(f"{a}: 2-thread over 1-thread speedup, 3x3 layers, geomean",
                           geomean(speedups.values()), 1.7, detail=f"{len(speedups)} layer x direction"))
    return ("## Targets\n\nMeasured on PASSED rows; \"not measured\" when the rows needed are missing "
            "(e.g. scaling needs both 1 and 2 threads in one run).\n\n"
            + table(["target", "measured", "threshold", "result"], rows) + "\n")


def summary_markdown(res, meta, csv_path, plots):
    counts = {}
    for r in res.rows:
        counts[r.get("status", "?")] = counts.get(r.get("status", "?"), 0) + 1
    tally = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    parts = [f"# convlab benchmark summary\n\nFrom {csv_path}: {len(res.rows)} rows ({tally}). "
             f"Plots: {', '.join(plots) or 'none'}.\n",
             machine_section(meta), speed_section(res), winners_section(res), accuracy_section(res),
             phases_section(res), targets_section(res)]
    return "\n".join(parts)
