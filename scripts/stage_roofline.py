"""Per-stage rooflines of the transform methods: for each stage of an `fft` or `winograd_f*` call (the timing
phases the CSV records), a lower bound on its time, max(FLOPs / FMA peak, bytes / bandwidth), beside the
measured phase time.

The counts are a model, written out so that a reader can check them:
- FFT (algorithms/fft/fft_geometry.hpp): overlap-save tiles of an FFT of size NH x NW per image, the
  half spectrum F = NH * (NW/2 + 1) complex values; a real 2-D transform costs 2.5 N log2 N FLOPs (N = NH*NW,
  half a complex FFT's 5 N log2 N); the products are a complex GEMM per frequency, 8 FLOPs per complex
  multiply-add (6 with cgemm3m's Gauss product); the weights by a DFT GEMM cost 4 F KH KW per kernel. The
  geometry (FFT size, tiles per image, blocks) is read from the row's `implementation`.
- Winograd F(m x m, 3 x 3), alpha = m + 2, with the matrices of its interpolation points (derived by
  winograd_matrices.py): a transform costs 2 FLOPs per nonzero of its matrix per vector it is applied to, so
  B^T d B is 4 nnz(B^T) alpha, G g G^T 2 nnz(G) (3 + alpha), A^T M A 2 nnz(A^T) (alpha + m); the GEMMs 2 alpha^2
  per tile, input and output channel.
- Bytes: each stage reads its inputs and writes its outputs once (a lower bound: blocking can only add
  traffic). Each stage's bytes stream at the L2 rate when the stage's data fits in the last-level cache
  (the L3's own bandwidth is not measured, so this is optimistic, as a roofline must be) and at the
  measured DRAM (triad) rate beyond it.
The bound of a call is the sum of its stages' bounds (the stages run one after another)."""
import math
import re
from fractions import Fraction

from winograd_matrices import derive

FFT_GEOMETRY = re.compile(r"fftw3f (\d+)x(\d+).*?tiles (\d+)x(\d+), blocks oc (\d+) tiles (\d+)")
WINOGRAD_TILE = re.compile(r"^winograd_f(\d+)x3$")


class Machine:
    """The measured ceilings of the run's metadata: FMA GFLOP/s at the thread count, L2 and DRAM GB/s, the
    last-level cache's bytes."""

    def __init__(self, peak_gflops, l2_gb_s, dram_gb_s, llc_bytes):
        self.peak_gflops, self.l2_gb_s, self.dram_gb_s, self.llc_bytes = peak_gflops, l2_gb_s, dram_gb_s, llc_bytes

    @classmethod
    def from_meta(cls, meta, threads):
        """None when the metadata lacks a ceiling."""
        peak = meta.get("peak") or {}
        fma = (peak.get("fma_gflops") or {}).get(str(threads))
        caches = (meta.get("cpu") or {}).get("caches") or {}
        llc = max((c.get("size_bytes", 0) * (c.get("count", 1) if name == "l2" else 1)
                   for name, c in caches.items() if name in ("l2", "l3")), default=0)
        if not (fma and peak.get("l2_gb_s") and peak.get("triad_gb_s") and llc):
            return None
        return cls(fma, peak["l2_gb_s"], peak["triad_gb_s"], llc)

    def bound_ms(self, flops, bytes_moved, footprint):
        """(ms, limit): the stage's lower bound and what sets it (FMA, L2 or DRAM)."""
        compute = flops / (self.peak_gflops * 1e6)
        from_l2 = footprint <= self.llc_bytes
        memory = bytes_moved / ((self.l2_gb_s if from_l2 else self.dram_gb_s) * 1e6)
        if compute >= memory:
            return compute, "FMA"
        return memory, "L2" if from_l2 else "DRAM"


class Stage:
    """One stage's FLOPs, bytes moved and data footprint (bytes)."""

    def __init__(self, flops, bytes_moved, footprint=None):
        self.flops, self.bytes, self.footprint = flops, bytes_moved, footprint if footprint else bytes_moved


def rfft_flops(nh, nw):
    n = nh * nw
    return 2.5 * n * math.log2(n) if n > 1 else 0.0


