"""convlab.bench: the rows of `convlab bench` (same columns, same check),
for registered algorithms and callables, quietly."""

import csv
import subprocess
import sys

import numpy as np
import pytest

import convlab
from conftest import EXAMPLES

sys.path.insert(0, str(EXAMPLES))
import numpy_im2col  # noqa: E402

P = convlab.Problem('mb2ic8ih8oc8kh3ph1n"small"')
QUICK = dict(repetitions=2, min_time=0.005, threads=1)


def test_rows_have_the_csv_columns_and_values(convlab_executable, tmp_path):
    out = tmp_path / "cli.csv"
    subprocess.run([convlab_executable, "bench", "--problem", str(P), "--algo", "im2col_gemm", "--dir", "fwd",
                    "--threads", "1", "--repetitions", "2", "--min-time", "0.005", "--csv", str(out)],
                   check=True, capture_output=True)
    with open(out) as f:
        cli_rows = list(csv.DictReader(f))
    rows = convlab.bench(P, "im2col_gemm", directions="fwd", **QUICK)
    assert len(rows) == 1 and len(cli_rows) == 1
    row, cli = rows[0], cli_rows[0]
    assert set(row) == set(cli) | {"family"}
    assert list(row)[:len(cli)] == list(cli)  # the CSV's order
    for column in ["layer", "descriptor", "weight", "algorithm", "direction", "threads", "mb", "gflop", "gflop_useful",
                   "status", "max_abs_err", "max_rel_err", "workspace_bytes", "repetitions", "implementation"]:
        assert str(row[column]) == cli[column] or float(row[column]) == float(cli[column]), column
    assert row["suite"] == "python" and row["family"] == "gemm"
    assert row["time_ms_median"] > 0 and row["gflops_median"] > 0 and isinstance(row["iterations"], int)


def test_callables_are_checked_then_timed_like_algorithms():
    fn = {"np_im2col": lambda x, w, b: numpy_im2col.forward(P, x, w, b),
          "np_wrong": lambda x, w, b: numpy_im2col.forward(P, x, w, None)}
    rows = convlab.bench([str(P)], ["naive", fn], directions=["fwd"], **QUICK)
    by_name = {r["algorithm"]: r for r in rows}
    assert list(by_name) == ["naive", "np_im2col", "np_wrong"]
    ok, wrong = by_name["np_im2col"], by_name["np_wrong"]
    assert ok["status"] == "PASSED" and ok["family"] == "python" and ok["implementation"] == "python"
    assert ok["time_ms_median"] > 0 and ok["reason"] == ""
    assert wrong["status"] == "FAILED" and "worst y[" in wrong["reason"]
    assert wrong["time_ms_median"] > 0  # a FAILED check is still timed, as in `convlab bench`


def test_a_raising_callable_is_a_failed_row():
    def broken(dy, w):
        raise RuntimeError("nope")
    (row,) = convlab.bench(P, {"broken": broken}, directions="bwd_d", **QUICK)
    assert row["status"] == "FAILED" and "broken raised RuntimeError: nope" in row["reason"]


def test_declined_cases_are_skipped_rows_and_the_order_is_the_commands():
    rows = convlab.bench(["mb2ic8ih8oc8kh1", P], ["winograd_f2x3", "im2col_gemm"], directions=["fwd", "bwd_d"],
                         **QUICK)
    assert [(r["descriptor"], r["direction"], r["algorithm"]) for r in rows] == [
        (str(convlab.Problem(d)), dr, a) for d in ["mb2ic8ih8oc8kh1", str(P)] for dr in ["fwd", "bwd_d"]
        for a in ["winograd_f2x3", "im2col_gemm"]]
    assert rows[0]["status"] == "SKIPPED" and rows[0]["reason"].startswith("winograd_f2x3: ")
    assert rows[0]["time_ms_median"] is None


def test_thread_lists():
    rows = convlab.bench(P, "im2col_gemm", directions="fwd", threads=[1, 2], repetitions=1, min_time=0.005)
    assert [r["threads"] for r in rows] == [1, 2]


def test_google_benchmark_prints_nothing(capfd):
    convlab.bench(P, "im2col_gemm", directions="fwd", **QUICK)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown algorithm"):
        convlab.bench(P, "nope", **QUICK)
    with pytest.raises(TypeError, match="not an algorithm name nor a callable"):
        convlab.bench(P, {"x": 3}, **QUICK)
    with pytest.raises(ValueError, match="registered algorithm's name"):
        convlab.bench(P, {"naive": lambda x, w, b: x}, **QUICK)
    with pytest.raises(ValueError, match="repetitions"):
        convlab.bench(P, "naive", repetitions=0)
    with pytest.raises(ValueError):
        convlab.bench(P, "naive", directions="up", **QUICK)


def test_data_and_ftz_reach_the_rows_and_the_verdicts():
    rows = convlab.bench(P, "im2col_gemm", directions="fwd", data="relu", ftz=True, **QUICK)
    assert (rows[0]["data"], rows[0]["ftz"], rows[0]["status"]) == ("relu", "on", "PASSED")
    verdict = convlab.validate("im2col_gemm", P, "bwd_d", data="denormal:0.5", ftz="on")
    assert verdict.passed and verdict.data == "denormal:0.5" and verdict.ftz is True
    with pytest.raises(ValueError, match="data: got 'gauss'"):
        convlab.validate("im2col_gemm", P, "fwd", data="gauss")
    with pytest.raises(ValueError, match="ftz"):
        convlab.bench(P, "naive", ftz="yes", **QUICK)
    with pytest.raises(TypeError):
        convlab.validate("im2col_gemm", P, "fwd", ftz=1)


def test_rows_make_a_data_frame():
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(convlab.bench(P, "naive", directions="fwd", **QUICK))
    assert frame["time_ms_median"].dtype == np.float64 and frame.loc[0, "status"] == "PASSED"
