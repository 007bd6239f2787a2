"""Writes of the appraisal work (requirements §6): template versions and appraisals. Each checks the
actor's role and region, validates with Chinese messages, writes and audits in one
transaction, and tells the eligibility app that a household's facts changed."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.choices import COMPONENT_GRADES, DamageCause, PreventionLevel
from anju.appraisals.documents import appraisal_form, latest_appraisal
from anju.appraisals.grading import house_grade
from anju.appraisals.guideline import default_content
from anju.appraisals.models import Appraisal, AppraisalPhoto, AppraisalTemplate
from anju.appraisals.templates import validate_content
from anju.audit.models import AuditAction
from anju.audit.services import audit_record, changes_between, model_snapshot
from anju.core.scoping import in_scope
from anju.households.choices import GradeSource
from anju.households.models import House
from anju.households.safety import house_grade_set
from anju.households.signals import facts_changed
from anju.inspections.choices import Grade
from anju.inspections.photos import process_photo
from anju.kit.documents import announce
from anju.kit.versioning import (
    config_activate,
    config_check_editable,
    config_derive,
    config_discard,
    config_ensure_national,
    config_for,
)

APPRAISE_ROLES = (Role.APPRAISER,)
NATIONAL_NAME = "全国默认鉴定模板（2019 导则）"
NATIONAL_NOTE = "按《农村住房安全性鉴定技术导则》（建村函〔2019〕200号）鉴定表整理"
MAX_REPORT_BYTES = 20 * 1024 * 1024
MAX_PHOTOS = 12
GUIDELINE_MAX_STOREYS = 2


# --- templates -----------------------------------------------------------------------------------


def ensure_national_template() -> AppraisalTemplate:
    return config_ensure_national(AppraisalTemplate, name=NATIONAL_NAME, note=NATIONAL_NOTE, body=default_content())


def template_for(region_code: str) -> AppraisalTemplate:
    """The active template nearest above a house: its province's (or city's, county's) own
    version when one is active, else the national one."""
    return config_for(AppraisalTemplate, region_code, ensure_national_template)


def template_derive(*, acting_user: User, source: AppraisalTemplate, note: str = "") -> AppraisalTemplate:
    """A new draft version for the user's own region, starting from ``source``."""
    return config_derive(acting_user=acting_user, source=source, note=note)


def template_update(
    *, acting_user: User, template: AppraisalTemplate, content: Any, name: str, note: str = ""
) -> AppraisalTemplate:
    config_check_editable(acting_user, template)
    if not name.strip():
        raise ValidationError({"name": "请填写模板名称。"})
    cleaned = validate_content(content)
    with transaction.atomic():
        before = model_snapshot(template, ("name", "note"))
        before_codes = [c["code"] for c in template.content.get("components", [])]
        template.content = cleaned
        template.name = name.strip()[:100]
        template.note = note.strip()[:200]
        template.save(update_fields=["content", "name", "note"])
        changes = changes_between(before, model_snapshot(template, ("name", "note")))
        after_codes = [c["code"] for c in cleaned["components"]]
        if before_codes != after_codes:
            changes["components"] = {"before": before_codes, "after": after_codes}
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=template, changes=changes or None)
    return template


def template_activate(*, acting_user: User, template: AppraisalTemplate) -> AppraisalTemplate:
    """Put a draft in force for its region; the previous active version is retired (kept)."""
    return config_activate(acting_user=acting_user, config=template, check=lambda t: validate_content(t.content))


def template_discard(*, acting_user: User, template: AppraisalTemplate) -> None:
    """Delete a draft nobody has used (an active or retired version is never deleted)."""
    config_discard(acting_user=acting_user, config=template)


# --- appraisals ----------------------------------------------------------------------------------


def _check_report(report: Any) -> bytes:
    if report.size > MAX_REPORT_BYTES:
        raise ValidationError({"report_file": f"鉴定报告不能超过 {MAX_REPORT_BYTES // 1024 // 1024} MB。"})
    data: bytes = report.read()
    report.seek(0)
    if not data.startswith(b"%PDF-"):
        raise ValidationError({"report_file": "鉴定报告须为 PDF 文件。"})
    return data


def _require_appraiser(acting_user: User, house: House) -> None:
    if not (acting_user.is_superuser or acting_user.has_role(*APPRAISE_ROLES)):
        raise PermissionDenied("只有具备鉴定人员角色的用户才能录入鉴定结果。")
    if not in_scope(acting_user, house.region_code):
        raise PermissionDenied("该房屋不在您的管辖范围内。")


