"""The SUMMARY.md section on FFT convolution where it should win: the large kernels (a side of 5 or more)."""
import stage_roofline
from bench_results import DIRECTIONS, geomean, number, problem
from report_format import fmt, table


def large_kernel_layers(res):
    """[(layer, "KHxKW sSH")] of the layers with a kernel side of 5 or more, not depthwise, the geometry from
    convlab.Problem; None when the module does not import."""
    out = []
    for layer in res.layers:
        p = problem(res.descriptor.get(layer, ""))
        if p is None:
            return None
        if max(p.kh, p.kw) >= 5 and res.layer_class[layer] != "depthwise":
            out.append((layer, f"{p.kh}x{p.kw} s{p.sh}"))
    return out


def fft_section(res):
    """Per large-kernel layer and direction: fft's rate, the fastest algorithm not marked slow (baselines
    included) and fft's rate over it, over the gemm family's best and over the direct family's best."""
    fft = res.of_family("fft")
    if not fft:
        return ""
    layers = large_kernel_layers(res)
    if layers is None:
        return ("## FFT on large kernels\n\nLeft out: the kernel sizes come from the convlab Python module "
                "(build/python, or PYTHONPATH), which did not import.\n")
    if not layers:
        return ""
    rows, wins, closest = [], [], None
    for layer, kernel in layers:
        for d in DIRECTIONS:
            mine = res.best(fft, d, layer)
            if not mine:
                continue
            others = [a for a in res.fast() if a not in fft]
            best = res.best(others, d, layer)
            ratio = mine[1] / best[1] if best else None
            if ratio and ratio > 1:
                wins.append(f"{layer} {d}")
            if ratio and (closest is None or ratio > closest[0]):
                closest = (ratio, f"{layer} {d}", best[0])

            def over(family):
                theirs = res.best_rate(res.of_family(family), d, layer)
                return fmt(mine[1] / theirs) if theirs else "–"
            rows.append((layer, kernel, d, fmt(mine[1]), f"{best[0]} {fmt(best[1])}" if best else "–", fmt(ratio),
                         over("gemm"), over("direct")))
    if not rows:
        return ""
    verdict = (f"FFT is the fastest on {len(wins)} of {len(rows)}: {', '.join(wins)}." if wins else
               f"FFT is the fastest on none of the {len(rows)}; closest on {closest[1]}, at {fmt(closest[0])}x "
               f"{closest[2]}.")
    return ("## FFT on large kernels\n\nThe layers with a kernel side of 5 or more, where FFT convolution's cost, "
            "independent of the kernel size, should pay off. GFLOP/s of `fft` (credited with the direct FLOP "
            "count), the fastest algorithm not marked slow (baselines included) and fft's rate over it, over the "
            "gemm family's best and over the direct family's best.\n\n"
            + table(["layer", "kernel", "direction", "fft GFLOP/s", "fastest", "fft / fastest", "fft / gemm",
                     "fft / direct"], rows)
            + f"\n\n{verdict}\n")


def measured_stages(row):
    """{phase: ms} of a row, scaled so that the phases add up to the call's median: engines time a phase either
    around a parallel loop (wall time) or inside it (summed over threads), so only the shares compare."""
    phases = {k[len("phase_"):-len("_ms")]: number(v) for k, v in row.items()
              if k.startswith("phase_") and k.endswith("_ms") and number(v)}
    total, median = sum(phases.values()), number(row.get("time_ms_median"))
    return {k: v * median / total for k, v in phases.items()} if total and median else {}


def stage_cells(row, bounds):
    """'phase measured/bound LIMIT' for each modelled stage, the slowest against its bound first."""
    measured = measured_stages(row)
    cells = [(measured.get(name), ms, limit, name) for name, (ms, limit) in bounds.items()]
    cells.sort(key=lambda c: -(c[0] or 0) / c[1] if c[1] else 0)
    return ", ".join(f"{name} {fmt(m, 2)}/{fmt(ms, 2)} {limit}" for m, ms, limit, name in cells)


def listed(items, most=6):
    """': a, b, c' or ': a, b, ... and N more', nothing for no items."""
    if not items:
        return ""
    shown = ", ".join(items[:most])
    return f": {shown}" + (f" and {len(items) - most} more" if len(items) > most else "")


