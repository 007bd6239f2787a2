import copy
import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals import services
from anju.appraisals.models import Appraisal, AppraisalTemplate
from anju.appraisals.tests.conftest import DibaoHome, appraisal_kwargs
from anju.audit.models import AuditEvent
from anju.households.models import House
from anju.inspections.tests.images import jpeg, not_an_image
from anju.kit.versioning import ConfigStatus
from anju.regions.models import Region

pytestmark = pytest.mark.django_db


def test_an_all_a_house_is_graded_a_and_the_house_shows_it(appraiser: User, dibao_home: DibaoHome) -> None:
    house = dibao_home["house"]
    appraisal = services.appraisal_record(acting_user=appraiser, house=house, **appraisal_kwargs())
    assert (appraisal.computed_grade, appraisal.final_grade) == ("A", "A")
    house.refresh_from_db()
    assert (house.appraised_grade, house.appraised_on) == ("A", datetime.date(2026, 5, 10))
    assert appraisal.template.region_code == "" and appraisal.template.version == 1
    assert [c["name"] for c in appraisal.components] == [
        "地基基础",
        "承重墙体",
        "木柱、梁、檩",
        "木屋架",
        "楼、屋盖",
        "围护结构",
    ]
    assert AuditEvent.objects.filter(object_type="appraisals.appraisal", object_id=str(appraisal.pk)).exists()


def test_the_worst_component_decides(appraiser: User, dibao_home: DibaoHome) -> None:
    grades = {**appraisal_kwargs()["component_grades"], "walls": "c", "timber_truss": "b"}
    appraisal = services.appraisal_record(
        acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs(component_grades=grades)
    )
    assert appraisal.final_grade == "C"
    assert appraisal.advice.startswith("局部危险")


def test_a_missing_component_is_refused_and_nothing_is_written(appraiser: User, dibao_home: DibaoHome) -> None:
    grades = appraisal_kwargs()["component_grades"]
    del grades["timber_truss"]
    with pytest.raises(ValidationError) as exc:
        services.appraisal_record(
            acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs(component_grades=grades)
        )
    assert "请评定：木屋架" in str(exc.value)
    assert not Appraisal.objects.exists()


@pytest.mark.parametrize("bad", ["e", "5", "aa"])
def test_a_grade_outside_a_to_d_is_refused(appraiser: User, dibao_home: DibaoHome, bad: str) -> None:
    grades = {**appraisal_kwargs()["component_grades"], "foundation": bad}
    with pytest.raises(ValidationError) as exc:
        services.appraisal_record(
            acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs(component_grades=grades)
        )
    assert "只能是 a、b、c、d" in str(exc.value)


def test_a_component_foreign_to_the_structure_is_refused(appraiser: User, dibao_home: DibaoHome) -> None:
    grades = {**appraisal_kwargs()["component_grades"], "concrete_members": "a"}
    with pytest.raises(ValidationError, match="没有这些组成部分"):
        services.appraisal_record(
            acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs(component_grades=grades)
        )


def test_an_override_needs_a_reason(appraiser: User, dibao_home: DibaoHome) -> None:
    grades = {**appraisal_kwargs()["component_grades"], "walls": "b"}
    with pytest.raises(ValidationError, match="计算等级为 B 级，调整为 C 级须填写理由"):
        services.appraisal_record(
            acting_user=appraiser,
            house=dibao_home["house"],
            **appraisal_kwargs(component_grades=grades, final_grade="C"),
        )
    appraisal = services.appraisal_record(
        acting_user=appraiser,
        house=dibao_home["house"],
        **appraisal_kwargs(component_grades=grades, final_grade="C", override_reason="墙体多处空鼓，整体性差"),
    )
    assert (appraisal.computed_grade, appraisal.final_grade, appraisal.is_overridden) == ("B", "C", True)


def test_a_dangerous_site_gives_d_and_relocation(appraiser: User, dibao_home: DibaoHome) -> None:
    appraisal = services.appraisal_record(
        acting_user=appraiser,
        house=dibao_home["house"],
        **appraisal_kwargs(component_grades={}, site_dangerous=True, site_note="房后山体有滑坡迹象"),
    )
    assert (appraisal.final_grade, appraisal.relocation_recommended) == ("D", True)
    assert "异地新建" in appraisal.advice
    with pytest.raises(ValidationError, match="场地危险的房屋只能评定为 D 级"):
        services.appraisal_record(
            acting_user=appraiser,
            house=dibao_home["house"],
            **appraisal_kwargs(site_dangerous=True, site_note="滑坡", final_grade="C", override_reason="x"),
        )


def test_only_an_appraiser_of_the_region_may_appraise(
    tl_clerk: User, make_user: Callable[..., User], dibao_home: DibaoHome
) -> None:
    with pytest.raises(PermissionDenied, match="鉴定人员角色"):
        services.appraisal_record(acting_user=tl_clerk, house=dibao_home["house"], **appraisal_kwargs())
    outsider = make_user("ps_appraiser", "500243000000", Role.APPRAISER)
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        services.appraisal_record(acting_user=outsider, house=dibao_home["house"], **appraisal_kwargs())
    assert not Appraisal.objects.exists()


