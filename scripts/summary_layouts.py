"""The "Layouts" section of SUMMARY.md: per algorithm and layer class, an algorithm's time in NHWC over its
time in NCHW (geometric mean over the layers of the class), and the indirect engine against the other NHWC
algorithms. Rows are told apart by the CSV's `layout` column (a CSV older than it is all nchw:oihw)."""
from bench_results import DIRECTIONS, geomean, number
from report_format import fmt, table

DEFAULT = "nchw:oihw"


def layout_of(row):
    return row.get("layout") or DEFAULT


def activations(row):
    return layout_of(row).split(":")[0]


def times_by_layout(res):
    """{(algorithm, direction, layer, activations): median ms} of the PASSED rows at the main thread count."""
    out = {}
    for r in res.rows:
        t = number(r.get("time_ms_median"))
        if r.get("status") != "PASSED" or not t or (res.cache and r.get("cache") != res.cache):
            continue
        if res.main_threads is not None and r.get("threads") != str(res.main_threads):
            continue
        out[(r["algorithm"], r["direction"], r["layer"], activations(r))] = t
    return out


def ratio_cell(ratios):
    g = geomean(ratios)
    return f"{fmt(g)} ({len(ratios)})" if g else "–"


def nhwc_over_nchw(res, times):
    algorithms = [a for a in res.algorithms
                  if any(k[0] == a and k[3] == "nhwc" for k in times) and any(k[0] == a and k[3] == "nchw" for k in times)]
    classes = [*res.layer_classes, "all"]
    rows = []
    for a in algorithms:
        for d in DIRECTIONS:
            cells = []
            for c in classes:
                layers = res.layers if c == "all" else [l for l in res.layers if res.layer_class.get(l) == c]
                ratios = [times[(a, d, l, "nhwc")] / times[(a, d, l, "nchw")] for l in layers
                          if (a, d, l, "nhwc") in times and (a, d, l, "nchw") in times]
                cells.append(ratio_cell(ratios))
            if any(c != "–" for c in cells):
                rows.append((a, d, *cells))
    return rows, classes


def kernel_above_1x1(res, layer):
    return res.layer_class.get(layer) not in ("1x1_s1", "1x1_s2", None)


def indirect_versus(res, times, other, direction):
    """Geometric means of other's NHWC time over indirect's, on kernels above 1x1 and on 1x1 layers."""
    split = {"above 1x1": [], "1x1": []}
    for l in res.layers:
        a, b = times.get(("indirect", direction, l, "nhwc")), times.get((other, direction, l, "nhwc"))
        if a and b:
            split["above 1x1" if kernel_above_1x1(res, l) else "1x1"].append(b / a)
    return split


def indirect_versus_best(res, times, direction):
    """Per layer: the best other NHWC algorithm's time over indirect's."""
    ratios = []
    for l in res.layers:
        mine = times.get(("indirect", direction, l, "nhwc"))
        others = [t for (a, d, layer, act), t in times.items()
                  if a != "indirect" and d == direction and layer == l and act == "nhwc"]
        if mine and others:
            ratios.append(min(others) / mine)
    return ratios


def layouts_section(res):
    times = times_by_layout(res)
    if not any(k[3] == "nhwc" for k in times):
        return ""
    rows, classes = nhwc_over_nchw(res, times)
    text = ("## Layouts\n\nEach algorithm's median time in NHWC over its time in NCHW, the geometric mean over the "
            f"layers of each class (how many in brackets), {res.main_threads} threads: below 1, NHWC is faster. "
            "Only algorithms that run both natively appear; the others decline a layout they do not list, and "
            "nothing is converted for them.\n\n")
    text += table(["algorithm", "direction", *classes], rows) + "\n" if rows else "No algorithm ran in both.\n"
    lines = []
    for other in ("xnnpack", "im2col_gemm"):
        for d in DIRECTIONS:
            split = indirect_versus(res, times, other, d)
            parts = [f"{fmt(geomean(v))}x on {k} ({len(v)} layers)" for k, v in split.items() if v]
            if parts:
                lines.append(f"- indirect over {other}, {d}, NHWC: " + ", ".join(parts))
    for d in ("bwd_d", "bwd_w"):
        ratios = indirect_versus_best(res, times, d)
        if ratios:
            lines.append(f"- indirect {d} over the best other NHWC algorithm per layer: {fmt(geomean(ratios))}x "
                         f"({len(ratios)} layers)")
    if lines:
        text += ("\nSpeed-ups of `indirect` (the other's time over indirect's, geometric mean; above 1, indirect "
                 "is faster):\n\n" + "\n".join(lines) + "\n")
    return text
