"""Shared by the module's tests: paths of the build and the source tree."""

import os
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2]
GOLDEN = SOURCE / "tests" / "golden"
EXAMPLES = SOURCE / "examples"


@pytest.fixture(scope="session")
def convlab_executable():
    """The `convlab` command of the same build (set by ctest)."""
    path = os.environ.get("CONVLAB_EXECUTABLE")
    if not path:
        pytest.skip("CONVLAB_EXECUTABLE not set (ctest sets it)")
    return path
