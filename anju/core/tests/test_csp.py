"""The Content-Security-Policy (issue 21): sent on every page, strict, and the templates keep to it.

tests/browser/test_csp.py walks the main pages in Chromium with the policy on.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from anju.accounts.models import User

ANJU = Path(__file__).resolve().parents[2]


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


@pytest.mark.django_db
def test_a_page_carries_a_strict_policy(client: Client, tl_township: User) -> None:
    client.force_login(tl_township)
    response = client.get(reverse("home:home"))
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]  # no key configured: no tile host
    for words in policy.values():
        assert "'unsafe-inline'" not in words and "'unsafe-eval'" not in words


@pytest.mark.django_db
def test_the_login_page_and_the_api_carry_it_too(client: Client) -> None:
    login = client.get(reverse("accounts:login"))
    assert "script-src 'self'" in login["Content-Security-Policy"]
    api = client.get("/api/regions/")
    assert "Content-Security-Policy" in api


def test_a_tianditu_key_lets_the_tiles_in() -> None:
    env = {**os.environ, "ANJU_TIANDITU_KEY": "k", "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "anju.settings"}
    code = (
        "from django.conf import settings; print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out[:3] == ["'self'", "data:", "blob:"]
    assert out[3:] == [f"https://t{n}.tianditu.gov.cn" for n in range(8)]


# What the policy refuses, written into a template: inline handlers, javascript: URLs, inline
# script (a <script> without src; JSON data blocks are not run, so they are allowed), style=""
# attributes and <style> blocks.
FORBIDDEN = {
    "inline event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "inline <script>": re.compile(
        r"<script(?![^>]*\s(src|type=\"application/(ld\+)?json\")[\s=>])[^>]*>", re.IGNORECASE
    ),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "<style> block": re.compile(r"<style[\s>]", re.IGNORECASE),
    "htmx code attribute": re.compile(r"\shx-(on|vars)[:=-]|js:", re.IGNORECASE),
}


COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)


def without_comments(text: str) -> str:
    """Template comments blanked out, line breaks kept (so line numbers stay right)."""
    return COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def test_no_template_needs_unsafe_inline() -> None:
    found = [
        f"{path.relative_to(ANJU)}:{text[: match.start()].count(chr(10)) + 1}: {name}"
        for path in sorted(ANJU.rglob("*.html"))
        if "vendor" not in path.parts
        for text in [without_comments(path.read_text(encoding="utf-8"))]
        for name, pattern in FORBIDDEN.items()
        for match in pattern.finditer(text)
    ]
    assert not found, "\n".join(found)


def test_the_guard_sees_what_it_guards() -> None:
    bad = [
        '<select onchange="this.form.submit()">',
        '<a href="javascript:history.back()">',
        "<script>alert(1)</script>",
        '<div class="x" style="width: 10%">',
        "<style>p {}</style>",
        '<button hx-on:click="x()">',
    ]
    for snippet in bad:
        assert any(p.search(snippet) for p in FORBIDDEN.values()), snippet
    good = [
        '<script src="/static/a.js" defer></script>',
        '<script id="map-config" type="application/json">{}</script>',
        '<select data-autosubmit name="year">',
        '<a class="btn" href="/x/" data-history-back>',
    ]
    for snippet in good:
        assert not any(p.search(snippet) for p in FORBIDDEN.values()), snippet
