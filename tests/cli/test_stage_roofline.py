"""The per-stage rooflines of the transform methods (scripts/stage_roofline.py) and SUMMARY.md's "FFT against
Winograd" section (summary_fft.roofline_section). The counts are checked against numbers worked by hand
from the model's definitions, and the Winograd matrices' nonzeros against the matrices Lavin and Gray
published for F(2,3) and F(4,3) ("Fast Algorithms for Convolutional Neural Networks", 2016)."""
import math
import os
import sys
import unittest
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))

import stage_roofline as sr  # noqa: E402
from bench_results import Results, problem  # noqa: E402
from summary_fft import measured_stages, roofline_section  # noqa: E402


def conv(mb, ic, oc, ih, k, stride=1, pad=1):
    oh = (ih + 2 * pad - k) // stride + 1
    return SimpleNamespace(mb=mb, g=1, ic=ic, oc=oc, ih=ih, iw=ih, oh=oh, ow=oh, kh=k, kw=k, sh=stride, sw=stride,
                           dh=0, dw=0)


class WinogradCounts(unittest.TestCase):
    def test_nonzeros_are_the_published_matrices(self):
        # F(2,3): B^T [[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]], G [[1,0,0],[.5,.5,.5],[.5,-.5,.5],[0,0,1]],
        # A^T [[1,1,1,0],[0,1,-1,-1]]. F(4,3): B^T rows of 3,4,4,4,4,3 nonzeros, G 1,3,3,3,3,1, A^T 5,4,4,5.
        self.assertEqual(sr.winograd_nonzeros(2), (8, 8, 6))
        self.assertEqual(sr.winograd_nonzeros(4), (22, 14, 18))

    def test_forward_stages_of_a_small_layer(self):
        # 4x4 output, F(2,3): 2x2 tiles per image, alpha 4.
        s = sr.winograd_stages(conv(1, 2, 3, 4, 3), "fwd", 2)
        tiles, a = 4, 4
        self.assertEqual(s["gemm"].flops, 2 * a * a * tiles * 2 * 3)
        self.assertEqual(s["input_transform"].flops, tiles * 2 * 4 * 8 * a)
        self.assertEqual(s["filter_transform"].flops, 3 * 2 * 2 * 8 * (3 + a))
        self.assertEqual(s["output_transform"].flops, tiles * 3 * 2 * 6 * (a + 2))
        # x (2x4x4 floats) read, its transformed tiles (16 floats per tile and channel) written.
        self.assertEqual(s["input_transform"].bytes, 4 * 2 * 16 + 4 * 16 * tiles * 2)

    def test_other_kernels_are_not_modelled(self):
        self.assertIsNone(sr.winograd_stages(conv(1, 2, 3, 8, 3, stride=2), "fwd", 2))
        self.assertIsNone(sr.winograd_stages(conv(1, 2, 3, 8, 5, pad=2), "fwd", 2))
        self.assertIsNone(sr.stages("winograd_f8x3", conv(1, 2, 3, 8, 3), "fwd", ""))


class FftCounts(unittest.TestCase):
    IMPL = "fftw3f 8x8 (estimate), tiles 1x1, blocks oc 3 tiles 1, weights by fftw, cgemm"

    def test_forward_stages_of_one_tile(self):
        s = sr.fft_stages(conv(1, 2, 3, 6, 3), "fwd", self.IMPL)
        freqs, transform = 8 * 5, 2.5 * 64 * 6  # half spectrum of 8x8; 2.5 N log2 N, N = 64
        self.assertEqual(s["product"].flops, 8 * freqs * 3 * 2 * 1)
        self.assertAlmostEqual(s["fft_x"].flops, 2 * transform)
        self.assertAlmostEqual(s["ifft"].flops, 3 * transform)
        self.assertAlmostEqual(s["fft_w"].flops, 3 * 2 * transform)
        self.assertEqual(s["ifft"].bytes, 3 * 8 * freqs + 4 * 3 * 36)

    def test_gauss_product_and_weights_by_gemm(self):
        s = sr.fft_stages(conv(1, 2, 3, 6, 3), "fwd", self.IMPL.replace("fftw, cgemm", "dft gemm, cgemm3m"))
        self.assertEqual(s["product"].flops, 6 * 40 * 3 * 2)
        self.assertEqual(s["fft_w"].flops, 3 * 2 * 4 * 40 * 9)

    def test_blocked_output_channels_transform_weights_once_per_tile_block(self):
        blocked = "fftw3f 8x8 (estimate), tiles 2x2, blocks oc 1 tiles 2, weights by fftw, cgemm"
        s = sr.fft_stages(conv(1, 2, 3, 12, 3), "fwd", blocked)
        self.assertAlmostEqual(s["fft_w"].flops, 3 * 2 * 2.5 * 64 * 6 * 2)  # 4 tiles in blocks of 2

    def test_no_geometry_no_model(self):
        self.assertIsNone(sr.fft_stages(conv(1, 2, 3, 6, 3), "fwd", "something else"))


