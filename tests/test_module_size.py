"""Rooms with one job each: a module of queries, geodata, dashboard or a bench script grows past about 400 lines
only when its docstring says why it stays whole (a sentence with "stays whole")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MOST_LINES = 400


@pytest.mark.parametrize("package", ["queries", "geodata", "dashboard", "bench"])
def test_a_long_module_says_why_it_stays_whole(package):
    unexplained = []
    for path in sorted((ROOT / package).rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if len(text.splitlines()) > MOST_LINES and "stays whole" not in " ".join(docstring.split()):
            unexplained.append(f"{path.relative_to(ROOT)} ({len(text.splitlines())} lines)")
    assert not unexplained, f"split these, or say in the docstring why each stays whole: {', '.join(unexplained)}"
