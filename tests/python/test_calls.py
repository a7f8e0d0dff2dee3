"""forward / backward_data / backward_weights on numpy arrays: the golden
cases (computed independently, integers: exact), the double reference, the
adjoint identities, and every bad input refused with a clear error."""

import numpy as np
import pytest

import convlab
from conftest import GOLDEN

CASES = sorted(d.name for d in GOLDEN.iterdir() if (d / "descriptor").exists())


def golden(name):
    folder = GOLDEN / name
    t = {f.stem: np.load(f) for f in folder.glob("*.npy")}
    return convlab.Problem((folder / "descriptor").read_text().strip()), t


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("algo", ["im2col_gemm", "naive"])
def test_golden_cases_exactly(case, algo):
    p, t = golden(case)
    np.testing.assert_array_equal(convlab.forward(p, t["x"], t["w"], t["b"], algo=algo), t["y"])
    np.testing.assert_array_equal(convlab.backward_data(p, t["dy"], t["w"], algo=algo), t["dx"])
    dw, db = convlab.backward_weights(p, t["x"], t["dy"], algo=algo)
    np.testing.assert_array_equal(dw, t["dw"])
    np.testing.assert_array_equal(db, t["db"])


def test_outputs_are_new_float32_arrays_and_the_descriptor_string_works():
    p, t = golden("worked_example")
    y = convlab.forward(str(p), t["x"], t["w"], t["b"], threads=1)
    assert y.dtype == np.float32 and y.flags.c_contiguous
    assert y.shape == p.shape("y") and y.flags.writeable
    y[...] = 0  # ours to change
    np.testing.assert_array_equal(convlab.forward(p, t["x"], t["w"], t["b"]), t["y"])


def random_case(descriptor, seed=0):
    p = convlab.Problem(descriptor)
    rng = np.random.default_rng(seed)
    return p, {k: rng.uniform(-1, 1, p.shape(k)).astype(np.float32) for k in ["x", "w", "b", "y"]}


def test_against_the_double_reference_and_the_adjoint_identities():
    p, t = random_case("g2mb2ic6ih9iw8oc4kh3kw2sh2sw1ph1pw1dh1dw0")
    dy = t["y"]
    y = convlab.forward(p, t["x"], t["w"])
    np.testing.assert_allclose(y, convlab.forward(p, t["x"], t["w"], algo="reference"), rtol=1e-5, atol=1e-5)
    dx = convlab.backward_data(p, dy, t["w"])
    dw, db = convlab.backward_weights(p, t["x"], dy)
    lhs = np.vdot(y.astype(np.float64), dy)
    assert np.vdot(t["x"].astype(np.float64), dx) == pytest.approx(lhs, rel=1e-5)
    assert np.vdot(t["w"].astype(np.float64), dw) == pytest.approx(lhs, rel=1e-5)
    np.testing.assert_allclose(db, dy.sum(axis=(0, 2, 3)), rtol=1e-5)


def test_bias_none_is_no_bias():
    p, t = random_case("mb2ic4ih5oc3kh3ph1")
    with_bias = convlab.forward(p, t["x"], t["w"], t["b"])
    without = convlab.forward(p, t["x"], t["w"], None)
    np.testing.assert_allclose(with_bias - without, np.broadcast_to(t["b"].reshape(1, -1, 1, 1), with_bias.shape),
                               atol=1e-6)


def test_float64_and_non_contiguous_inputs_are_converted():
    p, t = random_case("mb2ic4ih6oc3kh3ph1")
    expected = convlab.forward(p, t["x"], t["w"], t["b"])
    np.testing.assert_array_equal(convlab.forward(p, t["x"].astype(np.float64), t["w"], t["b"]), expected)
    x_fortran = np.asfortranarray(t["x"])
    w_strided = np.repeat(t["w"], 2, axis=0)[::2]
    assert not x_fortran.flags.c_contiguous and not w_strided.flags.c_contiguous
    np.testing.assert_array_equal(convlab.forward(p, x_fortran, w_strided, t["b"]), expected)
    assert t["x"].dtype == np.float32  # inputs left alone


