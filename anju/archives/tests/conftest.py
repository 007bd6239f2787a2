"""Fixtures for the archive: a filed case (渔泽镇, 拆除重建, with its archive number), the two
liaisons who review it, and real files made on the spot (JPEG, PNG, PDF) to upload."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TypedDict

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome, appraiser, dibao_home  # noqa: F401
from anju.archives import selectors, services
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers, case, covered_home, officers, tl_head, walk  # noqa: F401


def image_bytes(n: int = 0, fmt: str = "JPEG", size: tuple[int, int] = (64, 48)) -> bytes:
    """A real image; a different ``n`` gives different bytes (so no two count as the same file)."""
    picture = Image.new("RGB", size, ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256))
    out = io.BytesIO()
    picture.save(out, fmt)
    return out.getvalue()


def jpeg_file(n: int = 0, name: str = "photo.jpg", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(n, "JPEG", size), content_type="image/jpeg")


def png_file(n: int = 0, name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(n, "PNG"), content_type="image/png")


def pdf_bytes(pages: int = 2, label: str = "UPLOADED") -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    for number in range(1, pages + 1):
        canvas.drawString(72, 720, f"{label} PAGE {number}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def pdf_file(pages: int = 2, name: str = "agreement.pdf", label: str = "UPLOADED") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(pages, label), content_type="application/pdf")


def fill(target: RenovationCase, user: User, *, skip: tuple[str, ...] = ()) -> None:
    """Upload one distinct image for every required item of ``target`` except ``skip``."""
    for n, spec in enumerate(selectors.required_documents(target), start=100):
        if spec["code"] not in skip:
            services.document_upload(acting_user=user, case=target, code=spec["code"], upload=png_file(n))


@pytest.fixture
def filed(case: RenovationCase, officers: Officers) -> RenovationCase:  # noqa: F811
    """The case after 建档: archive number assigned, method 拆除重建."""
    return walk(case, officers, to=Stage.FILED)


class Liaisons(TypedDict):
    civil: User
    rural: User


@pytest.fixture
def liaisons(covered_home: DibaoHome, make_user: Callable[..., User]) -> Liaisons:  # noqa: F811
    """民政 (made with the household's 低保 status) and 乡村振兴 liaisons of 屯留区."""
    return {"civil": covered_home["civil"], "rural": make_user("tl_rural", "140405000000", Role.RURAL_REVITALIZATION)}


@pytest.fixture
def cq_county(make_user: Callable[..., User]) -> User:
    return make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)