def _graded(components: list[dict[str, Any]], given: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The template's components (code → name) and the grade given to each ("" when none)."""
    names = {c["code"]: c["name"] for c in components}
    return names, {code: (given.get(code) or "").strip().lower() for code in names}


def _signed_by(signer: dict[str, str]) -> dict[str, str]:
    """The appraiser's name, unit and certificate number as stored."""
    return {
        "appraiser_name": signer["appraiser_name"].strip()[:50],
        "appraiser_org": signer["appraiser_org"].strip()[:100],
        "certificate_no": signer["certificate_no"].strip()[:50],
    }


def _component_errors(
    names: dict[str, str], grades: dict[str, str], given: dict[str, str], site_dangerous: bool
) -> dict[str, str]:
    """The components' grades: each one graded (unless the site is dangerous), a–d, and only the
    template's components (the last problem found is the one said)."""
    errors: dict[str, str] = {}
    missing = [names[code] for code, g in grades.items() if not g]
    if missing and not site_dangerous:
        errors["components"] = f"请评定：{'、'.join(missing)}。"
    bad = [names[code] for code, g in grades.items() if g and g not in COMPONENT_GRADES]
    if bad:
        errors["components"] = f"{'、'.join(bad)}的等级只能是 a、b、c、d。"
    unknown = set(given) - set(names)
    if unknown:
        errors["components"] = f"该结构类型的模板中没有这些组成部分：{'、'.join(sorted(unknown))}。"
    return errors


def _form_errors(
    house: House, prevention_level: str, damage_cause: str, signer: dict[str, str], appraised_on: datetime.date
) -> dict[str, str]:
    """The choices, the appraiser's signature and the date."""
    errors: dict[str, str] = {}
    if prevention_level not in PreventionLevel.values:
        errors["prevention_level"] = "请选择防灾措施鉴定结果（具备、部分具备或完全不具备）。"
    if damage_cause not in DamageCause.values:
        errors["damage_cause"] = "请选择致危原因。"
    for field, label in (("appraiser_name", "鉴定人"), ("appraiser_org", "鉴定单位"), ("certificate_no", "证书编号")):
        if not signer[field].strip():
            errors[field] = f"请填写{label}。"
    if appraised_on > timezone.localdate():
        errors["appraised_on"] = "鉴定日期不能晚于今天。"
    elif house.build_year and appraised_on.year < house.build_year:
        errors["appraised_on"] = "鉴定日期不能早于房屋建造年份。"
    return errors


def _site_and_photo_errors(site_dangerous: bool, site_note: str, photos: int) -> dict[str, str]:
    errors: dict[str, str] = {}
    if site_dangerous and not site_note.strip():
        errors["site_note"] = "场地危险时请说明场地情况（如滑坡、泥石流隐患）。"
    if photos > MAX_PHOTOS:
        errors["photos"] = f"照片最多 {MAX_PHOTOS} 张。"
    return errors


def _final_grade(result: Any, final_grade: str, override_reason: str, site_dangerous: bool, damage_cause: str) -> str:
    """The grade the appraiser signs: the computed one, or another with a reason; a dangerous
    site is D, and a C or D house needs a damage cause."""
    final = (final_grade or result.grade).strip().upper()
    if final not in Grade.values:
        raise ValidationError({"final_grade": "鉴定等级只能是 A、B、C、D。"})
    if final != result.grade and not override_reason.strip():
        raise ValidationError(
            {"override_reason": f"计算等级为 {result.grade} 级，调整为 {final} 级须填写理由（宏观情况判断）。"}
        )
    if site_dangerous and final != Grade.D:
        raise ValidationError({"final_grade": "场地危险的房屋只能评定为 D 级。"})
    if final in (Grade.C, Grade.D) and damage_cause == DamageCause.NONE:
        raise ValidationError({"damage_cause": f"{final} 级危房须选择致危原因（如年久失修、小型自然灾害）。"})
    return final


def _house_and_grade_fields(
    house: House, template: AppraisalTemplate, result: Any, final: str, override_reason: str
) -> dict[str, Any]:
    """What the appraisal copies from the house and the template, and its grades."""
    return {
        "house": house,
        "household_id": house.household_id,
        "region_code": house.region_code,
        "template": template,
        "structure": house.structure,
        "storeys": house.storeys,
        "outside_guideline": house.storeys > GUIDELINE_MAX_STOREYS,
        "computed_grade": result.grade,
        "final_grade": final,
        "override_reason": override_reason.strip()[:500] if final != result.grade else "",
        "relocation_recommended": result.relocation,
    }


def _component_rows(
    components: list[dict[str, Any]], grades: dict[str, str], notes: dict[str, str]
) -> list[dict[str, Any]]:
    return [
        {
            "code": c["code"],
            "name": c["name"],
            "grade": grades.get(c["code"], ""),
            "note": str(notes.get(c["code"], "")).strip()[:200],
        }
        for c in components
    ]


def _save_with_files(appraisal: Appraisal, report_file: Any, report_data: bytes, photos: list[Any]) -> None:
    if report_file:
        appraisal.report_sha256 = hashlib.sha256(report_data).hexdigest()
        appraisal.report_file.save(getattr(report_file, "name", "report.pdf"), report_file, save=False)
    appraisal.save()
    for photo in photos:
        AppraisalPhoto.objects.create(appraisal=appraisal, **AppraisalPhoto.photo_fields(photo))


def _audit_and_tell(acting_user: User, appraisal: Appraisal, house: House, photos: int, reason: str) -> None:
    """Audit the appraisal, update the house's one current grade, tell eligibility and, when it is
    the house's appraisal in force, have its 鉴定表 filed in the archive (ADR 0029)."""
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=appraisal,
        changes=changes_between(
            {},
            model_snapshot(appraisal, ("computed_grade", "final_grade", "prevention_level", "appraised_on"))
            | {"components": {c["name"]: c["grade"] for c in appraisal.components}, "photos": photos},
        ),
        note=reason,
    )
    _update_house_grade(acting_user, house)
    latest = latest_appraisal(house.pk)
    if latest is not None and latest.pk == appraisal.pk:  # a late entry of an older one changes nothing
        announce(appraisal_form(appraisal), acting_user=acting_user)
    facts_changed(
        acting_user=acting_user,
        reason=f"鉴定为 {appraisal.final_grade} 级（{appraisal.appraised_on:%Y-%m-%d}）",
        household_ids=[house.household_id],
    )


