"""Command-line tests of `convlab pick` on a synthetic bench CSV and meta.json:
the plan and the totals recomputed here from the fixture's times, the thread
count chosen, the cost model fitted and scored, and bad input (exit 2, one line).

Run: python3 test_pick.py PATH/TO/convlab   (ctest does so)
"""
import csv
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest

CONVLAB = None  # set from the command line
DIRECTIONS = ["fwd", "bwd_d", "bwd_w"]
LAYERS = [("L1", "mb1ic4ih8oc4kh3ph1", 2), ("L2", "mb1ic4ih8oc8kh1", 1), ("L3", "mb1ic8ih8oc8kh3sh2ph1", 3)]
MISSING = ("L2", "bwd_w")  # only the baseline has a row there
SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts")


def convlab(*args, cwd=None):
    return subprocess.run([CONVLAB, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def has_matplotlib():
    return subprocess.run(["/usr/bin/python3", "-c", "import matplotlib"], capture_output=True).returncode == 0


def algorithms():
    """Names by metadata: two of convlab's own (accepting 3x3 and 1x1 in every
    direction on the probe problem), a baseline, a slow one."""
    listed = json.loads(convlab("list", "--json").stdout)
    own = [a for a in listed if not a["baseline"] and not a["slow"] and len(a["directions"]) == 3]
    baseline = next(a for a in listed if a["baseline"])
    slow = next(a for a in listed if a["slow"])
    return listed, [a["name"] for a in own[:2]], baseline["name"], slow["name"]


def write_fixture(directory, stem, times, listed, status="PASSED", suspect=None):
    """times: {(layer, direction, algorithm, threads): ms}; suspect: {the same keys: reason}."""
    path = os.path.join(directory, stem + ".csv")
    columns = ["suite", "layer", "descriptor", "weight", "algorithm", "direction", "threads", "mb", "gflop",
               "time_ms_median", "workspace_bytes", "status", "reason", "family", "cache", "spread", "suspect"]
    family = {a["name"]: a["family"] for a in listed}
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for (layer, direction, algorithm, threads), ms in times.items():
            descriptor, weight = next((d, n) for name, d, n in LAYERS if name == layer)
            w.writerow(["fixture", layer, descriptor, weight, algorithm, direction, threads, 1, 0.001,
                        ms, 0, status, "", family[algorithm], "warm", 0.01,
                        (suspect or {}).get((layer, direction, algorithm, threads), "")])
    meta = {"algorithms": listed, "peak": {"fma_gflops": {"1": 50.0, "2": 100.0}, "triad_gb_s": 10.0}}
    with open(os.path.join(directory, stem + ".meta.json"), "w") as f:
        json.dump(meta, f)
    return path


class Pick(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="convlab_pick_")
        cls.listed, cls.own, cls.baseline, cls.slow = algorithms()
        assert len(cls.own) == 2, cls.own
        rng = random.Random(7)
        cls.times = {}
        for layer, _, _ in LAYERS:
            for direction in DIRECTIONS:
                names = [cls.baseline] if (layer, direction) == MISSING else cls.own + [cls.baseline, cls.slow]
                for name in names:
                    ms = rng.uniform(1, 10)
                    if name == cls.slow:
                        ms = 0.01  # fastest of all, and still never picked
                    cls.times[(layer, direction, name, 2)] = ms
                    cls.times[(layer, direction, name, 1)] = ms * rng.uniform(1.5, 2.5)
        cls.csv = write_fixture(cls.tmp, "fixture", cls.times, cls.listed)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def expected(self, threads):
        """Winners, the plan's total, and each algorithm's total over the plan's cells, from the fixture."""
        winners, plan_total, per_algorithm = {}, 0.0, {}
        for layer, _, weight in LAYERS:
            for direction in DIRECTIONS:
                own = {a: self.times[(layer, direction, a, threads)] for a in self.own
                       if (layer, direction, a, threads) in self.times}
                if not own:
                    continue
                winner = min(own, key=own.get)
                winners[(layer, direction)] = winner
                plan_total += weight * own[winner]
                for a in self.own + [self.baseline]:
                    if (layer, direction, a, threads) in self.times:
                        per_algorithm[a] = per_algorithm.get(a, 0) + weight * self.times[(layer, direction, a, threads)]
        return winners, plan_total, per_algorithm

    def check_plan(self, plan_path, threads):
        winners, plan_total, per_algorithm = self.expected(threads)
        with open(plan_path) as f:
            plan = json.load(f)
        self.assertEqual(plan["threads"], threads)
        self.assertEqual(plan["order"], [name for name, _, _ in LAYERS])
        for (layer, direction), winner in winners.items():
            self.assertEqual(plan["layers"][layer][direction], winner, (layer, direction))
        self.assertNotIn(MISSING[1], plan["layers"][MISSING[0]])
        self.assertEqual(plan["layers"]["L3"]["weight"], 3)
        totals = plan["totals_ms"]
        self.assertAlmostEqual(totals["plan"], plan_total, places=6)
        best = min(self.own, key=lambda a: per_algorithm[a])
        self.assertEqual(totals["best_single"], best)
        self.assertAlmostEqual(totals[best]["ms"], per_algorithm[best], places=6)
        self.assertEqual(totals["missing"], ["L2: bwd_w"])
        # The baseline ran the missing cell too, but totals count only the plan's cells (as per_algorithm does).
        self.assertAlmostEqual(totals[self.baseline]["ms"], per_algorithm[self.baseline], places=6)
        self.assertEqual(totals[self.baseline]["cells"], len(winners))
        self.check_decisions(plan, threads, winners)

    def check_decisions(self, plan, threads, winners):
        """Each cell's winner, runner-up, margin, verdict and best baseline, for scripts to report as they are."""
        self.assertEqual(set(plan["cells"]), {layer for layer, _ in winners})
        for (layer, direction), winner in winners.items():
            cell = plan["cells"][layer][direction]
            runner_up = next(a for a in self.own if a != winner)
            t1, t2 = (self.times[(layer, direction, a, threads)] for a in (winner, runner_up))
            self.assertEqual((cell["winner"], cell["runner_up"]), (winner, runner_up))
            self.assertAlmostEqual(cell["winner_ms"], t1, places=6)
            self.assertAlmostEqual(cell["margin"], t2 / t1, places=6)
            # No raw JSON beside the fixture: the spreads decide, 0.01 each.
            self.assertEqual(cell["significant"], t2 / t1 - 1 > 0.02, (layer, direction))
            self.assertTrue(cell["test"].startswith("spread"))
            self.assertEqual(cell["best_baseline"], self.baseline)  # the slow one, faster still, never counts
            self.assertAlmostEqual(cell["best_baseline_ms"], self.times[(layer, direction, self.baseline, threads)],
                                   places=6)
        self.assertNotIn(MISSING[1], plan["cells"].get(MISSING[0], {}))
        # The fewest repetitions a side at which the exact two-sided test can reach p < alpha: 2 / C(2n, n).
        alpha = plan["rules"]["alpha"]
        self.assertEqual(alpha, 0.05)
        self.assertEqual(plan["rules"]["min_repetitions"],
                         next(n for n in range(1, 20) if 2 / math.comb(2 * n, n) < alpha))
        self.assertIn(f"at least {plan['rules']['min_repetitions']}", plan["rules"]["significance"])
        self.assertIn("baseline", plan["rules"]["winner"])

    def test_plan_at_the_largest_thread_count(self):
        plan = os.path.join(self.tmp, "plan2.json")
        result = convlab("pick", self.csv, "--plan", plan)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.check_plan(plan, 2)
        self.assertIn("L2: bwd_w", result.stdout)
        with open(plan) as f:
            rules = json.load(f)["rules"]
        for said in (rules["significance"], rules["winner"], rules["best_baseline"]):
            self.assertIn(said, result.stdout)
        self.assertNotIn(self.slow, [line.split()[2] for line in result.stdout.splitlines()
                                     if line.startswith("L")])

    def test_suspect_rows_are_left_out_and_named(self):
        # The loser of L1 fwd made 1000x faster than anything, with a rate the physics forbids.
        winners, _, _ = self.expected(2)
        loser = next(a for a in self.own if a != winners[("L1", "fwd")])
        times = dict(self.times)
        times[("L1", "fwd", loser, 2)] = 0.001
        run = os.path.join(self.tmp, "suspect")
        os.makedirs(run, exist_ok=True)
        path = write_fixture(run, "fixture", times, self.listed,
                             suspect={("L1", "fwd", loser, 2): "useful rate 300 GFLOP/s is 3.00x the FMA peak 100"})
        plan = os.path.join(run, "plan.json")
        result = convlab("pick", path, "--plan", plan)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(plan) as f:
            self.assertEqual(json.load(f)["layers"]["L1"]["fwd"], winners[("L1", "fwd")])
        self.assertIn(f"left out 1 suspect row(s), whose useful rate passes the FMA peak (the CSV's suspect "
                      f"column): L1 fwd {loser}", result.stdout)

    def test_plan_at_a_chosen_thread_count(self):
        plan = os.path.join(self.tmp, "plan1.json")
        result = convlab("pick", self.csv, "--threads", "1", "--plan", plan)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.check_plan(plan, 1)

    def test_pick_writes_only_the_plan(self):
        """Data only: nothing beside --plan in the working directory (no results/winners.png)."""
        work = os.path.join(self.tmp, "cwd")
        os.makedirs(work)
        result = convlab("pick", self.csv, "--plan", "plan.json", cwd=work)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sorted(os.listdir(work)), ["plan.json"])
        self.assertEqual(convlab("pick", self.csv, "--plot", "w.png").returncode, 2)  # the option is gone

    def test_plot_winners_draws_the_plan(self):
        if not has_matplotlib():
            self.skipTest("no matplotlib for /usr/bin/python3")
        plan, png = os.path.join(self.tmp, "drawn.plan.json"), os.path.join(self.tmp, "winners.png")
        self.assertEqual(convlab("pick", self.csv, "--plan", plan).returncode, 0)
        result = subprocess.run(["/usr/bin/python3", os.path.join(SCRIPTS, "plot_winners.py"), plan, png],
                                capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(png, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    def test_fit_and_predict(self):
        model, plan = os.path.join(self.tmp, "model.json"), os.path.join(self.tmp, "predicted.json")
        result = convlab("pick", self.csv, "--predict", "--fit", self.csv, "--model", model, "--plan", plan)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(model) as f:
            self.assertEqual(json.load(f)["kind"], "convlab pick cost model")
        with open(plan) as f:
            predicted = json.load(f)
        winners, _, _ = self.expected(2)
        agree = sum(predicted["layers"][layer][direction] == w for (layer, direction), w in winners.items())
        for (layer, direction) in winners:
            self.assertIn(predicted["layers"][layer][direction], self.own)
        self.assertAlmostEqual(predicted["totals_ms"]["agreement"], agree / len(winners), places=6)
        # Scoring again with the model read back gives the same choices.
        again = convlab("pick", self.csv, "--predict", "--model", model, "--plan", plan + "2")
        self.assertEqual(again.returncode, 0, again.stderr)
        with open(plan + "2") as f:
            self.assertEqual(json.load(f)["layers"], predicted["layers"])

    def test_the_run_scripts_sections(self):
        """scripts/pick_and_cost_model.sh: the plan's totals as `pick` prints them,
        and one held-out row per set, scored as `pick --predict` scores it."""
        directory = os.path.join(self.tmp, "sections")
        os.makedirs(directory)
        rng = random.Random(11)
        other = {key: ms * rng.uniform(0.5, 2) for key, ms in self.times.items()}
        write_fixture(directory, "net", self.times, self.listed)
        write_fixture(directory, "other", other, self.listed)
        script = os.path.join(SCRIPTS, "pick_and_cost_model.sh")
        result = subprocess.run(["bash", script, directory, "net", "other"], capture_output=True, text=True,
                                timeout=300, env={**os.environ, "CONVLAB": CONVLAB})
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(os.path.join(directory, "pick.md")) as f:
            pick = f.read()
        printed = convlab("pick", os.path.join(directory, "net.csv")).stdout
        plan_line = next(line for line in printed.splitlines() if "plan (best per layer)" in line)
        self.assertIn(plan_line, pick)
        self.assertTrue(os.path.exists(os.path.join(directory, "net.plan.json")))
        if has_matplotlib():  # drawn by the script from the plan, not by pick
            with open(os.path.join(directory, "winners.png"), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        with open(os.path.join(directory, "cost_model.md")) as f:
            rows = [line for line in f if line.startswith("| net |") or line.startswith("| other |")]
        self.assertEqual(len(rows), 2, rows)
        for row, held_out, fitted in ((rows[0], "net", "other"), (rows[1], "other", "net")):
            cells = [c.strip() for c in row.strip().strip("|").split("|")]
            self.assertEqual(cells[:2], [held_out, fitted])
            scored = convlab("pick", os.path.join(directory, held_out + ".csv"), "--predict", "--model",
                             os.path.join(directory, "cost_model", f"without_{held_out}.json"))
            agreement = next(line for line in scored.stdout.splitlines() if "agreement" in line)
            self.assertIn(cells[4].split(" (")[0], agreement)
        bad = subprocess.run(["bash", script, directory, "net"], capture_output=True, text=True, timeout=60)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("at least two sets", bad.stderr)

    def expect_input_error(self, *args):
        result = convlab("pick", *args)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertTrue(result.stderr.startswith("convlab: error: "), result.stderr)
        return result.stderr

    def test_missing_file(self):
        self.assertIn("nothere.csv", self.expect_input_error(os.path.join(self.tmp, "nothere.csv")))

    def test_no_passed_rows(self):
        directory = os.path.join(self.tmp, "skipped")
        os.makedirs(directory, exist_ok=True)
        path = write_fixture(directory, "skipped", self.times, self.listed, status="SKIPPED")
        self.assertIn("no PASSED", self.expect_input_error(path))

    def test_no_metadata(self):
        directory = os.path.join(self.tmp, "bare")
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, "bare.csv")
        shutil.copy(self.csv, path)
        self.assertIn("meta.json", self.expect_input_error(path))

    def test_predict_without_model(self):
        self.assertIn("--model", self.expect_input_error(self.csv, "--predict"))


if __name__ == "__main__":
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
