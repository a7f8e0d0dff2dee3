"""The "Layouts" section of SUMMARY.md (scripts/summary_layouts.py) on hand-made rows whose times are chosen
so every ratio it prints is known: NHWC over NCHW per algorithm and layer class, indirect against xnnpack and
im2col_gemm in NHWC on kernels above 1x1 and on 1x1 layers, and indirect's backward passes against the best
other NHWC algorithm. The other sections read the nchw:oihw rows only."""
import math
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "..", "..", "scripts")
sys.path.insert(0, SCRIPTS)

from bench_results import Results  # noqa: E402
from summary_layouts import layouts_section  # noqa: E402

LAYERS = {"a": "3x3_s1", "b": "3x3_s1", "c": "1x1_s1"}
# (algorithm, layout) -> time of layer a; b is twice a, c half a, in every direction.
TIMES = {("im2col_gemm", "nchw:oihw"): 4.0, ("im2col_gemm", "nhwc:ohwi"): 2.0,
         ("indirect", "nchw:oihw"): 3.0, ("indirect", "nhwc:ohwi"): 1.0,
         ("xnnpack", "nchw:oihw"): 2.5, ("xnnpack", "nhwc:ohwi"): 1.5}
SCALE = {"a": 1.0, "b": 2.0, "c": 0.5}


def rows():
    out = []
    for (name, layout), t in TIMES.items():
        for layer, klass in LAYERS.items():
            for d in ("fwd", "bwd_d", "bwd_w"):
                if name == "xnnpack" and d != "fwd":
                    continue
                time = t * SCALE[layer] * (0.8 if (name, d, layer) == ("im2col_gemm", "bwd_d", "c") else 1.0)
                out.append({"layer": layer, "descriptor": layer, "layer_class": klass, "algorithm": name,
                            "direction": d, "threads": "2", "cache": "warm", "status": "PASSED", "layout": layout,
                            "time_ms_median": str(time), "gflops_median": str(1 / time)})
    return out


META = {"algorithms": [{"name": n, "family": n, "baseline": n == "xnnpack", "slow": False}
                       for n in ("im2col_gemm", "indirect", "xnnpack")]}


class LayoutsSection(unittest.TestCase):
    def setUp(self):
        self.res = Results(rows(), META)
        self.text = layouts_section(self.res)

    def test_other_sections_see_one_layout(self):
        self.assertEqual(self.res.layout, "nchw:oihw")
        self.assertEqual({r["layout"] for r in self.res.passed}, {"nchw:oihw"})

    def test_nhwc_over_nchw_per_class(self):
        # im2col_gemm: 2/4 on every layer, except bwd_d on c where both times are scaled by 0.8 alike.
        self.assertIn("| im2col_gemm | fwd | 0.5 (2) | 0.5 (1) | 0.5 (3) |", self.text)
        self.assertIn("| indirect | bwd_w | 0.333 (2) | 0.333 (1) | 0.333 (3) |", self.text)
        self.assertIn("| xnnpack | fwd | 0.6 (2) | 0.6 (1) | 0.6 (3) |", self.text)
        self.assertNotIn("| xnnpack | bwd_d", self.text)

    def test_indirect_against_the_others(self):
        self.assertIn("indirect over xnnpack, fwd, NHWC: 1.5x on above 1x1 (2 layers), 1.5x on 1x1 (1 layers)",
                      self.text)
        self.assertIn("indirect over im2col_gemm, fwd, NHWC: 2x on above 1x1 (2 layers), 2x on 1x1 (1 layers)",
                      self.text)
        # bwd_d: the best other is im2col_gemm at 2, 4 and 0.8 against indirect's 1, 2 and 0.5.
        expected = math.exp((math.log(2) + math.log(2) + math.log(1.6)) / 3)
        self.assertIn(f"indirect bwd_d over the best other NHWC algorithm per layer: {expected:.3g}x (3 layers)",
                      self.text)

    def test_no_section_without_nhwc_rows(self):
        only_nchw = [r for r in rows() if r["layout"] == "nchw:oihw"]
        self.assertEqual(layouts_section(Results(only_nchw, META)), "")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
