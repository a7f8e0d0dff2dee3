"""The rows of a `convlab bench` CSV and its metadata, indexed for plots, the summary and targets.

No algorithm is named here: names, families and the baseline / slow flags come
from the metadata's `algorithms` (what `convlab list --json` prints), so a new
algorithm in the C++ registry needs no change in the scripts. Only PASSED rows
count for speed, at the run's largest thread count and (when both ran) warm cache.

Two FLOP counts, both from the CSV: `gflop` (nominal, padding taps included:
gflops_median, which compares algorithms on equal work) and `gflop_useful`
(taps inside the input only: peak fractions and roofline points, which place a
row against the machine). A CSV written before gflop_useful existed has only
the nominal count; `useful_counted` says so and the useful rates fall back to it.

No descriptor is parsed here. A layer's class is the CSV's `layer_class` (convlab's one rule,
algorithms/layer_class.hpp); a CSV older than that column, and anything needing the geometry (the kernel
of the FFT section), asks the convlab Python module's Problem (`problem()`, PYTHONPATH=build/python).
"""
import csv
import math
import os
import sys

DIRECTIONS = ["fwd", "bwd_d", "bwd_w"]
_BUILD_PYTHON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "python")


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def geomean(values):
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def problem(descriptor):
    """convlab.Problem(descriptor), from the module on PYTHONPATH or else the one built in build/python; None
    when neither imports (then what needs the geometry is left out, and the report says so)."""
    try:
        import convlab
    except ImportError:
        if _BUILD_PYTHON not in sys.path:
            sys.path.append(_BUILD_PYTHON)
        try:
            import convlab
        except ImportError:
            return None
    return convlab.Problem(descriptor)


def layer_class_of(rows):
    """The CSV's layer_class of a layer's rows; from convlab.Problem for a CSV older than the column; None when
    neither says."""
    for r in rows:
        if r.get("layer_class"):
            return r["layer_class"]
    p = problem(rows[0]["descriptor"]) if rows and rows[0].get("descriptor") else None
    return p.layer_class() if p else None


def useful_rate(row):
    """A row's median rate on the useful count: gflops_median x gflop_useful / gflop (the same time, fewer
    FLOPs credited). The nominal gflops_median when the CSV has no gflop_useful column."""
    rate, nominal, useful = number(row.get("gflops_median")), number(row.get("gflop")), number(row.get("gflop_useful"))
    if rate is None or not nominal or useful is None:
        return rate
    return rate * useful / nominal


class Catalog:
    """What the registry says of each algorithm (meta.json `algorithms`), in registry order."""

    def __init__(self, meta, rows):
        entries = meta.get("algorithms") if isinstance(meta, dict) else None
        self.from_metadata = isinstance(entries, list) and bool(entries)
        self.entries = {e["name"]: e for e in (entries or []) if isinstance(e, dict) and e.get("name")}
        seen = [r["algorithm"] for r in rows if r.get("algorithm")]
        self.names = list(self.entries) + [a for a in dict.fromkeys(seen) if a not in self.entries]
        self.csv_family = {r["algorithm"]: r["family"] for r in rows if r.get("algorithm") and r.get("family")}

    def family(self, name):
        return self.entries.get(name, {}).get("family") or self.csv_family.get(name) or name

    def is_baseline(self, name):
        return bool(self.entries.get(name, {}).get("baseline"))

    def is_slow(self, name):
        return bool(self.entries.get(name, {}).get("slow"))

    def description(self, name):
        return self.entries.get(name, {}).get("description", "")


