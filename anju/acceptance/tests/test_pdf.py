"""The printable 竣工验收表: a PDF naming the household, each item's √ × ○ mark, the result and
the rectification a failure ordered."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from anju.acceptance import services
from anju.acceptance.pdf import acceptance_pdf
from anju.acceptance.tests.conftest import ago, all_pass, record_kwargs
from anju.accounts.models import User
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return "".join(text.split())


def test_the_form_names_the_household_and_marks_each_item(completed: RenovationCase, officers: Officers) -> None:
    acceptance = services.acceptance_record(
        acting_user=officers["township"],
        **record_kwargs(
            completed,
            results=all_pass(completed, walls="fail", light="na"),
            notes={"walls": "西山墙 <裂缝>"},
            rectification_due=ago(-20),
            rectification_requirements="拆除重砌西山墙。",
        ),
    )
    pdf = acceptance_pdf(acceptance)
    assert pdf.startswith(b"%PDF-")
    if path := os.environ.get("ACCEPTANCE_PDF_OUT"):  # to look at it: pdftoppm -png -r 60
        with open(path, "wb") as out:
            out.write(pdf)
    first_page = "".join(PdfReader(__import__("io").BytesIO(pdf)).pages[0].extract_text().split())
    assert completed.household.head_name in first_page
    text = text_of(pdf)
    assert "农村危房改造竣工验收表" in text
    assert "验收未通过" in text and "拆除重砌西山墙" in text and "西山墙<裂缝>" in text
    assert "√" in text and "×" in text and "○" in text
    assert "施工单位或工匠（签字）" in text and "张三、李四" in text


def test_the_pdf_is_served_to_the_region_only(
    client: Client, completed: RenovationCase, officers: Officers, make_user: Callable[..., User]
) -> None:
    from anju.accounts.choices import Role

    acceptance = services.acceptance_record(acting_user=officers["township"], **record_kwargs(completed))
    client.force_login(officers["clerk"])
    response = client.get(reverse("acceptance:pdf", args=[acceptance.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert completed.household.head_name in text_of(response.content)
    client.force_login(make_user("cq_county", "500243000000", Role.COUNTY_OFFICER))
    assert client.get(reverse("acceptance:pdf", args=[acceptance.pk])).status_code == 404
