"""No service function over 60 lines (issue 16): a service should read as a short story of named
steps — validation, checks, writes, audit — so a reader sees what it does before how."""

from __future__ import annotations

import ast
from pathlib import Path

LIMIT = 60
ANJU = Path(__file__).resolve().parents[2]


def service_files() -> list[Path]:
    return sorted([*ANJU.glob("*/services.py"), *ANJU.glob("*/services/*.py")])


def long_functions(path: Path) -> list[str]:
    """Every function in ``path`` longer than the limit, from its ``def`` to its last line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(ANJU.parent)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > LIMIT
    ]


def test_the_services_are_found() -> None:
    names = {p.parent.name for p in service_files()}
    assert {"cases", "reporting", "supervision", "acceptance"} <= names


def test_no_service_function_is_longer_than_60_lines() -> None:
    too_long = [line for path in service_files() for line in long_functions(path)]
    assert not too_long, f"service functions longer than {LIMIT} lines:\n" + "\n".join(too_long)