class Results:
    """PASSED rows indexed by (algorithm, direction, layer, threads), with the catalog and the measured peak."""

    def __init__(self, rows, meta=None, plan=None):
        meta = meta or {}
        self.rows = rows
        self.meta = meta
        self.plan = plan  # `convlab pick --plan`'s JSON of these rows: its winners and best baselines
        self.catalog = Catalog(meta, rows)
        self.peak = meta.get("peak") if isinstance(meta.get("peak"), dict) else {}
        caches = list(dict.fromkeys(r.get("cache") for r in rows if r.get("cache")))
        self.cache = "warm" if "warm" in caches else (caches[0] if caches else None)
        self.other_cache_rows = [r for r in rows if r.get("cache") and r.get("cache") != self.cache]
        # Tables of one layout: nchw:oihw when present (the "Layouts" section compares them, summary_layouts.py).
        layouts = list(dict.fromkeys(r.get("layout") or "nchw:oihw" for r in rows))
        self.layout = "nchw:oihw" if "nchw:oihw" in layouts or not layouts else layouts[0]
        self.passed = [r for r in rows if r.get("status") == "PASSED" and number(r.get("gflops_median"))
                       and (self.cache is None or r.get("cache") == self.cache)
                       and (r.get("layout") or "nchw:oihw") == self.layout]
        present = {r["algorithm"] for r in rows if r.get("algorithm")}
        self.algorithms = [a for a in self.catalog.names if a in present]
        self.layers = list(dict.fromkeys(r["layer"] for r in rows if r.get("algorithm")))
        self.thread_counts = sorted({int(r["threads"]) for r in self.passed})
        self.main_threads = max(self.thread_counts) if self.thread_counts else None
        self.row = {}
        self.descriptor = {}
        for r in self.passed:
            self.row[(r["algorithm"], r["direction"], r["layer"], int(r["threads"]))] = r
        by_layer = {}
        for r in rows:
            if r.get("layer") and r.get("descriptor"):
                self.descriptor.setdefault(r["layer"], r["descriptor"])
                by_layer.setdefault(r["layer"], []).append(r)
        self.layer_class = {layer: layer_class_of(by_layer.get(layer, [])) for layer in self.layers}
        # The classes in the order the network first has them; empty when no class is known.
        self.layer_classes = list(dict.fromkeys(c for c in self.layer_class.values() if c))
        # False for a CSV older than the gflop_useful column: peak fractions are then on the nominal count.
        self.useful_counted = all(number(r.get("gflop_useful")) is not None for r in self.passed)

    # -- which algorithms play which part
    def contenders(self):
        """convlab's own algorithms: neither baselines nor slow yardsticks."""
        return [a for a in self.algorithms if not self.catalog.is_baseline(a) and not self.catalog.is_slow(a)]

    def baselines(self):
        return [a for a in self.algorithms if self.catalog.is_baseline(a)]

    def fast(self):
        return [a for a in self.algorithms if not self.catalog.is_slow(a)]

    def families(self, names):
        return list(dict.fromkeys(self.catalog.family(a) for a in names))

    def baseline_families(self):
        return self.families(self.baselines())

    # -- numbers of one row
    def _value(self, column, algorithm, direction, layer, threads=None):
        r = self.row.get((algorithm, direction, layer, threads or self.main_threads))
        return number(r.get(column)) if r else None

    def gflops(self, algorithm, direction, layer, threads=None):
        return self._value("gflops_median", algorithm, direction, layer, threads)

    def time(self, algorithm, direction, layer, threads=None):
        return self._value("time_ms_median", algorithm, direction, layer, threads)

    def workspace(self, algorithm, direction, layer, threads=None):
        return self._value("workspace_bytes", algorithm, direction, layer, threads)

    def useful_gflops(self, algorithm, direction, layer, threads=None):
        r = self.row.get((algorithm, direction, layer, threads or self.main_threads))
        return useful_rate(r) if r else None

    def fma_peak(self, threads=None):
        table = self.peak.get("fma_gflops") or {}
        return number(table.get(str(threads or self.main_threads))) if isinstance(table, dict) else None

    def peak_fraction(self, algorithm, direction, layer, threads=None):
        """The CSV's peak_fraction, else the useful GFLOP/s over the metadata's FMA peak at that thread count."""
        value = self._value("peak_fraction", algorithm, direction, layer, threads)
        if value is not None:
            return value
        rate, peak = self.useful_gflops(algorithm, direction, layer, threads), self.fma_peak(threads)
        return rate / peak if rate and peak else None

    # -- best of a set, per layer
    def best(self, names, direction, layer, threads=None):
        """(algorithm, GFLOP/s) of the fastest of `names` on the layer, or None."""
        rates = [(a, self.gflops(a, direction, layer, threads)) for a in names]
        rates = [(a, r) for a, r in rates if r]
        return max(rates, key=lambda ar: ar[1]) if rates else None

    def best_rate(self, names, direction, layer, threads=None):
        found = self.best(names, direction, layer, threads)
        return found[1] if found else None

    def of_family(self, family, names=None):
        return [a for a in (names or self.fast()) if self.catalog.family(a) == family]

    def resolve(self, spec):
        """The algorithms a yardstick stands for (their best per layer counts): "baselines" is every baseline,
        "family:F" the baselines of family F (without the registry's list: every algorithm of family F), any
        other name that algorithm."""
        if spec == "baselines":
            return self.baselines()
        if spec.startswith("family:"):
            family = spec[len("family:"):]
            return self.of_family(family, self.baselines() if self.catalog.from_metadata else self.fast())
        return [spec] if spec in self.algorithms else []

    def ratios(self, subject, reference, direction, layers=None, threads=None):
        """{layer: best of `subject` / best of `reference`} where both ran (lists of algorithm names)."""
        out = {}
        for layer in layers or self.layers:
            mine = self.best_rate(subject, direction, layer, threads)
            theirs = self.best_rate(reference, direction, layer, threads)
            if mine and theirs:
                out[layer] = mine / theirs
        return out

    def layers_of_class(self, name):
        return self.layers if name in (None, "all") else [l for l in self.layers if self.layer_class[l] == name]


def thread_speedups(res, algorithm, threads, layers=None):
    """{(direction, layer): time at 1 thread / time at `threads`}."""
    out = {}
    for d in DIRECTIONS:
        for layer in layers or res.layers:
            t1, tn = res.time(algorithm, d, layer, 1), res.time(algorithm, d, layer, threads)
            if t1 and tn:
                out[(d, layer)] = t1 / tn
    return out
