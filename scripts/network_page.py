#!/usr/bin/python3
"""One network's report page from its bench CSV, `convlab pick`'s plan and
`convlab validate`'s CSV (scripts/network_report.sh runs all three first).

    network_page.py --name NAME --bench B.csv --plan P.json [--validate V.csv]
                    [--shapes S.shapes] [--winners W.png] [--note TEXT] --out NAME.md

The page: per layer the winner of each direction with its margin over the
runner-up and whether that margin is above the noise (pick's verdict); the
time of one training step (fwd + bwd_d + bwd_w) and of one inference pass
(fwd), each layer weighted by its count, with the plan, with the best single
algorithm and with each baseline, torch first (what a PyTorch user runs
today); and the accuracy of the plan: the worst relative error of the chosen
algorithm of each cell, in validate's check and in bench's own.

Winners are pick's (the plan), never decided again here; the totals are
medians summed from the CSV. No algorithm is named here but the yardstick
put first, `torch`, which is only an ordering.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_results import DIRECTIONS, Results, number, read_rows  # noqa: E402
from report_format import InputError, fmt, save_text, table  # noqa: E402

FIRST_YARDSTICK = "torch"
REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAINING, INFERENCE = ("training step", DIRECTIONS), ("inference pass", ["fwd"])


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: {error}")


def load_rows(path):
    try:
        return read_rows(path)
    except OSError as error:
        raise InputError(f"{path}: {error}")


def load_run(bench, plan_path, validate=None):
    """(bench rows, their metadata, the plan, validate's rows or None): InputError when one is missing or
    not what it should be."""
    rows = load_rows(bench)
    meta_path = os.path.splitext(bench)[0] + ".meta.json"
    meta = load_json(meta_path) if os.path.exists(meta_path) else {}
    plan = load_json(plan_path)
    if not isinstance(plan, dict) or "cells" not in plan or "layers" not in plan:
        raise InputError(f"{plan_path}: not a plan of `convlab pick --plan`")
    return rows, meta, plan, load_rows(validate) if validate else None


def run_lines(res):
    """The CPU and the bench command of a run, for a page's top."""
    cpu = res.meta.get("cpu") if isinstance(res.meta.get("cpu"), dict) else {}
    out = [f"{res.main_threads} thread(s), {cpu.get('model', 'CPU not recorded')}."]
    command = res.meta.get("command_line")
    if command:
        command = command if isinstance(command, str) else " ".join(command)
        out.append(f"Bench: `{command.replace(REPOSITORY + os.sep, '')}`.")  # paths as from the repository
    return out


def disturbed_text(res):
    disturbed = sum(1 for r in res.passed if r.get("disturbed") in ("1", "true"))
    noisy = sum(1 for r in res.passed if r.get("noisy") in ("1", "true"))
    return (f"{disturbed} of {len(res.passed)} timed rows disturbed by the host (noise sentinel), "
            f"{noisy} noisy (wide spread of the repetitions)")


def plan_cells(plan):
    """{(layer, direction): cell} of pick's plan (cells: layer -> direction -> cell; older plans: a list of
    [layer, cells] pairs)."""
    pairs = plan["cells"].items() if isinstance(plan["cells"], dict) else plan["cells"]
    return {(layer, d): cell for layer, cells in pairs for d, cell in cells.items()}


def weights(plan):
    return {layer: int(entry.get("weight", 1)) for layer, entry in plan["layers"].items()}


def network_total(res, algorithm, directions, layers, weight):
    """Sum over layers of weight x median time of `algorithm` in `directions`,
    and how many of the cells it ran."""
    total, ran = 0.0, 0
    for layer in layers:
        for d in directions:
            t = res.time(algorithm, d, layer)
            if t is not None:
                total += weight[layer] * t
                ran += 1
    return total, ran


def plan_total(cells, directions, layers, weight, only=None):
    """The plan's time: each cell's winner's median; `only`: the cells to count."""
    total = 0.0
    for layer in layers:
        for d in directions:
            cell = cells.get((layer, d))
            if cell and cell.get("winner_ms") is not None and (only is None or (layer, d) in only):
                total += weight[layer] * cell["winner_ms"]
    return total


def totals_rows(res, cells, layers, weight, directions):
    """[(what, ms, ratio to the plan, note)]: the plan, the best single
    algorithm (of those that ran every cell), each baseline, torch first."""
    n_cells = len(layers) * len(directions)
    plan_ms = plan_total(cells, directions, layers, weight)
    rows = [("plan (pick's winner per layer)", plan_ms, 1.0, "")]
    singles = []
    for a in res.contenders():
        ms, ran = network_total(res, a, directions, layers, weight)
        if ran == n_cells:
            singles.append((ms, a))
    if singles:
        ms, a = min(singles)
        rows.append((f"best single algorithm: {a}", ms, ms / plan_ms if plan_ms else None, ""))
    baselines = sorted(res.baselines(), key=lambda a: (a != FIRST_YARDSTICK, res.algorithms.index(a)))
    for a in baselines:
        ms, ran = network_total(res, a, directions, layers, weight)
        if ran == 0:
            rows.append((f"baseline: {a}", None, None, "declined every layer"))
        elif ran == n_cells:
            rows.append((f"baseline: {a}", ms, ms / plan_ms if plan_ms else None, ""))
        else:  # against the plan on the same cells only
            ran_cells = {(l, d) for l in layers for d in directions if res.time(a, d, l) is not None}
            mine = plan_total(cells, directions, layers, weight, ran_cells)
            rows.append((f"baseline: {a}", ms, ms / mine if mine else None,
                         f"on the {ran} of {n_cells} cells it ran (ratio to the plan on those)"))
    return rows


def totals_section(res, cells, layers, weight):
    out = []
    for what, directions in (TRAINING, INFERENCE):
        rows = totals_rows(res, cells, layers, weight, directions)
        out.append(f"### One {what} ({' + '.join(directions)}, each layer x its count)\n")
        out.append(table(["with", "ms", "x the plan", "note"],
                         [(w, fmt(ms, 4), fmt(r, 3), note) for w, ms, r, note in rows]))
        out.append("")
    return out


def verdict_text(cell):
    if not cell or not cell.get("winner"):
        return "–"
    margin = cell.get("margin")
    if not cell.get("runner_up"):
        return f"{cell['winner']} (alone)"
    noise = "above noise" if cell.get("significant") else "within noise"
    return f"{cell['winner']} {fmt(margin, 3)}x, {noise}"


def layers_section(res, cells, layers, weight):
    header = ["layer", "class", "count"] + [f"{d}: winner, margin over runner-up" for d in DIRECTIONS] + \
             [f"{d}: {FIRST_YARDSTICK} / winner" for d in DIRECTIONS]
    rows = []
    for layer in layers:
        ratios = []
        for d in DIRECTIONS:
            cell = cells.get((layer, d)) or {}
            t = res.time(FIRST_YARDSTICK, d, layer)
            ratios.append(fmt(t / cell["winner_ms"], 3) if t and cell.get("winner_ms") else "–")
        rows.append([layer, res.layer_class.get(layer) or "", weight[layer]] +
                    [verdict_text(cells.get((layer, d))) for d in DIRECTIONS] + ratios)
    significant = sum(1 for c in cells.values() if c.get("significant"))
    return [f"{len(cells)} cells (layer x direction); {significant} winners by a margin above the noise "
            "(pick: Mann-Whitney U on the repetitions, p < 0.05, else the rows' spreads). "
            f"`{FIRST_YARDSTICK} / winner` > 1: the plan is faster than {FIRST_YARDSTICK} on that cell.", "",
            table(header, rows), ""]


def accuracy_section(res, cells, validate_rows):
    """The worst relative error of each cell's chosen algorithm, in bench's
    own check and in validate's."""
    chosen = {(layer, d, c["winner"]) for (layer, d), c in cells.items() if c.get("winner")}
    bench_errors = [number(r.get("max_rel_err")) for r in res.rows
                    if (r.get("layer"), r.get("direction"), r.get("algorithm")) in chosen]
    out = [f"The chosen algorithm of each of the {len(chosen)} cells:", ""]
    bench_worst = max((e for e in bench_errors if e is not None), default=None)
    out.append(f"- bench's check (at the run's minibatch): worst relative error {fmt(bench_worst, 3)} "
               f"over {len(bench_errors)} rows, all PASSED (pick chooses only PASSED rows)")
    if validate_rows is not None:
        mine = [r for r in validate_rows if (r.get("layer"), r.get("direction"), r.get("algorithm")) in chosen]
        statuses = {}
        for r in mine:
            statuses[r.get("status")] = statuses.get(r.get("status"), 0) + 1
        worst = max((number(r.get("max_rel_err")) for r in mine if number(r.get("max_rel_err")) is not None),
                    default=None)
        failed_all = sum(1 for r in validate_rows if r.get("status") == "FAILED")
        out.append(f"- `convlab validate` (integer and real data): worst relative error {fmt(worst, 3)}; "
                   f"{', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}; "
                   f"{failed_all} FAILED of {len(validate_rows)} cases over every algorithm")
        missing = len(chosen) - len({(r.get('layer'), r.get('direction'), r.get('algorithm')) for r in mine})
        if missing:
            out.append(f"- {missing} chosen cells have no validate row")
    out.append("")
    return out


def unsupported_lines(shapes_path):
    if not shapes_path or not os.path.exists(shapes_path):
        return []
    with open(shapes_path) as f:
        return [line.strip() for line in f if line.startswith("# unsupported")]


def page(name, res, plan, validate_rows, shapes_path=None, winners_png=None, note="", source=None):
    cells = plan_cells(plan)
    weight = weights(plan)
    layers = [layer for layer in plan.get("order") or list(plan["layers"]) if layer in weight]
    out = [f"# {name}: an algorithm per layer", ""]
    machine, *command = run_lines(res)
    out.append(f"{len(layers)} distinct convolution layers, {sum(weight[l] for l in layers)} calls; "
               f"minibatch {', '.join(sorted({r['mb'] for r in res.passed if r.get('mb')}) or ['?'])}, {machine}")
    if source:
        out.append(f"Layers: `python3 -m convlab.layers {source}`.")
    out += command
    out.append(disturbed_text(res) + ".")
    if note:
        out.append(note)
    out.append("")
    for line in unsupported_lines(shapes_path):
        out.append(f"- not run: {line[2:]}")
    out.append("## Time of the network\n")
    out += totals_section(res, cells, layers, weight)
    out.append("## Accuracy of the plan\n")
    out += accuracy_section(res, cells, validate_rows)
    out.append("## Winner per layer and direction\n")
    if winners_png:
        out.append(f"![winners]({winners_png})\n")
    out += layers_section(res, cells, layers, weight)
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--bench", required=True, help="convlab bench CSV (its .meta.json beside it)")
    parser.add_argument("--plan", required=True, help="convlab pick --plan JSON of that CSV")
    parser.add_argument("--validate", help="convlab validate --csv CSV of the same layers")
    parser.add_argument("--shapes", help="the shape file (its unsupported lines are listed)")
    parser.add_argument("--winners", help="the winners plot, relative to the page")
    parser.add_argument("--note", default="", help="a sentence for the top of the page")
    parser.add_argument("--model", help="the model spec the layers came from (for the page)")
    parser.add_argument("--input", help="its example input size (for the page)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    try:
        rows, meta, plan, validate_rows = load_run(args.bench, args.plan, args.validate)
        source = f"{args.model} --input {args.input}" if args.model and args.input else args.model
        text = page(args.name, Results(rows, meta, plan), plan, validate_rows, args.shapes, args.winners,
                    args.note, source)
    except InputError as error:
        print(f"network_page.py: {error}", file=sys.stderr)
        return 2
    save_text(args.out, text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
