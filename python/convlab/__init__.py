"""convlab from Python: run, check and time 2-D convolution algorithms.

    >>> import convlab
    >>> p = convlab.Problem("mb2ic16ih8oc16kh3ph1")
    >>> y = convlab.forward(p, x, w, b, algo="im2col_gemm")
    >>> convlab.validate(my_numpy_conv, p, "fwd").verdict
    'PASSED'
    >>> rows = convlab.bench([p], ["im2col_gemm", {"mine": my_numpy_conv}], directions=["fwd"])

Layouts are convlab's: activations NCHW, weights [oc][ic/g][kh][kw], bias
[oc], float32 (README, section Python).
"""

import dataclasses
import json
import os
from pathlib import Path

from . import _convlab
from ._convlab import Problem, backward_data, backward_weights, forward, shape_set
from .training import TrainingRun, train

__version__ = _convlab.__version__
__all__ = ["Problem", "ValidationResult", "algorithms", "backward_data", "backward_weights", "bench",
           "forward", "isa", "layers_from_torch", "set_isa", "shape_set", "train", "TrainingRun", "validate",
           "__version__"]


def __getattr__(name):
    # layers imports torch when called; importing it lazily keeps `import convlab` free of torch.
    if name == "layers_from_torch":
        from .layers import layers_from_torch
        return layers_from_torch
    raise AttributeError(f"module 'convlab' has no attribute {name!r}")


def _find_bundled_shapes():
    """share/convlab/shapes above this package: build/share/... in the build
    tree, <prefix>/share/... when installed. $CONVLAB_SHAPES_DIR wins."""
    if os.environ.get("CONVLAB_SHAPES_DIR"):
        return
    for parent in list(Path(__file__).resolve().parents)[:6]:
        candidate = parent / "share" / "convlab" / "shapes"
        if candidate.is_dir():
            _convlab.set_bundled_shapes_dir(str(candidate))
            return


_find_bundled_shapes()


def set_isa(name):
    """Caps every algorithm's kernels at an ISA for the rest of the process, as
    `convlab --isa` does (docs/isa.md): "avx2", "avx512" or "native" (the
    CPU's widest, the default). Call it before the first validate() or
    bench(): oneDNN, LIBXSMM and libtorch fix their ISA at their first
    kernel, and a different cap after that is a ValueError, as is an ISA this
    CPU lacks. bench() rows record it in their `isa` column."""
    _convlab.set_isa(name)


def isa():
    """The ISA cap set by set_isa(): "avx2", "avx512" or "native"."""
    return _convlab.isa()


def algorithms():
    """The registered algorithms, in registry order, as `convlab list --json`:
    dicts with name, family, description, directions (those accepted on the
    probe problem mb2ic16ih8oc16kh3ph1), exact, tolerance, mixes_neighbours,
    baseline, slow."""
    return json.loads(_convlab.algorithms_json())


@dataclasses.dataclass(frozen=True)
class ValidationResult:
    """A verdict of the checker. verdict is "PASSED", "FAILED" or "SKIPPED"
    (the algorithm declines: reason says why); worst names the worst element
    as `convlab validate` prints it ("dx[0,1,3,2] got 7 expected 8")."""
    verdict: str
    max_abs_err: float
    max_rel_err: float
    max_rel_err_real: float
    worst: str
    exact: bool
    tolerance: float
    reason: str
    algorithm: str
    problem: str
    direction: str
    layout: str = "nchw:oihw"
    data: str = "uniform"
    ftz: bool = False

    @property
    def passed(self):
        return self.verdict == "PASSED"

    def __str__(self):
        if self.verdict == "PASSED":
            detail = f"max rel err {self.max_rel_err:.3g}, max abs err {self.max_abs_err:.3g}"
        elif self.verdict == "FAILED" and self.worst:
            detail = f"{self.reason}; worst {self.worst}"
        else:
            detail = self.reason
        return f"{self.verdict:<8} {self.algorithm} {self.direction}  {detail}  {self.problem}"


