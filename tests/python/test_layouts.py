"""Layouts in the Python module: validate(fn, p, d, layout=...) hands a
callable its arrays in that layout, so NHWC/HWIO numpy code (examples/numpy_nhwc.py)
and NCHW/IOHW code pass as written and wrong code fails; forward() and friends
take and return arrays in the layout; a bad tag is a ValueError."""

import sys

import numpy as np
import pytest

import convlab
from conftest import EXAMPLES

sys.path.insert(0, str(EXAMPLES))
import numpy_loops  # noqa: E402
import numpy_nhwc  # noqa: E402

PROBLEMS = [
    "mb2ic3ih7oc4kh3ph1",
    "mb2ic3ih11iw10oc4oh5ow4kh3kw2sh2sw3ph1pw2dh1dw0",
    "mb1ic2ih9oc2oh3kh3sh2ph2",  # bottom padding -2
    "mb2ic2ih6oc2kh1",
]


@pytest.mark.parametrize("descriptor", PROBLEMS)
@pytest.mark.parametrize("direction", ["fwd", "bwd_d", "bwd_w"])
def test_nhwc_hwio_numpy_code_passes_in_its_own_layout(descriptor, direction):
    p = convlab.Problem(descriptor)
    r = convlab.validate(numpy_nhwc.callables(p)[direction], p, direction, layout="nhwc:hwio")
    assert r.verdict == "PASSED", str(r)
    assert r.layout == "nhwc:hwio"


def test_the_same_code_in_another_layout_fails():
    p = convlab.Problem("mb2ic4ih7oc4kh3ph1")  # ic == oc: the shapes alone cannot tell
    fwd = numpy_nhwc.callables(p)["fwd"]
    assert convlab.validate(fwd, p, "fwd", layout="nhwc:hwio").verdict == "PASSED"
    r = convlab.validate(fwd, p, "fwd", layout="nhwc:ohwi")
    assert r.verdict == "FAILED"  # ohwi weights read as hwio


def test_nchw_iohw_code_passes_in_its_layout():
    p = convlab.Problem("mb2ic3ih7oc5kh3ph1")
    def fwd(x, w, b):  # a tutorial's [in, out, k, k] weights, as it writes its loops
        return numpy_loops.forward(p, x, np.ascontiguousarray(w.transpose(1, 0, 2, 3)), b)
    assert convlab.validate(fwd, p, "fwd", layout="nchw:iohw").verdict == "PASSED"
    assert convlab.validate(fwd, p, "fwd", layout="nchw:oihw").verdict == "FAILED"


@pytest.mark.parametrize("algo", ["indirect", "im2col_gemm", "direct"])
def test_forward_takes_and_returns_arrays_in_the_layout(algo):
    p = convlab.Problem("mb2ic5ih9iw8oc6kh3kw3sh2sw1ph1pw1")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((p.mb, p.ih, p.iw, p.ic)).astype(np.float32)
    w = rng.standard_normal((p.kh, p.kw, p.ic, p.oc)).astype(np.float32)
    b = rng.standard_normal(p.oc).astype(np.float32)
    y = convlab.forward(p, x, w, b, algo=algo, layout="nhwc:hwio")
    assert y.shape == (p.mb, p.oh, p.ow, p.oc)
    np.testing.assert_allclose(y, numpy_nhwc.forward(p, x, w, b), rtol=1e-4, atol=1e-4)
    dy = rng.standard_normal(y.shape).astype(np.float32)
    dx = convlab.backward_data(p, dy, w, algo=algo, layout="nhwc:hwio")
    np.testing.assert_allclose(dx, numpy_nhwc.backward_data(p, dy, w), rtol=1e-4, atol=1e-4)
    dw, db = convlab.backward_weights(p, x, dy, algo=algo, layout="nhwc:hwio")
    ref_dw, ref_db = numpy_nhwc.backward_weights(p, x, dy)
    np.testing.assert_allclose(dw, ref_dw, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(db, ref_db, rtol=1e-4, atol=1e-3)


def test_an_algorithm_outside_its_layouts_is_skipped_or_refused():
    p = convlab.Problem("mb2ic3ih7oc4kh3ph1")
    r = convlab.validate("naive", p, "fwd", layout="nhwc")
    assert r.verdict == "SKIPPED" and "naive: runs in nchw:oihw only, not nhwc:ohwi" in r.reason
    x = np.zeros((p.mb, p.ih, p.iw, p.ic), np.float32)
    w = np.zeros((p.oc, p.kh, p.kw, p.ic), np.float32)
    with pytest.raises(ValueError, match="runs in nchw:oihw only"):
        convlab.forward(p, x, w, algo="naive", layout="nhwc")


@pytest.mark.parametrize("bad", ["NHWC", "nhwc:", "chwn", "nchw:oihw:x"])
def test_a_bad_layout_is_a_value_error(bad):
    with pytest.raises(ValueError, match="layout: got"):
        convlab.validate("naive", "mb1ic1ih3oc1kh1", "fwd", layout=bad)
    with pytest.raises(ValueError, match="layout: got"):
        convlab.forward("mb1ic1ih3oc1kh1", np.zeros((1, 1, 3, 3), np.float32), np.zeros((1, 1, 1, 1), np.float32),
                        layout=bad)
