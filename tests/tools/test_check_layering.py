#!/usr/bin/env python3
"""The layering check finds an include across a wall, and the tree has none."""
import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import check_layering  # noqa: E402


def planted_tree(root: pathlib.Path):
    (root / "harness" / "io").mkdir(parents=True)
    (root / "harness" / "run").mkdir(parents=True)
    (root / "harness" / "io" / "csv.cpp").write_text('#include "harness/io/csv.hpp"\n#include "harness/run/x.hpp"\n')
    (root / "harness" / "run" / "x.cpp").write_text('#include "harness/io/csv.hpp"\n#include "algorithms/problem.hpp"\n')


def main():
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        planted_tree(root)
        found = check_layering.violations(root)
        assert found == ["harness/io/csv.cpp: io includes harness/run/x.hpp (run)"], found
    source = pathlib.Path(__file__).resolve().parents[2]
    found = check_layering.violations(source)
    assert not found, "\n".join(found)
    print("layering: clean, and a planted violation is found")


if __name__ == "__main__":
    main()
