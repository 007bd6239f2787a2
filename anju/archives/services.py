"""Writes of the one-household archive: filing a document under a required item, withdrawing a
wrong one, and the joint review (共同审定). Each checks the actor's role and region and the
case's state, writes and audits in one transaction, or refuses in Chinese and changes nothing."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.archives import selectors
from anju.archives.files import EXTENSIONS, check_upload
from anju.archives.models import ArchiveDocument, ArchiveReview, ReviewRole
from anju.archives.permissions import UPLOAD_ROLES, WITHDRAW_ROLES, review_roles_of
from anju.archives.photos import archive_photo_check
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, refusals_audited
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.core.scoping import in_scope
from anju.kit.documents import GeneratedDocument
from anju.photochecks.services import device_position

Device = tuple[Any, Any]


def _check_uploader(acting_user: User, case: RenovationCase) -> None:
    if not (acting_user.is_superuser or acting_user.has_role(*UPLOAD_ROLES)):
        labels = "、".join(Role(r).label for r in UPLOAD_ROLES)
        raise PermissionDenied(f"档案材料须由{labels}上传。")
    if not in_scope(acting_user, case.region_code):
        raise PermissionDenied("该案件不在您的管辖范围内。")
    if case.stage == Stage.ENDED:
        raise ValidationError("该案件已终止，不能再上传档案材料。")


def _item_spec(case: RenovationCase, code: str) -> dict[str, Any]:
    """The required item ``code`` of the case's archive, or the refusal listing the items."""
    specs = {s["code"]: s for s in selectors.required_documents(case)}
    if code not in specs:
        listed = "、".join(f"{c}（{s['name']}）" for c, s in specs.items())
        raise ValidationError({"code": f"本户档案没有「{code or '（空）'}」这一项。可用的材料类别：{listed}。"})
    return specs[code]


def _refuse_duplicate(case: RenovationCase, sha256: str) -> None:
    same = (
        ArchiveDocument.objects.current()
        .filter(case=case, sha256=sha256)
        .only("code", "original_name", "uploaded_at")
        .first()
    )
    if same is not None:
        raise ValidationError(_duplicate_message(case, same))


def _audited_fields(document: ArchiveDocument) -> dict[str, Any]:
    """An upload's audit row keeps what identifies the file; a generated one says what it was
    printed from (its item is in the note, its hash on the document)."""
    if document.is_generated:
        values: dict[str, Any] = {"source_label": document.source_label, "pages": document.pages}
    else:
        values = {k: getattr(document, k) for k in ("code", "original_name", "sha256", "size")}
    return {k: {"before": None, "after": v} for k, v in values.items()}


def _save_document(acting_user: User, document: ArchiveDocument, note: str, device: Device = (None, None)) -> None:
    """Save the document and its audit row, and check it when it is a house photo (ADR 0047);
    the stored file is removed when that fails, and a second upload of the same file at once is
    refused like any duplicate."""
    try:
        with transaction.atomic():
            document.save()
            audit_record(
                actor=acting_user, action=AuditAction.CREATE, obj=document, changes=_audited_fields(document), note=note
            )
            archive_photo_check(acting_user=acting_user, document=document, device=device)
    except IntegrityError as exc:
        document.file.delete(save=False)
        same = ArchiveDocument.objects.current().filter(case=document.case, sha256=document.sha256).first()
        if same is None:
            raise
        raise ValidationError(_duplicate_message(document.case, same)) from exc
    except BaseException:
        document.file.delete(save=False)
        raise