def validate(target, p, direction, seed=None, tolerance=None, *, threads=None, exact=None,
             mixes_neighbours=None, label=None, layout="nchw:oihw", data=None, ftz=None):
    """Checks `target` on problem `p` (a Problem or a descriptor) and
    direction "fwd" | "bwd_d" | "bwd_w" as `convlab validate` does: an integer
    fill, then a real one, outputs poisoned with NaN, every element against the
    double-precision reference.

    target is a registered algorithm's name (its contract; tolerance overrides
    its tolerance) or a callable: fn(x, w, b) -> y for fwd (b is an array),
    fn(dy, w) -> dx for bwd_d, fn(x, dy) -> (dw, db) for bwd_w, given
    read-only float32 arrays valid during the call only. A callable is held
    to tolerance (default 1e-5) on both fills, not to exactness, unless
    exact=True; mixes_neighbours=True judges it as Winograd is judged (the
    plane's largest scale). One that raises or returns a wrong shape or type
    is FAILED with the reason.

    layout: the arrays' layout, "nchw", "nhwc" or a pair such as "nhwc:hwio"
    or "nchw:iohw" (docs/layouts.md): a callable receives and returns its
    arrays in it, so code written for NHWC / HWIO is checked as it is; a
    registered algorithm that does not run in it is SKIPPED.

    data: the real fill's distribution, as `--data`: "uniform" (default),
    "normal", "relu", "denormal" or "denormal:SHARE". ftz=True runs the check
    with denormals flushed (FTZ and DAZ) on every thread, as `--ftz on`."""
    if label is None:
        label = target if isinstance(target, str) else getattr(target, "__name__", "callable")
    return ValidationResult(**_convlab.validate(target, p, direction, seed, tolerance, threads, exact,
                                                mixes_neighbours, label, layout, data, ftz))


# Columns kept as text; every other column of a row is a number (None when empty).
_TEXT_COLUMNS = {"suite", "layer", "descriptor", "algorithm", "direction", "status", "reason", "implementation",
                 "layout", "data", "ftz", "isa"}


def _typed(column, value):
    if column in _TEXT_COLUMNS:
        return value
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value


def _targets(algos):
    """(label, name or callable) pairs from a name, a {label: callable or
    name} dict, or a list of names, dicts and (label, callable) pairs."""
    if isinstance(algos, (str, dict)):
        algos = [algos]
    pairs = []
    for item in algos:
        if isinstance(item, str):
            pairs.append((item, item))
        elif isinstance(item, dict):
            pairs.extend((str(label), target) for label, target in item.items())
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            pairs.append(item)
        elif callable(item):
            pairs.append((getattr(item, "__name__", "callable"), item))
        else:
            raise TypeError(f"an algorithm is a name, a callable, a {{label: callable}} dict or a "
                            f"(label, callable) pair, not {item!r}")
    registered = {a["name"] for a in algorithms()}
    for label, target in pairs:
        if not isinstance(target, str) and not callable(target):
            raise TypeError(f"{label}: not an algorithm name nor a callable: {target!r}")
        if not isinstance(target, str) and label in registered:
            raise ValueError(f"label {label!r} of a callable is a registered algorithm's name")
    return pairs


def bench(problems, algos, directions=("fwd", "bwd_d", "bwd_w"), threads=None, repetitions=5, min_time=0.1,
          *, check_mb=None, budget_gflop=2.0, max_gflop=None, tolerance=None, suite="python", verbose=False,
          layout="nchw:oihw", data=None, ftz=None):
    """The rows `convlab bench` writes to its CSV, as a list of dicts (one per
    problem x direction x algorithm x thread count, in that order; the columns
    of the CSV, numbers as numbers, empty fields None), made by the same code:
    each case checked against the reference, then timed by Google Benchmark
    (`repetitions` of at least `min_time` seconds each; median and min).

    problems: Problems or descriptors (one or a list). algos: names of
    registered algorithms and/or callables as {label: fn} (called as in
    validate(), checked with its default contract, or `tolerance`; their rows
    say family "python", implementation "python"). threads: None (every core),
    an int or a list of ints. pandas.DataFrame(rows) gives the CSV's table.
    verbose=True lets Google Benchmark print its console table. layout: the
    tensors' layout, as in validate(). data and ftz as in validate(): the
    distribution of the checked and timed inputs, and flushing denormals;
    each row records both (columns data, ftz), and the ISA cap (column isa,
    set_isa())."""
    if isinstance(problems, (str, Problem)):
        problems = [problems]
    if isinstance(directions, str):
        directions = [directions]
    if threads is None:
        threads = [_convlab.all_cores()]
    elif isinstance(threads, int):
        threads = [threads]
    targets = _targets(algos)
    rows = _convlab.bench(list(problems), targets, list(directions), list(threads), repetitions,
                          float(min_time), check_mb or 0, float(budget_gflop), float(max_gflop or 0), tolerance,
                          suite, verbose, layout, data, ftz)
    typed = [{column: _typed(column, value) for column, value in row.items()} for row in rows]
    families = {a["name"]: a["family"] for a in algorithms()}
    for row in typed:  # a column the CSV lacks: which engine, or "python" for a callable
        row["family"] = families.get(row["algorithm"], "python")
    return typed
