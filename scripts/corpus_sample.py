"""A stratified sample of a shape set, written as a shape file.

    PYTHONPATH=build/python python3 scripts/corpus_sample.py torchvision --count 200 --seed 1 > sample.shapes

Strata: the layer class (Problem.layer_class(), the CSV's layer_class column)
x the size tercile of the layer's FLOPs over the whole set (small, medium,
large), so a class with few layers is not left out and large layers do not
crowd out the many small ones real networks have. Every non-empty stratum gets
one layer (when the count allows), the rest is shared in proportion to the
strata's sizes (largest remainders); within a stratum the layers are drawn
with a seeded generator, so the same set, count and seed give the same sample.
The drawn layers are written in a shuffled (seeded) order: `convlab bench`
runs them in file order, so a sweep stopped early has timed a random part of
the sample rather than the first models of the set.
Unsupported (3-D) lines are not problems and are not drawn.
"""

import argparse
import random
import sys

import convlab

SIZES = ("small", "medium", "large")


def size_bounds(problems):
    """The FLOP counts splitting the set into terciles."""
    flops = sorted(p.flops() for p in problems)
    return flops[len(flops) // 3], flops[2 * len(flops) // 3]


def size_of(problem, bounds):
    low, high = bounds
    return SIZES[0] if problem.flops() < low else SIZES[1] if problem.flops() < high else SIZES[2]


def strata(problems):
    """(layer class, size) -> the problems in it, in the set's order."""
    bounds = size_bounds(problems)
    groups = {}
    for p in problems:
        groups.setdefault((p.layer_class(), size_of(p, bounds)), []).append(p)
    return groups


def allocate(sizes, count):
    """How many to draw from each stratum: one each (while the count lasts),
    the rest in proportion to the sizes by largest remainder, never more than
    a stratum holds. `sizes`: stratum -> number of layers."""
    keys = sorted(sizes)
    total = sum(sizes.values())
    if count >= total:
        return dict(sizes)
    take = {k: 0 for k in keys}
    for k in sorted(keys, key=lambda k: -sizes[k])[:count]:
        take[k] = 1
    while sum(take.values()) < count:
        left = count - sum(take.values())
        room = {k: sizes[k] - take[k] for k in keys if sizes[k] > take[k]}
        room_total = sum(room.values())
        shares = {k: left * room[k] / room_total for k in room}
        for k in room:
            take[k] += int(shares[k])
        if sum(take.values()) < count:  # the remainders, largest first, one each
            order = sorted(room, key=lambda k: (-(shares[k] - int(shares[k])), k))
            for k in order[:count - sum(take.values())]:
                if take[k] < sizes[k]:
                    take[k] += 1
    return take


def sample(problems, count, seed):
    """The drawn problems in a seeded shuffled order, and the table of strata."""
    groups = strata(problems)
    take = allocate({k: len(v) for k, v in groups.items()}, count)
    rng = random.Random(seed)
    chosen = set()
    for key in sorted(groups):
        chosen.update(str(p) for p in rng.sample(groups[key], take[key]))
    table = [(key, len(groups[key]), take[key]) for key in sorted(groups)]
    drawn = [p for p in problems if str(p) in chosen]
    rng.shuffle(drawn)  # so that a sweep stopped early has timed a random part of the sample
    return drawn, table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shapes", help="a shape file or bundled set name (torchvision)")
    parser.add_argument("--count", type=int, default=200, help="layers to draw (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the draw (default 1)")
    args = parser.parse_args(argv)
    if args.count < 1:
        print("corpus_sample.py: --count needs a whole number of at least 1", file=sys.stderr)
        return 2
    try:
        problems = convlab.shape_set(args.shapes)
    except (ValueError, RuntimeError, OSError) as error:
        print(f"corpus_sample.py: {error}", file=sys.stderr)
        return 2
    if not problems:
        print(f"corpus_sample.py: {args.shapes} has no 2-D problems", file=sys.stderr)
        return 2
    drawn, table = sample(problems, args.count, args.seed)
    bounds = size_bounds(problems)
    print(f"# A stratified sample of {len(drawn)} of the {len(problems)} layers of {args.shapes}, seed {args.seed}:")
    print(f"# strata layer class x FLOP tercile (small < {bounds[0] / 1e9:.4g} <= medium < {bounds[1] / 1e9:.4g}"
          " <= large GFLOP at the set's minibatch).")
    print(f"# made by: scripts/corpus_sample.py {args.shapes} --count {args.count} --seed {args.seed}")
    print("# stratum: layers in the set -> drawn")
    for (cls, size), have, took in table:
        print(f"#   {cls} {size}: {have} -> {took}")
    for p in drawn:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
