"""Every ``type: ignore`` names the error codes it silences and says why, on the same line:
``# type: ignore[attr-defined]  # django-stubs: reverse relation added at runtime``.

mypy's ``ignore-without-code`` catches a bare ignore; this catches one without a reason."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCANNED = ("anju", "tests", "bench", "scripts")
IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<codes>\[[^\]]*\])?(?P<rest>.*)$")
# After the codes: two spaces or more, "#", then words that are not another "type:" comment.
REASON = re.compile(r"^\s+#\s*(?!type:)\S.*\w")
CODES = re.compile(r"^\[[a-z-]+(,\s*[a-z-]+)*\]$")


def python_files() -> list[Path]:
    files = [ROOT / "conftest.py"]
    for folder in SCANNED:
        files += sorted(p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts)
    return files


def bad_ignores(source: str, name: str) -> list[str]:
    """name:line and what is missing, for each ``type: ignore`` comment without codes or a reason."""
    problems = []
    # Comments only: a docstring or string that mentions "type: ignore" is not one.
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        found = IGNORE.search(token.string)
        if found is None:
            continue
        where = f"{name}:{token.start[0]}"
        codes = found.group("codes")
        if codes is None or not CODES.match(codes):
            problems.append(f"{where}: no error code in {token.string!r}")
        elif not REASON.match(found.group("rest")):
            problems.append(f"{where}: no reason after {token.string!r}")
    return problems


def test_every_type_ignore_names_its_codes_and_a_reason() -> None:
    problems = [
        problem
        for path in python_files()
        for problem in bad_ignores(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert not problems, "type: ignore without [code] or '# reason':\n" + "\n".join(problems)


def test_the_check_catches_a_bare_ignore_one_without_a_reason_and_a_doubled_one() -> None:
    sample = (
        "a = 1  # type: ignore\n"
        "b = 2  # type: ignore[assignment]\n"
        "c = 3  # type: ignore[misc]  # type: ignore[misc]\n"
        "d = 4  # type: ignore[attr-defined]  # django-stubs: added at runtime\n"
        'e = "# type: ignore"\n'
    )
    assert bad_ignores(sample, "sample.py") == [
        "sample.py:1: no error code in '# type: ignore'",
        "sample.py:2: no reason after '# type: ignore[assignment]'",
        "sample.py:3: no reason after '# type: ignore[misc]  # type: ignore[misc]'",
    ]
