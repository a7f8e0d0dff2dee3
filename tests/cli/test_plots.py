"""Tests of scripts/plot.py and summary.py on synthetic runs (fixture_runs.py).

Run: python3 test_plots.py [PATH/TO/convlab]   (ctest passes the binary, which these tests do not run; the
FFT section and a CSV without layer_class need the convlab Python module: PYTHONPATH=build/python, which ctest
sets, else the scripts look in build/python)
"""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "..", "..", "scripts")
sys.path.insert(0, HERE)
import fixture_runs as fx  # noqa: E402

EXPECTED_PLOTS = ([f"heatmap_{d}.png" for d in fx.DIRECTIONS] + [f"roofline_{d}.png" for d in fx.DIRECTIONS]
                  + [f"gflops_{d}.png" for d in fx.DIRECTIONS]
                  + ["bwd_d_methods.png", "time_vs_workspace.png", "thread_scaling.png"])
LAYER_NAMES = [layer for layer, _, _ in fx.LAYERS]


def script(name, *args):
    return subprocess.run([sys.executable, os.path.join(SCRIPTS, name), *args], capture_output=True, text=True,
                          timeout=300)


def geo(values):
    values = list(values)
    return math.exp(sum(math.log(v) for v in values) / len(values))


def g3(value):
    return f"{value:.3g}"


def tables(markdown):
    """{(section, subsection): [[cell, ...] per body row]} of the markdown's tables."""
    out, section, sub = {}, None, None
    for line in markdown.splitlines():
        if line.startswith("## "):
            section, sub = line[3:].strip(), None
        elif line.startswith("### "):
            sub = line[4:].strip()
        elif line.startswith("|") and not line.startswith("|---"):
            out.setdefault((section, sub), []).append([c.strip() for c in line.strip().strip("|").split("|")])
    return {k: v[1:] for k, v in out.items()}  # without the header row


def find_row(rows, *first_cells):
    matches = [r for r in rows if r[:len(first_cells)] == list(first_cells)]
    assert len(matches) == 1, (first_cells, rows)
    return matches[0]


def section_named(all_tables, prefix):
    keys = [k for k in all_tables if k[0] and k[0].startswith(prefix)]
    assert len(keys) == 1, (prefix, list(all_tables))
    return all_tables[keys[0]]


