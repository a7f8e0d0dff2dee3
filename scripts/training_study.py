#!/usr/bin/env python3
"""Training through each algorithm on real layers: depth 2 (conv, ReLU,
conv), He-initialised, SGD against an all-ones target, every algorithm in
float32 beside one float64 run (convlab.train), per layer and algorithm:
the final loss over the float64 run's, the first step whose weights are
more than 1e-3 (relative) from the float64 run's, the time per step.

    PYTHONPATH=build/python python3 scripts/training_study.py
    PYTHONPATH=build/python python3 scripts/training_study.py --steps 5 --out /tmp/study.md

Algorithms marked slow (naive, reference) are left out unless
--include-slow: at ResNet sizes one takes minutes (reference, float32 out
of a double computation, about 4 s a step on res2a_branch2b). Writes a markdown report."""

import argparse
import os
import sys
import time

import convlab
from convlab import training
from scipy import stats

LAYERS = [
    'mb2ic64ih56oc64kh3ph1n"resnet_50:res2a_branch2b"',
    'mb2ic16ih28oc32kh5ph2n"googlenet_v1:inception_3a/5x5"',
]
# A rate at which the float64 loss falls at every step on both layers
# (0.3 overshoots on the 5x5 layer's first steps).
LR = 0.1


def candidates(include_slow):
    names, skipped = [], []
    for a in convlab.algorithms():
        missing = [d for d in training.DIRECTIONS if d not in a["directions"]]
        if missing:
            skipped.append((a["name"], f"no {', '.join(missing)}"))
        elif a["slow"] and not include_slow:
            skipped.append((a["name"], "slow (--include-slow runs it)"))
        else:
            names.append(a["name"])
    return names, skipped


def per_call_error(p, name):
    """The geometric mean over fwd, bwd_d and bwd_w of the checker's largest
    relative error of one call: the per-call accuracy the training is set
    against."""
    errors = [max(convlab.validate(name, p, d, threads=1).max_rel_err, 1e-12) for d in training.DIRECTIONS]
    return stats.gmean(errors)


def ranking_text(rows):
    """Whether the per-call error ranking predicts the training ranking
    (Spearman's rank correlation of per-call error and final divergence)."""
    if len(rows) < 3:
        return "too few algorithms to rank"
    rho, pvalue = stats.spearmanr([r.per_call_error for r in rows], [r.weight_divergence[-1] for r in rows])
    verdict = ("predicts it" if rho > 0 and pvalue < 0.05 else
               "does not predict it (no significant positive rank correlation)")
    return (f"per-call error ranking against training divergence ranking: Spearman rho {rho:+.2f} "
            f"(p = {pvalue:.2g}, {len(rows)} algorithms): the per-call error {verdict}")


def study_layer(descriptor, names, args, log):
    p = convlab.Problem(descriptor)
    reference = training.double_run(p, args.steps, args.lr, args.seed, depth=2, init="he")
    log(f"{descriptor}: float64 {reference.seconds_per_step:.2f} s/step, final loss {reference.losses[-1]:.4g}")
    rows, declined = [], []
    for name in names:
        try:
            run = convlab.train(p, name, args.steps, args.lr, args.seed, depth=2, threads=args.threads,
                                init="he", reference=reference)
        except ValueError as e:
            declined.append((name, str(e)))
            continue
        run.per_call_error = per_call_error(p, name)
        rows.append(run)
        log(f"  {name}: final {run.final_loss:.6g}, first divergent step {run.first_divergent_step}, "
            f"{run.seconds_per_step * 1e3:.0f} ms/step")
    return p, reference, rows, declined


def markdown(results, skipped, args):
    lines = ["## Training through each algorithm", "",
             f"`scripts/training_study.py`: depth 2 (conv, ReLU, conv; the second layer "
             f"keeps the first's kernel, stride, padding, with ic = oc), He init, seed {args.seed}, "
             f"SGD lr {args.lr}, {args.steps} steps, loss sum((y - 1)^2) / 2N; every algorithm in float32 "
             f"at {args.threads} thread(s) beside one float64 numpy run. *final / float64*: the last "
             "step's loss over the float64 run's, minus 1; *first divergent step*: the first step after which "
             "|w - w64| / |w64| over both layers exceeds 1e-3 (- : never); *divergence*: that ratio "
             "after the last step; *per-call error*: the checker's largest relative error of one call "
             "(geometric mean over fwd, bwd_d, bwd_w, mb and data of the layer). Times on a shared 2-core "
             "machine: indicative only.", ""]
    for name, why in skipped:
        lines.append(f"- not run: {name}: {why}")
    for p, reference, rows, declined in results:
        lines += ["", f"### {p}", "",
                  f"float64: final loss {reference.losses[-1]:.6g} (first {reference.losses[0]:.4g}), "
                  f"{reference.seconds_per_step:.2f} s/step", "",
                  "| algorithm | final loss | final / float64 - 1 | first divergent step | divergence "
                  "| per-call error | ms/step |",
                  "|---|---|---|---|---|---|---|"]
        for run in rows:
            first = "-" if run.first_divergent_step is None else str(run.first_divergent_step)
            lines.append(f"| {run.algo} | {run.final_loss:.6g} | {run.final_loss / reference.losses[-1] - 1:+.2e} "
                         f"| {first} | {run.weight_divergence[-1]:.2e} | {run.per_call_error:.2e} "
                         f"| {run.seconds_per_step * 1e3:.0f} |")
        lines += ["", ranking_text(rows)]
        if declined:
            lines.append("")
        lines += [f"- declined: {why}" for _, why in declined]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layer", action="append", help="a descriptor (repeatable; default: two layers)")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--lr", type=float, default=LR)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--algo", action="append", help="only these algorithms (repeatable)")
    parser.add_argument("--include-slow", action="store_true")
    parser.add_argument("--out", default="results/training/study.md")
    args = parser.parse_args(argv)

    names, skipped = candidates(args.include_slow)
    if args.algo:
        names = [n for n in names if n in args.algo]
    start = time.perf_counter()
    log = lambda text: print(text, flush=True)  # noqa: E731
    results = [study_layer(d, names, args, log) for d in (args.layer or LAYERS)]
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(markdown(results, skipped, args))
    log(f"wrote {args.out} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