@refusals_audited("上传档案材料")
def document_upload(
    *, acting_user: User, case: RenovationCase, code: str, upload: Any, device: Device = (None, None)
) -> ArchiveDocument:
    """File one scan or photo in ``case``'s archive under the required item ``code``. The file is
    checked by its content (JPEG/PNG that opens, or a readable unencrypted PDF, at most 20 MB) and
    stored as uploaded; the same file already filed in this archive is refused. A house photo is
    checked against the house with ``device``, the phone's position sent with it."""
    _check_uploader(acting_user, case)
    spec = _item_spec(case, code)
    position = device_position(*device)
    if upload is None:
        raise ValidationError({"file": "请选择要上传的文件。"})
    checked = check_upload(upload)
    _refuse_duplicate(case, checked.sha256)
    original = str(getattr(upload, "name", "") or "文件").replace("\\", "/").rsplit("/", 1)[-1][:200]
    document = ArchiveDocument(
        case=case,
        code=code,
        original_name=original,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        pages=checked.pages,
        uploaded_by=acting_user,
    )
    # The stored name says nothing of the household (paths show up in backups and logs).
    document.file.save(f"{uuid.uuid4().hex}{EXTENSIONS[checked.content_type]}", ContentFile(checked.data), save=False)
    _save_document(acting_user, document, f"一户一档上传「{spec['name']}」", position)
    return document


def _batch_errors(case: RenovationCase, uploads: list[Any]) -> tuple[list[str], list[tuple[str, Any]]]:
    """Each file checked by its content; the refusals (each naming its file) and the checked files."""
    errors: list[str] = []
    checked: list[tuple[str, Any]] = []
    seen: dict[str, str] = {}
    for upload in uploads:
        name = str(getattr(upload, "name", "") or "文件").replace("\\", "/").rsplit("/", 1)[-1][:200]
        try:
            result = check_upload(upload)
            _refuse_duplicate(case, result.sha256)
        except ValidationError as exc:
            errors += [m if f"「{name}」" in m else f"「{name}」：{m}" for m in exc.messages]
            continue
        if result.sha256 in seen:
            errors.append(f"「{name}」与「{seen[result.sha256]}」是同一个文件，只需上传一份。")
            continue
        seen[result.sha256] = name
        checked.append((name, result))
    return errors, checked


@refusals_audited("上传档案材料")
def documents_upload(
    *, acting_user: User, case: RenovationCase, code: str, uploads: list[Any], device: Device = (None, None)
) -> list[ArchiveDocument]:
    """File several scans or photos at once under the item ``code``: each is checked like one
    upload (``document_upload``), and either all are filed or — if any is refused — none, with a
    Chinese message naming every refused file. One audit row per document filed."""
    _check_uploader(acting_user, case)
    spec = _item_spec(case, code)
    position = device_position(*device)
    if not uploads:
        raise ValidationError({"file": "请选择要上传的文件。可一次选择多个文件。"})
    errors, checked = _batch_errors(case, uploads)
    if errors:
        head = f"所选 {len(uploads)} 个文件中有 {len(errors)} 处问题，本次未上传任何文件，请改正后重新选择全部文件："
        raise ValidationError({"file": errors if len(uploads) == 1 else [head, *errors]})
    documents: list[ArchiveDocument] = []
    try:
        with transaction.atomic():
            for name, result in checked:
                document = ArchiveDocument(
                    case=case,
                    code=code,
                    original_name=name,
                    content_type=result.content_type,
                    size=len(result.data),
                    sha256=result.sha256,
                    pages=result.pages,
                    uploaded_by=acting_user,
                )
                document.file.save(
                    f"{uuid.uuid4().hex}{EXTENSIONS[result.content_type]}", ContentFile(result.data), save=False
                )
                documents.append(document)
                _save_document(
                    acting_user,
                    document,
                    f"一户一档上传「{spec['name']}」（一次上传 {len(checked)} 个文件）",
                    position,
                )
    except BaseException:
        for document in documents:
            document.file.delete(save=False)
        raise
    return documents


SEALED = (Stage.CLOSED, Stage.ENDED)


def _replace_generated(acting_user: User, case: RenovationCase, code: str, label: str, now: Any) -> None:
    """Take the current generated version of the item out (kept in the item's history)."""
    for old in ArchiveDocument.objects.current().filter(case=case, code=code).exclude(source=""):
        ArchiveDocument.objects.filter(pk=old.pk).update(
            withdrawn_at=now, withdrawn_by=acting_user, withdraw_reason=f"已重新生成：{label}"[:300]
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=old,
            changes={"withdrawn_at": {"before": None, "after": now.isoformat()}},
            note=f"系统重新生成，旧版本保留：{old.source_label} → {label}",
        )


