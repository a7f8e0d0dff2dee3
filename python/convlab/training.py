"""convlab.train: SGD on a small network of conv layers, every convolution
through one algorithm in float32, step for step beside the same network in
float64 through a plain numpy convolution (convlab/_double_conv.py), from
the same initial values.

The network: depth 1 is one conv layer; depth 2 is conv, ReLU, conv, so the
first layer's gradient passes through the second's bwd_d. The loss is
sum((y - 1)^2) / (2N) against an all-ones target, N the number of output
elements, its gradient (y - 1) / N; SGD w -= lr dw, b -= lr db.

What is float32 (the model's precision, as a float32 framework runs it):
the three convolutions, the ReLU, the loss gradient and the update. The
reported loss is summed in float64 from the float32 output, so the report
adds no rounding of its own.
"""

import dataclasses
import time

import numpy as np

from . import _convlab, _double_conv
from ._convlab import Problem

DIRECTIONS = ("fwd", "bwd_d", "bwd_w")
# A weight divergence above this is reported as the first divergent step:
# some 1.7e4 times float32's unit roundoff (6e-8), far above what rounding
# alone accumulates over tens of steps (the tutorial's runs: at most 2.2e-6
# in 30 steps), far below what a wrong gradient does.
DIVERGENCE_THRESHOLD = 1e-3


@dataclasses.dataclass
class TrainingRun:
    """One run, one entry per step. losses[k] is the loss of the forward of
    step k (before its update), reference_losses[k] the float64 network's;
    weight_divergence[k] is |w - w_ref| / |w_ref| over every layer's
    weights and biases after step k's update. first_divergent_step is the
    first k with weight_divergence[k] > DIVERGENCE_THRESHOLD, or None."""
    algo: str
    losses: list
    reference_losses: list
    weight_divergence: list
    first_divergent_step: object
    seconds_per_step: float
    reference_seconds_per_step: float
    layers: list
    seed: int
    final_params: list  # [(w, b)] in float32 after the last step

    @property
    def final_loss(self):
        return self.losses[-1]

    @property
    def reference_final_loss(self):
        return self.reference_losses[-1]


def layers_of(problem_or_layers, depth=1):
    """The network's Problems: a list of Problems or descriptors as given
    (each layer's input the previous one's output), or one problem and
    depth: depth 2 adds a second layer of the first's kernel, stride,
    padding and dilation with ic = oc = the first's oc."""
    if isinstance(problem_or_layers, (list, tuple)):
        layers = [Problem(p) if isinstance(p, str) else p for p in problem_or_layers]
    else:
        first = Problem(problem_or_layers) if isinstance(problem_or_layers, str) else problem_or_layers
        layers = [first]
        if depth == 2:
            p = first
            layers.append(Problem(f"mb{p.mb}ic{p.oc}ih{p.oh}iw{p.ow}oc{p.oc}kh{p.kh}kw{p.kw}"
                                  f"sh{p.sh}sw{p.sw}ph{p.ph}pw{p.pw}dh{p.dh}dw{p.dw}"))
        elif depth != 1:
            raise ValueError(f"depth is 1 or 2, not {depth}")
    for before, after in zip(layers, layers[1:]):
        if (before.mb, before.oc, before.oh, before.ow) != (after.mb, after.ic, after.ih, after.iw):
            raise ValueError(f"layer {after} does not take the output of {before}")
    return layers


def _calls(algo, threads):
    """(label, {direction: fn}) with fn in convlab.validate's signatures
    (fwd(p, x, w, b), bwd_d(p, dy, w), bwd_w(p, x, dy) here, the problem
    first). algo is a registered algorithm's name, or a dict of direction ->
    name or callable (a callable takes validate's arguments: fn(x, w, b),
    fn(dy, w), fn(x, dy)); a direction the dict leaves out runs "reference"."""
    if isinstance(algo, str):
        algo = {d: algo for d in DIRECTIONS}
        label = algo["fwd"]
    else:
        unknown = set(algo) - set(DIRECTIONS)
        if unknown:
            raise ValueError(f"directions are {DIRECTIONS}, not {sorted(unknown)}")
        label = "+".join(t if isinstance(t, str) else getattr(t, "__name__", "callable") for t in algo.values())
    named = {
        "fwd": lambda name: lambda p, x, w, b: _convlab.forward(p, x, w, b, algo=name, threads=threads),
        "bwd_d": lambda name: lambda p, dy, w: _convlab.backward_data(p, dy, w, algo=name, threads=threads),
        "bwd_w": lambda name: lambda p, x, dy: _convlab.backward_weights(p, x, dy, algo=name, threads=threads),
    }
    calls = {}
    for d in DIRECTIONS:
        target = algo.get(d, "reference")
        if isinstance(target, str):
            calls[d] = named[d](target)
        elif callable(target):
            calls[d] = lambda p, *arrays, fn=target: fn(*arrays)
        else:
            raise TypeError(f"{d}: not an algorithm name nor a callable: {target!r}")
    return label, calls


