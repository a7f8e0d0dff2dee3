"""scripts/layout_verdicts.py on hand-made `convlab validate --csv` files of two layouts: per algorithm the
cases that passed in both, were declined in the second layout (by reason), exist only in the second run, and
the ones that disagree (listed; exit status 1); a second run directory adds cases; bad input exits 2.

Run: python3 test_layout_verdicts.py [PATH/TO/convlab]   (ctest passes the binary, which these tests do not run)
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "scripts", "layout_verdicts.py")
FIELDS = ["suite", "layer", "descriptor", "algorithm", "direction", "status", "reason", "layout"]


def write(directory, name, layout, cases):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name + ".csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS)
        w.writeheader()
        for layer, algorithm, direction, status, reason in cases:
            w.writerow({"suite": name, "layer": layer, "descriptor": f"mb2ic4ih5oc4kh3n\"{layer}\"",
                        "algorithm": algorithm, "direction": direction, "status": status, "reason": reason,
                        "layout": layout})


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, timeout=60)


class LayoutVerdicts(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="convlab_layout_verdicts_")
        self.first, self.added, self.second = (os.path.join(self.tmp, d) for d in ("nchw", "added", "nhwc"))
        write(self.first, "s", "nchw:oihw", [("s:a", "gemm", "fwd", "PASSED", ""), ("s:b", "gemm", "fwd", "PASSED", ""),
                                              ("s:a", "loops", "fwd", "PASSED", ""),
                                              ("s:b", "loops", "fwd", "PASSED", "")])
        write(self.second, "s", "nhwc:ohwi", [("s:a", "gemm", "fwd", "PASSED", ""), ("s:b", "gemm", "fwd", "PASSED", ""),
                                               ("s:a", "loops", "fwd", "SKIPPED", "loops: runs in nchw:oihw only (3)"),
                                               ("s:b", "loops", "fwd", "SKIPPED", "loops: runs in nchw:oihw only (4)"),
                                               ("s:a", "new", "fwd", "PASSED", "")])

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_agreement(self):
        r = run("--first", self.first, "--second", self.second, "--sets", "s")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("| gemm | 2 | 0 | 0 | 0 | 0 | 0 |", r.stdout)
        self.assertIn("| loops | 0 | 2 | 0 | 0 | 0 | 0 |", r.stdout)
        self.assertIn("| new | 0 | 0 | 0 | 0 | 1 PASSED | 0 |", r.stdout)
        self.assertIn("| loops | loops: runs in nchw:oihw only (N) | 2 |", r.stdout)

    def test_a_disagreement_is_listed_and_fails(self):
        write(self.second, "s", "nhwc:ohwi", [("s:a", "gemm", "fwd", "FAILED", "y[0,1,2,3] off")])
        r = run("--first", self.first, "--second", self.second, "--sets", "s")
        self.assertEqual(r.returncode, 1)
        self.assertIn("- s s:a gemm fwd: nchw:oihw PASSED, nhwc:ohwi FAILED y[0,1,2,3] off", r.stdout)
        self.assertIn("- s s:b gemm fwd: nchw:oihw PASSED, nhwc:ohwi missing", r.stdout)

    def test_a_second_directory_adds_cases(self):
        write(self.added, "s", "nchw:oihw", [("s:a", "new", "fwd", "PASSED", "")])
        r = run("--first", self.first, "--first", self.added, "--second", self.second, "--sets", "s")
        self.assertIn("| new | 1 | 0 | 0 | 0 | 0 | 0 |", r.stdout)

    def test_an_unnamed_layer_matches_at_another_minibatch(self):
        write(self.first, "u", "nchw:oihw", [("mb2ic4ih5oc4kh3", "gemm", "fwd", "PASSED", "")])
        write(self.second, "u", "nhwc:ohwi", [("mb1ic4ih5oc4kh3", "gemm", "fwd", "PASSED", "")])
        r = run("--first", self.first, "--second", self.second, "--sets", "u")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("| gemm | 1 | 0 | 0 | 0 | 0 | 0 |", r.stdout)

    def test_bad_input(self):
        r = run("--first", self.first, "--second", self.second, "--sets", "absent")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)
        self.assertIn("no absent.csv", r.stderr)
        self.assertEqual(run("--first", self.first, "--second", self.first, "--sets", "s").returncode, 2)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
