"""scripts/crosscheck_baselines.py and the crosscheck programs: bad input is
refused with exit status 2; on a small bench CSV every baseline row gets an
independent time and a ratio, and each standalone program names the same
kernel as convlab's row (the cross-check times the library's own call, not
another kernel). No assertion on speed: that is what the script measures.

Run: python3 test_crosscheck.py PATH/TO/convlab   (ctest does so)
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import unittest

CONVLAB = None  # set from the command line
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "crosscheck_baselines.py")
PROBLEM = "mb2ic16ih10oc16kh3ph1"


def run(*args, **kwargs):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=600, **kwargs)


def build_dir():
    return os.path.dirname(os.path.abspath(CONVLAB))


def registered():
    return {a["name"] for a in json.loads(run(CONVLAB, "list", "--json").stdout)}


class Crosscheck(unittest.TestCase):
    def test_bad_input_exits_2(self):
        with tempfile.TemporaryDirectory() as tmp:
            missing = run(sys.executable, SCRIPT, os.path.join(tmp, "none.csv"), "--out", os.path.join(tmp, "x"))
            self.assertEqual(missing.returncode, 2, missing.stderr)
            empty = os.path.join(tmp, "empty.csv")
            with open(empty, "w") as f:
                f.write("algorithm,direction,status\nnaive,fwd,PASSED\n")
            no_rows = run(sys.executable, SCRIPT, empty, "--out", os.path.join(tmp, "x"))
            self.assertEqual(no_rows.returncode, 2)
            self.assertIn("no PASSED baseline rows", no_rows.stderr)
        program = os.path.join(build_dir(), "crosscheck", "crosscheck_onednn_native")
        for args in ([], ["bad", "fwd", "1", "1", "0.01"], [PROBLEM, "up", "1", "1", "0.01"],
                     [PROBLEM, "fwd", "0", "1", "0.01"], [PROBLEM, "fwd", "1", "1", "-1"]):
            done = run(program, *args)
            self.assertEqual(done.returncode, 2, args)
            self.assertIn("usage:", done.stderr)

    def test_every_baseline_row_gets_an_independent_time(self):
        baselines = [a for a in ("onednn_native", "onednn_winograd", "libxsmm", "xnnpack", "torch") if a in registered()]
        with tempfile.TemporaryDirectory() as tmp:
            bench = os.path.join(tmp, "bench.csv")
            algos = [arg for a in baselines for arg in ("--algo", a)]
            done = run(CONVLAB, "bench", "--problem", PROBLEM, *algos, "--threads", "1", "--repetitions", "1",
                       "--min-time", "0.001", "--csv", bench)
            self.assertEqual(done.returncode, 0, done.stderr)
            out = os.path.join(tmp, "cc")
            done = run(sys.executable, SCRIPT, bench, "--out", out, "--build", build_dir(), "--repetitions", "1",
                       "--min-time", "0.001")
            self.assertEqual(done.returncode, 0, done.stderr)
            with open(bench, newline="") as f:
                passed = [r for r in csv.DictReader(f) if r["status"] == "PASSED"]
            with open(out + ".csv", newline="") as f:
                checked = list(csv.DictReader(f))
            self.assertEqual(len(checked), len(passed))
            for row in checked:
                with self.subTest(baseline=row["baseline"], direction=row["direction"]):
                    self.assertGreater(float(row["ratio"]), 0)
                    expected = float(row["independent_ms"]) / float(row["convlab_ms"])
                    self.assertLess(abs(float(row["ratio"]) / expected - 1), 1e-3)
                    fastest = float(row["independent_min_ms"]) / float(row["convlab_min_ms"])
                    self.assertLess(abs(float(row["ratio_min"]) / fastest - 1), 1e-3)
                    self.assertLessEqual(float(row["independent_min_ms"]), float(row["independent_ms"]))
                    # The same kernel on both sides: oneDNN's implementation string, ATen's backend.
                    self.assertIn(row["independent_implementation"], row["convlab_implementation"])
            with open(out + ".md") as f:
                report = f.read()
            for name in baselines:
                self.assertIn(f"| {name} | fwd |", report)


if __name__ == "__main__":
    CONVLAB = sys.argv.pop(1)
    unittest.main()
