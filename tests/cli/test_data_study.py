"""scripts/data_study.py: the ratios to uniform data with FTZ off, their geometric mean over layers,
the findings named from them, and a refusal (exit 2) without the base run. Synthetic CSVs whose
times are chosen so every expected figure is computed here by hand.

Run: python3 test_data_study.py PATH/TO/convlab   (ctest does so; the binary is not used)
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "data_study.py")
COLUMNS = ["suite", "layer", "descriptor", "algorithm", "direction", "threads", "status", "time_ms_median",
           "spread", "disturbed"]

# (algorithm, layer) -> time in ms per (data, ftz); uniform/off is the base.
TIMES = {
    ("fast", "a"): {("uniform", "off"): 1.0, ("uniform", "on"): 1.0, ("denormal", "off"): 40.0, ("denormal", "on"): 1.0},
    ("fast", "b"): {("uniform", "off"): 2.0, ("uniform", "on"): 2.0, ("denormal", "off"): 20.0, ("denormal", "on"): 2.2},
    ("steady", "a"): {("uniform", "off"): 3.0, ("uniform", "on"): 3.0, ("denormal", "off"): 3.3, ("denormal", "on"): 3.0},
}


def write_runs(directory, failed=()):
    for data, ftz in [("uniform", "off"), ("uniform", "on"), ("denormal", "off"), ("denormal", "on")]:
        with open(os.path.join(directory, f"{data}_ftz_{ftz}.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, COLUMNS)
            w.writeheader()
            for (algorithm, layer), times in TIMES.items():
                status = "FAILED" if (algorithm, layer, data) in failed else "PASSED"
                w.writerow({"suite": "s", "layer": layer, "descriptor": "mb1ic4ih8oc4kh3ph1", "algorithm": algorithm,
                            "direction": "fwd", "threads": "1", "status": status,
                            "time_ms_median": times[(data, ftz)], "spread": "0.05", "disturbed": "0"})


class DataStudy(unittest.TestCase):
    def run_script(self, directory):
        return subprocess.run([sys.executable, SCRIPT, directory], capture_output=True, text=True, timeout=120)

    def test_ratios_geometric_means_and_findings(self):
        with tempfile.TemporaryDirectory() as tmp:
            write_runs(tmp)
            result = self.run_script(tmp)
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(os.path.join(tmp, "data_study.json")) as f:
                cells = {(c["algorithm"], c["data"], c["ftz"]): c for c in json.load(f)["ratios"]}
            # fast: 40x on a and 10x on b -> geometric mean 20x; with FTZ on 1.0 and 1.1 -> sqrt(1.1)
            self.assertAlmostEqual(cells[("fast", "denormal", "off")]["ratio"], 20.0)
            self.assertAlmostEqual(cells[("fast", "denormal", "on")]["ratio"], 1.1 ** 0.5)
            self.assertEqual(cells[("fast", "denormal", "off")]["layers"], 2)
            self.assertAlmostEqual(cells[("steady", "denormal", "off")]["ratio"], 1.1)
            with open(os.path.join(tmp, "data_study.md")) as f:
                text = f.read()
            self.assertIn("1 algorithm-direction pairs run 2x slower or more", text)
            self.assertIn("fast fwd 20x", text)
            self.assertIn("With FTZ on, none does.", text)

    def test_a_failed_row_leaves_its_layer_out(self):
        with tempfile.TemporaryDirectory() as tmp:
            write_runs(tmp, failed={("fast", "a", "denormal")})
            self.assertEqual(self.run_script(tmp).returncode, 0)
            with open(os.path.join(tmp, "data_study.json")) as f:
                cells = {(c["algorithm"], c["data"], c["ftz"]): c for c in json.load(f)["ratios"]}
            self.assertAlmostEqual(cells[("fast", "denormal", "off")]["ratio"], 10.0)  # layer b alone
            self.assertEqual(cells[("fast", "denormal", "off")]["layers"], 1)

    def test_no_base_run_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            result = self.run_script(tmp)
            self.assertEqual(result.returncode, 2)
            self.assertIn("uniform_ftz_off.csv", result.stderr)


if __name__ == "__main__":
    sys.argv.pop(1)  # the convlab binary, which this test does not need
    unittest.main()