def test_a_wrong_shape_names_the_tensor_its_shape_and_the_expected_one():
    p, t = random_case("mb2ic4ih6oc3kh3ph1")
    with pytest.raises(ValueError, match=r"^x has shape \(2, 4, 6, 5\), expected \(2, 4, 6, 6\)$"):
        convlab.forward(p, t["x"][..., :5], t["w"])
    with pytest.raises(ValueError, match=r"^b has shape \(4,\), expected \(3,\)$"):
        convlab.forward(p, t["x"], t["w"], np.zeros(4, np.float32))
    with pytest.raises(ValueError, match=r"^w has shape \(3, 4, 9\), expected \(3, 4, 3, 3\)$"):
        convlab.backward_data(p, t["y"], t["w"].reshape(3, 4, 9))  # wrong rank
    with pytest.raises(ValueError, match=r"^dy has shape \(\), expected"):
        convlab.backward_weights(p, t["x"], np.float32(1))


@pytest.mark.parametrize("bad", [np.zeros((2, 4, 6, 6), np.int32), np.zeros((2, 4, 6, 6), dtype=object),
                                 None, "x", np.zeros((2, 4, 6, 6), np.complex64)])
def test_integer_object_and_other_arrays_are_type_errors(bad):
    p, t = random_case("mb2ic4ih6oc3kh3ph1")
    with pytest.raises(TypeError, match="^x must be a floating-point array, not dtype"):
        convlab.forward(p, bad, t["w"])


def test_a_declining_algorithm_says_why():
    p, t = random_case("mb2ic4ih6oc3kh1")
    with pytest.raises(ValueError, match="^winograd_f2x3: "):
        convlab.forward(p, t["x"], t["w"], algo="winograd_f2x3")
    with pytest.raises(ValueError, match="^im2col_gemm_fullconv: "):
        convlab.forward(p, t["x"], t["w"], algo="im2col_gemm_fullconv")


def test_an_unknown_algorithm_lists_the_known_ones():
    p, t = random_case("mb2ic4ih6oc3kh1")
    with pytest.raises(ValueError, match=r"unknown algorithm 'nope' \(known: .*im2col_gemm.*\)"):
        convlab.forward(p, t["x"], t["w"], algo="nope")


@pytest.mark.parametrize("threads, error", [(0, ValueError), (-1, ValueError), (1.5, TypeError),
                                            (True, TypeError), ("2", TypeError)])
def test_bad_thread_counts(threads, error):
    p, t = random_case("mb2ic4ih6oc3kh1")
    with pytest.raises(error, match="threads"):
        convlab.forward(p, t["x"], t["w"], threads=threads)


def test_thread_counts_give_the_same_answer():
    p, t = random_case("mb4ic8ih10oc8kh3ph1")
    one = convlab.backward_weights(p, t["x"], t["y"], threads=1)
    two = convlab.backward_weights(p, t["x"], t["y"], threads=2)
    np.testing.assert_allclose(one[0], two[0], rtol=1e-5, atol=1e-5)


def test_the_gil_is_released_while_cpp_runs():
    # While a slow call runs on another thread, this one keeps running Python:
    # had the call held the GIL, the longest pause seen here would be the
    # whole call.
    import threading
    import time
    # 151 MFLOP of naive loops: a few hundred ms even on a fast, idle core
    # (the 19 MFLOP used before took 37 ms there, too short to tell).
    p, t = random_case("mb2ic32ih64oc32kh3ph1")
    span = {}

    def slow():
        span["start"] = time.perf_counter()
        convlab.forward(p, t["x"], t["w"], algo="naive", threads=1)
        span["end"] = time.perf_counter()

    worker = threading.Thread(target=slow)
    worker.start()
    last, longest = time.perf_counter(), 0.0
    while worker.is_alive():
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    worker.join()
    duration = span["end"] - span["start"]
    assert duration > 0.05, "the call is too short to tell"
    assert longest < duration / 2, (longest, duration)
