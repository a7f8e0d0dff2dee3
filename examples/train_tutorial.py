#!/usr/bin/env python3
"""The numpy tutorial's single conv layer, trained through every registered
algorithm that runs it in all three directions, beside the same training in
float64 (convlab.train):

    PYTHONPATH=build/python python3 examples/train_tutorial.py
    PYTHONPATH=build/python python3 examples/train_tutorial.py --steps 5 --plot /tmp/curves.png

The tutorial: input 3x3x28x28 (standard normal), kernel 3 -> 4 channels,
3x3, no padding, zero bias, target all ones, loss sum((y - 1)^2) / (2N).

The learning rate: the loss is quadratic in the weights and bias, with
Hessian H = A^T A / N (A: one row per output position, the 27 input taps it
reads and a 1 for the bias; the same for every output channel). Gradient
descent converges for lr < 2 / lambda_max(H) and fastest near
1 / lambda_max; --lr auto takes 1 / lambda_max. (The tutorial's 0.001 with
the gradient divided by N lowers the loss by about 0.05% a step here:
lambda is about 1/oc = 0.25, so lr 0.001 shrinks the error by 1 - 0.00025.)

Prints, per step, the double reference's loss and each algorithm's, and
draws the curves (log scale) to --plot."""

import argparse
import os
import sys

import numpy as np

import convlab

TUTORIAL = 'mb3ic3ih28oc4kh3n"tutorial"'


def auto_lr(p, seed):
    """1 / lambda_max of the loss's Hessian in one output channel's weights
    and bias, from the same input train() draws (depth 1, no padding)."""
    x, _ = convlab.training.initial_values([p], seed)
    windows = np.lib.stride_tricks.sliding_window_view(x, (p.kh, p.kw), axis=(2, 3))
    rows = windows.transpose(0, 2, 3, 1, 4, 5).reshape(-1, p.ic * p.kh * p.kw)
    a = np.hstack([rows, np.ones((rows.shape[0], 1))])
    n = p.mb * p.oc * p.oh * p.ow
    return 1.0 / np.linalg.eigvalsh(a.T @ a / n).max()


def runnable(p):
    """(names that run p in every direction, [(name, why not)])."""
    names, skipped = [], []
    for a in convlab.algorithms():
        missing = [d for d in convlab.training.DIRECTIONS if d not in a["directions"]]
        if missing:
            skipped.append((a["name"], f"no {', '.join(missing)} on the probe problem"))
        else:
            names.append(a["name"])
    return names, skipped


def train_all(p, names, steps, lr, seed, threads):
    """{name: TrainingRun}; an algorithm that declines p goes to skipped."""
    runs, skipped = {}, []
    reference = convlab.training.double_run(p, steps, lr, seed)
    for name in names:
        try:
            runs[name] = convlab.train(p, name, steps, lr, seed, threads=threads, reference=reference)
        except ValueError as e:
            skipped.append((name, str(e)))
    return runs, skipped


def print_losses(runs, out):
    names = list(runs)
    reference = next(iter(runs.values())).reference_losses
    widths = [max(10, len(n)) for n in ["float64"] + names]
    out.write("step  " + "  ".join(f"{n:>{w}}" for n, w in zip(["float64"] + names, widths)) + "\n")
    for k, ref in enumerate(reference):
        values = [ref] + [runs[n].losses[k] for n in names]
        out.write(f"{k:4d}  " + "  ".join(f"{v:{w}.3e}" for v, w in zip(values, widths)) + "\n")
    out.write(f"\nfloat64 final loss {reference[-1]:.3e}\n")
    float32_reference = runs.get("reference")
    out.write("algorithm         final loss  / float32 reference  first step diverging > 1e-3  ms/step  "
              "bound (loss_bound)\n")
    contracts = {a["name"]: a for a in convlab.algorithms()}
    for name, run in runs.items():
        ratio = bound = "-"
        if float32_reference is not None:
            ratio = f"{run.final_loss / float32_reference.final_loss:.3g}"
            ok, _ = convlab.training.check_converged(run, float32_reference, contracts[name]["tolerance"])
            limit = convlab.training.loss_bound(run, float32_reference, contracts[name]["tolerance"])
            bound = f"{'within' if ok else 'ABOVE'} {limit:.2e}"
        first = "-" if run.first_divergent_step is None else str(run.first_divergent_step)
        out.write(f"{name:<16}  {run.final_loss:10.3e}  {ratio:>19}  {first:>27}  "
                  f"{run.seconds_per_step * 1e3:7.2f}  {bound}\n")


def plot(runs, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    reference = next(iter(runs.values())).reference_losses
    ax.plot(reference, "k-", linewidth=3, alpha=0.4, label="float64 (numpy)")
    for name, run in runs.items():
        ax.plot(run.losses, marker=".", linewidth=1, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("SGD step")
    ax.set_ylabel("loss  sum((y - 1)^2) / 2N")
    ax.set_title("tutorial conv layer (3x3x28x28, 3 -> 4 channels, 3x3): float32 per algorithm")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None, out=None):
    out = out or sys.stdout
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problem", default=TUTORIAL, help="a descriptor (default: the tutorial's layer)")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--lr", default="auto", help="a number, or auto: 1 / the Hessian's largest eigenvalue")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--algo", action="append", help="only these algorithms (repeatable)")
    parser.add_argument("--plot", default="results/training/loss_curves.png", help="'' for none")
    args = parser.parse_args(argv)

    p = convlab.Problem(args.problem)
    lr = auto_lr(p, args.seed) if args.lr == "auto" else float(args.lr)
    names, skipped = runnable(p)
    if args.algo:
        names = [n for n in names if n in args.algo]
    runs, declined = train_all(p, names, args.steps, lr, args.seed, args.threads)
    out.write(f"{p}: {args.steps} steps, lr {lr:.4g}, seed {args.seed}\n")
    for name, why in skipped + declined:
        out.write(f"skipped {name}: {why}\n")
    if not runs:
        out.write("no algorithm runs this problem\n")
        return 1
    print_losses(runs, out)
    if args.plot:
        plot(runs, args.plot)
        out.write(f"wrote {args.plot}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
