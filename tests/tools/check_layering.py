#!/usr/bin/env python3
"""The walls between the harness's rooms, checked on every include.

Each room is a static library (CMakeLists.txt); a static library does not
refuse an include across a wall at link time, so this reads every
`#include "..."` under algorithms/, harness/, python/ and crosscheck/ and fails
on one that points the wrong way:

    algorithms   <- io <- verify, measure <- run <- analysis <- cli, python

Usage: check_layering.py [SOURCE_DIR]   (exit 0 clean, 1 with the offending lines)
"""
import pathlib
import re
import sys

# Which rooms each room may include (itself always).
ALLOWED = {
    "algorithms": set(),
    "io": {"algorithms"},
    "verify": {"algorithms", "io"},
    "measure": {"algorithms", "io"},
    "run": {"algorithms", "io", "verify", "measure"},
    "analysis": {"algorithms", "io", "verify", "measure", "run"},
    "cli": {"algorithms", "io", "verify", "measure", "run", "analysis"},
    "python": {"algorithms", "io", "verify", "measure", "run", "analysis"},
    "crosscheck": {"algorithms"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def room_of(path: str):
    """The room of a source path relative to the root, or None outside them."""
    parts = pathlib.PurePosixPath(path).parts
    if not parts:
        return None
    if parts[0] == "harness" and len(parts) > 1:
        return parts[1] if parts[1] in ALLOWED else None
    return parts[0] if parts[0] in ALLOWED else None


def violations(root: pathlib.Path):
    found = []
    for top in ("algorithms", "harness", "python", "crosscheck"):
        for source in sorted((root / top).rglob("*")):
            if source.suffix not in (".cpp", ".hpp"):
                continue
            here = room_of(source.relative_to(root).as_posix())
            for target in INCLUDE.findall(source.read_text()):
                there = room_of(target)
                if there is None or there == here:
                    continue
                if there not in ALLOWED[here]:
                    found.append(f"{source.relative_to(root)}: {here} includes {target} ({there})")
    return found


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2])
    found = violations(root)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} include(s) across a wall; see the order in {pathlib.Path(__file__).name}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
