"""SUMMARY.md's "Direct against its peers" section: the direct engine beside the libraries that run the same
method, per layer class, with what each pays for layout conversion and for its prepare step."""
import statistics

from bench_results import DIRECTIONS, geomean, number
from report_format import fmt, table

# (ours, theirs): each pair runs the same layouts, so the ratio is of kernels, not of conversions.
PAIRS = [("direct_native", "onednn_native"), ("direct_native", "libxsmm"), ("direct", "onednn_blocked")]
CONVERTERS = ["direct", "direct_native", "onednn_blocked", "onednn_native", "libxsmm"]
CONVERSION_PHASES = ("phase_reorder_in_ms", "phase_reorder_out_ms")


def conversion_shares(res, algorithm, direction, layers):
    """(in the call, outside it): time in layout conversion over the median time, summed over the layers.
    In the call: the reorder phases of execute (a phase on several threads adds every thread's time, as in
    the Phases section); outside: staging_ms, the stage_in and stage_out a caller with plain tensors pays
    around each call. None where the rows lack the measurement."""
    inside = outside = timed = 0.0
    measured_outside = False
    for layer in layers:
        r = res.row.get((algorithm, direction, layer, res.main_threads))
        if not r:
            continue
        timed += number(r["time_ms_median"]) or 0.0
        inside += sum(number(r.get(column)) or 0.0 for column in CONVERSION_PHASES)
        staging = number(r.get("staging_ms"))
        if staging is not None:
            outside += staging
            measured_outside = True
    if not timed:
        return None, None
    return inside / timed, (outside / timed if measured_outside else None)


def share_cell(shares):
    inside, outside = shares
    if inside is None:
        return "–"
    return f"{100 * inside:.0f}% + {'–' if outside is None else f'{100 * outside:.0f}%'}"


def prepare_ms(res, algorithm, direction, layers):
    values = [v for v in (res._value("prepare_ms", algorithm, direction, layer) for layer in layers) if v is not None]
    return statistics.median(values) if values else None


def pair_cell(res, ours, theirs, direction, layers):
    ratios = res.ratios([ours], [theirs], direction, layers)
    if not ratios:
        return "–"
    worst = min(ratios.values())
    return f"{fmt(geomean(ratios.values()))} (worst {fmt(worst)}, {len(ratios)})"


def direct_peers_section(res):
    present = set(res.algorithms)
    pairs = [(a, b) for a, b in PAIRS if a in present and b in present]
    if not pairs:
        return ""
    converters = [a for a in CONVERTERS if a in present]
    rows = []
    for name in [*res.layer_classes, "all"]:
        layers = res.layers_of_class(name)
        if not layers:
            continue
        for d in DIRECTIONS:
            shares = [conversion_shares(res, a, d, layers) for a in converters]
            prepares = [prepare_ms(res, a, d, layers) for a in ("direct", "direct_native") if a in present]
            rows.append((name, d, *(pair_cell(res, a, b, d, layers) for a, b in pairs),
                         *(share_cell(s) for s in shares),
                         *(fmt(p) for p in prepares)))
    header = ["class", "direction", *(f"{a} / {b}" for a, b in pairs),
              *(f"{a} conversion" for a in converters),
              *(f"{a} prepare ms" for a in ("direct", "direct_native") if a in present)]
    return ("## Direct against its peers\n\nThe direct engine beside the libraries' direct kernels, per layer "
            "class and direction: each pair's geometric mean of per-layer rate ratios (above 1: convlab faster), "
            "its worst layer and the layers compared. `direct_native` and `onednn_native` / `libxsmm` all convert "
            "to their blocked layouts outside the timed call; `direct` and `onednn_blocked` convert inside it. "
            "*Conversion*: time converting layouts over the median time, summed over the class's layers, in the "
            "call + outside it: the reorder phases inside the timed call, then `staging_ms`, the stage_in and "
            "stage_out around it that a caller holding plain NCHW tensors pays besides (both measured in untimed "
            "calls after the timing; \"–\" where the CSV predates the column). *Prepare*: the "
            "median over the class's layers of the untimed prepare step (plans, tile choice by timing where the "
            "model is unsure, weight packing).\n\n" + table(header, rows) + "\n")
