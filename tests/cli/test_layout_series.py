"""scripts/layout_series.py and plot.py on a run holding two layouts: the plots' table has each algorithm's NHWC
rows as the series `algorithm@nhwc` (the weight order too when an algorithm ran in several), with the
algorithm's family and flags and listed after it; a one-layout run is left as it is; plot.py draws the series
and SUMMARY.md's tables stay on nchw:oihw while its "Layouts" section gives NHWC over NCHW per algorithm.

Run: python3 test_layout_series.py [PATH/TO/convlab]   (ctest passes the binary, which these tests do not run)
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "..", "..", "scripts")
sys.path.insert(0, HERE)
sys.path.insert(0, SCRIPTS)
import fixture_runs as fx  # noqa: E402
from bench_results import Results  # noqa: E402
from layout_series import split_layouts  # noqa: E402

# Rows in nhwc:ohwi for these, at twice their nchw:oihw rate; onednn also in nhwc:hwio at three times.
NHWC = {("direct", "nhwc:ohwi"): 2.0, ("onednn", "nhwc:ohwi"): 2.0, ("onednn", "nhwc:hwio"): 3.0}


def two_layouts():
    base = [dict(r, layout="nchw:oihw") for r in fx.rows()]
    out = list(base)
    for (name, layout), factor in NHWC.items():
        for r in base:
            if r["algorithm"] == name and r["status"] == "PASSED":
                out.append(dict(r, layout=layout, gflops_median=repr(float(r["gflops_median"]) * factor),
                                time_ms_median=repr(float(r["time_ms_median"]) / factor)))
    return out


class SplitLayouts(unittest.TestCase):
    def setUp(self):
        self.rows, self.meta = split_layouts(two_layouts(), fx.metadata())
        self.res = Results(self.rows, self.meta)

    def test_each_layout_is_a_series(self):
        names = [e["name"] for e in self.meta["algorithms"]]
        for series in ("direct@nhwc", "onednn@nhwc:ohwi", "onednn@nhwc:hwio"):
            self.assertIn(series, self.res.algorithms)
        # Each series follows its algorithm, with its family and flags.
        self.assertEqual(names[names.index("direct") + 1], "direct@nhwc")
        self.assertEqual(names[names.index("onednn") + 1:names.index("onednn") + 3],
                         ["onednn@nhwc:ohwi", "onednn@nhwc:hwio"])
        self.assertEqual(self.res.catalog.family("onednn@nhwc:hwio"), "onednn")
        self.assertTrue(self.res.catalog.is_baseline("onednn@nhwc:ohwi"))

    def test_the_series_hold_their_layouts_rates(self):
        layer = fx.LAYERS[0][0]
        nchw = fx.rate("direct", layer, "fwd", 2)
        self.assertAlmostEqual(self.res.gflops("direct", "fwd", layer), nchw)
        self.assertAlmostEqual(self.res.gflops("direct@nhwc", "fwd", layer), 2 * nchw)
        self.assertAlmostEqual(self.res.gflops("onednn@nhwc:hwio", "fwd", layer), 3 * fx.rate("onednn", layer, "fwd", 2))
        self.assertEqual(len(self.rows), len(two_layouts()))

    def test_one_layout_is_left_alone(self):
        rows, meta = fx.rows(), fx.metadata()
        self.assertEqual(split_layouts(rows, meta), (rows, meta))
        only_nhwc = [dict(r, layout="nhwc:ohwi") for r in rows]
        self.assertEqual(split_layouts(only_nhwc, meta)[0], only_nhwc)


class PlotTwoLayouts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="convlab_layout_series_")
        rows = two_layouts()
        cls.csv = fx.write_run(cls.tmp, "run", rows, fx.metadata(), fx.raw_json(rows), columns=fx.COLUMNS + ["layout"])
        cls.result = subprocess.run([sys.executable, os.path.join(SCRIPTS, "plot.py"), cls.csv], capture_output=True,
                                    text=True, timeout=300)
        with open(os.path.join(cls.tmp, "SUMMARY.md")) as f:
            cls.summary = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_plots_written(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        for d in fx.DIRECTIONS:
            self.assertTrue(os.path.exists(os.path.join(self.tmp, f"gflops_{d}.png")))

    def test_summary_tables_read_nchw_and_compare_layouts(self):
        self.assertNotIn("@nhwc", self.summary)
        # NHWC over NCHW: every direct time halved -> 0.5 on each of the three classes and over all of them.
        self.assertIn("| direct | fwd | 0.5 (1) | 0.5 (1) | 0.5 (1) | 0.5 (3) |", self.summary)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
