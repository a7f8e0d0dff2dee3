"""Command-line tests of convlab: golden cases through `convlab run`, the
commands' output, Ctrl-C during validate. Bad usage and bad input (exit status
2, one line on stderr) are tests/cli/test_bad_input.py.

Run: python3 test_cli.py PATH/TO/convlab   (ctest does so; numpy required)
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

import numpy as np

CONVLAB = None  # set from the command line
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden")
CASES = sorted(d for d in os.listdir(GOLDEN) if os.path.isdir(os.path.join(GOLDEN, d)))
OUTPUTS = {"fwd": ["y"], "bwd_d": ["dx"], "bwd_w": ["dw", "db"]}
SMALL = "mb2ic3ih8oc4kh3ph1"


def convlab(*args):
    return subprocess.run([CONVLAB, *args], capture_output=True, text=True, timeout=120)


def descriptor(case):
    with open(os.path.join(GOLDEN, case, "descriptor")) as f:
        return f.read().strip()


def registered_algorithms():
    """{name: None when exact on small integers, else its relative tolerance},
    in registry order, from `convlab list`: NAME DIR DIR DIR CONTRACT DESCRIPTION."""
    result = convlab("list")
    assert result.returncode == 0, result.stderr
    algorithms = {}
    for line in result.stdout.splitlines():
        fields = line.split()
        contract = fields[4]
        assert contract == "exact" or contract.startswith("tol="), line
        algorithms[fields[0]] = None if contract == "exact" else float(contract[len("tol="):])
    return algorithms


class Scratch(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="convlab_cli_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def inputs_from(self, case):
        """A copy of a golden case's inputs, to be spoilt by a test."""
        path = os.path.join(self.tmp, "in")
        os.makedirs(path, exist_ok=True)
        for name in ("x", "w", "b", "dy"):
            shutil.copy(os.path.join(GOLDEN, case, name + ".npy"), path)
        return path


