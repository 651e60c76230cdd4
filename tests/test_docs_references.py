"""Every file, module and function that the Markdown documentation names in backticks still exists.

Documentation drifts when code is renamed (the README once named `metrics.trends.export_rows` long
after that module became `metrics/exports.py`). This reads every tracked Markdown file, takes each
`code span`, and checks the ones that name a project path, a project module or an object in one.
"""

import importlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = {"omaolo_portal", "api", "followup", "metrics", "processes", "regions", "common", "tests"}
CODE_SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
DOTTED = re.compile(r"^[a-z_][a-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
PATH = re.compile(r"^\.?[\w-]+(/[\w.-]+)*/?$")
FILE_AND_NAME = re.compile(r"^(?P<path>[\w/.-]+\.py): (?P<name>[A-Za-z_]\w*)$")
FILE_SUFFIXES = (".py", ".md", ".csv", ".txt", ".ini", ".toml", ".html", ".css", ".js", ".po", ".cfg")
# Permission names (`app_label.codename`) share the dotted form but are no Python objects.
PERMISSION = re.compile(r"^[a-z_]+\.(add|change|delete|view|import)_[a-z]+$")


def _project_files(*patterns: str) -> list[str]:
    """The files git tracks, and the new ones it does not ignore."""
    listed = subprocess.run(
        [shutil.which("git"), "ls-files", "--cached", "--others", "--exclude-standard", *patterns],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sorted(name for name in listed if (ROOT / name).exists())


def _markdown_files():
    return _project_files("*.md")


def _tracked_basenames():
    return {Path(name).name for name in _project_files()}


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def _defines(path: Path, name: str) -> bool:
    text = path.read_text(encoding="utf-8")
    return re.search(rf"^\s*(def|class|async def) {name}\b|^{name}\s*[:=]", text, re.MULTILINE) is not None


def broken_references(span: str, basenames: set[str]) -> str | None:
    """Why `span` names something that does not exist, or None when it exists or names no code."""
    if match := FILE_AND_NAME.match(span):
        path = ROOT / match["path"]
        if not path.exists():
            return f"no file {match['path']}"
        return None if _defines(path, match["name"]) else f"{match['path']} defines no {match['name']}"
    if DOTTED.match(span) and span.split(".")[0] in PROJECT_PACKAGES and not PERMISSION.match(span):
        if span.endswith(FILE_SUFFIXES):
            return None if (ROOT / span).exists() or Path(span).name in basenames else f"no file {span}"
        return None if _resolves(span) else f"{span} does not import"
    if PATH.match(span) and "/" in span.rstrip("/"):
        top = span.split("/")[0]
        if (ROOT / top).exists() and top not in {"media", "staticfiles", ".venv"}:
            return None if (ROOT / span).exists() else f"no path {span}"
        return None
    if "/" not in span and span.endswith(FILE_SUFFIXES) and re.fullmatch(r"\w[\w.-]*", span):
        return None if span in basenames else f"no file named {span}"
    return None


def test_every_named_file_module_and_function_exists():
    basenames = _tracked_basenames()
    problems = []
    for name in _markdown_files():
        text = (ROOT / name).read_text(encoding="utf-8")
        # Code blocks are examples, not references; they keep their lines so that numbers stay true.
        text = re.sub(r"^```.*?^```", lambda block: "\n" * block[0].count("\n"), text, flags=re.MULTILINE | re.DOTALL)
        for number, line in enumerate(text.splitlines(), start=1):
            for span in CODE_SPAN.findall(line):
                if reason := broken_references(span.strip(), basenames):
                    problems.append(f"{name}:{number}: `{span}`: {reason}")
    assert problems == []


@pytest.mark.parametrize(
    ("span", "broken"),
    [
        ("metrics.trends.export_rows", True),
        ("metrics.exports.export_rows", False),
        ("metrics/decline.py: decline_report", False),
        ("metrics/decline.py: no_such_rule", True),
        ("processes/no_such_module.py", True),
        ("processes/models/", False),
        ("processes.change_processdescription", False),
        ("no_such_file.py", True),
        ("/fi/processes/", False),
    ],
)
def test_a_renamed_name_is_reported(span, broken):
    assert (broken_references(span, _tracked_basenames()) is not None) is broken
