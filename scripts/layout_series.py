"""A bench CSV holding several layouts, as one table for the plots that compare algorithms.

The summary's tables read one layout (bench_results.Results keeps nchw:oihw when present) and its "Layouts"
section compares them (summary_layouts.py). The plots instead show every layout: an algorithm's rows in a layout
other than the run's main one become their own series, `algorithm@nhwc` (`algorithm@nhwc:hwio` when the
algorithm ran in several NHWC weight orders), with the algorithm's family and flags, next to it in the legend.
"""
DEFAULT = "nchw:oihw"


def layout_of(row):
    return row.get("layout") or DEFAULT


def main_layout(rows):
    layouts = list(dict.fromkeys(layout_of(r) for r in rows))
    return DEFAULT if DEFAULT in layouts or not layouts else layouts[0]


def series_names(rows, main):
    """{(algorithm, layout): series name} of every layout other than `main`."""
    others = {}
    for r in rows:
        if r.get("algorithm") and layout_of(r) != main:
            others.setdefault(r["algorithm"], []).append(layout_of(r))
    names = {}
    for algorithm, layouts in others.items():
        layouts = list(dict.fromkeys(layouts))
        for layout in layouts:
            activations = layout.split(":")[0]
            alone = sum(1 for l in layouts if l.split(":")[0] == activations) == 1 and activations != main.split(":")[0]
            names[(algorithm, layout)] = f"{algorithm}@{activations if alone else layout}"
    return names


def split_layouts(rows, meta):
    """(rows, meta) with each non-main layout's rows renamed to their series and marked as the main layout (so
    Results keeps them), and meta's `algorithms` listing each series after its algorithm. Unchanged when the
    rows hold one layout."""
    main = main_layout(rows)
    names = series_names(rows, main)
    if not names:
        return rows, meta
    out = [dict(r, algorithm=names[(r["algorithm"], layout_of(r))], layout=main)
           if (r.get("algorithm"), layout_of(r)) in names else r for r in rows]
    entries = (meta or {}).get("algorithms") or []
    catalog = []
    for e in entries:
        catalog.append(e)
        if isinstance(e, dict):
            catalog += [dict(e, name=series) for (a, _), series in names.items() if a == e.get("name")]
    # Without metadata the series come after every algorithm, their family the CSV's (bench_results.Catalog).
    return out, (dict(meta or {}, algorithms=catalog) if catalog else meta)