def appraisal_record(
    *,
    acting_user: User,
    house: House,
    component_grades: dict[str, str],
    appraised_on: datetime.date,
    prevention_level: str,
    damage_cause: str,
    appraiser_name: str,
    appraiser_org: str,
    certificate_no: str,
    site_dangerous: bool = False,
    site_note: str = "",
    component_notes: dict[str, str] | None = None,
    final_grade: str = "",
    override_reason: str = "",
    prevention_note: str = "",
    advice: str = "",
    report_file: Any = None,
    photos: list[Any] | tuple[Any, ...] = (),
) -> Appraisal:
    """Record an appraisal by the current active template for the house's region."""
    _require_appraiser(acting_user, house)
    template = template_for(house.region_code)
    components = template.components_for(house.structure)
    names, grades = _graded(components, component_grades)
    signer = {"appraiser_name": appraiser_name, "appraiser_org": appraiser_org, "certificate_no": certificate_no}
    errors = (
        _component_errors(names, grades, component_grades, site_dangerous)
        | _form_errors(house, prevention_level, damage_cause, signer, appraised_on)
        | _site_and_photo_errors(site_dangerous, site_note, len(photos))
    )
    if errors:
        raise ValidationError(errors)
    filled = {} if site_dangerous else {code: g for code, g in grades.items() if g}
    result = house_grade(site_dangerous=site_dangerous, component_grades=filled, names=names)
    final = _final_grade(result, final_grade, override_reason, site_dangerous, damage_cause)
    report_data = _check_report(report_file) if report_file else b""
    processed = [process_photo(p) for p in photos]
    with transaction.atomic():
        appraisal = Appraisal(
            **_house_and_grade_fields(house, template, result, final, override_reason),
            site_dangerous=site_dangerous,
            site_note=site_note.strip()[:300],
            components=_component_rows(components, grades, component_notes or {}),
            prevention_level=prevention_level,
            prevention_note=prevention_note.strip()[:300],
            damage_cause=damage_cause,
            advice=(advice.strip() or _default_advice(final, result.relocation))[:500],
            **_signed_by(signer),
            appraised_on=appraised_on,
            recorded_by=acting_user,
        )
        _save_with_files(appraisal, report_file, report_data, processed)
        _audit_and_tell(acting_user, appraisal, house, len(processed), result.reason)
    return appraisal


def _default_advice(grade: str, relocation: bool) -> str:
    if relocation:
        return "场地危险，建议异地新建。"
    return {
        Grade.A: "房屋结构安全，可正常使用。",
        Grade.B: "个别构件有危险点，应及时维修。",
        Grade.C: "局部危险，应维修加固后使用，期间采取管控措施。",
        Grade.D: "整体危险，应停止使用，拆除重建或异地新建。",
    }[Grade(grade)]


def _update_house_grade(acting_user: User, house: House) -> None:
    """The house shows its latest appraisal (by date, then by entry)."""
    latest = Appraisal.objects.filter(house=house).order_by("-appraised_on", "-pk").first()
    locked = House.objects.select_for_update().get(pk=house.pk)
    grade, on = (latest.final_grade, latest.appraised_on) if latest else ("", None)
    if (locked.appraised_grade, locked.appraised_on) == (grade, on):
        return
    before = model_snapshot(locked, ("appraised_grade", "appraised_on"))
    locked.appraised_grade, locked.appraised_on = grade, on
    locked.save(update_fields=["appraised_grade", "appraised_on", "updated_at"])
    house.appraised_grade, house.appraised_on = grade, on
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=changes_between(before, model_snapshot(locked, ("appraised_grade", "appraised_on"))),
        note="按最近一次鉴定更新",
    )
    if latest is not None:
        house_grade_set(
            acting_user=acting_user,
            house=house,
            grade=latest.final_grade,
            source=GradeSource.APPRAISAL,
            on=latest.appraised_on,
            note=f"鉴定 {latest.appraised_on:%Y-%m-%d} 评定为 {latest.final_grade} 级",
            notify=False,  # the appraisal tells eligibility itself
        )
