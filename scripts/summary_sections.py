"""The per-layer sections of SUMMARY.md: winners, layer classes, noisy rows, accuracy, phases."""
from bench_results import DIRECTIONS, geomean, number
from report_format import fmt, table

MIB = 1024 * 1024


def winner_cell(cell):
    """One cell of `convlab pick`'s decisions as text; "–" when pick had no winner there."""
    if not cell:
        return "–"
    text = f"{cell['winner']} {fmt(cell['winner_ms'])} ms"
    if cell["runner_up"]:
        noise = "" if cell["significant"] else ", within the noise"
        text += f" (+{100 * (cell['margin'] - 1):.0f}% over {cell['runner_up']}{noise})"
    else:
        text += " (alone)"
    if cell["best_baseline"]:
        text += f"; best baseline {cell['best_baseline']} {fmt(cell['best_baseline_ms'])} ms"
    return text


def winners_section(res):
    """The winners and best baselines as `convlab pick` decided them (its plan JSON), never decided here."""
    head = "## Winner per layer\n\n"
    if not res.plan:
        return head + ("No plan given: the winners are `convlab pick`'s (`convlab pick CSV --plan FILE`, then "
                       "`--plan FILE` here).\n")
    rules, cells = res.plan["rules"], res.plan["cells"]
    rows = [(layer, *(winner_cell(cells.get(layer, {}).get(d)) for d in DIRECTIONS))
            for layer in res.plan.get("order", res.layers) if layer in cells]
    return (head + f"`convlab pick`'s decisions ({res.plan.get('threads')} threads). Winner: {rules['winner']}. "
            "Its median time and margin over the runner-up, marked \"within the noise\" unless significant "
            f"({rules['significance']}; else by the rows' spreads). Best baseline: {rules['best_baseline']}.\n\n"
            + table(["layer", *DIRECTIONS], rows) + "\n")


def family_scores(res, direction, layers):
    """{family: {layer: (algorithm, GFLOP/s)}}: each family's fastest non-slow algorithm per layer."""
    scores = {}
    for family in res.families(res.fast()):
        members = res.of_family(family)
        for layer in layers:
            found = res.best(members, direction, layer)
            if found:
                scores.setdefault(family, {})[layer] = found
    return scores


def classes_section(res):
    if not res.layer_classes:
        return ("## Per layer class\n\nNo layer classes: the CSV has no layer_class column (an older convlab) and "
                "the convlab Python module that would give them (build/python) did not import.\n")
    rows = []
    for name in res.layer_classes:
        layers = res.layers_of_class(name)
        if not layers:
            continue
        for d in DIRECTIONS:
            scores = family_scores(res, d, layers)
            ran = [layer for layer in layers if any(layer in per_layer for per_layer in scores.values())]
            # A family is ranked only when it ran on every layer of the class, so that the geometric
            # means compared are over the same layers.
            complete = {f: s for f, s in scores.items() if ran and all(layer in s for layer in ran)}
            if not complete:
                continue
            score = {f: geomean(rate for _, rate in s.values()) for f, s in complete.items()}
            ranked = sorted(score, key=score.get, reverse=True)
            fastest = ranked[0]
            lead = (f"{score[fastest] / score[ranked[1]]:.2f}x {ranked[1]}" if len(ranked) > 1 else "alone")
            workspace = max(res.workspace(a, d, layer) or 0 for layer, (a, _) in complete[fastest].items())
            by_family = {f: geomean(res.peak_fraction(a, d, layer) for layer, (a, _) in s.items())
                         for f, s in scores.items()}
            fractions = (", ".join(f"{f} {fmt(v, 2)}" for f, v in by_family.items())
                         if any(by_family.values()) else "no peak measured")
            rows.append((name, d, len(ran), fastest, lead, f"{workspace / MIB:.3g}", fractions))
    return ("## Per layer class\n\nLayer classes as the CSV's layer_class names them (convlab's rule: depthwise "
            "is g = ic = oc > 1, 7x7_stem a 7x7 on at most 4 input channels, large_kernel a square side of 5 or "
            "more). Per class and direction, each family counts with its fastest algorithm not marked slow on each "
            "layer, baselines included; the fastest family is the one with the highest geometric-mean GFLOP/s over "
            "the class's layers, among the families that ran on all of them, with its margin over the next such "
            "family and its largest workspace (MiB). The "
            "last column gives each family's geometric-mean peak fraction (useful FLOPs over the measured FMA peak) "
            "over the layers it ran.\n\n"
            + table(["class", "direction", "layers", "fastest family", "margin", "workspace MiB",
                     "geomean peak fraction by family"], rows) + "\n")


