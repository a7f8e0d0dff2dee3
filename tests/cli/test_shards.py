"""Command-line tests of sharding: `validate --csv`, `--shard K/N` in validate
and bench (each case in exactly one shard, a stable split), and `merge`
(refusing overlapping shards and shards of other settings).

Run: python3 test_shards.py PATH/TO/convlab   (ctest does so)
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
SELECTION = ["--batch", "resnet_50", "--mb", "1", "--max-gflop", "0.05", "--algo", "im2col_gemm", "--algo", "naive",
             "--threads", "1"]


def convlab(*args):
    return subprocess.run([CONVLAB, *args], capture_output=True, text=True, timeout=600)


def keys(path):
    with open(path, newline="") as f:
        return [(r["layer"], r["algorithm"], r["direction"], r["status"]) for r in csv.DictReader(f)]


class Shards(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="convlab_shards_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def test_shards_partition_the_cases_and_merge_back(self):
        whole = convlab("validate", *SELECTION, "--csv", self.path("whole.csv"))
        self.assertEqual(whole.returncode, 0, whole.stderr)
        parts = []
        for k in (1, 2, 3):
            result = convlab("validate", *SELECTION, "--shard", f"{k}/3", "--csv", self.path(f"s{k}.csv"))
            self.assertEqual(result.returncode, 0, result.stderr)
            parts.append(keys(self.path(f"s{k}.csv")))
        union = [k for part in parts for k in part]
        self.assertEqual(sorted(union), sorted(keys(self.path("whole.csv"))))  # each case exactly once
        self.assertTrue(all(parts), "a shard got no case at all")
        again = convlab("validate", *SELECTION, "--shard", "2/3", "--csv", self.path("again.csv"))
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(keys(self.path("again.csv")), parts[1])  # stable
        merged = convlab("merge", *(self.path(f"s{k}.csv") for k in (1, 2, 3)), "--out", self.path("merged.csv"))
        self.assertEqual(merged.returncode, 0, merged.stderr)
        self.assertEqual(sorted(keys(self.path("merged.csv"))), sorted(keys(self.path("whole.csv"))))
        with open(self.path("merged.meta.json")) as f:
            self.assertEqual(len(json.load(f)["merged_from"]), 3)

    def test_merge_refuses_overlaps_other_settings_and_missing_metadata(self):
        for k in (1, 2):
            self.assertEqual(convlab("validate", *SELECTION, "--shard", f"{k}/2", "--csv",
                                     self.path(f"s{k}.csv")).returncode, 0)
        overlap = convlab("merge", self.path("s1.csv"), self.path("s1.csv"), "--out", self.path("m.csv"))
        self.assertEqual(overlap.returncode, 2, overlap.stderr)
        self.assertIn("in another shard too", overlap.stderr)
        other = convlab("validate", *SELECTION, "--seed", "7", "--shard", "2/2", "--csv", self.path("o.csv"))
        self.assertEqual(other.returncode, 0, other.stderr)
        mixed = convlab("merge", self.path("s1.csv"), self.path("o.csv"), "--out", self.path("m.csv"))
        self.assertEqual(mixed.returncode, 2, mixed.stderr)
        self.assertIn("--allow-mixed", mixed.stderr)
        allowed = convlab("merge", self.path("s1.csv"), self.path("o.csv"), "--out", self.path("m.csv"),
                          "--allow-mixed")
        self.assertEqual(allowed.returncode, 0, allowed.stderr)
        os.remove(self.path("s2.meta.json"))
        missing = convlab("merge", self.path("s1.csv"), self.path("s2.csv"), "--out", self.path("m.csv"))
        self.assertEqual(missing.returncode, 2, missing.stderr)

    def test_bench_shards_split_its_rows(self):
        rows = []
        for k in (1, 2):
            result = convlab("bench", "--problem", "mb1ic4ih8oc4kh3ph1", "--problem", "mb1ic4ih9oc4kh3ph1",
                             "--algo", "naive", "--threads", "1", "--repetitions", "1", "--min-time", "0.001",
                             "--shard", f"{k}/2", "--csv", self.path(f"b{k}.csv"))
            self.assertEqual(result.returncode, 0, result.stderr)
            rows += keys(self.path(f"b{k}.csv"))
        self.assertEqual(len(rows), 6)  # 2 problems x 3 directions, each once
        self.assertEqual(len(set(rows)), 6)

    def test_bad_shards_are_usage_errors(self):
        for bad in ("0/3", "4/3", "1/0", "x", "1/2/3", "2"):
            result = convlab("validate", "--problem", "mb1ic4ih8oc4kh3ph1", "--shard", bad)
            self.assertEqual(result.returncode, 2, (bad, result.stderr))
            self.assertIn("--shard", result.stderr)


if __name__ == "__main__":
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