def fft_stages(p, direction, implementation):
    """{phase: Stage} of one fft call, or None when the implementation names no geometry."""
    m = FFT_GEOMETRY.search(implementation or "")
    if not m:
        return None
    nh, nw, th, tw, oc_block, tile_block = (int(v) for v in m.groups())
    freqs = nh * (nw // 2 + 1)
    g, icg, ocg = p.g, p.ic // p.g, p.oc // p.g
    polyphases = min(p.sh, (p.kh - 1) * (p.dh + 1) + 1) * min(p.sw, (p.kw - 1) * (p.dw + 1) + 1)
    cv = icg * polyphases
    tiles = p.mb * th * tw
    tile_blocks = math.ceil(tiles / tile_block)
    oc_blocks = math.ceil(ocg / oc_block)
    spectrum = 8 * freqs  # bytes of one complex half spectrum
    transform = rfft_flops(nh, nw)
    x_bytes, y_bytes, w_bytes = 4 * p.mb * p.ic * p.ih * p.iw, 4 * p.mb * p.oc * p.oh * p.ow, 4 * p.oc * icg * p.kh * p.kw
    weights_by_gemm = "dft gemm" in implementation
    weight_flops = 4 * freqs * p.kh * p.kw if weights_by_gemm else transform
    # Weights are transformed once per call, or once per tile block when the output channels are blocked.
    weight_passes = tile_blocks if oc_blocks > 1 else 1
    product_flops = (6 if "3m" in implementation else 8) * freqs * ocg * cv * tiles * g
    w_spectra, x_spectra, y_spectra = g * ocg * cv * spectrum, g * cv * tiles * spectrum, g * ocg * tiles * spectrum
    products = Stage(product_flops, w_spectra * tile_blocks + x_spectra * oc_blocks + y_spectra,
                     w_spectra + x_spectra + y_spectra)
    weights = Stage(g * ocg * cv * weight_flops * weight_passes, (w_bytes + w_spectra) * weight_passes)
    if direction == "fwd":
        return {"fft_x": Stage(g * cv * tiles * transform, x_bytes + x_spectra),
                "fft_w": weights, "product": products,
                "ifft": Stage(g * ocg * tiles * transform, y_spectra + y_bytes)}
    if direction == "bwd_d":
        return {"fft_dy": Stage(g * ocg * tiles * transform, y_bytes + y_spectra),
                "fft_w": weights, "product": products,
                "ifft": Stage(g * cv * tiles * transform, x_spectra + x_bytes)}
    # bwd_w: x and dy to spectra, their product summed over tiles, the weights' spectra back to taps.
    return {"fft_x": Stage(g * cv * tiles * transform, x_bytes + x_spectra),
            "fft_dy": Stage(g * ocg * tiles * transform, y_bytes + y_spectra),
            "product": Stage(product_flops, w_spectra + x_spectra * oc_blocks + y_spectra),
            "ifft": Stage(g * ocg * cv * weight_flops, w_spectra + w_bytes)}


# The interpolation points of each tile (the point at infinity implied), as the engine's matrices are made.
WINOGRAD_POINTS = {2: [0, 1, -1], 4: [0, 1, -1, 2, -2], 6: [0, 1, -1, 2, -2, Fraction(1, 2), Fraction(-1, 2)]}


def winograd_nonzeros(m):
    """(nnz(B^T), nnz(G), nnz(A^T)) of F(m, 3)."""
    points = [Fraction(v) for v in WINOGRAD_POINTS[m]]
    ones = [Fraction(1)] * len(points)
    return tuple(sum(1 for row in matrix for v in row if v != 0) for matrix in derive(points, ones, ones))


def winograd_stages(p, direction, m):
    """{phase: Stage} of one winograd_f{m}x3 call (3x3, stride 1, no dilation), None for other problems."""
    if (p.kh, p.kw, p.sh, p.sw, p.dh, p.dw) != (3, 3, 1, 1, 0, 0) or m not in WINOGRAD_POINTS:
        return None
    a = m + 2
    nnz_b, nnz_g, nnz_a = winograd_nonzeros(m)
    tiles = p.mb * math.ceil(p.oh / m) * math.ceil(p.ow / m)
    g, icg, ocg = p.g, p.ic // p.g, p.oc // p.g
    x_bytes, y_bytes, w_bytes = 4 * p.mb * p.ic * p.ih * p.iw, 4 * p.mb * p.oc * p.oh * p.ow, 4 * p.oc * icg * 9
    # Transformed operands, alpha^2 floats per tile and channel, per filter.
    x_t, y_t, w_t = 4 * a * a * tiles * p.ic, 4 * a * a * tiles * p.oc, 4 * a * a * p.oc * icg
    tile_in, tile_out = 4 * nnz_b * a, 2 * nnz_a * (a + m)
    filter_t = 2 * nnz_g * (3 + a)
    gemm = Stage(2 * a * a * tiles * icg * ocg * g, x_t + w_t + y_t)
    if direction == "fwd":
        return {"input_transform": Stage(tiles * p.ic * tile_in, x_bytes + x_t),
                "filter_transform": Stage(p.oc * icg * filter_t, w_bytes + w_t),
                "gemm": gemm, "output_transform": Stage(tiles * p.oc * tile_out, y_t + y_bytes)}
    if direction == "bwd_d":  # dy takes the input's part, the rotated filter the filter's, dx the output's
        return {"input_transform": Stage(tiles * p.oc * tile_in, y_bytes + y_t),
                "filter_transform": Stage(p.oc * icg * filter_t, w_bytes + w_t),
                "gemm": gemm, "output_transform": Stage(tiles * p.ic * tile_out, x_t + x_bytes)}
    # bwd_w: x's tiles by B^T, dy's m x m tiles by A (alpha x m) to alpha x alpha, the products summed over
    # tiles, the alpha x alpha sums back to 3 x 3 by G^T.
    return {"input_transform": Stage(tiles * p.ic * tile_in + tiles * p.oc * tile_out, x_bytes + x_t + y_bytes + y_t),
            "gemm": gemm, "output_transform": Stage(p.oc * icg * filter_t, w_t + w_bytes)}


def stages(algorithm, p, direction, implementation):
    """{phase: Stage} of a transform method's call, or None when the model does not cover it."""
    if algorithm == "fft":
        return fft_stages(p, direction, implementation)
    tile = WINOGRAD_TILE.match(algorithm)
    return winograd_stages(p, direction, int(tile.group(1))) if tile else None


def roofline(machine, algorithm, p, direction, implementation):
    """{phase: (bound ms, limit)} and the call's bound (their sum), or (None, None)."""
    model = stages(algorithm, p, direction, implementation)
    if model is None:
        return None, None
    bounds = {name: machine.bound_ms(s.flops, s.bytes, s.footprint) for name, s in model.items()}
    return bounds, sum(ms for ms, _ in bounds.values())