def generated_document_file(
    *, acting_user: User, case: RenovationCase, document: GeneratedDocument
) -> ArchiveDocument | None:
    """File a document anju printed itself (ADR 0029) under its item of ``case``'s archive, marked
    系统生成 with its source; the previous generated version of the item is withdrawn, kept in
    the history; a version already filed is not filed again. Nothing is filed in a sealed archive (销号、终止) or under an item the case
    does not require (a houseless case has no 鉴定表). The act that changed the source was
    already authorized, so no role is checked here."""
    if case.stage in SEALED:
        return None
    spec = {s["code"]: s for s in selectors.required_documents(case)}.get(document.code)
    if spec is None:
        return None
    filed_now = ArchiveDocument.objects.current().filter(case=case, code=document.code, source=document.source)
    if filed_now.exists():
        return None  # this version is filed already (a source, once recorded, never changes)
    data = document.render()
    checked = check_upload(ContentFile(data, name=document.filename))
    filed = ArchiveDocument(
        case=case,
        code=document.code,
        original_name=document.filename[:200],
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        pages=checked.pages,
        uploaded_by=acting_user,
        source=document.source[:60],
        source_label=document.source_label[:200],
    )
    filed.file.save(f"{uuid.uuid4().hex}{EXTENSIONS[checked.content_type]}", ContentFile(checked.data), save=False)
    with transaction.atomic():
        _replace_generated(acting_user, case, document.code, filed.source_label, timezone.now())
        _save_document(acting_user, filed, f"系统生成「{spec['name']}」：{filed.source_label}")
    return filed


def _duplicate_message(case: RenovationCase, same: ArchiveDocument) -> str:
    name = selectors.document_name(case, same.code)
    return (
        f"同一文件已归档在「{name}」下（{same.original_name}，{timezone.localtime(same.uploaded_at):%Y-%m-%d %H:%M} 上传），"
        "不能重复上传；如放错了类别，请先撤回那一份。"
    )


@refusals_audited("撤回档案材料", obj_kwarg="document")
def document_withdraw(*, acting_user: User, document: ArchiveDocument, reason: str) -> ArchiveDocument:
    """Take a wrong upload out of the archive: it is kept (with who, when and why) but no longer
    counts. An agreeing joint review of the archive is voided, since it saw that document."""
    case = document.case
    if not in_scope(acting_user, case.region_code):
        raise PermissionDenied("该案件不在您的管辖范围内。")
    is_uploader = acting_user.has_role(Role.VILLAGE_CLERK) and document.uploaded_by_id == acting_user.pk
    if not (acting_user.is_superuser or acting_user.has_role(*WITHDRAW_ROLES) or is_uploader):
        raise PermissionDenied("档案材料须由乡镇建环办或区/县住建局撤回；村信息员只能撤回本人上传的材料。")
    if document.is_generated:
        raise ValidationError(
            f"「{document.shown_name}」是系统生成的材料（{document.source_label}），不能手工撤回；"
            "来源（鉴定、验收或拨付）更正后会自动重新生成，旧版本保留在记录中。"
        )
    if document.is_withdrawn:
        raise ValidationError(f"该材料已于 {timezone.localtime(document.withdrawn_at):%Y-%m-%d %H:%M} 撤回。")
    if case.stage in (Stage.CLOSED, Stage.ENDED):
        raise ValidationError(f"案件已{case.get_stage_display()}，档案已封存，不能撤回材料。")
    if not reason.strip():
        raise ValidationError({"reason": "请说明撤回原因（如：放错类别、扫描不清）。"})
    name = selectors.document_name(case, document.code)
    now = timezone.now()
    with transaction.atomic():
        taken = ArchiveDocument.objects.filter(pk=document.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_by=acting_user, withdraw_reason=reason.strip()[:300]
        )
        if not taken:
            raise ValidationError("该材料刚被他人撤回。")
        document.refresh_from_db()
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=document,
            changes={"withdrawn_at": {"before": None, "after": now.isoformat()}},
            note=f"撤回「{name}」：{reason.strip()}",
        )
        for review in ArchiveReview.objects.standing().filter(case=case):
            if review.recorded_at < document.uploaded_at:
                continue  # the review did not see this document
            review.voided_at = now
            review.void_reason = f"「{name}」中的材料 {document.original_name} 已撤回，须重新审定。"[:300]
            review.save(update_fields=["voided_at", "void_reason"])
            audit_record(
                actor=acting_user,
                action=AuditAction.UPDATE,
                obj=review,
                changes={"voided_at": {"before": None, "after": now.isoformat()}},
                note=review.void_reason,
            )
    return document


