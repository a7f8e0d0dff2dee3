#!/usr/bin/env python3
"""Summarises `convlab validate --csv` files: per set and in total, the
counts of PASSED / FAILED / SKIPPED / UNSUPPORTED, the reasons of the skips
and refusals (numbers in a reason are folded so that "over budget (1.2 GFLOP
> 0.2)" and "(3.4 GFLOP > 0.2)" count as one), every FAILED case, and the
time the cases took.

    scripts/validation_summary.py results/validation/*.csv --out SUMMARY.md
"""

import argparse
import collections
import csv
import json
import re
import sys
from pathlib import Path

STATUSES = ("PASSED", "FAILED", "SKIPPED", "UNSUPPORTED")


def folded(reason):
    reason = re.sub(r'^descriptor ".*": ', "", reason or "")  # the row names the descriptor already
    return re.sub(r"(?<![A-Za-z_])\d+(\.\d+)?(e[-+]?\d+)?", "N", reason)


def fail(message):
    print(f"validation_summary.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def read(path):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")
    if rows and not {"status", "algorithm", "direction"} <= rows[0].keys():
        fail(f"{path} is not a `convlab validate --csv` file")
    return rows


def run_conditions(paths):
    """ "at minibatch 2" and the layout when not nchw:oihw, from the runs' .meta.json (minibatch 2 and
    nchw:oihw when a run has none: validate_full.sh's default)."""
    mbs, layouts = set(), set()
    for path in paths:
        try:
            run = json.loads(path.with_suffix(".meta.json").read_text()).get("run", {})
        except (OSError, ValueError):
            run = {}
        mbs.add(str(run.get("mb", 2)))
        layouts.add(run.get("layout", "nchw:oihw"))
    text = "at minibatch " + " or ".join(sorted(mbs))
    return text if layouts == {"nchw:oihw"} else text + " in " + ", ".join(sorted(layouts))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    lines = ["# Validation at full scale", "",
             "Every case of `scripts/validate_full.sh`: one algorithm, one direction, one layer "
             f"{run_conditions(args.csv)}, every output element checked against the double-precision reference "
             "(integer data exactly or within tolerance, real data within tolerance).", "",
             "| set | cases | " + " | ".join(STATUSES) + " | seconds |",
             "|---|---|" + "---|" * len(STATUSES) + "---|"]
    total = collections.Counter()
    reasons = collections.Counter()
    failures = []
    seconds_total = 0.0
    for path in args.csv:
        rows = read(path)
        counts = collections.Counter(r["status"] for r in rows)
        seconds = sum(float(r["seconds"] or 0) for r in rows)
        seconds_total += seconds
        total.update(counts)
        name = path.stem
        lines.append(f"| {name} | {len(rows)} | " + " | ".join(str(counts[s]) for s in STATUSES)
                     + f" | {seconds:.0f} |")
        for r in rows:
            if r["status"] in ("SKIPPED", "UNSUPPORTED"):
                reasons[(r["status"], r["algorithm"] or "(every one)", folded(r["reason"]))] += 1
            if r["status"] == "FAILED":
                failures.append((name, r))
    lines.append(f"| **all** | {sum(total.values())} | " + " | ".join(str(total[s]) for s in STATUSES)
                 + f" | {seconds_total:.0f} |")
    lines += ["", "## Skipped and unsupported, by reason", "",
              "| status | algorithm | reason (numbers as N) | cases |", "|---|---|---|---|"]
    for (status, algorithm, reason), n in sorted(reasons.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"| {status} | {algorithm} | {reason} | {n} |")
    lines += ["", "## Failed", ""]
    if not failures:
        lines.append("None.")
    for name, r in failures:
        lines.append(f"- {name}: `{r['algorithm']}` {r['direction']} on `{r['descriptor']}`: {r['reason']} "
                     f"(worst {r['worst']})")
    args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
