"""The forms anju prints itself go into the archive by themselves (issue 17, ADR 0029): opening a
case files the house's 鉴定表, a re-appraisal replaces it (the old one kept in the history), the
acceptance files its 竣工验收表 and each payment a new 拨付凭证; a generated document cannot be
withdrawn by hand, and the archive's count of items present rises with each act."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from anju.acceptance.services import acceptance_record
from anju.acceptance.tests.conftest import record_kwargs
from anju.accounts.models import User
from anju.appraisals.documents import appraisal_form, latest_appraisal
from anju.appraisals.tests.conftest import DibaoHome
from anju.archives import selectors
from anju.archives.models import ArchiveDocument
from anju.archives.services import document_withdraw
from anju.cases import services as case_services
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers
from anju.households.models import Household
from anju.inspections.tests.images import jpeg
from anju.kit.documents import document_changed
from anju.subsidies.services import payment_record
from tests.scenarios.conftest import OnCommit, ago, appraise, walk

pytestmark = pytest.mark.django_db


def current(case: RenovationCase, code: str) -> list[ArchiveDocument]:
    return list(ArchiveDocument.objects.current().filter(case=case, code=code))


def pdf_text(document: ArchiveDocument) -> str:
    with document.file.open("rb") as handle:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def page_of(user: User, case: RenovationCase) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/archives/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def opened(covered_home: DibaoHome, officers: Officers, on_commit: OnCommit) -> RenovationCase:
    with on_commit():
        return case_services.case_open(acting_user=officers["clerk"], household=covered_home["household"], on=ago(60))


def test_it_files_the_appraisal_form_when_the_case_opens(opened: RenovationCase, officers: Officers) -> None:
    [form] = current(opened, "appraisal_form")
    assert form.is_generated and form.is_pdf
    assert form.source_label.startswith(f"鉴定 {ago(90):%Y-%m-%d}（D 级")
    assert "农村住房安全性鉴定表" in pdf_text(form)
    page = page_of(officers["township"], opened)
    assert "系统生成" in page and form.source_label in page
    assert "房屋安全性鉴定表" not in ", ".join(selectors.missing_documents(opened)[i]["name"] for i in range(0))
    assert "房屋安全性鉴定表" not in [s["name"] for s in selectors.missing_documents(opened)]


def test_a_reappraisal_replaces_the_form_and_keeps_the_old_one(
    opened: RenovationCase, appraiser: User, covered_home: DibaoHome, officers: Officers, on_commit: OnCommit
) -> None:
    [first] = current(opened, "appraisal_form")
    with on_commit():
        appraise(appraiser, covered_home["house"], ago(30), photos=[jpeg("wall.jpg", taken="2026:11:30 09:15:00")])
    [second] = current(opened, "appraisal_form")
    assert second.pk != first.pk and second.source != first.source
    assert second.source_label.startswith(f"鉴定 {ago(30):%Y-%m-%d}")
    first.refresh_from_db()
    assert first.is_withdrawn and first.withdraw_reason.startswith("已重新生成")
    assert first.file.storage.exists(first.file.name), "the old version's file is kept"
    history = page_of(officers["township"], opened).split('data-testid="archive-history"')[1]
    assert first.shown_name in history and first.source_label in history
    # The new form carries the appraisal's site photo with the date it was taken.
    assert "鉴定现场照片" in pdf_text(second) and "拍摄于 2026-11-30 09:15" in pdf_text(second)


def test_the_same_version_told_twice_is_filed_once(opened: RenovationCase, officers: Officers) -> None:
    [form] = current(opened, "appraisal_form")
    appraisal = latest_appraisal(opened.house_id or 0)
    assert appraisal is not None
    document_changed.send(sender=None, document=appraisal_form(appraisal), acting_user=officers["township"])
    assert current(opened, "appraisal_form") == [form]
    assert ArchiveDocument.objects.filter(case=opened).count() == 1


def test_a_late_entry_of_an_older_appraisal_changes_nothing(
    opened: RenovationCase, appraiser: User, covered_home: DibaoHome, on_commit: OnCommit
) -> None:
    [form] = current(opened, "appraisal_form")
    with on_commit():
        appraise(appraiser, covered_home["house"], ago(120))
    assert current(opened, "appraisal_form") == [form]


def test_a_generated_document_cannot_be_withdrawn_by_hand(opened: RenovationCase, officers: Officers) -> None:
    [form] = current(opened, "appraisal_form")
    with pytest.raises(ValidationError, match="系统生成的材料"):
        document_withdraw(acting_user=officers["county"], document=form, reason="放错类别")
    assert current(opened, "appraisal_form") == [form]
    page = page_of(officers["county"], opened)
    assert f'action="/archives/documents/{form.pk}/withdraw/"' not in page
    client = Client()
    client.force_login(officers["county"])
    url = reverse("api:archivedocument-withdraw", args=[form.pk])
    response = client.post(url, {"reason": "放错类别"})
    assert response.status_code == 400
    assert "系统生成" in response.content.decode()


def test_acceptance_and_payments_file_their_forms_and_the_count_rises(
    opened: RenovationCase, officers: Officers, on_commit: OnCommit
) -> None:
    required = len(selectors.required_documents(opened))
    assert len(selectors.missing_documents(opened)) == required - 1  # the 鉴定表 only
    walk(opened, officers, Stage.COMPLETED)
    opened.refresh_from_db()
    with on_commit():
        acceptance_record(acting_user=officers["township"], **record_kwargs(opened))
    [form] = current(opened, "acceptance_form")
    assert form.is_generated and "农村危房改造竣工验收表" in pdf_text(form)
    assert len(selectors.missing_documents(opened)) == required - 2
    Household.objects.filter(pk=opened.household_id).update(bank_account="6228480012345678901")
    opened.refresh_from_db()
    for n, (amount, on) in enumerate((("10000", ago(9)), ("5000", ago(8))), start=1):
        with on_commit():
            payment_record(
                acting_user=officers["county"],
                case=opened,
                amount=amount,
                paid_on=on,
                payee_kind="household",
                voucher_no=f"BZ-{n}",
            )
    [voucher] = current(opened, "payment_voucher")
    text = pdf_text(voucher)
    assert "补助资金拨付凭证" in text and "BZ-1" in text and "BZ-2" in text and "15,000" in text
    assert "6228480012345678901" not in text  # the account is masked on paper
    assert ArchiveDocument.objects.filter(case=opened, code="payment_voucher", withdrawn_at__isnull=False).count() == 1
    assert len(selectors.missing_documents(opened)) == required - 3
    listed = selectors.archives_visible(officers["county"], {}).qs.get(pk=opened.pk)
    assert (listed.docs_required, listed.docs_present) == (required, 3)
