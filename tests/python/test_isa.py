"""convlab.set_isa(): the process's ISA cap from Python, as `--isa` (docs/isa.md).
The cap is one per process, so each test runs in an interpreter of its own."""

import os
import subprocess
import sys

import pytest

P = "mb1ic16ih8oc16kh3ph1"


def has_avx512():
    with open("/proc/cpuinfo") as f:
        flags = f.read()
    return all(flag in flags for flag in ("avx512f", "avx512vl", "avx512bw", "avx512dq"))


def run(script):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    env.pop("CONVLAB_ISA", None)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.skipif(not has_avx512(), reason="an AVX2 cap changes nothing on a CPU without AVX-512")
def test_under_avx2_bench_rows_name_avx2_kernels_and_a_second_cap_is_refused():
    lines = run("import convlab\n"
                "print(convlab.isa())\n"
                "convlab.set_isa('avx2')\n"
                f"rows = convlab.bench('{P}', ['direct', 'onednn_native'], directions='fwd', threads=1,\n"
                "                     repetitions=1, min_time=0.001)\n"
                "for r in rows: print(r['algorithm'], r['isa'], r['status'], r['implementation'])\n"
                "try:\n"
                "    convlab.set_isa('native')\n"
                "except ValueError as e:\n"
                "    print(e)\n")
    assert lines[0] == "native"
    direct, onednn = lines[1].split(" ", 3), lines[2].split(" ", 3)
    assert direct[:3] == ["direct", "avx2", "PASSED"] and direct[3].startswith("avx2"), lines
    assert onednn[:3] == ["onednn_native", "avx2", "PASSED"] and "avx2" in onednn[3], lines
    assert "avx512" not in onednn[3], lines
    assert lines[3].startswith("isa: got 'native', expected avx2, the cap this process's libraries already run at")


def test_a_bad_isa_is_a_value_error():
    lines = run("import convlab\n"
                "try:\n"
                "    convlab.set_isa('avx1024')\n"
                "except ValueError as e:\n"
                "    print(e)\n")
    assert lines == ["isa: got 'avx1024', expected avx2, avx512 or native"]