class Plots(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="convlab_plots_")
        cls.csv = fx.write_run(cls.tmp, "run", fx.rows(), fx.metadata(), fx.raw_json(fx.rows()))
        cls.plan = fx.write_plan(cls.tmp, fx.rows())
        cls.out = os.path.join(cls.tmp, "out")
        cls.result = script("plot.py", cls.csv, "--out", cls.out, "--targets",
                            os.path.join(SCRIPTS, "targets", "resnet_50.json"), "--plan", cls.plan)
        with open(os.path.join(cls.out, "SUMMARY.md")) as f:
            cls.summary = f.read()
        cls.tables = tables(cls.summary)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_every_plot_is_written(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        for name in EXPECTED_PLOTS:
            path = os.path.join(self.out, name)
            self.assertTrue(os.path.getsize(path) > 1000, name)
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", name)
        self.assertEqual([n for n in os.listdir(self.out) if n.startswith(".")], [], "temporary files left")

    def test_speed_table_geomeans(self):
        for d in fx.DIRECTIONS:
            rows = self.tables[("Speed per direction (2 threads)", d)]
            layers = [l for l in LAYER_NAMES if (("direct", d, l, 2) != fx.FAILED)]  # FAILED counts nowhere
            rates = [fx.rate("direct", l, d, 2) for l in layers]
            useful = [fx.useful_rate("direct", l, d, 2) for l in layers]
            baseline_best = [max(fx.rate(b, l, d, 2) for b in ("onednn", "onednn_blocked", "onednn_native", "torch"))
                             for l in layers]
            row = find_row(rows, "direct")
            self.assertEqual(row[1:4], [str(len(layers)), "direct", ""])
            self.assertEqual(row[4], g3(geo(rates)))
            self.assertEqual(row[5], g3(geo(r / fx.PEAK["2"] for r in useful)))
            self.assertEqual(row[6], g3(geo(r / b for r, b in zip(rates, baseline_best))))
            self.assertEqual(find_row(rows, "naive")[3], "slow")
            self.assertEqual(find_row(rows, "onednn_native")[3], "baseline")

    def test_best_against_each_baseline_and_best_of_family(self):
        rows = section_named(self.tables, "convlab's best")
        contenders = ("im2col_gemm", "winograd_f2x3", "direct")
        for d in fx.DIRECTIONS:
            def best(names, layer):
                rates = [fx.rate(a, layer, d, 2) for a in names if (a, d, layer, 2) != fx.FAILED]
                return max(r for r in rates if r)
            for label, names in (("onednn_native", ["onednn_native"]), ("torch", ["torch"]),
                                 ("best onednn-family baseline", ["onednn", "onednn_blocked", "onednn_native"]),
                                 ("best baseline", ["onednn", "onednn_blocked", "onednn_native", "torch"])):
                ratios = {l: best(contenders, l) / best(names, l) for l in LAYER_NAMES}
                worst = min(ratios, key=ratios.get)
                row = find_row(rows, d, label)
                self.assertEqual(row[2:], [g3(geo(ratios.values())), f"{g3(ratios[worst])} ({worst})", "3"])

    def test_winners_are_the_plans(self):
        # convlab's own algorithms win; the baselines' best stands beside; the rules are quoted from the plan.
        rows = section_named(self.tables, "Winner per layer")
        kinds = set()  # the kinds of cell the fixture exercised
        own, baselines = ("im2col_gemm", "winograd_f2x3", "direct"), ("onednn", "onednn_blocked", "onednn_native",
                                                                      "torch")
        for layer in LAYER_NAMES:
            for k, d in enumerate(fx.DIRECTIONS):
                def ms(a):
                    return fx.gflop(layer) / fx.rate(a, layer, d, 2) * 1e3
                ranked = sorted((ms(a), a) for a in own if fx.rate(a, layer, d, 2) and (a, d, layer, 2) != fx.FAILED)
                t1, a1 = ranked[0]
                if len(ranked) > 1:
                    t2, a2 = ranked[1]
                    kind = "significant" if t2 / t1 > 1.5 else "within the noise"  # the fixture plan's verdict
                    margin = f"+{100 * (t2 / t1 - 1):.0f}% over {a2}{'' if kind == 'significant' else ', ' + kind}"
                else:
                    kind = margin = "alone"
                kinds.add(kind)
                tb, b = min((ms(a), a) for a in baselines)
                self.assertEqual(find_row(rows, layer)[1 + k], f"{a1} {g3(t1)} ms ({margin}); "
                                                               f"best baseline {b} {g3(tb)} ms")
        self.assertEqual(kinds, {"alone", "within the noise", "significant"})
        self.assertIn("Winner: WINNER RULE.", self.summary)
        self.assertIn("Best baseline: BASELINE RULE.", self.summary)
        self.assertIn("(SIGNIFICANCE RULE;", self.summary)

    def test_without_a_plan_no_winner_is_decided(self):
        run = os.path.join(self.tmp, "no_plan")
        csv_path = fx.write_run(run, "run", fx.rows(), fx.metadata(), fx.raw_json(fx.rows()))
        result = script("summary.py", csv_path)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(os.path.join(run, "SUMMARY.md")) as f:
            text = f.read()
        self.assertIn("## Winner per layer\n\nNo plan given", text)
        self.assertNotIn(("Winner per layer", None), tables(text))

    def test_a_plan_of_another_run_is_refused(self):
        plan = fx.plan(fx.rows())
        plan["cells"]["elsewhere"] = plan["cells"]["t:res2a"]
        path = os.path.join(self.tmp, "foreign_plan.json")
        with open(path, "w") as f:
            json.dump(plan, f)
        result = script("summary.py", self.csv, "--out", os.path.join(self.tmp, "foreign"), "--plan", path)
        self.assertEqual(result.returncode, 2)
        self.assertRegex(result.stderr, r"^summary.py: error: plan .*layer elsewhere is in no CSV given")
        self.assertEqual(len(result.stderr.strip().splitlines()), 1)

    def test_layer_classes(self):
        rows = section_named(self.tables, "Per layer class")
        self.assertEqual({r[0] for r in rows}, set(fx.LAYER_CLASS.values()))
        families = {"gemm": ["im2col_gemm"], "winograd": ["winograd_f2x3"], "direct": ["direct"],
                    "onednn": ["onednn", "onednn_blocked", "onednn_native"], "torch": ["torch"]}
        for layer in ("t:res2a", "t:res2b"):
            cls = fx.LAYER_CLASS[layer]
            score = {f: max(fx.rate(a, layer, "fwd", 2) or 0 for a in names) for f, names in families.items()}
            score = {f: s for f, s in score.items() if s}
            ranked = sorted(score, key=score.get, reverse=True)
            row = find_row(rows, cls, "fwd")
            self.assertEqual(row[2:5], ["1", ranked[0], f"{score[ranked[0]] / score[ranked[1]]:.2f}x {ranked[1]}"])
            fractions = (s * fx.USEFUL[layer] / fx.PEAK["2"] for s in score.values())
            self.assertEqual(row[6], ", ".join(f"{f} {v:.2g}" for f, v in zip(score, fractions)))

    def test_direct_against_gemm(self):
        rows = section_named(self.tables, "Direct convolution against im2col")
        for d in fx.DIRECTIONS:
            ratios = [fx.rate("direct", layer, d, 2) / fx.rate("im2col_gemm", layer, d, 2) for layer in LAYER_NAMES
                      if ("direct", d, layer, 2) != fx.FAILED]
            row = find_row(rows, "all", d)
            self.assertEqual(row[2:5], [str(len(ratios)), g3(geo(ratios)),
                                        f"{sum(r > 1 for r in ratios)} of {len(ratios)}"])
            # fixture workspaces: 1 + len(name) % 3 MiB
            self.assertEqual(row[5:7], [g3(1 + len("direct") % 3), g3(1 + len("im2col_gemm") % 3)])
        self.assertIn("On this machine, over every layer: fwd: direct", self.summary)

    def test_noisy_failed_and_machine(self):
        noisy = section_named(self.tables, "Noisy rows")
        self.assertEqual(noisy, [["t:res2b", "im2col_gemm", "fwd", "2", "warm", "0.25", "0.2", "PASSED"]])
        accuracy = find_row(section_named(self.tables, "Accuracy"), "direct")
        self.assertEqual(accuracy[3], "5.00e-01 / 1.00e-06 (1 FAILED)")
        self.assertIn("FMA 200.0 GFLOP/s at 1 thread, 400.0 GFLOP/s at 2 threads (isa avx512, 3.00 GHz)",
                      self.summary)
        self.assertIn("DRAM triad 40 GB/s, L2 300 GB/s", self.summary)
        self.assertNotIn("clock not measured", self.summary)
        self.assertNotIn("lacked", self.summary)

    def test_targets(self):
        rows = section_named(self.tables, "Targets")
        with open(os.path.join(SCRIPTS, "targets", "resnet_50.json")) as f:
            self.assertEqual(len(rows), 3 * len(json.load(f)))  # one row per target and direction
        for d in fx.DIRECTIONS:
            layers = [l for l in LAYER_NAMES if ("direct", d, l, 2) != fx.FAILED]
            ratio = geo(fx.rate("direct", l, d, 2) / fx.rate("onednn_native", l, d, 2) for l in layers)
            row = find_row(rows, "direct vs onednn_native, geomean", d)
            self.assertEqual(row[3], f"{g3(ratio)} ({len(layers)} layers)")
            self.assertEqual(row[5], "met" if ratio >= 0.9 else "NOT met")
            fraction = geo(fx.useful_rate("direct", l, d, 2) / fx.PEAK["2"] for l in layers)
            row = find_row(rows, "direct: fraction of the measured FMA peak, geomean", d)
            self.assertEqual((row[3], row[5]), (f"{g3(fraction)} ({len(layers)} layers)", "NOT met"))

    def test_without_the_registry_list(self):
        run = os.path.join(self.tmp, "bare")
        csv_path = fx.write_run(run, "run", fx.rows(), fx.metadata(with_algorithms=False), fx.raw_json(fx.rows()))
        result = script("plot.py", csv_path)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(os.path.join(run, "SUMMARY.md")) as f:
            text = f.read()
        self.assertIn("The metadata lacked `algorithms`", text)
        self.assertIn("No baselines: the metadata lacked `algorithms`.", text)
        self.assertIn("## Targets\n\nNo targets file given", text)
        self.assertTrue(os.path.exists(os.path.join(run, "heatmap_fwd.png")))

    def test_bad_targets_file(self):
        bad = os.path.join(self.tmp, "bad_targets.json")
        with open(bad, "w") as f:
            f.write('[{"label": "x", "algorithm": "direct", "direction": "fwd", "metric": "speed", "min": 1}]')
        result = script("plot.py", self.csv, "--out", os.path.join(self.tmp, "bad"), "--targets", bad)
        self.assertEqual(result.returncode, 2)
        self.assertRegex(result.stderr, r"^plot.py: error: targets .*entry 1: metric 'speed' is not one of")


class UsefulCount(unittest.TestCase):
    """Peak fractions on the useful count: from the CSV's gflop_useful when peak_fraction is absent, and the
    nominal count, said aloud, for a CSV older than gflop_useful."""

    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, SCRIPTS)

    def test_fraction_without_the_column_uses_gflop_useful(self):
        from bench_results import Results
        rows = [{k: v for k, v in r.items() if k != "peak_fraction"} for r in fx.rows()]
        res = Results(rows, fx.metadata())
        self.assertTrue(res.useful_counted)
        expected = fx.useful_rate("direct", "t:res2a", "fwd", 2) / fx.PEAK["2"]
        self.assertAlmostEqual(res.peak_fraction("direct", "fwd", "t:res2a"), expected, delta=1e-5 * expected)  # 6 digits in the CSV
        self.assertLess(res.peak_fraction("direct", "fwd", "t:res2a"),
                        fx.rate("direct", "t:res2a", "fwd", 2) / fx.PEAK["2"])

    def test_csv_without_gflop_useful_falls_back_to_the_nominal_count_and_says_so(self):
        run = os.path.join(tempfile.mkdtemp(prefix="convlab_old_csv_"), "old")
        try:
            columns = [c for c in fx.COLUMNS if c not in ("gflop_useful", "peak_fraction")]
            csv_path = fx.write_run(run, "run", fx.rows(), fx.metadata(), fx.raw_json(fx.rows()), columns=columns)
            result = script("plot.py", csv_path)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("no gflop_useful column", result.stderr)  # the roofline's note
            with open(os.path.join(run, "SUMMARY.md")) as f:
                text = f.read()
            self.assertIn("This CSV has no gflop_useful column", text)
            row = find_row(tables(text)[("Speed per direction (2 threads)", "fwd")], "direct")
            self.assertEqual(row[5], g3(geo(fx.rate("direct", l, "fwd", 2) / fx.PEAK["2"] for l in LAYER_NAMES)))
        finally:
            shutil.rmtree(os.path.dirname(run), ignore_errors=True)


