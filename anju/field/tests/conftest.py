"""Fixtures for the offline field app: the national configuration, a case under way on a located
house (from the photo-check scenarios) and a helper that posts one queued record as the phone does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from anju.appraisals.services import ensure_national_template
from anju.cases.services import ensure_national_policy
from anju.eligibility.services import ensure_national_rule_set

Send = Callable[..., Any]


@pytest.fixture(autouse=True)
def national_configuration(db: None) -> None:
    ensure_national_template()
    ensure_national_rule_set()
    ensure_national_policy()


def sender(client: Client) -> Send:
    def send(kind: str, key: str, photos: list[SimpleUploadedFile] | tuple[()] = (), **fields: Any) -> Any:
        for photo in photos:
            photo.seek(0)
        return client.post(reverse("field:sync"), {"kind": kind, "key": key, "photos": list(photos), **fields})

    return send