def test_a_house_keeps_every_appraisal_and_the_latest_counts(appraiser: User, dibao_home: DibaoHome) -> None:
    house = dibao_home["house"]
    services.appraisal_record(acting_user=appraiser, house=house, **appraisal_kwargs())
    grades = {**appraisal_kwargs()["component_grades"], "foundation": "d"}
    services.appraisal_record(
        acting_user=appraiser,
        house=house,
        **appraisal_kwargs(component_grades=grades, appraised_on=datetime.date(2026, 8, 1)),
    )
    # Entered later but dated earlier: kept, yet it does not replace the August result.
    services.appraisal_record(
        acting_user=appraiser, house=house, **appraisal_kwargs(appraised_on=datetime.date(2026, 6, 1))
    )
    house.refresh_from_db()
    assert house.appraisals.count() == 3
    assert (house.appraised_grade, house.appraised_on) == ("D", datetime.date(2026, 8, 1))


def test_three_storey_houses_are_flagged_outside_the_guideline(appraiser: User, dibao_home: DibaoHome) -> None:
    House.objects.filter(pk=dibao_home["house"].pk).update(storeys=3)
    dibao_home["house"].refresh_from_db()
    appraisal = services.appraisal_record(acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs())
    assert appraisal.outside_guideline


def test_photos_must_be_images_and_the_report_a_pdf(appraiser: User, dibao_home: DibaoHome) -> None:
    with pytest.raises(ValidationError):
        services.appraisal_record(
            acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs(photos=[not_an_image()])
        )
    with pytest.raises(ValidationError, match="PDF"):
        services.appraisal_record(
            acting_user=appraiser,
            house=dibao_home["house"],
            **appraisal_kwargs(report_file=SimpleUploadedFile("report.pdf", b"MZ\x90 not a pdf")),
        )
    appraisal = services.appraisal_record(
        acting_user=appraiser,
        house=dibao_home["house"],
        **appraisal_kwargs(
            photos=[jpeg("wall.jpg")],
            report_file=SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n"),
        ),
    )
    assert appraisal.photos.count() == 1 and len(appraisal.report_sha256) == 64


def test_a_province_edits_its_own_template_and_old_appraisals_keep_theirs(
    appraiser: User, dibao_home: DibaoHome, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    first = services.appraisal_record(acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs())
    province = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    national = services.ensure_national_template()
    draft = services.template_derive(acting_user=province, source=national)
    content = copy.deepcopy(draft.content)
    content["components"][0]["criteria"]["b"] = "基础埋深略小；有轻微不均匀沉降（山西细化：沉降差小于 20 mm）。"
    services.template_update(acting_user=province, template=draft, content=content, name="山西省鉴定模板")
    services.template_activate(acting_user=province, template=draft)
    second = services.appraisal_record(acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs())
    assert second.template == draft and "山西细化" in second.template.content["components"][0]["criteria"]["b"]
    first.refresh_from_db()
    assert first.template == national
    # A version in force cannot be edited; Chongqing still uses the national one.
    with pytest.raises(ValidationError, match="不能修改"):
        services.template_update(acting_user=province, template=draft, content=content, name="x")
    assert services.template_for("500243202201") == national


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c["components"][0]["criteria"].pop("c"), "缺少 c 级标准"),
        (lambda c: c["components"][0]["criteria"].update(e="x"), "只能有 a、b、c、d 四级"),
        (lambda c: c["components"].append(dict(c["components"][0])), "重复"),
        (lambda c: c["components"][0].update(structures=["castle"]), "结构类型「castle」不存在"),
        (lambda c: c.update(components=[c["components"][4]]), "没有任何组成部分可评定"),
    ],
)
def test_a_broken_template_edit_is_refused(
    make_user: Callable[..., User], mutate: Callable[[dict[str, Any]], object], message: str
) -> None:
    province = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    draft = services.template_derive(acting_user=province, source=services.ensure_national_template())
    content = copy.deepcopy(draft.content)
    mutate(content)
    with pytest.raises(ValidationError) as exc:
        services.template_update(acting_user=province, template=draft, content=content, name="山西省鉴定模板")
    assert any(message in m for m in exc.value.messages), exc.value.messages
    draft.refresh_from_db()
    assert draft.content == services.ensure_national_template().content


def test_only_the_province_officer_of_that_province_edits_its_template(
    tl_county: User, make_user: Callable[..., User]
) -> None:
    with pytest.raises(PermissionDenied):
        services.template_derive(acting_user=tl_county, source=services.ensure_national_template())
    assert AppraisalTemplate.objects.filter(status=ConfigStatus.DRAFT).count() == 0


def test_a_dangerous_grade_needs_a_cause(appraiser: User, dibao_home: DibaoHome) -> None:
    grades = {**appraisal_kwargs()["component_grades"], "walls": "d"}
    with pytest.raises(ValidationError, match="D 级危房须选择致危原因"):
        services.appraisal_record(
            acting_user=appraiser,
            house=dibao_home["house"],
            **appraisal_kwargs(component_grades=grades, damage_cause="none"),
        )


def test_the_audit_pages_show_an_appraisal(
    client: Client, appraiser: User, dibao_home: DibaoHome, tl_county: User
) -> None:
    from django.urls import reverse

    appraisal = services.appraisal_record(
        acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs(photos=[jpeg("wall.jpg")])
    )
    client.force_login(tl_county)
    history = client.get(reverse("audit:object_history", args=["appraisals.appraisal", appraisal.pk]))
    assert history.status_code == 200 and "照片" in history.content.decode()
    assert client.get(reverse("audit:event_list")).status_code == 200


def test_the_national_template_and_rule_set_come_with_the_database() -> None:
    """Created by data migrations, so no read has to write them."""
    from anju.eligibility.models import RuleSet

    template = AppraisalTemplate.objects.get(region_code="", status="active")
    assert template.version == 1 and len(template.content["components"]) == 7
    assert RuleSet.objects.get(region_code="", status="active").version == 1
