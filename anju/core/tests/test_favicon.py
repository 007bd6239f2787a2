"""Browsers ask for /favicon.ico on every page: it is answered, not a 404 in every log."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.test import Client


def test_it_sends_the_browser_to_the_static_icon(client: Client) -> None:
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith("anju/favicon.ico")
    assert finders.find("anju/favicon.ico")
