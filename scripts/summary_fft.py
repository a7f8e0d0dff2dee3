"""The SUMMARY.md section on FFT convolution where it should win: the large kernels (a side of 5 or more)."""
from bench_results import DIRECTIONS, problem
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
