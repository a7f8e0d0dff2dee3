"""Tests of the per-network report and the corpus sweep: scripts/corpus_sample.py
(the stratified draw), scripts/corpus_summary.py (the winning-share table) on a
synthetic run whose figures are worked out by hand here, and
scripts/network_report.sh end to end on a tiny model built in the test (with
PyTorch; skipped without it), including a resumed run.

Run: python3 test_network_scripts.py PATH/TO/convlab   (ctest passes the binary and sets
PYTHONPATH to the build's Python module)
"""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

CONVLAB = None  # set from the command line
HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "..", "..", "scripts")
sys.path.insert(0, SCRIPTS)
import corpus_sample  # noqa: E402


def python_script(name, *args):
    return subprocess.run([sys.executable, os.path.join(SCRIPTS, name), *args], capture_output=True, text=True,
                          timeout=300)


def bash_script(name, *args):
    return subprocess.run(["bash", os.path.join(SCRIPTS, name), *args], capture_output=True, text=True,
                          timeout=600)


def descriptors(text):
    return [line for line in text.splitlines() if line and not line.startswith("#")]


class Sampler(unittest.TestCase):
    def test_allocation_gives_each_stratum_one_then_shares_by_size(self):
        # Worked by hand: one each (3 of 10), then 7 over the room left (89, 8, 0): 6.42 and 0.58,
        # so 6 more to a, and the last one by largest remainder to b (0.58 > 0.42).
        self.assertEqual(corpus_sample.allocate({"a": 90, "b": 9, "c": 1}, 10), {"a": 7, "b": 2, "c": 1})
        # Fewer than the strata: the largest ones get one each.
        self.assertEqual(corpus_sample.allocate({"a": 90, "b": 9, "c": 1}, 2), {"a": 1, "b": 1, "c": 0})
        # More than the set: all of it.
        self.assertEqual(corpus_sample.allocate({"a": 3, "b": 1}, 10), {"a": 3, "b": 1})

    def write_set(self, tmp):
        # 30 pointwise layers of growing size, 6 depthwise and 3 3x3: three classes.
        lines = [f'mb1ic{8 * (i + 1)}ih14oc32oh14kh1n"pw{i}"' for i in range(30)]
        lines += [f'g{16 * (i + 1)}mb1ic{16 * (i + 1)}ih28oc{16 * (i + 1)}oh28kh3ph1n"dw{i}"' for i in range(6)]
        lines += [f'mb1ic{32 * (i + 1)}ih28oc64oh28kh3ph1n"c{i}"' for i in range(3)]
        path = os.path.join(tmp, "set.shapes")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path, lines

    def test_the_draw_is_stratified_deterministic_and_seeded(self):
        with tempfile.TemporaryDirectory(prefix="convlab_sample_") as tmp:
            path, lines = self.write_set(tmp)
            first = python_script("corpus_sample.py", path, "--count", "12", "--seed", "3")
            self.assertEqual(first.returncode, 0, first.stderr)
            drawn = descriptors(first.stdout)
            self.assertEqual(len(drawn), 12)
            self.assertEqual(len(set(drawn)), 12)
            names = [d.split('n"')[1].rstrip('"') for d in drawn]
            # Every class is drawn from, though the pointwise layers are 30 of 39.
            for prefix in ("pw", "dw", "c"):
                self.assertTrue(any(n.startswith(prefix) for n in names), (prefix, names))
            # Each a layer of the set, in a shuffled order (a sweep stopped early has a random part).
            order = [l.split('n"')[1].rstrip('"') for l in lines]
            self.assertTrue(set(names) <= set(order))
            self.assertNotEqual(names, sorted(names, key=order.index))
            again = python_script("corpus_sample.py", path, "--count", "12", "--seed", "3")
            self.assertEqual(again.stdout, first.stdout)
            other = python_script("corpus_sample.py", path, "--count", "12", "--seed", "4")
            self.assertNotEqual(descriptors(other.stdout), drawn)
            # The header's table adds up to the draw.
            taken = sum(int(line.rsplit("-> ", 1)[1]) for line in first.stdout.splitlines()
                        if line.startswith("#   "))
            self.assertEqual(taken, 12)

    def test_bad_count_and_missing_set_exit_2(self):
        self.assertEqual(python_script("corpus_sample.py", "torchvision", "--count", "0").returncode, 2)
        result = python_script("corpus_sample.py", "/no/such/file.shapes")
        self.assertEqual(result.returncode, 2, result.stderr)


