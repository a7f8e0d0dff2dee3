#!/usr/bin/python3
"""The winners of a `convlab pick` plan as a grid: one row per layer, one
column per direction (fwd, bwd_d, bwd_w), each cell coloured by the winning
algorithm's family and labelled with its name; blank where no algorithm of
convlab's passed.

Usage: plot_winners.py PLAN.json OUT.png   (PLAN.json from `convlab pick --plan`)
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

DIRECTIONS = ["fwd", "bwd_d", "bwd_w"]


def main(plan_path, out_path):
    with open(plan_path) as f:
        plan = json.load(f)
    order = plan.get("order") or sorted(plan["layers"])
    families = plan["families"]
    palette = plt.get_cmap("tab10")
    colour = {family: palette(i % 10) for i, family in enumerate(sorted(set(families.values())))}

    height = max(2.5, 0.28 * len(order) + 1.2)
    fig, ax = plt.subplots(figsize=(7.5, height))
    for row, layer in enumerate(order):
        cells = plan["layers"][layer]
        for col, direction in enumerate(DIRECTIONS):
            algorithm = cells.get(direction)
            if algorithm is None:
                ax.add_patch(plt.Rectangle((col, row), 1, 1, fill=False, hatch="//", edgecolor="0.7"))
                continue
            ax.add_patch(plt.Rectangle((col, row), 1, 1, color=colour[families[algorithm]]))
            ax.text(col + 0.5, row + 0.5, algorithm, ha="center", va="center", fontsize=6)
    ax.set_xlim(0, len(DIRECTIONS))
    ax.set_ylim(len(order), 0)
    ax.set_xticks([c + 0.5 for c in range(len(DIRECTIONS))], DIRECTIONS)
    ax.set_yticks([r + 0.5 for r in range(len(order))], order, fontsize=6)
    ax.tick_params(length=0)
    ax.legend(handles=[Patch(color=c, label=f) for f, c in colour.items()], title="family",
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7)
    threads = plan.get("threads")
    ax.set_title(f"per-layer winners ({threads} thread(s))" if threads else "per-layer winners", fontsize=9)
    fig.tight_layout()
    fig.savefig(out_path, dpi=130)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