class Bounds(unittest.TestCase):
    machine = sr.Machine(peak_gflops=100.0, l2_gb_s=50.0, dram_gb_s=10.0, llc_bytes=1 << 20)

    def test_the_larger_of_compute_and_memory(self):
        self.assertEqual(self.machine.bound_ms(1e9, 1e3, 1e3), (10.0, "FMA"))
        self.assertEqual(self.machine.bound_ms(1e3, 1e6, 1e6), (1e6 / 50e6, "L2"))
        self.assertEqual(self.machine.bound_ms(1e3, 1e8, 1e8), (1e8 / 10e6, "DRAM"))

    def test_machine_from_metadata(self):
        meta = {"peak": {"fma_gflops": {"2": 300.0}, "l2_gb_s": 150.0, "triad_gb_s": 20.0},
                "cpu": {"caches": {"l2": {"size_bytes": 1 << 20, "count": 2}, "l3": {"size_bytes": 32 << 20}}}}
        m = sr.Machine.from_meta(meta, 2)
        self.assertEqual((m.peak_gflops, m.l2_gb_s, m.dram_gb_s, m.llc_bytes), (300.0, 150.0, 20.0, 32 << 20))
        self.assertIsNone(sr.Machine.from_meta({"peak": {}}, 2))

    def test_measured_stages_add_up_to_the_median(self):
        row = {"time_ms_median": "2", "phase_a_ms": "1", "phase_b_ms": "3", "phase_c_ms": ""}
        self.assertEqual(measured_stages(row), {"a": 0.5, "b": 1.5})


META = {"peak": {"fma_gflops": {"2": 100.0}, "l2_gb_s": 50.0, "triad_gb_s": 10.0},
        "cpu": {"caches": {"l3": {"size_bytes": 64 << 20}}},
        "algorithms": [{"name": "fft", "family": "fft"}, {"name": "winograd_f2x3", "family": "winograd"},
                       {"name": "direct", "family": "direct"}]}
DESCRIPTOR = 'mb1ic2ih6oc3oh6kh3ph1n"t:a"'


def row(algorithm, direction, ms, implementation="", phases=None):
    r = {"layer": "t:a", "descriptor": DESCRIPTOR, "layer_class": "3x3_s1", "algorithm": algorithm,
         "direction": direction, "threads": "2", "mb": "1", "status": "PASSED", "time_ms_median": str(ms),
         "gflops_median": str(2 * 3 * 2 * 36 * 9 / 1e6 / ms), "gflop_useful": "0.00036",
         "implementation": implementation}
    r.update({f"phase_{k}_ms": str(v) for k, v in (phases or {}).items()})
    return r


@unittest.skipIf(problem(DESCRIPTOR) is None, "the convlab Python module does not import (build/python)")
class Section(unittest.TestCase):
    def test_the_table_and_verdict(self):
        rows = [row("fft", "fwd", 3.0, FftCounts.IMPL, {"fft_x": 1, "fft_w": 1, "product": 1, "ifft": 3}),
                row("winograd_f2x3", "fwd", 2.0, "", {"input_transform": 1, "gemm": 1}),
                row("direct", "fwd", 1.0)]
        text = roofline_section(Results(rows, META))
        machine = sr.Machine.from_meta(META, 2)
        _, fft_bound = sr.roofline(machine, "fft", conv(1, 2, 3, 6, 3), "fwd", FftCounts.IMPL)
        _, w_bound = sr.roofline(machine, "winograd_f2x3", conv(1, 2, 3, 6, 3), "fwd", "")
        self.assertIn(f"| t:a | fwd | 3 ({fft_bound:.3g}) |", text)
        self.assertIn(f"winograd_f2x3 2 ({w_bound:.3g})", text)
        # The fft ifft phase is half the phases' sum: 1.5 of the 3 ms.
        self.assertIn("ifft 1.5/", text)
        self.assertIn("direct 1 (0.0036)", text)  # 0.00036 GFLOP at 100 GFLOP/s
        wins = "on 1" if fft_bound < w_bound else "on 0"
        self.assertIn(f"the model puts FFT's bound below every Winograd's {wins}", text)
        self.assertIn("measured, FFT is faster on 0", text)
        self.assertIn(f"fft {3.0 / fft_bound:.3g}x, the best Winograd {2.0 / w_bound:.3g}x", text)

    def test_nothing_without_fft_rows(self):
        self.assertEqual(roofline_section(Results([row("direct", "fwd", 1.0)], META)), "")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