def direct_versus_gemm_section(res):
    """Zhang, Franchetti & Low (ICML 2018): direct convolution beats im2col + GEMM without its memory.
    Per class and direction, the geometric mean of direct's rate over gemm's (each family's fastest
    algorithm per layer), the layers each wins, and their largest workspaces."""
    direct, gemm = res.of_family("direct"), res.of_family("gemm")
    if not direct or not gemm:
        return ""
    def largest_workspace_mib(names, d, layers):
        return max(res.workspace(res.best(names, d, layer)[0], d, layer) or 0 for layer in layers) / MIB

    rows, all_ratios, verdicts = [], [], []
    for name in [*res.layer_classes, "all"]:
        layers = res.layers_of_class(name)
        if not layers:
            continue
        for d in DIRECTIONS:
            ratios = res.ratios(direct, gemm, d, layers)
            if not ratios:
                continue
            g, wins = geomean(ratios.values()), sum(r > 1 for r in ratios.values())
            mine, theirs = largest_workspace_mib(direct, d, ratios), largest_workspace_mib(gemm, d, ratios)
            rows.append((name, d, len(ratios), fmt(g), f"{wins} of {len(ratios)}", f"{mine:.3g}", f"{theirs:.3g}"))
            if name == "all":
                all_ratios.append((d, ratios))
                verdicts.append(f"{d}: direct {'faster' if g > 1 else 'slower'} ({fmt(g)}x geomean, "
                                f"{wins} of {len(ratios)} layers), workspace up to {mine:.3g} MiB "
                                f"against gemm's {theirs:.3g}")
    if not rows:
        return ""
    confirmed = all(geomean(r.values()) > 1 for _, r in all_ratios)
    return ("## Direct convolution against im2col + GEMM\n\nZhang, Franchetti and Low (ICML 2018) claim that "
            "direct convolution beats im2col + GEMM without its memory. Per class and direction: the geometric "
            "mean over layers of the direct family's rate over the gemm family's (each family's fastest algorithm "
            "per layer), the layers where direct is faster, and each family's largest workspace (MiB).\n\n"
            + table(["class", "direction", "layers", "direct / gemm", "direct faster on", "direct workspace MiB",
                     "gemm workspace MiB"], rows)
            + f"\n\nOn this machine, over every layer: {'; '.join(verdicts)}. "
            + ("The claim holds here in every direction." if confirmed else
               "The claim does not hold here in every direction: see the rows above for where it does.")
            + "\n")


def noisy_section(res):
    if not any("noisy" in r for r in res.rows):
        return "## Noisy rows\n\nThe CSV has no `noisy` column (spread over repetitions not recorded).\n"
    noisy = [r for r in res.rows if r.get("noisy") == "1"]
    if not noisy:
        return "## Noisy rows\n\nNone: every row's spread (IQR / median of the repetitions) is at most 0.10.\n"
    rows = [(r["layer"], r["algorithm"], r["direction"], r["threads"], r.get("cache", ""), fmt(number(r.get("spread"))),
             fmt(number(r.get("cv"))), r.get("status", "")) for r in noisy]
    return ("## Noisy rows\n\nRows whose spread (IQR / median of the repetitions) exceeds 0.10: their medians are "
            "less certain than the others'.\n\n"
            + table(["layer", "algorithm", "direction", "threads", "cache", "spread", "cv", "status"], rows) + "\n")


def disturbed_section(res):
    """How many timed rows the noise sentinel saw disturbed (convlab's rule: a sentinel around the case more than
    1.10 x the run's best, still after one re-time), and which; nothing for a CSV older than the column."""
    timed = [r for r in res.rows if r.get("disturbed") in ("0", "1")]
    if not timed:
        return ""
    disturbed = [r for r in timed if r["disturbed"] == "1"]
    retimed = sum(r.get("retimed") == "1" for r in timed)
    text = (f"## Disturbed rows\n\n{len(disturbed)} of {len(timed)} timed rows disturbed: a ~1 ms FMA sentinel on "
            f"the case's threads, just before or after its timing, ran more than 1.10x slower than the run's best "
            f"even after the case was timed once more ({retimed} rows were re-timed).\n")
    if disturbed:
        rows = [(r["layer"], r["algorithm"], r["direction"], r["threads"], r.get("cache", ""),
                 fmt(number(r.get("sentinel_ratio"))), r.get("status", "")) for r in disturbed]
        text += "\n" + table(["layer", "algorithm", "direction", "threads", "cache", "sentinel ratio", "status"],
                              rows) + "\n"
    return text


def suspect_section(res):
    """Rows whose `suspect` column (convlab's rule: a method doing every multiply-add above 1.02 x the FMA peak)
    says the machine cannot have done them; nothing when the CSV predates the column or no row is suspect."""
    suspect = [r for r in res.rows if r.get("suspect")]
    if not any("suspect" in r for r in res.rows):
        return ""
    if not suspect:
        return ("## Rows above the peak\n\nNone: no method that does every multiply-add ran faster than the FMA "
                "peak allows.\n")
    rows = [(r["layer"], r["algorithm"], r["direction"], r["threads"], r.get("cache", ""),
             fmt(number(r.get("peak_fraction"))), r["suspect"]) for r in suspect]
    return ("## Rows above the peak\n\nRows of methods that do every multiply-add (not Winograd, not FFT) whose "
            "useful rate exceeds 1.02 x the FMA peak: a timing that missed work, or a peak read too low. "
            "`convlab pick` leaves them out.\n\n"
            + table(["layer", "algorithm", "direction", "threads", "cache", "peak fraction", "why"], rows) + "\n")


def accuracy_section(res):
    rows = []
    for a in res.algorithms:
        cells = []
        for d in DIRECTIONS:
            checked = [r for r in res.rows if r.get("algorithm") == a and r.get("direction") == d
                       and r.get("status") in ("PASSED", "FAILED") and number(r.get("max_rel_err")) is not None]
            if not checked:
                cells.append("–")
                continue
            worst_rel = max(number(r["max_rel_err"]) for r in checked)
            worst_abs = max(number(r.get("max_abs_err")) or 0 for r in checked)
            failed = sum(r["status"] == "FAILED" for r in checked)
            cells.append(f"{worst_rel:.2e} / {worst_abs:.2e}" + (f" ({failed} FAILED)" if failed else ""))
        rows.append((a, *cells))
    return ("## Accuracy\n\nLargest max_rel_err / max_abs_err over the checked rows (rel: |got - ref| / sum of "
            "|terms|, against the double-precision reference, integer and real-valued data).\n\n"
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
