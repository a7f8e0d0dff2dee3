"""The "Direct against its peers" section of SUMMARY.md (scripts/summary_direct.py) on hand-made rows whose
times, reorder phases, staging and prepare times are chosen so every figure it prints is known."""
import math
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))

from bench_results import Results  # noqa: E402
from summary_direct import direct_peers_section  # noqa: E402

LAYERS = {"a": "3x3_s1", "b": "3x3_s1", "c": "1x1_s1"}
# Time of each algorithm on layer a; b takes twice as long, c half as long, in every direction.
TIMES = {"direct": 5.0, "direct_native": 4.0, "onednn_blocked": 6.0, "onednn_native": 2.0, "libxsmm": 8.0}
SCALE = {"a": 1.0, "b": 2.0, "c": 0.5}
# Layer c makes direct_native twice as slow as onednn_native, so the 1x1 class has a ratio of 1.
SLOW_ON_C = {("direct_native", "c"): 4.0}


def row(name, layer, d):
    time = TIMES[name] * SCALE[layer] * SLOW_ON_C.get((name, layer), 1.0)
    r = {"layer": layer, "descriptor": layer, "layer_class": LAYERS[layer], "algorithm": name, "direction": d,
         "threads": "2", "cache": "warm", "status": "PASSED", "time_ms_median": str(time),
         "gflops_median": str(1 / time), "prepare_ms": {"a": "1", "b": "3", "c": "100"}[layer]}
    if name in ("direct", "onednn_blocked"):  # a tenth of the call converts in, a tenth out
        r["phase_reorder_in_ms"] = r["phase_reorder_out_ms"] = str(time / 10)
    if name in ("direct_native", "onednn_native"):  # a quarter of the call's time again, outside it
        r["staging_ms"] = str(time / 4)
    return r


def rows():
    return [row(n, layer, d) for n in TIMES for layer in LAYERS for d in ("fwd", "bwd_d", "bwd_w")]


META = {"algorithms": [{"name": n, "family": n.split("_")[0], "baseline": not n.startswith("direct"),
                        "slow": False} for n in TIMES]}


class DirectPeersSection(unittest.TestCase):
    def setUp(self):
        self.text = direct_peers_section(Results(rows(), META))

    def line(self, klass, d):
        found = [l for l in self.text.splitlines() if l.startswith(f"| {klass} | {d} |")]
        self.assertEqual(len(found), 1, self.text)
        return [c.strip() for c in found[0].strip("|").split("|")]

    def test_ratios_per_class(self):
        cells = self.line("3x3_s1", "fwd")
        # rate ratio = time of theirs over time of ours: 2/4, 8/4, 6/5 on both 3x3 layers
        self.assertEqual(cells[2:5], ["0.5 (worst 0.5, 2)", "2 (worst 2, 2)", "1.2 (worst 1.2, 2)"])
        cells = self.line("1x1_s1", "bwd_w")
        self.assertEqual(cells[2], "0.125 (worst 0.125, 1)")

    def test_all_layers_geomean_and_worst(self):
        cells = self.line("all", "bwd_d")
        expected = math.exp((2 * math.log(0.5) + math.log(0.125)) / 3)
        self.assertEqual(cells[2], f"{expected:.3g} (worst 0.125, 3)")

    def test_conversion_in_and_outside_the_call(self):
        cells = self.line("3x3_s1", "fwd")
        # direct, direct_native, onednn_blocked, onednn_native, libxsmm
        self.assertEqual(cells[5:10], ["20% + –", "0% + 25%", "20% + –", "0% + 25%", "0% + –"])

    def test_prepare_median(self):
        self.assertEqual(self.line("3x3_s1", "fwd")[10:12], ["2", "2"])  # median of 1 and 3
        self.assertEqual(self.line("all", "fwd")[10:12], ["3", "3"])      # of 1, 3 and 100

    def test_no_section_without_a_pair(self):
        alone = [r for r in rows() if r["algorithm"] in ("direct", "libxsmm")]
        self.assertEqual(direct_peers_section(Results(alone, META)), "")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
