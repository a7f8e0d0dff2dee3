"""Command-line tests of `convlab compare` and of the raw results it reads (JSON
lines): every repetition of every row is kept, across a run killed with SIGKILL,
its last line torn, and resumed.

Run: python3 test_compare.py PATH/TO/convlab   (ctest does so)
"""
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

CONVLAB = None  # set from the command line
PROBLEMS = ["mb1ic4ih8oc4kh3ph1", "mb1ic4ih9oc4kh3ph1", "mb1ic4ih10oc4kh3ph1"]
ALGOS = ["naive", "im2col_gemm", "reference"]


def convlab(*args):
    return subprocess.run([CONVLAB, *args], capture_output=True, text=True, timeout=300)


def bench_args(csv_path, repetitions="3"):
    args = ["bench", "--dir", "fwd", "--threads", "1", "--repetitions", repetitions, "--min-time", "0.005",
            "--csv", csv_path]
    for p in PROBLEMS:
        args += ["--problem", p]
    for a in ALGOS:
        args += ["--algo", a]
    return args


def rows_of(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def raw_lines(path):
    """Every line of a raw results file, each a whole JSON object (json.loads fails on a torn one)."""
    with open(path) as f:
        return [json.loads(line) for line in f]


def repetitions_by_benchmark(path):
    """run_name -> repetition times, as the format is documented: a benchmark timed again in a later
    session (each begins with a {"context": ...} line) keeps only that session's repetitions."""
    latest, session = {}, 0
    for record in raw_lines(path):
        if "context" in record:
            session += 1
        elif record.get("run_type") == "iteration":
            first_seen, times = latest.get(record["run_name"], (session, []))
            latest[record["run_name"]] = (session, (times if first_seen == session else []) + [record["real_time"]])
    return {name: times for name, (_, times) in latest.items()}


def repetitions_of_row(path, row):
    prefix = f"{row['algorithm']}/fwd/{row['layer']}/threads:1/"
    return sum(len(t) for name, t in repetitions_by_benchmark(path).items() if name.startswith(prefix))


class Compare(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="convlab_compare_")
        cls.a = os.path.join(cls.tmp, "a.csv")
        result = convlab(*bench_args(cls.a, repetitions="5"))
        assert result.returncode == 0, result.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def copy_run(self, name, slow_down=None, keep=None):
        """A copy of run a; the rows of algorithm `slow_down` made 1000x slower in the CSV and raw JSON (far
        beyond any spread of the repetitions, so the two samples are wholly apart); `keep`: only the first
        `keep` repetitions of each row left in the raw JSON."""
        path = os.path.join(self.tmp, name + ".csv")
        rows = rows_of(self.a)
        with open(self.a, newline="") as f:
            header = next(csv.reader(f))
        for row in rows:
            if row["algorithm"] == slow_down and row["time_ms_median"]:
                row["time_ms_median"] = str(1000 * float(row["time_ms_median"]))
        with open(path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
        raw = raw_lines(os.path.splitext(self.a)[0] + ".json")
        for b in raw:
            if b.get("run_name", "").startswith(f"{slow_down}/"):
                b["real_time"] *= 1000
        if keep is not None:
            seen = {}
            kept = []
            for b in raw:
                if b.get("run_type") == "iteration":
                    seen[b["run_name"]] = seen.get(b["run_name"], 0) + 1
                    if seen[b["run_name"]] > keep:
                        continue
                kept.append(b)
            raw = kept
        with open(os.path.splitext(path)[0] + ".json", "w") as f:
            f.writelines(json.dumps(b) + "\n" for b in raw)
        return path

    def test_a_run_against_itself_has_no_significant_difference(self):
        result = convlab("compare", self.a, self.a)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("0 significantly different", result.stdout)
        self.assertIn("geometric mean of B/A time ratios 1.000", result.stdout)

    def test_a_slower_algorithm_is_found_significant(self):
        slower = self.copy_run("slower", slow_down="im2col_gemm")
        result = convlab("compare", self.a, slower)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = [l for l in result.stdout.splitlines() if " im2col_gemm " in l]
        self.assertEqual(len(lines), len(PROBLEMS), result.stdout)
        for line in lines:
            self.assertIn(" 1000.000 ", line)
            self.assertIn("slower (significant)", line)  # 5 against 5 repetitions, all apart: exact p = 0.0079
        self.assertIn(f"{len(PROBLEMS)} significantly different", result.stdout)

    def test_the_test_needs_four_repetitions_a_side(self):
        # Wholly apart samples: the exact two-sided p is 2 / C(2n, n), 0.029 at 4 a side (significant),
        # 0.1 at 3 (never below 0.05, so compare says the test cannot tell rather than "not significant").
        for keep, expected in ((4, "slower (significant)"), (3, "n/a (too few repetitions: the test needs 4")):
            with self.subTest(keep=keep):
                before = self.copy_run(f"kept{keep}", keep=keep)
                after = self.copy_run(f"kept{keep}_slower", slow_down="im2col_gemm", keep=keep)
                result = convlab("compare", before, after)
                self.assertEqual(result.returncode, 0, result.stderr)
                lines = [l for l in result.stdout.splitlines() if " im2col_gemm " in l]
                self.assertEqual(len(lines), len(PROBLEMS), result.stdout)
                for line in lines:
                    self.assertIn(expected, line)

    def test_runs_sharing_no_row_are_refused(self):
        other = os.path.join(self.tmp, "other.csv")
        rows = rows_of(self.a)
        with open(self.a, newline="") as f:
            header = next(csv.reader(f))
        for row in rows:
            row["layer"] = "elsewhere"
        with open(other, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
        result = convlab("compare", self.a, other)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertIn("share no row", result.stderr)

    def test_runs_with_other_columns_are_refused(self):
        other = os.path.join(self.tmp, "columns.csv")
        with open(self.a, newline="") as f:
            table = list(csv.reader(f))
        dropped = table[0].index("spread")
        table = [r[:dropped] + r[dropped + 1:] for r in table]
        with open(other, "w", newline="") as f:
            csv.writer(f).writerows(table)
        result = convlab("compare", self.a, other)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("different columns", result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1)

    def test_a_run_older_than_gflop_useful_or_suspect_is_compared(self):
        # gflop_useful and layer_class follow from the descriptor, suspect is a verdict on the rates: a run from
        # before any of these columns is still comparable.
        for column in ("gflop_useful", "layer_class", "suspect"):
            with self.subTest(column=column):
                older = self.copy_run("older_" + column)
                with open(older, newline="") as f:
                    table = list(csv.reader(f))
                dropped = table[0].index(column)
                with open(older, "w", newline="") as f:
                    csv.writer(f).writerows([r[:dropped] + r[dropped + 1:] for r in table])
                result = convlab("compare", older, self.a)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("geometric mean of B/A time ratios 1.000", result.stdout)

    def test_a_missing_file_is_refused(self):
        result = convlab("compare", self.a, os.path.join(self.tmp, "absent.csv"))
        self.assertEqual(result.returncode, 2, result.stderr)

    def test_killed_and_resumed_run_keeps_every_rows_repetitions(self):
        path = os.path.join(self.tmp, "killed.csv")
        raw = os.path.splitext(path)[0] + ".json"
        process = subprocess.Popen([CONVLAB, *bench_args(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline and process.poll() is None:
            if os.path.exists(path) and len(rows_of(path)) >= 2:
                break
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        done_before = len(rows_of(path))
        self.assertGreaterEqual(done_before, 2)
        # A kill halfway through writing a line leaves it torn: part of a record, no newline. The kill
        # above rarely lands there, so unless it did, the tear is made here.
        with open(raw) as f:
            text = f.read()
        if text.endswith("\n"):
            last = text.splitlines()[-1]
            with open(raw, "a") as f:
                f.write(last[: len(last) // 2])
        whole = text[: text.rfind("\n") + 1]

        result = convlab("compare", path, path)  # the readers skip the torn line, and say so
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"{raw}: skipping line {whole.count(chr(10)) + 1}, cut short", result.stderr)

        result = convlab(*bench_args(path), "--resume")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("cut short", result.stderr)
        rows = rows_of(path)
        self.assertEqual(len(rows), len(PROBLEMS) * len(ALGOS))
        with open(raw) as f:
            self.assertTrue(f.read().startswith(whole), "the earlier lines were rewritten")
        for row in rows:  # raw_lines fails if the torn line were still there
            self.assertEqual(repetitions_of_row(raw, row), 3, (row["algorithm"], row["layer"], done_before))

    def test_resume_drops_the_repetitions_of_rows_the_csv_lost(self):
        # Killed after a row's repetitions reached the raw results but before
        # its CSV row: resuming runs the row again, and only the new repetitions count.
        path = os.path.join(self.tmp, "orphan.csv")
        raw = os.path.splitext(path)[0] + ".json"
        result = convlab(*bench_args(path, repetitions="4"))
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(path, newline="") as f:
            table = list(csv.reader(f))
        with open(path, "w", newline="") as f:
            csv.writer(f).writerows(table[:-1])
        lost = dict(zip(table[0], table[-1]))
        before = repetitions_by_benchmark(raw)
        result = convlab(*bench_args(path, repetitions="4"), "--resume")
        self.assertEqual(result.returncode, 0, result.stderr)
        for row in rows_of(path):
            self.assertEqual(repetitions_of_row(raw, row), 4, row["layer"])
        after = repetitions_by_benchmark(raw)
        rerun = [name for name in after if name.startswith(f"{lost['algorithm']}/fwd/{lost['layer']}/threads:1/")]
        self.assertEqual(len(rerun), 1)
        self.assertNotEqual(after[rerun[0]], before[rerun[0]])  # the second attempt's times, not the first's

        # compare reads the same: the lost row's repetitions are the second attempt's alone
        # (4 a side, the fewest the significance test can judge).
        result = convlab("compare", path, path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("n/a", result.stdout)


if __name__ == "__main__":
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