class GoldenCases(Scratch):
    def run_case(self, algorithm, case, direction):
        out = os.path.join(self.tmp, algorithm, case, direction)
        result = convlab("run", "--problem", descriptor(case), "--algo", algorithm, "--dir", direction,
                         "--in", os.path.join(GOLDEN, case), "--out", out)
        return result, out

    def check_reproduces(self, algorithm, case, direction, tolerance=None):
        """Exactly, or for an algorithm not exact on integers (tolerance given)
        within tolerance times the output's largest magnitude, a stand-in for
        the sum of |terms| that numpy cannot give without a convolution."""
        result, out = self.run_case(algorithm, case, direction)
        self.assertEqual(result.returncode, 0, result.stderr)
        for name in OUTPUTS[direction]:
            got = np.load(os.path.join(out, name + ".npy"))
            expected = np.load(os.path.join(GOLDEN, case, name + ".npy"))
            self.assertEqual(got.dtype, np.float32)
            self.assertEqual(got.shape, expected.shape)
            diff = np.max(np.abs(got.astype(np.float64) - expected))
            if tolerance is None:
                self.assertTrue(np.array_equal(got, expected),
                                f"{algorithm} {direction} {case}: {name} differs, max |diff| {diff}")
            else:
                self.assertLessEqual(diff, tolerance * np.max(np.abs(expected)), f"{algorithm} {direction} {case}")

    def test_reference_and_naive_reproduce_every_golden_case(self):
        self.assertEqual(len(CASES), 4)
        for algorithm in ("reference", "naive"):
            for case in CASES:
                for direction in OUTPUTS:
                    with self.subTest(algorithm=algorithm, case=case, direction=direction):
                        self.check_reproduces(algorithm, case, direction)

    def test_every_algorithm_that_accepts_a_golden_case_reproduces_it(self):
        ran = 0
        for algorithm, tolerance in registered_algorithms().items():
            for case in CASES:
                for direction in OUTPUTS:
                    with self.subTest(algorithm=algorithm, case=case, direction=direction):
                        result, _ = self.run_case(algorithm, case, direction)
                        if result.returncode == 2 and "does not run" in result.stderr:
                            continue  # declined, with its reason
                        self.check_reproduces(algorithm, case, direction, tolerance)
                        ran += 1
        self.assertGreater(ran, 0)

    def test_missing_bias_means_zero_bias(self):
        case = "worked_example"
        inputs = self.inputs_from(case)
        os.remove(os.path.join(inputs, "b.npy"))
        out = os.path.join(self.tmp, "out", "nested")  # created by run
        result = convlab("run", "--problem", descriptor(case), "--algo", "naive", "--dir", "fwd",
                         "--in", inputs, "--out", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        b = np.load(os.path.join(GOLDEN, case, "b.npy"))
        expected = np.load(os.path.join(GOLDEN, case, "y.npy")) - b.reshape(1, -1, 1, 1)
        self.assertTrue(np.array_equal(np.load(os.path.join(out, "y.npy")), expected))


class Commands(unittest.TestCase):
    def test_help_and_version(self):
        for args in (["--help"], ["validate", "--help"], ["run", "--help"], ["--version"]):
            result = convlab(*args)
            self.assertEqual(result.returncode, 0, args)
            self.assertIn("convlab", result.stdout)

    def test_list_names_every_algorithm_with_the_reference_last(self):
        names = list(registered_algorithms())
        self.assertIn("naive", names)
        self.assertEqual(names[-1], "reference")
        reference_line = convlab("list").stdout.splitlines()[-1]
        for direction in OUTPUTS:
            self.assertIn(direction, reference_line)

    def test_validate_naive_passes(self):
        result = convlab("validate", "--problem", SMALL, "--problem", "g2mb1ic4ih7iw9oc6kh3kw2sh2sw3ph1dh1",
                         "--algo", "naive")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(sum(" PASSED " in line for line in lines), 6)
        self.assertEqual(lines[-1], "6 passed, 0 failed, 0 skipped, 0 unsupported")
        # The descriptor on each line parses back to the same problem.
        pasted = lines[0].split()[-2]
        again = convlab("validate", "--problem", pasted, "--algo", "naive", "--dir", "fwd")
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn(pasted, again.stdout)

    def test_validate_reports_3d_problems_as_unsupported(self):
        result = convlab("validate", "--problem", "mb1ic2id4ih4oc2kd3kh3", "--algo", "naive")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("UNSUPPORTED", result.stdout)
        self.assertEqual(result.stdout.splitlines()[-1], "0 passed, 0 failed, 0 skipped, 1 unsupported")

    def test_validate_applies_the_minibatch_override(self):
        result = convlab("validate", "--problem", SMALL, "--algo", "naive", "--dir", "fwd", "--mb", "3")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("mb3ic3", result.stdout)


class Interrupt(unittest.TestCase):
    def test_ctrl_c_stops_validate_after_the_running_case_with_the_summary(self):
        # 40 problems x 3 directions of naive, far longer than the signal takes to arrive.
        cases = 40 * 3
        args = [CONVLAB, "validate", "--algo", "naive"]
        for _ in range(40):
            args += ["--problem", "mb2ic32ih32oc32kh3ph1"]
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            first = process.stdout.readline()  # one case done: the run is under way
            self.assertIn(" PASSED ", first)
            process.send_signal(signal.SIGINT)
            rest, stderr = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
        lines = [first] + rest.splitlines()
        self.assertEqual(process.returncode, 130, stderr)
        done = sum(" PASSED " in line for line in lines)
        self.assertGreaterEqual(done, 1)
        self.assertLess(done, cases, "the run was not interrupted")
        self.assertEqual(lines[-1], f"{done} passed, 0 failed, 0 skipped, 0 unsupported")
        self.assertRegex(stderr, re.compile(f"^convlab: interrupted after {done} of {cases} cases$", re.M))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_cli.py PATH/TO/convlab [unittest options]")
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
