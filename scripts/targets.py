"""Performance targets read from a JSON file and checked against a run (the Targets section of SUMMARY.md).

The file is a list of objects:
  {"label": "...",                      shown in the table
   "algorithm": NAME | "family": NAME,  the subject (a family counts with its fastest non-slow algorithm per layer);
                                        not used by best_ratio_to_baseline_geomean, whose subject is convlab's best
   "direction": "fwd" | "bwd_d" | "bwd_w" | "all",   "all": one row per direction
   "metric": "peak_fraction_geomean" | "ratio_to_baseline_geomean" | "ratio_to_baseline_min"
             | "best_ratio_to_baseline_geomean",
   "baseline": NAME | "family:F",       for the ratio metrics: an algorithm, or the best baseline of family F per layer
   "min": NUMBER,                       the target is met when the measured value is at least this
   "layers": "all" | a layer class      as the CSV's layer_class column names it (3x3_s1, depthwise, ...),
                                        default "all"; a class the run lacks is "not measured"}
"""
import json

from bench_results import DIRECTIONS, geomean
from report_format import InputError, fmt, table

METRICS = ("peak_fraction_geomean", "ratio_to_baseline_geomean", "ratio_to_baseline_min",
           "best_ratio_to_baseline_geomean")


def load(path):
    try:
        with open(path) as f:
            entries = json.load(f)
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read targets {path}: {e}")
    if not isinstance(entries, list):
        raise InputError(f"targets {path}: expected a JSON list of objects")
    for i, t in enumerate(entries, 1):
        where = f"targets {path}, entry {i}"
        if not isinstance(t, dict):
            raise InputError(f"{where}: expected an object")
        if t.get("metric") not in METRICS:
            raise InputError(f"{where}: metric {t.get('metric')!r} is not one of {', '.join(METRICS)}")
        if t.get("direction") not in DIRECTIONS + ["all"]:
            raise InputError(f"{where}: direction {t.get('direction')!r} is not one of {', '.join(DIRECTIONS)}, all")
        if not isinstance(t.get("layers", "all"), str):
            raise InputError(f"{where}: layers {t.get('layers')!r} is not 'all' or a layer class")
        if not isinstance(t.get("min"), (int, float)) or isinstance(t.get("min"), bool):
            raise InputError(f"{where}: 'min' must be a number")
        if t["metric"] != "best_ratio_to_baseline_geomean" and ("algorithm" in t) == ("family" in t):
            raise InputError(f"{where}: give exactly one of 'algorithm' and 'family'")
        if "ratio" in t["metric"] and not isinstance(t.get("baseline"), str):
            raise InputError(f"{where}: metric {t['metric']} needs a 'baseline'")
    return entries


def measure(res, t, direction):
    """(value or None, detail) of one target in one direction."""
    layers = res.layers_of_class(t.get("layers", "all"))
    if not layers:
        return None, "no layer of that class"
    if t["metric"] == "best_ratio_to_baseline_geomean":
        subject = res.contenders()
    elif "algorithm" in t:
        subject = [t["algorithm"]] if t["algorithm"] in res.algorithms else []
    else:
        subject = res.of_family(t["family"])
    if not subject:
        return None, f"{t.get('algorithm') or t.get('family')} not in the run"
    if t["metric"] == "peak_fraction_geomean":
        fractions = {}
        for layer in layers:
            found = res.best(subject, direction, layer)
            if found and res.peak_fraction(found[0], direction, layer) is not None:
                fractions[layer] = res.peak_fraction(found[0], direction, layer)
        return geomean(fractions.values()), f"{len(fractions)} layers"
    baseline = res.resolve(t["baseline"])
    if not baseline:
        return None, f"baseline {t['baseline']} not in the run"
    ratios = res.ratios(subject, baseline, direction, layers)
    if not ratios:
        return None, "no layer where both ran"
    if t["metric"] == "ratio_to_baseline_min":
        worst = min(ratios, key=ratios.get)
        return ratios[worst], f"worst {worst}, {len(ratios)} layers"
    return geomean(ratios.values()), f"{len(ratios)} layers"


def section(res, targets):
    rows = []
    for t in targets:
        for d in DIRECTIONS if t["direction"] == "all" else [t["direction"]]:
            value, detail = measure(res, t, d)
            result = "not measured" if value is None else "met" if value >= t["min"] else "NOT met"
            shown = "not measured" if value is None else fmt(value)
            rows.append((t.get("label", t["metric"]), d, t.get("layers", "all"), f"{shown} ({detail})",
                         f"≥ {t['min']:g}", result))
    return ("## Targets\n\nFrom the targets file, measured on PASSED rows at the main thread count; \"not measured\" "
            "when the rows needed are missing.\n\n"
            + table(["target", "direction", "layers", "measured", "threshold", "result"], rows) + "\n")