class LayerClassOfAnOlderCsv(unittest.TestCase):
    """A CSV from before the layer_class column: the classes come from convlab.Problem, not from a parse here."""

    def test_classes_from_the_python_module(self):
        run = os.path.join(tempfile.mkdtemp(prefix="convlab_no_class_"), "old")
        try:
            columns = [c for c in fx.COLUMNS if c != "layer_class"]
            csv_path = fx.write_run(run, "run", fx.rows(), fx.metadata(), fx.raw_json(fx.rows()), columns=columns)
            result = script("summary.py", csv_path)
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(os.path.join(run, "SUMMARY.md")) as f:
                rows = section_named(tables(f.read()), "Per layer class")
            self.assertEqual({r[0] for r in rows}, set(fx.LAYER_CLASS.values()))
        finally:
            shutil.rmtree(os.path.dirname(run), ignore_errors=True)


class MeasurementWarnings(unittest.TestCase):
    """The metadata's oversubscribed and peak_suspect open SUMMARY.md in bold; a clean run has neither."""

    def summary_of(self, meta, rows=None, columns=fx.COLUMNS):
        rows = rows or fx.rows()
        run = os.path.join(tempfile.mkdtemp(prefix="convlab_warnings_"), "run")
        try:
            csv_path = fx.write_run(run, "run", rows, meta, fx.raw_json(rows), columns=columns)
            result = script("summary.py", csv_path)
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(os.path.join(run, "SUMMARY.md")) as f:
                return f.read()
        finally:
            shutil.rmtree(os.path.dirname(run), ignore_errors=True)

    def test_suspect_peak_and_oversubscription_are_said_at_the_top(self):
        meta = fx.metadata()
        meta["peak"] |= {"oversubscribed": True, "usable_cpus": 1,
                         "peak_suspect": {"2": "2 threads measured 230.0 GFLOP/s, +95% from the clock-derived 118.0"}}
        text = self.summary_of(meta)
        top = text.split("## Machine")[0]
        self.assertIn("**Oversubscribed:** the run asked for more threads than the 1 CPU(s)", top)
        self.assertIn("**Peak suspect at 2 thread(s):** 2 threads measured 230.0 GFLOP/s, +95% from the "
                      "clock-derived 118.0. Peak fractions at that thread count divide by the clock-derived figure.",
                      top)

    def test_disturbed_rows_are_counted_and_listed(self):
        rows = fx.rows()
        for r in rows:
            r["disturbed"], r["retimed"], r["sentinel_ratio"] = "0", "0", "1.01"
        rows[1]["disturbed"], rows[1]["retimed"], rows[1]["sentinel_ratio"] = "1", "1", "1.4"
        rows[2]["retimed"] = "1"
        text = self.summary_of(fx.metadata(), rows, fx.COLUMNS + ["disturbed", "retimed", "sentinel_ratio"])
        self.assertIn(f"## Disturbed rows\n\n1 of {len(rows)} timed rows disturbed", text)
        self.assertIn("(2 rows were re-timed)", text)
        listed = section_named(tables(text), "Disturbed rows")
        self.assertEqual([r[:2] + r[5:6] for r in listed], [[rows[1]["layer"], rows[1]["algorithm"], "1.4"]])

    def test_dirty_paths_are_named(self):
        meta = fx.metadata()
        meta["git"] = {"commit": "abc", "dirty": True, "dirty_paths": ["harness/x.cpp"]}
        self.assertIn("abc (dirty tree: `harness/x.cpp`)", self.summary_of(meta))

    def test_a_clean_run_has_no_warning(self):
        text = self.summary_of(fx.metadata())
        self.assertNotIn("Oversubscribed", text)
        self.assertNotIn("Peak suspect", text)
        self.assertNotIn("Rows above the peak", text)  # a CSV older than the suspect column

    def test_suspect_rows_are_listed(self):
        rows = fx.rows()
        for r in rows:
            r["suspect"] = ""
        rows[0]["suspect"] = "useful rate 250 GFLOP/s is 1.25x the FMA peak 200"
        text = self.summary_of(fx.metadata(), rows, fx.COLUMNS + ["suspect"])
        listed = section_named(tables(text), "Rows above the peak")
        self.assertEqual(listed, [[rows[0]["layer"], rows[0]["algorithm"], rows[0]["direction"], str(rows[0]["threads"]),
                                   rows[0].get("cache", ""), g3(float(rows[0]["peak_fraction"])), rows[0]["suspect"]]])
        rows[0]["suspect"] = ""
        self.assertIn("## Rows above the peak\n\nNone", self.summary_of(fx.metadata(), rows, fx.COLUMNS + ["suspect"]))


