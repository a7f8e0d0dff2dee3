"""scripts/accuracy_study.py: random shapes parse and are reproducible from the seed; the report's
median / p99 / max over problems, computed here by hand on synthetic validate CSVs; the Winograd
growth line; a FAILED problem counted and flagged; no input refused with exit 2.

Run: python3 test_accuracy_study.py PATH/TO/convlab   (ctest does so)
"""
import csv
import os
import subprocess
import sys
import tempfile
import unittest

CONVLAB = None
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "accuracy_study.py")
COLUMNS = ["suite", "layer", "descriptor", "layer_class", "algorithm", "direction", "threads", "status",
           "max_abs_err", "max_rel_err", "max_rel_err_real", "worst", "reason", "seconds", "data", "ftz"]


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, timeout=300)


def write(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, COLUMNS, extrasaction="ignore")
        w.writeheader()
        for algorithm, error, status in rows:
            w.writerow({"descriptor": "mb1ic4ih8oc4kh3ph1", "layer_class": "3x3_s1", "algorithm": algorithm,
                        "direction": "fwd", "threads": "1", "status": status, "max_rel_err_real": error})


class AccuracyStudy(unittest.TestCase):
    def test_random_shapes_are_valid_problems_and_reproducible(self):
        first, second = run("shapes", "--count", "40", "--seed", "5"), run("shapes", "--count", "40", "--seed", "5")
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertEqual(first.stdout, second.stdout)
        self.assertNotEqual(first.stdout, run("shapes", "--count", "40", "--seed", "6").stdout)
        with tempfile.TemporaryDirectory() as tmp:
            shapes = os.path.join(tmp, "r.shapes")
            with open(shapes, "w") as f:
                f.write(first.stdout)
            check = subprocess.run([CONVLAB, "validate", "--batch", shapes, "--algo", "im2col_gemm", "--dir", "fwd",
                                    "--threads", "1"], capture_output=True, text=True, timeout=600)
            self.assertEqual(check.returncode, 0, check.stdout[-2000:] + check.stderr)
            self.assertIn("40 passed, 0 failed", check.stdout)
        self.assertEqual(run("shapes", "--count", "0").returncode, 2)

    def test_statistics_and_growth(self):
        with tempfile.TemporaryDirectory() as tmp:
            # f2x3: errors 1..101 (median 51, p99 = 100: order statistic 99 of 0..100, max 101).
            rows = [("winograd_f2x3", str(e), "PASSED") for e in range(1, 102)]
            rows += [("winograd_f4x3", str(10 * e), "PASSED") for e in range(1, 101)]
            rows += [("winograd_f4x3", "5000", "FAILED")]
            write(os.path.join(tmp, "random_uniform.csv"), rows)
            result = run("report", tmp, "--out", tmp)
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(os.path.join(tmp, "accuracy.md")) as f:
                text = f.read()
            # two significant digits: 51, 100 -> 1e+02, 101 -> 1e+02
            self.assertIn("| winograd_f2x3 | fwd | 51 | 1e+02 | 1e+02 |", text)
            # f4x3: 10..1000 and 5000: median 510, p99 = 1000 (order statistic 99 of 0..100), max 5000
            self.assertIn("| winograd_f4x3 | fwd | 5.1e+02 | 1e+03 | 5e+03 (1 FAILED) |", text)
            self.assertIn("f4x3/f2x3 10x", text)

    def test_no_input_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            result = run("report", tmp, "--out", tmp)
            self.assertEqual(result.returncode, 2)
            self.assertIn("run scripts/accuracy.sh first", result.stderr)


if __name__ == "__main__":
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