# A synthetic sweep: 4 layers, the forward direction only.
# algorithm: family, baseline
ALGORITHMS = {"im2col_gemm": ("gemm", False), "winograd_f2x3": ("winograd", False), "direct": ("direct", False),
              "torch": ("torch", True)}
# layer -> {algorithm: fwd median ms}; absent: did not run (declined)
TIMES = {"L1": {"im2col_gemm": 4.0, "winograd_f2x3": 2.0, "direct": 3.0, "torch": 5.0},
         "L2": {"im2col_gemm": 4.0, "winograd_f2x3": 1.0, "direct": 8.0, "torch": 2.0},
         "L3": {"im2col_gemm": 2.0, "direct": 1.0, "torch": 4.0},
         "L4": {"im2col_gemm": 1.0, "direct": 3.0, "torch": 1.0}}


def write_synthetic_run(tmp):
    columns = ["suite", "layer", "descriptor", "layer_class", "weight", "algorithm", "family", "direction",
               "threads", "mb", "gflop", "time_ms_median", "gflops_median", "status", "max_rel_err", "disturbed"]
    rows = []
    for layer, times in TIMES.items():
        for algorithm in ALGORITHMS:
            ms = times.get(algorithm)
            rows.append({"suite": "s", "layer": layer, "descriptor": f'mb1ic8ih8oc8oh8kh3ph1n"{layer}"',
                         "layer_class": "3x3_s1" if layer != "L4" else "1x1_s1", "weight": 1,
                         "algorithm": algorithm, "family": ALGORITHMS[algorithm][0], "direction": "fwd",
                         "threads": 2, "mb": 1, "gflop": 0.01, "time_ms_median": ms or "",
                         "gflops_median": 0.01 / ms * 1e3 if ms else "", "status": "PASSED" if ms else "SKIPPED",
                         "max_rel_err": 1e-7 if ms else "", "disturbed": 0})
    # A fifth layer cut short by a stopped sweep: two of its four cases written, the fastest of all.
    for algorithm in ("direct", "torch"):
        rows.append({**rows[0], "layer": "L5", "algorithm": algorithm, "time_ms_median": 0.1, "gflops_median": 100})
    bench = os.path.join(tmp, "bench.csv")
    with open(bench, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    meta = {"algorithms": [{"name": a, "family": fam, "baseline": base, "slow": False}
                           for a, (fam, base) in ALGORITHMS.items()]}
    with open(os.path.join(tmp, "bench.meta.json"), "w") as f:
        json.dump(meta, f)
    cells = {}
    for layer, times in TIMES.items():
        own = sorted((ms, a) for a, ms in times.items() if not ALGORITHMS[a][1])
        cells[layer] = {"fwd": {"winner": own[0][1], "winner_ms": own[0][0], "runner_up": own[1][1],
                                "runner_up_ms": own[1][0], "margin": own[1][0] / own[0][0],
                                "significant": layer != "L3"}}
    cells["L5"] = {"fwd": {"winner": "direct", "winner_ms": 0.1, "significant": True}}
    plan = {"cells": cells, "layers": {layer: {"weight": 1} for layer in cells}, "order": list(cells)}
    with open(os.path.join(tmp, "plan.json"), "w") as f:
        json.dump(plan, f)
    return bench, os.path.join(tmp, "plan.json")


def table_rows(text, heading):
    """The rows of the markdown table under `## heading`, as lists of cells."""
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")][2:]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


class Summary(unittest.TestCase):
    def test_winning_shares_margins_and_the_share_beating_im2col(self):
        with tempfile.TemporaryDirectory(prefix="convlab_corpus_") as tmp:
            bench, plan = write_synthetic_run(tmp)
            out = os.path.join(tmp, "SUMMARY.md")
            sample = os.path.join(tmp, "sample.shapes")
            with open(sample, "w") as f:
                f.write("# a sample of 6\n" + "".join(f'mb1ic8ih8oc8oh8kh3ph1n"L{i}"\n' for i in range(1, 7)))
            result = python_script("corpus_summary.py", "--bench", bench, "--plan", plan, "--sample", sample,
                                   "--out", out)
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(out) as f:
                text = f.read()
            # L5 is left out (its winner was chosen among 2 of 4 cases); L6 never ran.
            self.assertIn("A partial sweep: 4 of the 6 sampled layers timed** (1 more cut short", text)
            rows = {(r[0], r[1]): r for r in table_rows(text, "Each family, each direction")}
            # Winners: L1 winograd (2 vs direct 3), L2 winograd (1 vs 4), L3 direct (1 vs 2), L4 gemm (1 vs 3).
            wino, direct, gemm = rows[("fwd", "winograd")], rows[("fwd", "direct")], rows[("fwd", "gemm")]
            self.assertEqual(wino[2], "2 (50.0%)")
            self.assertEqual(direct[2], "1 (25.0%)")
            self.assertEqual(gemm[2], "1 (25.0%)")
            # Above noise: L1, L2 (winograd, 2 of 2), L3 not (direct, 0 of 1).
            self.assertEqual((wino[3], direct[3]), ("100.0%", "0.0%"))
            # Margins over the runner-up: winograd sqrt(3/2 x 4/1), direct 2/1, gemm 3/1.
            self.assertAlmostEqual(float(wino[4]), math.sqrt(1.5 * 4), places=2)
            self.assertAlmostEqual(float(direct[4]), 2.0, places=3)
            # Speed-up over im2col_gemm where it wins: winograd sqrt(4/2 x 4/1), direct 2/1.
            self.assertAlmostEqual(float(wino[5]), math.sqrt(2 * 4), places=2)
            self.assertAlmostEqual(float(direct[5]), 2.0, places=3)
            # Beats im2col_gemm: winograd on L1, L2 of the 2 it ran; direct on L1 (3<4), L3 (1<2) of 4.
            self.assertEqual(wino[6], "100.0% of 2")
            self.assertEqual(direct[6], "50.0% of 4")
            self.assertEqual(gemm[6], "–")
            base = {(r[0], r[1]): r for r in table_rows(text, "The plan against each baseline")}
            # torch / plan: L1 5/2, L2 2/1, L3 4/1, L4 1/1: none faster, geomean (2.5 x 2 x 4 x 1)^(1/4).
            self.assertEqual(base[("fwd", "torch")][2:4], ["4", "0.0%"])
            self.assertAlmostEqual(float(base[("fwd", "torch")][4]), (2.5 * 2 * 4 * 1) ** 0.25, places=2)

    def test_a_missing_plan_exits_2(self):
        with tempfile.TemporaryDirectory(prefix="convlab_corpus_") as tmp:
            bench, _ = write_synthetic_run(tmp)
            result = python_script("corpus_summary.py", "--bench", bench, "--plan", os.path.join(tmp, "none.json"),
                                   "--out", os.path.join(tmp, "s.md"))
            self.assertEqual(result.returncode, 2)
            self.assertIn("none.json", result.stderr)


TINY_MODEL = """import torch.nn as nn
def build():
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(8, 8, 3, padding=1), nn.Conv2d(8, 8, 3, padding=1),
                         nn.Conv2d(8, 16, 1, stride=2))
"""
FEW = ["--repetitions", "4", "--min-time", "0.001", "--", "--algo", "im2col_gemm", "--algo", "direct",
       "--algo", "torch", "--threads", "1"]


def torch_available():
    if os.environ.get("CONVLAB_SANITIZED"):
        return False  # the sanitizer build leaves libtorch out (tests/CMakeLists.txt)
    return subprocess.run([sys.executable, "-c", "import torch"], capture_output=True).returncode == 0


class Report(unittest.TestCase):
    def test_bad_arguments_exit_2(self):
        for args, message in ((["x.py:build"], "--input"), (["x.py:build", "--input", "1,3,8,8", "--what"], "unknown"),
                              (["--input", "1,3,8,8"], "model"),
                              (["x.py:build", "--input", "1,3,8,8", "--convlab", CONVLAB, "--", "--csv", "a.csv"],
                               "set by the report")):
            result = bash_script("network_report.sh", *args)
            self.assertEqual(result.returncode, 2, (args, result.stderr))
            self.assertIn(message, result.stderr, args)
        result = bash_script("corpus_sweep.sh", "--count", "x")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--count", result.stderr)

    @unittest.skipUnless(torch_available(), "PyTorch not importable")
    def test_a_tiny_model_end_to_end_then_resumed(self):
        with tempfile.TemporaryDirectory(prefix="convlab_network_") as tmp:
            model = os.path.join(tmp, "tiny.py")
            with open(model, "w") as f:
                f.write(TINY_MODEL)
            out = os.path.join(tmp, "out")
            args = [f"{model}:build", "--input", "1,3,12,12", "--out", out, "--convlab", CONVLAB]
            result = bash_script("network_report.sh", *args, *FEW)
            self.assertEqual(result.returncode, 0, result.stderr[-3000:])
            with open(os.path.join(out, "build.md")) as f:
                page = f.read()
            with open(os.path.join(out, "build", "plan.json")) as f:
                plan = json.load(f)
            # Three distinct layers (0; 2 twice, folded; 4), four calls.
            self.assertIn("3 distinct convolution layers, 4 calls", page)
            layers = {r[0]: r for r in table_rows(page, "Winner per layer and direction")}
            self.assertEqual(sorted(layers), ["0", "2", "4"])
            self.assertEqual([layers[n][2] for n in ("0", "2", "4")], ["1", "2", "1"])
            self.assertEqual(layers["4"][1], "1x1_s2")
            # Each cell names pick's winner.
            for name, cells in plan["cells"].items():
                for i, d in enumerate(("fwd", "bwd_d", "bwd_w")):
                    self.assertTrue(layers[name][3 + i].startswith(cells[d]["winner"] + " "), layers[name])
            # The training step with the plan is pick's own total; torch is the first baseline.
            training = page.split("### One training step", 1)[1].split("###", 1)[0]
            lines = [line for line in training.splitlines() if line.startswith("| ")][1:]
            self.assertTrue(lines[0].startswith("| plan"))
            self.assertAlmostEqual(float(lines[0].split("|")[2]), plan["totals_ms"]["plan"],
                                   delta=plan["totals_ms"]["plan"] * 1e-3)
            self.assertTrue(lines[1].startswith("| best single algorithm: "))
            self.assertTrue(lines[2].startswith("| baseline: torch"))
            self.assertAlmostEqual(float(lines[2].split("|")[2]), plan["totals_ms"]["torch"]["ms"],
                                   delta=plan["totals_ms"]["torch"]["ms"] * 1e-3)
            # Inference: the plan's fwd winners summed with the counts, from the CSV.
            with open(os.path.join(out, "build", "bench.csv"), newline="") as f:
                rows = list(csv.DictReader(f))
            fwd = sum(float(r["time_ms_median"]) * {"0": 1, "2": 2, "4": 1}[r["layer"]] for r in rows
                      if r["direction"] == "fwd" and r["algorithm"] == plan["cells"][r["layer"]]["fwd"]["winner"])
            inference = page.split("### One inference pass", 1)[1].split("##", 1)[0]
            plan_line = next(line for line in inference.splitlines() if line.startswith("| plan"))
            self.assertAlmostEqual(float(plan_line.split("|")[2]), fwd, delta=fwd * 1e-3)
            self.assertIn("9 PASSED; 0 FAILED of 27 cases", page)
            self.assertTrue(os.path.exists(os.path.join(out, "build_winners.png")))

            # A run killed in the bench: the last rows lost. --resume keeps the layers and validate
            # and benches only the missing cases.
            bench = os.path.join(out, "build", "bench.csv")
            with open(bench) as f:
                text = f.read().splitlines()
            with open(bench, "w") as f:
                f.write("\n".join(text[:-3]) + "\n")
            validate_before = os.path.getmtime(os.path.join(out, "build", "validate.csv"))
            result = bash_script("network_report.sh", *args, "--resume", *FEW)
            self.assertEqual(result.returncode, 0, result.stderr[-3000:])
            self.assertIn("layers kept", result.stderr)
            self.assertIn("validate kept", result.stderr)
            self.assertEqual(os.path.getmtime(os.path.join(out, "build", "validate.csv")), validate_before)
            self.assertIn("24 rows already in", result.stdout + result.stderr)  # only the 3 lost cases ran
            self.assertIn("3 to run", result.stdout + result.stderr)
            with open(bench, newline="") as f:
                self.assertEqual(len(list(csv.DictReader(f))), 27)


if __name__ == "__main__":
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