_DOUBLE = {"fwd": _double_conv.forward, "bwd_d": _double_conv.backward_data,
           "bwd_w": _double_conv.backward_weights}


def _step(layers, calls, x, params, dtype, lr):
    """One SGD step in place on params [(w, b)]; returns the loss before it."""
    inputs, outputs = [], []
    h = x
    for i, (p, (w, b)) in enumerate(zip(layers, params)):
        inputs.append(h)
        y = np.asarray(calls["fwd"](p, h, w, b), dtype)
        outputs.append(y)
        h = np.maximum(y, 0) if i + 1 < len(layers) else y
    n = h.size
    loss = float(np.sum((h.astype(np.float64) - 1) ** 2) / (2 * n))
    dy = ((h - dtype(1)) / dtype(n)).astype(dtype)
    for i in reversed(range(len(layers))):
        p, (w, b) = layers[i], params[i]
        dw, db = calls["bwd_w"](p, inputs[i], dy)
        if i > 0:  # through this layer's bwd_d, then the ReLU before it
            dx = np.asarray(calls["bwd_d"](p, dy, w), dtype)
            dy = np.where(outputs[i - 1] > 0, dx, dtype(0)).astype(dtype)
        w -= dtype(lr) * np.asarray(dw, dtype)
        b -= dtype(lr) * np.asarray(db, dtype)
    return loss


def _divergence(params, reference):
    diff = sum(np.sum((a.astype(np.float64) - r) ** 2) for pair, ref in zip(params, reference)
               for a, r in zip(pair, ref))
    norm = sum(np.sum(r ** 2) for ref in reference for r in ref)
    return float(np.sqrt(diff / norm))


