"""Command-line tests of `convlab bench`: the tidy CSV's columns and rows, the
metadata and raw JSON beside it, --resume, the budget, and exit status 2 for
bad values.

Run: python3 test_bench.py PATH/TO/convlab   (ctest does so)
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CONVLAB = None  # set from the command line
PROBLEM = "mb1ic4ih8oc4kh3ph1"
COLUMNS = ["suite", "layer", "descriptor", "layer_class", "weight", "algorithm", "direction", "threads", "mb", "gflop", "gflop_useful",
           "time_ms_median", "time_ms_min", "gflops_median", "workspace_bytes", "max_abs_err", "max_rel_err",
           "status", "reason", "implementation"]
QUICK = ["--repetitions", "2", "--min-time", "0.01"]


def convlab(*args):
    return subprocess.run([CONVLAB, *args], capture_output=True, text=True, timeout=300)


def read_rows(path):
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def meta_peak(directory, threads):
    """The figure peak_fraction divides by: the measured one, or the clock-derived one when it was suspect."""
    with open(os.path.join(directory, "out.meta.json")) as f:
        return json.load(f)["peak"]["fma_gflops_used"][threads]


class Bench(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="convlab_bench_")
        self.csv = os.path.join(self.tmp, "out.csv")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def bench(self, *extra, algos=("naive", "reference"), threads="1", direction="fwd"):
        args = ["bench", "--problem", PROBLEM, "--dir", direction, "--threads", threads, *QUICK, "--csv", self.csv,
                *extra]
        for algo in algos:
            args += ["--algo", algo]
        return convlab(*args)

    def test_rows_columns_metadata_and_json(self):
        result = convlab("bench", "--problem", PROBLEM, "--algo", "naive", "--algo", "reference", "--dir", "fwd",
                         "--repetitions", "2", "--min-time", "0.01", "--csv", self.csv)
        self.assertEqual(result.returncode, 0, result.stderr)
        header, rows = read_rows(self.csv)
        for column in COLUMNS:
            self.assertIn(column, header)
        self.assertEqual([r["algorithm"] for r in rows], ["naive", "reference"])
        for row in rows:
            self.assertEqual(row["status"], "PASSED", row)
            self.assertEqual(row["direction"], "fwd")
            self.assertEqual(row["mb"], "1")
            self.assertEqual(row["layer_class"], "3x3_s1")  # kh3, stride 1, one group
            # 2 * mb * oc * oh * ow * ic * kh * kw = 2 * 1 * 4 * 8 * 8 * 4 * 9
            self.assertAlmostEqual(float(row["gflop"]), 18432e-9)
            median, fastest = float(row["time_ms_median"]), float(row["time_ms_min"])
            self.assertGreater(median, 0)
            self.assertLessEqual(fastest, median)
            self.assertAlmostEqual(float(row["gflops_median"]), 18432e-9 / (median * 1e-3), delta=1e-3)
            # Useful: only taps inside the 8x8 input; per axis 8 outputs x 3 taps less the two on the
            # padding = 22, so 2 * 1 * 4 * 4 * 22 * 22. peak_fraction and the intensity count those.
            self.assertAlmostEqual(float(row["gflop_useful"]), 15488e-9)
            useful_rate = 15488e-9 / (median * 1e-3)
            fraction = float(row["peak_fraction"]) * meta_peak(self.tmp, row["threads"])
            self.assertAlmostEqual(fraction / useful_rate, 1, delta=1e-4)
            # compulsory bytes: x 256 + w 144 + b 4 + y 256 floats = 2640 bytes
            self.assertAlmostEqual(float(row["arith_intensity"]), 15488 / 2640, delta=1e-4)
            self.assertEqual(row["repetitions"], "2")
            self.assertEqual(row["suspect"], "")  # naive and reference stay far below the peak
            self.assertGreaterEqual(float(row["sentinel_ratio"]), 1)
            self.assertIn(row["disturbed"], ("0", "1"))
            self.assertIn(row["retimed"], ("0", "1"))
            self.assertGreaterEqual(float(row["prepare_ms"]), 0)
        self.assertIn("[2/2] reference fwd", result.stderr)

        meta_path = os.path.join(self.tmp, "out.meta.json")
        with open(meta_path) as f:
            meta = json.load(f)
        for key in ("cpu", "compiler", "openblas", "onednn", "environment", "git", "date", "command_line", "run",
                    "peak", "algorithms"):
            self.assertIn(key, meta)
        self.assertGreater(meta["peak"]["fma_gflops"]["1"], 0)
        self.assertEqual([a["name"] for a in meta["algorithms"]][-1], "reference")
        self.assertTrue(meta["openblas"]["corename"])
        self.assertTrue(meta["run"]["completed"])
        self.assertIn("bench", meta["command_line"])

        with open(os.path.join(self.tmp, "out.json")) as f:  # JSON lines: the context, then every record
            lines = [json.loads(line) for line in f]
        self.assertIn("num_cpus", lines[0]["context"])
        records = lines[1:]
        names = {b["aggregate_name"] for b in records if b["run_type"] == "aggregate"}
        self.assertTrue({"median", "min", "mean"} <= names, names)
        repetitions = [b for b in records if b["run_type"] == "iteration"]
        self.assertEqual(len(repetitions), 2 * 2)  # every repetition of both rows is kept
        self.assertTrue(all(b["time_unit"] == "ms" for b in repetitions))
        self.assertTrue(all("FLOPS" in b for b in records if b.get("aggregate_name") != "cv"))
        for row in rows:
            for column in ("peak_fraction", "arith_intensity", "bound", "spread", "noisy", "family", "cache"):
                self.assertNotEqual(row[column], "", (column, row))

    def test_resume_runs_only_missing_rows(self):
        self.assertEqual(self.bench(algos=["naive"]).returncode, 0)
        _, first = read_rows(self.csv)
        self.assertEqual(len(first), 1)
        result = self.bench("--resume")
        self.assertEqual(result.returncode, 0, result.stderr)
        _, rows = read_rows(self.csv)
        self.assertEqual([r["algorithm"] for r in rows], ["naive", "reference"])
        self.assertEqual(rows[0], first[0])  # the earlier row is kept as it was, not rerun
        self.assertIn("1 rows already", result.stderr)
        self.assertIn("[1/1] reference fwd", result.stderr)
        # Everything there: nothing runs, nothing changes.
        result = self.bench("--resume")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(read_rows(self.csv)[1], rows)
        # Without --resume the file starts over.
        self.assertEqual(self.bench(algos=["naive"]).returncode, 0)
        self.assertEqual(len(read_rows(self.csv)[1]), 1)

    def test_data_and_ftz_are_columns_metadata_and_part_of_the_resume_key(self):
        self.assertEqual(self.bench(algos=["naive"]).returncode, 0)
        result = self.bench("--resume", "--data", "denormal:0.2", "--ftz", "on", algos=["naive"])
        self.assertEqual(result.returncode, 0, result.stderr)
        _, rows = read_rows(self.csv)
        self.assertEqual([(r["data"], r["ftz"], r["status"]) for r in rows],
                         [("uniform", "off", "PASSED"), ("denormal:0.2", "on", "PASSED")])
        with open(os.path.splitext(self.csv)[0] + ".meta.json") as f:
            data = json.load(f)["data"]
        self.assertEqual((data["data"], data["ftz"]), ("denormal:0.2", "on"))
        self.assertIn(data["float_mode_default"], ("off", "ftz", "daz", "ftz+daz"))

    def test_budget_skips_slow_algorithms_with_the_reason(self):
        result = self.bench("--budget-gflop", "0.00001")
        self.assertEqual(result.returncode, 0, result.stderr)
        _, rows = read_rows(self.csv)
        for row in rows:
            self.assertEqual(row["status"], "SKIPPED")
            self.assertEqual(row["reason"], "over budget (1.84e-05 GFLOP > 1e-05)")
            self.assertEqual(row["time_ms_median"], "")

    def test_plot_writes_figures_and_summary(self):
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            self.skipTest("matplotlib not installed")
        result = self.bench(threads="1,2", direction="bwd_d", algos=["naive", "im2col_gemm", "im2col_gemm_fullconv"])
        self.assertEqual(result.returncode, 0, result.stderr)
        plot = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "plot.py")
        result = subprocess.run([sys.executable, plot, self.csv], capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        for name in ("gflops_bwd_d.png", "bwd_d_methods.png", "time_vs_workspace.png", "thread_scaling.png"):
            with open(os.path.join(self.tmp, name), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", name)
        with open(os.path.join(self.tmp, "SUMMARY.md")) as f:
            summary = f.read()
        for heading in ("## Machine", "## Speed per direction", "## Winner per layer", "## Accuracy", "## Targets"):
            self.assertIn(heading, summary)
        self.assertIn("| im2col_gemm_fullconv | 1 |", summary)  # bwd_d speed table: one layer passed
        self.assertEqual([f for f in os.listdir(self.tmp) if f.startswith(".")], [])  # no temporaries left

    def test_bad_values_are_usage_errors(self):
        for threads in ("0", "1,x", "1,1", ""):
            result = self.bench(threads=threads)
            self.assertEqual(result.returncode, 2, (threads, result.stderr))
            self.assertTrue(result.stderr.startswith("convlab: error:"), result.stderr)
        for extra in (["--repetitions", "0"], ["--min-time", "-1"], ["--budget-gflop", "zero"], ["--check-mb", "0"],
                      ["--benchmark_out=x.json"], ["--bogus"]):
            result = self.bench(*extra)
            self.assertEqual(result.returncode, 2, (extra, result.stderr))
            self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
            self.assertTrue(result.stderr.startswith("convlab: error:"), result.stderr)
        self.assertFalse(os.path.exists(self.csv))
        result = convlab("bench", "--problem", PROBLEM)  # no --csv
        self.assertEqual(result.returncode, 2, result.stderr)


if __name__ == "__main__":
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
