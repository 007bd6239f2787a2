import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.services import appraisal_record
from anju.appraisals.tests.conftest import DibaoHome, appraisal_kwargs
from anju.eligibility import services
from anju.eligibility.models import Circumstance

pytestmark = pytest.mark.django_db

C_GRADES = {
    "foundation": "a",
    "walls": "c",
    "timber_members": "b",
    "timber_truss": "a",
    "floor_roof": "a",
    "enclosure": "a",
}


def test_the_household_page_explains_the_decision(
    client: Client,
    appraiser: User,
    dibao_home: DibaoHome,
    tl_clerk: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appraisal_record(
            acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs(component_grades=C_GRADES)
        )
    client.force_login(tl_clerk)
    page = client.get(reverse("eligibility:household_decision", args=[dibao_home["household"].pk])).content.decode()
    assert "纳入农村危房改造" in page
    assert "农村低保户，唯一住房经鉴定为 C 级危房，纳入农村危房改造。" in page
    assert "R08-key-dangerous" in page and "默认资格规则（2023 通知）（第 1 版）" in page
    assert "唯一住房经鉴定为 C 级或 D 级危房" in page and "实际：C 级" in page
    household_page = client.get(reverse("households:household_detail", args=[dibao_home["household"].pk]))
    assert "保障资格：</strong>纳入农村危房改造" in household_page.content.decode()


def test_a_clerk_records_a_circumstance_and_the_decision_follows(
    client: Client,
    appraiser: User,
    dibao_home: DibaoHome,
    tl_clerk: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appraisal_record(
            acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs(component_grades=C_GRADES)
        )
    client.force_login(tl_clerk)
    url = reverse("eligibility:household_decision", args=[dibao_home["household"].pk])
    response = client.post(url, {"kind": "solved_rent", "recorded_on": "2026-05-20", "note": ""})
    assert "请写明核实依据" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "solved_rent", "recorded_on": "2026-05-20", "note": "租住本村张某砖混房"})
    assert response.status_code == 302
    assert "已通过其他方式解决（已租赁安全住房）" in client.get(url).content.decode()
    circumstance = Circumstance.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("eligibility:circumstance_withdraw", args=[circumstance.pk]), {"reason": "租约到期已搬回"})
    assert "纳入农村危房改造" in client.get(url).content.decode()


def test_a_rule_set_edit_that_does_not_parse_shows_where(client: Client, make_user: Callable[..., User]) -> None:
    province = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    draft = services.rule_set_derive(acting_user=province, source=services.ensure_national_rule_set())
    client.force_login(province)
    response = client.post(
        reverse("eligibility:rule_set_edit", args=[draft.pk]),
        {"name": "山西规则", "text": '{\n  "rules": [\n    {"id": "R1",}\n  ]\n}'},
    )
    assert response.status_code == 200
    assert "第 3 行" in response.content.decode() and "JSON 格式错误" in response.content.decode()


def test_the_list_counts_current_decisions_by_outcome(
    client: Client,
    appraiser: User,
    dibao_home: DibaoHome,
    tl_county: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appraisal_record(
            acting_user=appraiser, house=dibao_home["house"], **appraisal_kwargs(component_grades=C_GRADES)
        )
    client.force_login(tl_county)
    response = client.get(reverse("eligibility:decision_list"), {"outcome": "renovation"})
    counts = {label: n for _, label, n in response.context["counts"]}
    assert counts["纳入农村危房改造"] == 1 and counts["纳入农房抗震改造"] == 0
    assert [d.household.head_name for d in response.context["page"]] == ["甲"]
    assert datetime.date.today().year == response.context["page"][0].year