def initial_values(layers, seed, init="normal"):
    """x and each layer's (w, b) in float64, zero bias. init "normal": the
    tutorial's standard normal weights; "he": std sqrt(2 / fan_in), so a
    deeper ReLU network's outputs stay of order 1 instead of growing by
    sqrt(fan_in) a layer. x is standard normal and drawn first, the same
    for either init."""
    if init not in ("normal", "he"):
        raise ValueError(f'init is "normal" or "he", not {init!r}')
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(layers[0].shape("x"))
    params = []
    for p in layers:
        std = 1.0 if init == "normal" else np.sqrt(2.0 / (p.ic // p.g * p.kh * p.kw))
        params.append((std * rng.standard_normal(p.shape("w")), np.zeros(p.shape("b"))))
    return x, params


@dataclasses.dataclass
class DoubleRun:
    """The float64 run: losses[k] and params[k] ([(w, b)] after step k)."""
    layers: list
    steps: int
    lr: float
    seed: int
    init: str
    losses: list
    params: list
    seconds_per_step: float


def double_run(problem_or_layers, steps, lr, seed=0, depth=1, init="normal"):
    """The float64 network's run, to pass to several train() calls (it is
    the same for every algorithm, and on large layers the slow part)."""
    layers = layers_of(problem_or_layers, depth)
    x, params = initial_values(layers, seed, init)
    losses, history = [], []
    start = time.perf_counter()
    for _ in range(steps):
        losses.append(_step(layers, _DOUBLE, x, params, np.float64, lr))
        history.append([(w.copy(), b.copy()) for w, b in params])
    return DoubleRun(layers, steps, lr, seed, init, losses, history,
                     (time.perf_counter() - start) / max(steps, 1))


def train(problem_or_layers, algo, steps, lr, seed=0, depth=1, threads=1, init="normal", reference=None):
    """Runs `steps` SGD steps of the network (layers_of(problem_or_layers,
    depth)) through `algo` in float32 and through the float64 numpy
    convolution, from the same initial values; returns a TrainingRun.

    algo: a registered algorithm's name (its fwd, bwd_d, bwd_w), or a dict
    {direction: name or callable} as convlab.validate's callables (a test
    can inject a wrong gradient this way); left-out directions run
    "reference". An algorithm that declines a layer raises ValueError with
    its reason. threads: for the registered algorithms (None: every core);
    1 by default, as these layers are small and on a shared machine a
    second thread mostly waits for a core. init: see initial_values.
    reference: a double_run() of the same network, steps, lr, seed and init
    (computed here when None)."""
    layers = layers_of(problem_or_layers, depth)
    label, calls = _calls(algo, threads)
    if reference is None:
        reference = double_run(layers, steps, lr, seed, init=init)
    elif ([str(p) for p in reference.layers], reference.steps, reference.lr, reference.seed, reference.init) != (
            [str(p) for p in layers], steps, lr, seed, init):
        raise ValueError("reference is the double run of another network, step count, lr, seed or init")
    x64, params64 = initial_values(layers, seed, init)
    x32 = x64.astype(np.float32)
    params32 = [(w.astype(np.float32), b.astype(np.float32)) for w, b in params64]

    losses, divergence = [], []
    spent = 0.0
    for k in range(steps):
        start = time.perf_counter()
        losses.append(_step(layers, calls, x32, params32, np.float32, lr))
        spent += time.perf_counter() - start
        divergence.append(_divergence(params32, reference.params[k]))
    first = next((k for k, d in enumerate(divergence) if d > DIVERGENCE_THRESHOLD), None)
    return TrainingRun(label, losses, list(reference.losses), divergence, first, spent / max(steps, 1),
                       reference.seconds_per_step, layers, seed, params32)


def output_scale(run):
    """The checker's scale of the network's output at the run's final
    weights: the largest sum of |terms| (|x| * |w| + |b|) over its elements
    (depth 1)."""
    p = run.layers[0]
    x, _ = initial_values(run.layers, run.seed)
    w, b = run.final_params[0]
    return float(_double_conv.forward(p, np.abs(x), np.abs(w), np.abs(b)).max())


def loss_bound(run, float32_reference, tolerance):
    """The final loss a correct algorithm of contract `tolerance` may reach,
    given the float32 run through "reference" (same layer, seed, steps, lr).

    Why: near the end of a float32 run the loss no longer falls because the
    forward's output carries an error e (rounding), and gradient descent
    fits the weights to the data as computed, so the loss settles at about
    (1/2N) |e's part outside what the weights can express|^2 plus the part
    the weights' own float32 quantization leaves, a part the two runs share.
    "reference" rounds its double result once, its e below half an ulp; an
    algorithm within its contract has |e| <= tolerance x scale per element
    (scale: the sum of |terms|, as the checker measures; about |b| = 1 here,
    the weights having gone to 0). So its loss exceeds the reference's by at
    most (1/2)(tolerance x scale)^2:

        bound = L_ref32 + (tolerance x scale)^2 / 2 = C x L_ref32,
        C = 1 + (tolerance x scale)^2 / (2 L_ref32).

    Before the runs reach that floor, both follow the float64 curve and the
    bound has the same slack. The argument is for depth 1 (a linear model)."""
    if len(run.layers) != 1:
        raise ValueError("loss_bound's argument holds for depth 1 only")
    scale = output_scale(run)
    return float32_reference.final_loss + 0.5 * (tolerance * scale) ** 2


def check_converged(run, float32_reference, tolerance):
    """(ok, message): whether run.final_loss is within loss_bound()."""
    bound = loss_bound(run, float32_reference, tolerance)
    ok = bool(np.isfinite(run.final_loss) and run.final_loss <= bound)
    verdict = "converged" if ok else "did NOT converge"
    return ok, (f"{run.algo}: {verdict}: final loss {run.final_loss:.3e}, bound {bound:.3e} "
                f"(float32 reference {float32_reference.final_loss:.3e}, tolerance {tolerance:g}, "
                f"float64 {run.reference_final_loss:.3e})")
