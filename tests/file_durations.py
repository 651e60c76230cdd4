"""Rewrite tests/file_durations.json, the seconds each test file took, from a pytest JUnit XML report.

    .venv/bin/python -m pytest -n 2 --junitxml=/tmp/suite.xml
    .venv/bin/python tests/file_durations.py /tmp/suite.xml

The root conftest.py hands pytest-xdist the longest files first (`--dist loadfile` keeps a file
on one process), so that both processes finish at about the same time.
"""

import json
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
TABLE = Path(__file__).with_name("file_durations.json")


def test_file(classname: str) -> str:
    """`tests.e2e.test_keyboard` or `plans.tests.test_x.TestClass` as the path of its file."""
    parts = classname.split(".")
    while parts:
        path = "/".join(parts) + ".py"
        if (BASE_DIR / path).is_file():
            return path
        parts.pop()
    raise ValueError(f"no test file for {classname}")


def file_durations(report: Path) -> dict[str, float]:
    seconds = defaultdict(float)
    for case in ET.parse(report).iter("testcase"):  # noqa: S314 (the report pytest wrote for this run)
        seconds[test_file(case.get("classname"))] += float(case.get("time", 0))
    return {path: round(total, 1) for path, total in sorted(seconds.items())}


if __name__ == "__main__":
    TABLE.write_text(json.dumps(file_durations(Path(sys.argv[1])), indent=1) + "\n", encoding="utf-8")
