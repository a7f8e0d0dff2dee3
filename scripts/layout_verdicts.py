#!/usr/bin/env python3
"""Compares the verdicts of two `convlab validate --csv` runs of the same sets in two layouts (e.g.
results/validation/ in nchw:oihw and results/layouts/validation_nhwc/ in nhwc): per algorithm, how many of its
(layer, direction) cases PASSED in both, were declined in the second layout (with the reasons) or in the first,
the cases only the second run has (an algorithm added since the first), and every case whose verdicts disagree
otherwise (one PASSED, the other FAILED; a case of the first run missing from the second).
Cases are matched by set, layer, algorithm and direction, not by descriptor, so the runs may differ in minibatch.

    scripts/layout_verdicts.py --first results/validation --first results/layouts/validation_nchw_added \\
        --second results/layouts/validation_nhwc \\
        --sets "alexnet resnet_50" --out results/layouts/VERDICTS.md

Exit status 1 when a case disagrees, 2 on bad input.
"""
import argparse
import collections
import csv
import os
import re
import sys

from validation_summary import folded


def fail(message):
    print(f"layout_verdicts.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def verdicts(directories, sets):
    """{(set, layer, algorithm, direction): (status, reason)} of the directories' SET.csv files (those of a set
    that exist, at least one per set), and the layouts the rows name."""
    out, layouts = {}, set()
    for s in sets:
        paths = [os.path.join(d, s + ".csv") for d in directories]
        present = [p for p in paths if os.path.exists(p)]
        if not present:
            fail(f"no {s}.csv in {', '.join(directories)}")
        rows = []
        for path in present:
            rows += read(path)
        for r in rows:
            out[(s, layer_key(r["layer"]), r["algorithm"] or "(every one)", r["direction"])] = (
                r["status"], r.get("reason") or "")
            if r["algorithm"]:  # a problem refused before any algorithm (3-D) is in no algorithm's layout
                layouts.add(r.get("layout") or "nchw:oihw")
    return out, layouts


def layer_key(layer):
    """A named layer as it is; an unnamed one (its descriptor, deepbench's) without its minibatch, which the
    runs may set differently."""
    return layer if ":" in layer else re.sub(r"mb\d+", "", layer)


def read(path):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")
    for r in rows:
        if not {"layer", "algorithm", "direction", "status"} <= r.keys():
            fail(f"{path} is not a `convlab validate --csv` file")
    return rows


def compare(first, second):
    """Per algorithm: counts of agreement and lists of what does not agree."""
    table = collections.defaultdict(lambda: {"both passed": 0, "declined in second": collections.Counter(),
                                             "declined in first": 0, "skipped in both": 0,
                                             "only in second": collections.Counter(), "disagree": []})
    for key in sorted(first.keys() | second.keys()):
        a, b = first.get(key), second.get(key)
        entry = table[key[2]]
        if a is None:
            entry["only in second"][b[0]] += 1
        elif b is None:
            entry["disagree"].append((key, a, b))
        elif a[0] == b[0] == "PASSED":
            entry["both passed"] += 1
        elif a[0] == "PASSED" and b[0] in ("SKIPPED", "UNSUPPORTED"):
            entry["declined in second"][folded(b[1])] += 1
        elif a[0] in ("SKIPPED", "UNSUPPORTED") and b[0] == "PASSED":
            entry["declined in first"] += 1
        elif a[0] in ("SKIPPED", "UNSUPPORTED") and b[0] in ("SKIPPED", "UNSUPPORTED"):
            entry["skipped in both"] += 1
        else:
            entry["disagree"].append((key, a, b))
    return table


def report(table, first_name, second_name, sets):
    lines = [f"# Verdicts in {second_name} against {first_name}", "",
             f"Sets: {', '.join(sets)}. A case is (set, layer, algorithm, direction).", "",
             f"| algorithm | passed in both | declined in {second_name} | declined in {first_name} only | "
             f"skipped in both | only in {second_name} | disagree |", "|---|---|---|---|---|---|---|"]
    for algorithm, e in table.items():
        declined = sum(e["declined in second"].values())
        only = ", ".join(f"{n} {status}" for status, n in sorted(e["only in second"].items())) or "0"
        lines.append(f"| {algorithm} | {e['both passed']} | {declined} | {e['declined in first']} | "
                     f"{e['skipped in both']} | {only} | {len(e['disagree'])} |")
    reasons = [(a, r, n) for a, e in table.items() for r, n in e["declined in second"].items()]
    if reasons:
        lines += ["", f"## Passed in {first_name}, declined in {second_name}, by reason", "",
                  "| algorithm | reason (numbers as N) | cases |", "|---|---|---|"]
        lines += [f"| {a} | {r} | {n} |" for a, r, n in reasons]
    disagree = [(a, d) for a, e in table.items() for d in e["disagree"]]
    lines += ["", "## Disagreements", ""]
    if not disagree:
        lines.append("None.")
    for a, (key, x, y) in disagree:
        lines.append(f"- {' '.join(key)}: {first_name} {x[0] if x else 'missing'}, "
                     f"{second_name} {y[0] if y else 'missing'} {(y[1] if y else '')}".rstrip())
    return "\n".join(lines) + "\n", len(disagree)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", required=True, action="append",
                        help="directory of the first run's SET.csv files; repeatable (a later directory's case "
                             "replaces an earlier one's, e.g. algorithms run since)")
    parser.add_argument("--second", required=True, action="append",
                        help="directory of the second run's SET.csv files; repeatable, as --first")
    parser.add_argument("--sets", required=True, help="space-separated set names")
    parser.add_argument("--out", help="write the Markdown here (default: standard output)")
    args = parser.parse_args()
    sets = args.sets.split()
    if not sets:
        fail("--sets names no set")
    first, first_layouts = verdicts(args.first, sets)
    second, second_layouts = verdicts(args.second, sets)
    if first_layouts == second_layouts:
        fail(f"both runs are in {'/'.join(sorted(first_layouts))}: nothing to compare")
    text, disagreements = report(compare(first, second), "/".join(sorted(first_layouts)),
                                 "/".join(sorted(second_layouts)), sets)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
