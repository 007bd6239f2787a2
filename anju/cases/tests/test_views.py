"""The case pages as officers use them: open from the decision page, act on the next step,
see refusals in Chinese, and never see another region's case."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.tests.conftest import DibaoHome
from anju.cases.choices import Stage
from anju.cases.models import CasePolicy, RenovationCase
from anju.cases.tests.conftest import Officers, ago, photo, walk
from anju.kit.versioning import ConfigStatus
from anju.regions.models import Region

pytestmark = pytest.mark.django_db


def login(client: Client, user: User) -> None:
    client.force_login(user)


def test_a_clerk_opens_the_case_from_the_decision_page(client: Client, covered_home: DibaoHome, tl_clerk: User) -> None:
    login(client, tl_clerk)
    household = covered_home["household"]
    page = client.get(reverse("eligibility:household_decision", args=[household.pk]))
    assert "建立改造案件（发现）" in page.content.decode()
    response = client.post(reverse("cases:case_open", args=[household.pk]), {"on": ago(1).isoformat()})
    case = RenovationCase.objects.get(household=household)
    assert response["Location"] == reverse("cases:case_detail", args=[case.pk])
    html = client.get(response["Location"]).content.decode()
    assert "待登记农户书面申请" in html and "办理：农户申请" in html


def test_the_next_act_is_offered_only_to_who_may_do_it(
    client: Client, case: RenovationCase, tl_clerk: User, tl_county: User, officers: Officers
) -> None:
    walk(case, officers, Stage.APPLIED)
    login(client, tl_clerk)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "待村民代表评议" in page and "办理：村民代表评议并公示" not in page
    login(client, officers["head"])
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "办理：村民代表评议并公示" in page


def test_an_act_with_a_missing_note_shows_the_error_and_keeps_the_case(
    client: Client, case: RenovationCase, officers: Officers
) -> None:
    walk(case, officers, Stage.APPLIED)
    login(client, officers["head"])
    response = client.post(
        reverse("cases:case_act", args=[case.pk, "village_review"]),
        {"on": ago(58).isoformat(), "note": "", "version": case.version},
    )
    assert response.status_code == 200
    assert "请填写评议情况（到会人数、同意人数）。" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.APPLIED


def test_a_notice_not_yet_run_is_explained(client: Client, case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.VILLAGE_REVIEWED)
    case.steps.filter(kind="village_review").update(notice_until=ago(-3))
    login(client, officers["township"])
    response = client.post(
        reverse("cases:case_act", args=[case.pk, "township_review"]),
        {"on": ago(0).isoformat(), "note": "同意", "version": case.version},
        follow=True,
    )
    assert "公示期满后" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.VILLAGE_REVIEWED


def test_a_page_left_open_while_another_officer_acted_is_refused(
    client: Client, case: RenovationCase, officers: Officers
) -> None:
    walk(case, officers, Stage.APPROVED)
    stale_version = case.version
    login(client, officers["county"])
    client.post(
        reverse("cases:case_act", args=[case.pk, "file"]), {"on": ago(37).isoformat(), "version": stale_version}
    )
    response = client.post(
        reverse("cases:case_act", args=[case.pk, "file"]),
        {"on": ago(37).isoformat(), "version": stale_version},
        follow=True,
    )
    assert "刚被" in response.content.decode()
    assert case.steps.filter(kind="file").count() == 1


def test_the_agreement_form_flags_an_area_below_the_standard(
    client: Client, case: RenovationCase, officers: Officers
) -> None:
    walk(case, officers, Stage.FILED)
    login(client, officers["township"])
    client.post(
        reverse("cases:case_act", args=[case.pk, "sign_agreement"]),
        {
            "on": ago(36).isoformat(),
            "version": case.version,
            "method": "rebuild",
            "construction_mode": "unified",
            "builder_name": "渔泽建筑队",
            "builder_cert_no": "JZ-8",
            "planned_area": "12",
            "energy_tags": ["roof", "walls"],
        },
    )
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "1 人户面积应不小于 20 m²，现为 12 m²。" in page and "屋面保温" in page


def test_a_patrol_is_recorded_with_its_photo(client: Client, case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.UNDER_WAY)
    login(client, officers["township"])
    response = client.post(
        reverse("cases:patrol_add", args=[case.pk]),
        {"on": ago(30).isoformat(), "findings": "圈梁浇筑完成", "photos": [photo()]},
    )
    assert response.status_code == 302
    patrol = case.patrols.get()
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert patrol.photos.get().view_url in page


def test_a_patrol_without_a_photo_says_so(client: Client, case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.UNDER_WAY)
    login(client, officers["township"])
    response = client.post(reverse("cases:patrol_add", args=[case.pk]), {"on": ago(30).isoformat(), "findings": "x"})
    assert "请至少上传一张现场照片。" in response.content.decode()


def test_the_list_counts_cases_per_stage_and_filters(client: Client, case: RenovationCase, officers: Officers) -> None:
    walk(case, officers, Stage.FILED)
    login(client, officers["county"])
    page = client.get(reverse("cases:case_list")).content.decode()
    assert '已建档 <span class="badge text-bg-light">1</span>' in page and "甲" in page
    page = client.get(reverse("cases:case_list"), {"stage": "under_way"}).content.decode()
    assert "没有符合条件的案件" in page


def test_another_regions_officer_gets_404(client: Client, case: RenovationCase, make_user: Callable[..., User]) -> None:
    other = make_user("cq_county", "500243000000", Role.COUNTY_OFFICER)
    login(client, other)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:case_act", args=[case.pk, "apply"]), {"on": "2026-01-01"}).status_code == 404
    assert "甲" not in client.get(reverse("cases:case_list")).content.decode()


def test_a_province_officer_edits_and_activates_a_policy(
    client: Client, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    officer = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    login(client, officer)
    national = CasePolicy.objects.get(region_code="")
    response = client.post(reverse("cases:policy_derive", args=[national.pk]))
    draft = CasePolicy.objects.get(region_code="140000000000")
    assert response["Location"] == reverse("cases:policy_edit", args=[draft.pk])
    content = dict(draft.content)
    content["notice_days"] = {"village": 0, "township": 7, "county": 5}
    response = client.post(
        reverse("cases:policy_edit", args=[draft.pk]),
        {"name": "山西省改造政策", "text": json.dumps(content, ensure_ascii=False)},
    )
    assert "村级评议公示天数应为 1–30 的整数。" in response.content.decode()
    content["notice_days"]["village"] = 7
    content["subsidy_standards"][0]["amount"] = 8000
    client.post(
        reverse("cases:policy_edit", args=[draft.pk]),
        {"name": "山西省改造政策", "text": json.dumps(content, ensure_ascii=False)},
    )
    client.post(reverse("cases:policy_activate", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == ConfigStatus.ACTIVE and draft.content["subsidy_standards"][0]["amount"] == 8000
    page = client.get(reverse("cases:policy_detail", args=[draft.pk])).content.decode()
    assert "8,000" in page


def test_the_home_page_lists_what_waits_for_the_officer(
    client: Client, case: RenovationCase, officers: Officers
) -> None:
    walk(case, officers, Stage.COMPLETED)
    client.force_login(officers["township"])
    waiting = client.get("/").content.decode()
    item = waiting.split(f'data-key="cases-{Stage.COMPLETED}"', 1)[1].split("</li>", 1)[0]
    assert "改造案件待竣工验收" in item and 'data-testid="queue-count">1<' in item and "组织竣工验收" in item
    client.force_login(officers["head"])
    assert 'data-key="cases-' not in client.get("/").content.decode()


def test_close_is_not_offered_while_something_is_missing(
    client: Client, case: RenovationCase, officers: Officers
) -> None:
    from anju.cases import services

    walk(case, officers, Stage.COMPLETED)
    services.case_accept_result(acting_user=officers["township"], case=case, passed=True, on=ago(5), post_grade="A")
    client.force_login(officers["county"])
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "销号前还需" in page and "补助资金尚未拨付完毕" in page
    assert 'data-testid="act-card"' not in page


def test_a_patrol_form_without_findings_or_photo_names_both(
    client: Client, case: RenovationCase, officers: Officers
) -> None:
    walk(case, officers, Stage.UNDER_WAY)
    client.force_login(officers["township"])
    page = client.post(reverse("cases:patrol_add", args=[case.pk]), {"on": ago(30).isoformat()}).content.decode()
    assert "请至少上传一张现场照片。" in page and "巡查情况" in page


def test_a_case_row_shows_what_the_officer_acts_on_in_a_fixed_number_of_queries(
    client: Client,
    case: RenovationCase,
    officers: Officers,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    walk(case, officers, Stage.FILED)
    RenovationCase.objects.filter(pk=case.pk).update(
        method_name="原址<重建>", area_problem='超出 "120㎡"', subsidy_amount=21000
    )
    login(client, officers["county"])
    # Session, user (with roles on PostgreSQL), roles elsewhere, the stage counts, the capped count,
    # the page with the table's columns (tables.CASE_FIELDS): no query per row (ADR 0054).
    with django_assert_max_num_queries(5 if connection.vendor == "postgresql" else 6):
        page = client.get(reverse("cases:case_list")).content.decode()
    row = page[page.index('data-testid="case-table"') :].split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert f'<a href="{reverse("cases:case_detail", args=[case.pk])}">' in row
    assert "原址&lt;重建&gt;" in row and 'title="超出 &quot;120㎡&quot;">面积</span>' in row
    assert ">已建档</span>" in row and '<td class="text-end small">21,000</td>' in row
    days = (timezone.localdate() - RenovationCase.objects.get(pk=case.pk).stage_since).days
    assert f'<td class="text-end small">{days}</td>' in row