def roofline_section(res):
    """Per layer where fft ran beside a Winograd (3x3 stride 1) or on a large kernel: fft and the best
    Winograd, each with its measured time, its per-stage roofline (stage_roofline.py) and the stages' measured
    times over their bounds; the best direct method's time beside them; and the verdict on the claim that FFT,
    optimised alike, beats Winograd on CPUs with large caches (Zlateski et al., ICS'19)."""
    fft = res.of_family("fft")
    winograd = [a for a in res.of_family("winograd") if stage_roofline.WINOGRAD_TILE.match(a)]
    machine = stage_roofline.Machine.from_meta(res.meta, res.main_threads)
    if not fft or machine is None:
        return ""
    rows, fft_bound_wins, fft_measured_wins, fft_below_direct = [], [], [], []
    compared, large_compared, efficiency = 0, 0, {"fft": [], "winograd": []}
    for layer in res.layers:
        p = problem(res.descriptor.get(layer, ""))
        if p is None:
            return ""
        large = max(p.kh, p.kw) >= 5 and res.layer_class[layer] != "depthwise"
        for d in DIRECTIONS:
            mine = res.row.get(("fft", d, layer, res.main_threads))
            if not mine:
                continue
            q = p.with_mb(int(mine["mb"]))
            bounds, bound = stage_roofline.roofline(machine, "fft", q, d, mine.get("implementation"))
            best_w = res.best(winograd, d, layer)
            if bound is None or not (best_w or large):
                continue
            fft_ms = number(mine["time_ms_median"])
            efficiency["fft"].append(bound / fft_ms)
            w_cells, w_text = "–", "–"
            if best_w:
                w_row = res.row[(best_w[0], d, layer, res.main_threads)]
                w_bounds, w_bound = stage_roofline.roofline(machine, best_w[0], q, d, "")
                w_ms = number(w_row["time_ms_median"])
                efficiency["winograd"].append(w_bound / w_ms)
                w_text = f"{best_w[0]} {fmt(w_ms)} ({fmt(w_bound)})"
                w_cells = stage_cells(w_row, w_bounds)
                # The claim is about the methods at their ceilings: FFT's bound against the lowest Winograd bound.
                lowest = min(stage_roofline.roofline(machine, a, q, d, "")[1] for a in winograd
                             if res.row.get((a, d, layer, res.main_threads)))
                compared += 1
                if bound < lowest:
                    fft_bound_wins.append(f"{layer} {d}")
                if fft_ms < w_ms:
                    fft_measured_wins.append(f"{layer} {d}")
            direct = res.best(res.of_family("direct"), d, layer)
            direct_text = "–"
            if direct:
                useful = number(res.row[(direct[0], d, layer, res.main_threads)].get("gflop_useful"))
                direct_bound = useful * 1e3 / machine.peak_gflops if useful else None
                direct_text = f"{direct[0]} {fmt(res.time(direct[0], d, layer))} ({fmt(direct_bound)})"
                large_compared += large
                if large and direct_bound and bound < direct_bound:
                    fft_below_direct.append(f"{layer} {d}")
            rows.append((layer, d, f"{fmt(fft_ms)} ({fmt(bound)})", stage_cells(mine, bounds), w_text, w_cells,
                         direct_text))
    if not rows:
        return ""
    share = {k: geomean(v) for k, v in efficiency.items()}
    verdict = (f"Of the {compared} layer-directions with both, the model puts FFT's bound below every Winograd's "
               f"on {len(fft_bound_wins)}{listed(fft_bound_wins)}; measured, "
               f"FFT is faster on {len(fft_measured_wins)}"
               f"{listed(fft_measured_wins)}. "
               f"Each method's time over its bound (geometric mean): fft {fmt(1 / share['fft']) if share['fft'] else '–'}x, "
               f"the best Winograd {fmt(1 / share['winograd']) if share['winograd'] else '–'}x."
               + (f" On the kernels of side 5 or more, FFT's bound is below the direct convolution's FMA bound (its "
                  f"useful FLOPs at the peak) on {len(fft_below_direct)} of {large_compared}{listed(fft_below_direct)}."
                  if large_compared else ""))
    return ("## FFT against Winograd: per-stage rooflines\n\n"
            "Is FFT, optimised alike, faster than Winograd on a CPU with large caches (Zlateski et al., ICS'19)? "
            "Per layer and direction: each method's median time in ms with its roofline bound in brackets, "
            "then each stage's measured time over its bound and what bounds it (FMA: the measured FMA peak; "
            "L2: the measured L2 rate, data within the last-level cache; DRAM: the triad rate). A stage's "
            "measured time is the call's median split by the timing phases' shares. The model and its counts "
            "are in scripts/stage_roofline.py: a lower bound, each stage's data moved once.\n\n"
            + table(["layer", "direction", "fft ms (bound)", "fft stages: measured/bound", "best Winograd ms (bound)",
                     "its stages: measured/bound", "best direct ms (FMA bound)"], rows)
            + f"\n\n{verdict}\n")