def _review_role(acting_user: User, role: str) -> str:
    """The department the user signs for: their one liaison role, or the one they name."""
    held = review_roles_of(acting_user)
    if not held:
        raise PermissionDenied("共同审定须由民政联络员或乡村振兴联络员办理。")
    if role:
        if role not in ReviewRole.values:
            raise ValidationError({"role": "审定部门只能是民政部门或乡村振兴部门。"})
        if role not in held:
            raise PermissionDenied(f"您不是{Role(role).label}，不能以{ReviewRole(role).label}名义审定。")
        return role
    if len(held) > 1:
        raise ValidationError({"role": "您同时是民政联络员和乡村振兴联络员，请选择以哪个部门的名义审定。"})
    return held[0]


def _check_review(case: RenovationCase, role: str, *, agreed: bool, opinion: str, on: datetime.date) -> None:
    """The date and opinion typed, no standing agreement of the department, and for agreement
    a complete archive."""
    errors: dict[str, str] = {}
    if on > timezone.localdate():
        errors["on"] = "审定日期不能晚于今天。"
    if not agreed and not opinion.strip():
        errors["opinion"] = "不同意时请写明审定意见（缺什么、哪里不对）。"
    if errors:
        raise ValidationError(errors)
    standing = ArchiveReview.objects.standing().filter(case=case, role=role).first()
    if standing is not None:
        raise ValidationError(
            f"{ReviewRole(role).label}已于 {standing.reviewed_on:%Y-%m-%d} 审定同意，不需要重复审定。"
        )
    if agreed:
        missing = selectors.missing_documents(case)
        if missing:
            names = "、".join(str(s["name"]) for s in missing)
            raise ValidationError(f"档案尚不完整，不能审定同意。缺少：{names}。")


@refusals_audited("共同审定")
def archive_review(
    *,
    acting_user: User,
    case: RenovationCase,
    agreed: bool,
    opinion: str,
    on: datetime.date,
    role: str = "",
) -> ArchiveReview:
    """共同审定: the civil-affairs or rural-revitalization liaison signs off the archive. The
    user's role decides which department signs (a user holding both names it with ``role``).
    Agreement needs a complete archive; disagreement needs an opinion."""
    role = _review_role(acting_user, role)
    if not in_scope(acting_user, case.region_code):
        raise PermissionDenied("该案件不在您的管辖范围内。")
    if case.stage == Stage.ENDED:
        raise ValidationError("该案件已终止，不需要审定档案。")
    _check_review(case, role, agreed=agreed, opinion=opinion, on=on)
    department = ReviewRole(role).label
    try:
        with transaction.atomic():
            review = ArchiveReview.objects.create(
                case=case,
                role=role,
                reviewer=acting_user,
                reviewed_on=on,
                agreed=agreed,
                opinion=opinion.strip(),
            )
            audit_record(
                actor=acting_user,
                action=AuditAction.CREATE,
                obj=review,
                changes={
                    "role": {"before": None, "after": role},
                    "agreed": {"before": None, "after": agreed},
                    "reviewed_on": {"before": None, "after": on.isoformat()},
                },
                note=f"{department}共同审定：{'同意' if agreed else '不同意'}"
                + (f"，{opinion.strip()}" if opinion.strip() else ""),
            )
    except IntegrityError as exc:
        raise ValidationError(f"{department}刚刚已审定同意，不需要重复审定。") from exc
    return review