class FftOnLargeKernels(unittest.TestCase):
    """The FFT section on hand-made rows: a 5x5 and an 11x11 stride-4 layer (a 3x3 one stays out)."""

    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, SCRIPTS)

    @staticmethod
    def results(fft_rates):
        from bench_results import Results
        layers = {"k5": 'mb8ic32ih28oc96oh28kh5ph2n"k5"', "k11": 'mb8ic3ih227oc96oh55kh11sh4n"k11"',
                  "k3": 'mb8ic64ih56oc64oh56kh3ph1n"k3"'}
        rates = {"im2col_gemm": 100.0, "direct": 150.0, "onednn_native": 200.0, "naive": 1000.0}
        families = {"im2col_gemm": "gemm", "direct": "direct", "onednn_native": "onednn", "naive": "direct",
                    "fft": "fft"}
        meta = {"algorithms": [{"name": n, "family": f, "baseline": n == "onednn_native", "slow": n == "naive"}
                               for n, f in families.items()]}
        rows = []
        for layer, descriptor in layers.items():
            for name in families:
                for d in fx.DIRECTIONS:
                    rate = fft_rates.get((layer, d), 50.0) if name == "fft" else rates[name]
                    rows.append({"layer": layer, "descriptor": descriptor, "algorithm": name, "direction": d,
                                 "threads": "2", "cache": "warm", "status": "PASSED", "gflops_median": str(rate),
                                 "time_ms_median": str(1000 / rate)})
        return Results(rows, meta)

    def test_ratios_and_verdict(self):
        from summary_fft import fft_section
        text = fft_section(self.results({("k5", "bwd_d"): 300.0}))
        rows = tables(text)[("FFT on large kernels", None)]
        self.assertEqual(len(rows), 6)  # 2 layers x 3 directions: the 3x3 layer is left out
        # the slow naive (1000) never counts as the fastest
        self.assertEqual(find_row(rows, "k5", "5x5 s1", "bwd_d"),
                         ["k5", "5x5 s1", "bwd_d", "300", "onednn_native 200", "1.5", "3", "2"])
        self.assertEqual(find_row(rows, "k11", "11x11 s4", "fwd"),
                         ["k11", "11x11 s4", "fwd", "50", "onednn_native 200", "0.25", "0.5", "0.333"])
        self.assertIn("FFT is the fastest on 1 of 6: k5 bwd_d.", text)
        none = fft_section(self.results({("k11", "bwd_w"): 180.0}))
        self.assertIn("FFT is the fastest on none of the 6; closest on k11 bwd_w, at 0.9x onednn_native.", none)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
