"""Filing documents in a case's archive, withdrawing them, and the joint review: what is refused
says why in Chinese and leaves nothing behind; what blocks 销号 is listed by name."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.archives import selectors, services
from anju.archives.models import ArchiveDocument, ArchiveReview
from anju.archives.tests.conftest import Liaisons, fill, image_bytes, jpeg_file, pdf_bytes, pdf_file, png_file
from anju.audit.models import AuditEvent
from anju.cases import services as case_services
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def names(specs: list[dict[str, object]]) -> list[object]:
    return [s["name"] for s in specs]


def test_the_required_set_follows_the_method_and_whether_there_is_a_house(filed: RenovationCase) -> None:
    assert filed.method == "rebuild"
    rebuild = names(selectors.required_documents(filed))
    assert "宅基地审批或选址意见" in rebuild and "维修加固方案" not in rebuild
    assert "房屋安全性鉴定表" in rebuild
    filed.method = "repair"
    repair = names(selectors.required_documents(filed))
    assert "维修加固方案" in repair and "宅基地审批或选址意见" not in repair
    filed.method, filed.grade = "new_site", "N"
    houseless = names(selectors.required_documents(filed))
    assert "房屋安全性鉴定表" not in houseless and "宅基地审批或选址意见" in houseless


def test_it_files_a_jpeg_a_png_and_a_pdf_as_uploaded_with_their_hash(filed: RenovationCase, officers: Officers) -> None:
    clerk = officers["clerk"]
    photo = services.document_upload(acting_user=clerk, case=filed, code="photos_before", upload=jpeg_file(1))
    scan = services.document_upload(acting_user=clerk, case=filed, code="id_register", upload=png_file(2))
    upload = pdf_file(3)
    sent = upload.read()
    agreement = services.document_upload(acting_user=officers["township"], case=filed, code="agreement", upload=upload)
    assert (photo.content_type, scan.content_type, agreement.content_type) == (
        "image/jpeg",
        "image/png",
        "application/pdf",
    )
    assert agreement.pages == 3 and agreement.original_name == "agreement.pdf"
    assert photo.sha256 == hashlib.sha256(image_bytes(1)).hexdigest()
    with agreement.file.open("rb") as stored:
        assert stored.read() == sent  # the scan is kept byte for byte
    assert agreement.sha256 == hashlib.sha256(sent).hexdigest()
    assert agreement.file.name.startswith("archives/") and "agreement" not in agreement.file.name
    assert AuditEvent.objects.filter(object_type="archives.archivedocument", action="create").count() == 3
    assert "改造协议" not in names(selectors.missing_documents(filed))


def _encrypted_pdf() -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    import io

    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile("locked.pdf", out.getvalue(), content_type="application/pdf")


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (
            lambda: SimpleUploadedFile("协议.pdf", "这是一段文字，不是扫描件".encode(), content_type="application/pdf"),
            "agreement",
            "「协议.pdf」不是 PDF 文件（文件内容不是 PDF）",
        ),
        (
            lambda: SimpleUploadedFile("photo.jpg", pdf_bytes(1), content_type="image/jpeg"),
            "photos_after",
            "「photo.jpg」标明为图片，实际内容却是PDF",
        ),
        (
            lambda: SimpleUploadedFile("cut.pdf", pdf_bytes(2)[:700], content_type="application/pdf"),
            "agreement",
            "「cut.pdf」不是完整的 PDF 文件",
        ),
        (
            lambda: SimpleUploadedFile("cut.jpg", image_bytes(5, size=(400, 300))[:900], content_type="image/jpeg"),
            "photos_after",
            "「cut.jpg」不是可以打开的图片",
        ),
        (_encrypted_pdf, "agreement", "「locked.pdf」是加密（设有密码）的 PDF"),
        (
            lambda: SimpleUploadedFile(
                "big.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024), content_type="application/pdf"
            ),
            "agreement",
            "「big.pdf」过大（20.0 MB），单个文件不能超过 20 MB",
        ),
        (
            lambda: jpeg_file(7),
            "house_photos",
            "本户档案没有「house_photos」这一项。可用的材料类别：id_register（身份证及户口簿复印件）",
        ),
        (lambda: jpeg_file(8), "repair_plan", "本户档案没有「repair_plan」这一项"),  # a repair item, the case rebuilds
    ],
    ids=[
        "text-named-pdf",
        "pdf-declared-as-image",
        "truncated-pdf",
        "truncated-jpeg",
        "encrypted-pdf",
        "oversized",
        "unknown-code",
        "other-method",
    ],
)
def test_a_bad_upload_is_refused_with_its_reason_and_nothing_is_stored(
    filed: RenovationCase, officers: Officers, make: Callable[[], SimpleUploadedFile], code: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.document_upload(acting_user=officers["township"], case=filed, code=code, upload=make())
    assert message in " ".join(refused.value.messages)
    assert not ArchiveDocument.objects.exists()
    assert not AuditEvent.objects.filter(object_type="archives.archivedocument").exists()


def test_the_same_file_twice_is_refused_naming_where_it_already_is(filed: RenovationCase, officers: Officers) -> None:
    services.document_upload(acting_user=officers["clerk"], case=filed, code="photos_before", upload=jpeg_file(1))
    with pytest.raises(ValidationError) as refused:
        services.document_upload(
            acting_user=officers["clerk"], case=filed, code="photos_after", upload=jpeg_file(1, name="after.jpg")
        )
    assert "同一文件已归档在「改造前照片」下（photo.jpg" in refused.value.messages[0]
    assert ArchiveDocument.objects.count() == 1


def test_a_withdrawn_document_no_longer_counts_and_may_be_filed_again_elsewhere(
    filed: RenovationCase, officers: Officers
) -> None:
    wrong = services.document_upload(
        acting_user=officers["clerk"], case=filed, code="photos_before", upload=jpeg_file(1)
    )
    with pytest.raises(ValidationError, match="请说明撤回原因"):
        services.document_withdraw(acting_user=officers["township"], document=wrong, reason=" ")
    services.document_withdraw(acting_user=officers["township"], document=wrong, reason="放错类别，应为改造后照片")
    wrong.refresh_from_db()
    assert wrong.withdrawn_by == officers["township"] and wrong.withdraw_reason == "放错类别，应为改造后照片"
    assert "改造前照片" in names(selectors.missing_documents(filed))
    again = services.document_upload(
        acting_user=officers["clerk"], case=filed, code="photos_after", upload=jpeg_file(1)
    )
    assert again.pk != wrong.pk and ArchiveDocument.objects.count() == 2  # the withdrawn one is kept
    with pytest.raises(ValidationError, match=r"该材料已于 .* 撤回"):
        services.document_withdraw(acting_user=officers["county"], document=wrong, reason="再撤")


def test_a_village_clerk_withdraws_only_their_own_upload(
    filed: RenovationCase, officers: Officers, make_user: Callable[..., User]
) -> None:
    other_clerk = make_user("tl_clerk2", "140405102201", Role.VILLAGE_CLERK)
    document = services.document_upload(acting_user=officers["township"], case=filed, code="pledge", upload=png_file(3))
    with pytest.raises(PermissionDenied, match="村信息员只能撤回本人上传的材料"):
        services.document_withdraw(acting_user=other_clerk, document=document, reason="错了")
    own = services.document_upload(acting_user=other_clerk, case=filed, code="pledge", upload=png_file(4))
    services.document_withdraw(acting_user=other_clerk, document=own, reason="扫描不清")
    assert ArchiveDocument.objects.current().count() == 1


def test_uploads_need_a_working_role_in_the_region_and_a_case_not_ended(
    filed: RenovationCase, officers: Officers, liaisons: Liaisons, cq_county: User
) -> None:
    with pytest.raises(PermissionDenied, match="档案材料须由村信息员、乡镇建环办、区/县住建局上传"):
        services.document_upload(acting_user=liaisons["civil"], case=filed, code="pledge", upload=png_file(1))
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        services.document_upload(acting_user=cq_county, case=filed, code="pledge", upload=png_file(1))
    case_services.case_end(
        acting_user=officers["county"], case=filed, on=TODAY, reason="relatives", note="投靠子女，不再改造"
    )
    filed.refresh_from_db()
    with pytest.raises(ValidationError, match="该案件已终止，不能再上传档案材料"):
        services.document_upload(acting_user=officers["county"], case=filed, code="pledge", upload=png_file(1))
    assert not ArchiveDocument.objects.exists()


def test_the_close_blockers_name_the_missing_documents_and_the_missing_sign_offs(
    filed: RenovationCase, officers: Officers
) -> None:
    fill(filed, officers["township"], skip=("agreement", "photos_after"))
    assert selectors.case_close_blockers(filed) == [
        "一户一档缺少：改造协议、改造后照片",
        "民政部门尚未共同审定",
        "乡村振兴部门尚未共同审定",
    ]


def test_an_incomplete_archive_cannot_be_agreed_and_the_refusal_lists_what_is_missing(
    filed: RenovationCase, officers: Officers, liaisons: Liaisons
) -> None:
    fill(filed, officers["township"], skip=("payment_voucher",))
    with pytest.raises(ValidationError) as refused:
        services.archive_review(acting_user=liaisons["civil"], case=filed, agreed=True, opinion="", on=TODAY)
    assert refused.value.messages == ["档案尚不完整，不能审定同意。缺少：补助资金拨付凭证。"]
    with pytest.raises(ValidationError, match="不同意时请写明审定意见"):
        services.archive_review(acting_user=liaisons["civil"], case=filed, agreed=False, opinion=" ", on=TODAY)
    disagreed = services.archive_review(
        acting_user=liaisons["civil"], case=filed, agreed=False, opinion="缺拨付凭证", on=TODAY
    )
    assert not disagreed.agreed
    assert not ArchiveReview.objects.standing().exists()


def test_only_a_liaison_reviews_and_one_holding_both_roles_says_which(
    filed: RenovationCase, officers: Officers, liaisons: Liaisons, make_user: Callable[..., User]
) -> None:
    fill(filed, officers["township"])
    with pytest.raises(PermissionDenied, match="共同审定须由民政联络员或乡村振兴联络员办理"):
        services.archive_review(acting_user=officers["county"], case=filed, agreed=True, opinion="", on=TODAY)
    both = make_user("tl_both", "140405000000", Role.CIVIL_AFFAIRS, Role.RURAL_REVITALIZATION)
    with pytest.raises(ValidationError, match="请选择以哪个部门的名义审定"):
        services.archive_review(acting_user=both, case=filed, agreed=True, opinion="", on=TODAY)
    with pytest.raises(PermissionDenied, match="您不是乡村振兴联络员"):
        services.archive_review(
            acting_user=liaisons["civil"], case=filed, agreed=True, opinion="", on=TODAY, role="rural_revitalization"
        )
    review = services.archive_review(
        acting_user=both, case=filed, agreed=True, opinion="", on=TODAY, role="rural_revitalization"
    )
    assert review.get_role_display() == "乡村振兴部门"
    with pytest.raises(ValidationError, match=r"乡村振兴部门已于 .* 审定同意，不需要重复审定"):
        services.archive_review(acting_user=liaisons["rural"], case=filed, agreed=True, opinion="", on=TODAY)


def test_a_complete_archive_agreed_by_both_departments_no_longer_blocks_closing(
    filed: RenovationCase, officers: Officers, liaisons: Liaisons
) -> None:
    fill(filed, officers["clerk"])
    services.archive_review(
        acting_user=liaisons["civil"],
        case=filed,
        agreed=True,
        opinion="材料齐全",
        on=TODAY - datetime.timedelta(days=1),
    )
    assert selectors.case_close_blockers(filed) == ["乡村振兴部门尚未共同审定"]
    services.archive_review(acting_user=liaisons["rural"], case=filed, agreed=True, opinion="", on=TODAY)
    assert selectors.case_close_blockers(filed) == []
    blockers = case_services.close_blockers(filed)
    assert not any("一户一档" in b or "共同审定" in b for b in blockers)
    assert AuditEvent.objects.filter(object_type="archives.archivereview").count() == 2


def test_withdrawing_a_document_after_the_agreement_voids_it(
    filed: RenovationCase, officers: Officers, liaisons: Liaisons
) -> None:
    fill(filed, officers["township"])
    services.archive_review(acting_user=liaisons["civil"], case=filed, agreed=True, opinion="", on=TODAY)
    agreement = ArchiveDocument.objects.get(code="agreement")
    services.document_withdraw(acting_user=officers["county"], document=agreement, reason="协议未签字")
    review = ArchiveReview.objects.get()
    assert review.voided_at is not None and "须重新审定" in review.void_reason
    assert selectors.case_close_blockers(filed) == [
        "一户一档缺少：改造协议",
        "民政部门尚未共同审定",
        "乡村振兴部门尚未共同审定",
    ]


def test_a_review_date_cannot_be_in_the_future(filed: RenovationCase, officers: Officers, liaisons: Liaisons) -> None:
    with pytest.raises(ValidationError, match="审定日期不能晚于今天"):
        services.archive_review(
            acting_user=liaisons["civil"],
            case=filed,
            agreed=False,
            opinion="缺材料",
            on=TODAY + datetime.timedelta(days=1),
        )


def test_a_case_stays_open_to_uploads_from_its_discovery(case: RenovationCase, officers: Officers) -> None:
    assert case.stage == Stage.FOUND and not case.archive_no
    document = services.document_upload(
        acting_user=officers["clerk"], case=case, code="application", upload=png_file(9)
    )
    assert document.code == "application"
    assert "农户申请书" not in names(selectors.missing_documents(case))
