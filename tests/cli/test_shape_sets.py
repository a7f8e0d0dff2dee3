"""`convlab validate --mb 1` over every bundled shape set: no FAILED, and every
algorithm really runs (PASSED) on problems of every set.

Time budget: the double reference is computed for every problem and direction
(four times: two fills, and the sums of |terms|), and on the largest layers it
dominates (vgg_19 at mb 2 alone is ~43 GFLOP per direction). So each set runs
at minibatch 1 with `--max-gflop`: problems above it are SKIPPED with the
reason "above --max-gflop". 0.1 GFLOP keeps many layers of every set; vgg_19, whose
smallest layer is 0.92 GFLOP at mb 1, gets 1.0, alexnet (smallest 0.15) 0.15,
and resnext_101 0.5 and resnet_50 0.25, so that their 3x3 stride-1 layers
(0.46 and 0.23 GFLOP) reach Winograd. With budgets of 0.3 the
test took 12.7 minutes on 2 busy cores; it runs in the Release build only
(tests/CMakeLists.txt): the sanitizer build runs the same algorithm code on the
randomized cross-validation.
torchvision is left out: its 2858 2-D layers (1689 distinct geometries, 1879 below
0.1 GFLOP at mb 1, so no budget trims it) would make this test hours long, and
they repeat the geometries of the sets above; tests/python/test_layers.py checks
the extraction that made it against torch itself, test_torchvision_shapes.py the set.
The full sets at --mb 2 are `convlab validate --mb 2 --batch NAME` (hours).

Run: python3 test_shape_sets.py PATH/TO/convlab   (ctest does so)
"""
import json
import os
import re
import subprocess
import sys
import unittest

CONVLAB = None  # set from the command line
SETS = ["resnet_50", "vgg_19", "alexnet", "googlenet_v1", "mobilenet", "resnext_101", "deepbench_training",
        "tails", "dilated", "1d_wavenet"]
BUDGET = {"vgg_19": "1.0", "resnext_101": "0.5", "resnet_50": "0.25", "alexnet": "0.15"}
LINE = re.compile(r"^\[\s*\d+/\d+\]\s+(PASSED|FAILED|SKIPPED|UNSUPPORTED)\s+(\S+)\s+(\S+)")


class ShapeSets(unittest.TestCase):
    def test_every_set_validates_with_every_algorithm(self):
        algorithms = [line.split()[0] for line in
                      subprocess.run([CONVLAB, "list"], capture_output=True, text=True, check=True).stdout.splitlines()]
        algorithms.remove("reference")
        listed = json.loads(subprocess.run([CONVLAB, "list", "--json"], capture_output=True, text=True,
                                           check=True).stdout)
        baselines = {a["name"] for a in listed if a["baseline"]}
        for name in SETS:
            with self.subTest(shape_set=name):
                result = subprocess.run([CONVLAB, "validate", "--batch", name, "--mb", "1",
                                         "--max-gflop", BUDGET.get(name, "0.1")],
                                        capture_output=True, text=True, timeout=1800)
                failed = [l for l in result.stdout.splitlines() if " FAILED " in l]
                self.assertEqual(failed, [], f"{name}: FAILED cases")
                self.assertEqual(result.returncode, 0, f"{name}: {result.stderr[-2000:]}")
                cases = [m for m in map(LINE.match, result.stdout.splitlines()) if m]
                passed = {m.group(2) for m in cases if m.group(1) == "PASSED"}
                # Every algorithm meets every set: each passes at least one case of it
                # (im2col_gemm_fullconv in bwd_d, Winograd on a 3x3 stride-1 layer).
                # A baseline may decline a whole set, by its own reasons: what an
                # external library takes is its own (oneDNN's Winograd needs AVX-512
                # and 3x3 layers within the budget; LIBXSMM has no groups or dilation).
                declined_all = {a for a in baselines
                                if all(m.group(1) == "SKIPPED" for m in cases if m.group(2) == a)}
                expected = [a for a in algorithms if not (a.startswith("winograd") and name in WINOGRAD_FREE)
                            and a not in declined_all]
                self.assertEqual(sorted(set(expected) - passed), [], f"{name}: algorithms that never passed")


# Sets with no 3x3 stride-1 undilated layer at all, which Winograd declines.
WINOGRAD_FREE = {"1d_wavenet", "dilated", "mobilenet"}

if __name__ == "__main__":
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
