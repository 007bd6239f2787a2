"""Refusals around a case are audited (issue 6, "Bad input"): what was tried, by whom, and why it
was refused — and nothing of it is written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.acceptance.services import acceptance_record
from anju.archives.models import ArchiveDocument
from anju.archives.services import document_upload
from anju.audit.models import AuditEvent
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers, ago, walk
from anju.subsidies.models import Payment
from anju.subsidies.services import payment_record

pytestmark = pytest.mark.django_db


def refusals(case: RenovationCase) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(case.pk), action="refused", object_type="cases.renovationcase")
        .order_by("pk")
        .values_list("note", flat=True)
    )


def test_a_payment_above_the_standard_is_refused_and_audited(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.UNDER_WAY)
    with pytest.raises(ValidationError):
        payment_record(
            acting_user=officers["county"],
            case=case,
            amount=30000,
            paid_on=ago(30),
            payee_kind="builder",
            voucher_no="BZ-1",
            consent_note="同意书",
            consent_on=ago(31),
            builder_account="6217000011112222",
        )
    assert not Payment.objects.exists()
    [note] = refusals(case)
    assert note.startswith("拨付补助资金：") and "21,000" in note


def test_an_upload_that_is_not_what_it_claims_is_refused_and_audited(case: RenovationCase, officers: Officers) -> None:
    fake = SimpleUploadedFile("申请书.pdf", b"this is a text file", content_type="application/pdf")
    with pytest.raises(ValidationError):
        document_upload(acting_user=officers["township"], case=case, code="application", upload=fake)
    assert not ArchiveDocument.objects.exists()
    [note] = refusals(case)
    assert note.startswith("上传档案材料：")


def test_an_acceptance_before_completion_is_refused_and_audited(case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.UNDER_WAY)
    with pytest.raises(ValidationError):
        acceptance_record(
            acting_user=officers["township"],
            case=case,
            on=ago(1),
            results={},
            notes=None,
            post_grade="A",
            household_agrees=True,
            household_opinion="",
            builder_name="李师傅",
            officer_names="郭",
        )
    [note] = refusals(case)
    assert note.startswith("竣工验收：") and "改造中" in note
