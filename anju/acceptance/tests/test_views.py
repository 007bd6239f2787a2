"""The acceptance pages: the form a township officer fills on site (grouped checklist, the case's
area, errors in Chinese), the detail and lists, the rectification completion, and another
county's officer getting a 404 everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from anju.acceptance import services
from anju.acceptance.models import Acceptance, Rectification
from anju.acceptance.services import checklist
from anju.acceptance.tests.conftest import ago, all_pass, record_kwargs
from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.cases.choices import Stage
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import Officers

pytestmark = pytest.mark.django_db


def form_data(case: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "on": ago(10).isoformat(),
        "post_grade": "A",
        "household_agrees": "1",
        "household_opinion": "",
        "builder_name": "李师傅",
        "officer_names": "张三、李四",
        "rectification_due": "",
        "rectification_requirements": "",
        "version": str(case.version),
    }
    data |= {f"result_{i['code']}": "pass" for i in checklist(case)}
    return data | overrides


def test_the_form_shows_the_checklist_by_group_and_the_case_area(
    client: Client, completed: RenovationCase, officers: Officers
) -> None:
    completed.area_problem = "1 人户面积应不大于 40 m²，现为 46.5 m²。"  # as the case app flags it
    completed.save(update_fields=["area_problem"])
    client.force_login(officers["township"])
    page = client.get(reverse("acceptance:record", args=[completed.pk])).content.decode()
    for group in ("房屋选址", "鉴定认定", "建设质量", "农户满意度", "分项检查"):
        assert f"{group}</legend>" in page
    assert "抗震构造措施（圈梁、构造柱等）" in page and "○ 不涉及" in page and "必须" in page
    assert "46.50 m²" in page and "面积提示：1 人户面积应不大于 40 m²" in page
    assert f'name="version" value="{completed.version}"' in page
    assert 'value="李师傅"' in page  # the builder from the agreement


def test_a_passing_form_records_the_acceptance_and_shows_it(
    client: Client, completed: RenovationCase, officers: Officers
) -> None:
    client.force_login(officers["township"])
    response = client.post(reverse("acceptance:record", args=[completed.pk]), form_data(completed), follow=True)
    body = response.content.decode()
    assert "第 1 次竣工验收通过。" in body and "打印竣工验收表" in body
    completed.refresh_from_db()
    assert completed.stage == Stage.ACCEPTED


def test_a_failing_form_without_a_deadline_says_so_and_keeps_the_answers(
    client: Client, completed: RenovationCase, officers: Officers
) -> None:
    client.force_login(officers["township"])
    url = reverse("acceptance:record", args=[completed.pk])
    response = client.post(url, form_data(completed, result_walls="fail", note_walls="墙体开裂"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "验收未通过，请填写整改期限" in body and "验收未通过，请填写整改要求。" in body
    assert 'value="墙体开裂"' in body
    assert not Acceptance.objects.exists()
    response = client.post(
        url,
        form_data(
            completed,
            result_walls="fail",
            rectification_due=ago(-20).isoformat(),
            rectification_requirements="重砌墙体",
        ),
        follow=True,
    )
    assert f"竣工验收未通过，已下达整改，期限 {ago(-20):%Y-%m-%d}。" in response.content.decode()
    completed.refresh_from_db()
    assert completed.stage == Stage.RECTIFYING


def test_a_missing_item_and_a_stale_page_are_told_in_chinese(
    client: Client, completed: RenovationCase, officers: Officers
) -> None:
    client.force_login(officers["township"])
    url = reverse("acceptance:record", args=[completed.pk])
    data = form_data(completed)
    del data["result_foundation"]
    body = client.post(url, data).content.decode()
    assert "请选择 √ 或 ×。" in body
    body = client.post(url, form_data(completed, version=str(completed.version - 1))).content.decode()
    assert "您的操作未保存，请刷新页面后查看。" in body
    assert not Acceptance.objects.exists()


def test_the_form_refuses_a_case_not_awaiting_acceptance_and_a_clerk(
    client: Client, case: RenovationCase, officers: Officers
) -> None:
    client.force_login(officers["township"])
    response = client.get(reverse("acceptance:record", args=[case.pk]), follow=True)
    assert "只有已竣工待验收的案件才能验收" in response.content.decode()
    client.force_login(officers["clerk"])
    assert client.get(reverse("acceptance:record", args=[case.pk])).status_code == 403


def test_a_rectification_is_listed_overdue_and_completed_from_its_form(
    client: Client, completed: RenovationCase, officers: Officers
) -> None:
    township = officers["township"]
    services.acceptance_record(
        acting_user=township,
        **record_kwargs(
            completed,
            results=all_pass(completed, roof="fail"),
            rectification_due=ago(2),
            rectification_requirements="屋面重新铺瓦",
        ),
    )
    rectification = Rectification.objects.get()
    client.force_login(township)
    listing = client.get(reverse("acceptance:rectification_list"), {"status": "overdue"}).content.decode()
    assert 'data-overdue="1"' in listing and "逾期 2 天" in listing and "屋面（屋架、防水）" in listing
    assert "没有整改记录" in client.get(reverse("acceptance:rectification_list"), {"status": "done"}).content.decode()
    url = reverse("acceptance:rectification_complete", args=[rectification.pk])
    completed.refresh_from_db()
    body = client.post(url, {"on": ago(1).isoformat(), "note": "", "version": completed.version}).content.decode()
    assert "请说明整改情况。" in body
    client.post(url, {"on": ago(1).isoformat(), "note": "已重新铺瓦", "version": completed.version})
    completed.refresh_from_db()
    rectification.refresh_from_db()
    assert completed.stage == Stage.COMPLETED and rectification.completed_on == ago(1)
    panel = client.get(reverse("acceptance:list")).content.decode()
    assert "验收未通过" in panel


def test_the_detail_page_shows_each_mark(client: Client, completed: RenovationCase, officers: Officers) -> None:
    acceptance = services.acceptance_record(
        acting_user=officers["township"], **record_kwargs(completed, results=all_pass(completed, light="na"))
    )
    client.force_login(officers["clerk"])
    body = client.get(reverse("acceptance:detail", args=[acceptance.pk])).content.decode()
    assert "验收通过" in body and "○" in body and "√" in body and "张三、李四" in body


def test_the_panel_renders_with_the_record_button(
    client: Client, completed: RenovationCase, officers: Officers, rf: RequestFactory
) -> None:
    from django.template.loader import render_to_string

    from anju.acceptance.selectors import case_panel

    html = render_to_string(
        "acceptance/_case_panel.html", {"acceptance_panel": case_panel(case=completed, user=officers["township"])}
    )
    assert "等待竣工验收" in html and reverse("acceptance:record", args=[completed.pk]) in html
    html = render_to_string(
        "acceptance/_case_panel.html", {"acceptance_panel": case_panel(case=completed, user=officers["clerk"])}
    )
    assert "录入竣工验收" not in html


def test_another_county_gets_404_on_every_page(
    client: Client, completed: RenovationCase, officers: Officers, make_user: Callable[..., User]
) -> None:
    acceptance = services.acceptance_record(
        acting_user=officers["township"],
        **record_kwargs(
            completed,
            results=all_pass(completed, walls="fail"),
            rectification_due=ago(-20),
            rectification_requirements="重砌",
        ),
    )
    rectification = acceptance.rectification
    client.force_login(make_user("cq_county", "500243000000", Role.COUNTY_OFFICER))
    for url in (
        reverse("acceptance:record", args=[completed.pk]),
        reverse("acceptance:detail", args=[acceptance.pk]),
        reverse("acceptance:pdf", args=[acceptance.pk]),
        reverse("acceptance:rectification_complete", args=[rectification.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("acceptance:record", args=[completed.pk]), form_data(completed)).status_code == 404
    assert "没有整改记录" in client.get(reverse("acceptance:rectification_list")).content.decode()
    assert "没有验收记录" in client.get(reverse("acceptance:list")).content.decode()


def test_the_second_of_two_officers_on_the_same_form_is_told_who_accepted_first(
    client: Client, completed: RenovationCase, officers: Officers
) -> None:
    url = reverse("acceptance:record", args=[completed.pk])
    stale = form_data(completed)  # both opened the form at this version
    client.force_login(officers["township"])
    client.post(url, stale)
    client.force_login(officers["county"])
    response = client.post(url, stale | {"result_walls": "fail"}, follow=True)
    body = response.content.decode()
    assert "该案件刚被" in body and "现为「验收通过」。您的操作未保存" in body
    assert Acceptance.objects.count() == 1


def test_the_lists_do_not_query_per_row(client: Client, completed: RenovationCase, officers: Officers) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = services.acceptance_record(
        acting_user=officers["township"],
        **record_kwargs(
            completed,
            results=all_pass(completed, walls="fail"),
            rectification_due=ago(1),
            rectification_requirements="重砌",
        ),
    )
    client.force_login(officers["county"])
    urls = [reverse("acceptance:list"), reverse("acceptance:rectification_list")]

    def counts() -> list[int]:
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    before = counts()
    for attempt in range(2, 7):  # more rows of the same shape, written directly
        extra = Acceptance.objects.create(
            **{f: getattr(first, f) for f in ("case", "region_code", "on", "items", "results", "post_grade")},
            attempt=attempt,
            household_agrees=True,
            builder_name="李师傅",
            officer_names="张三",
            passed=False,
            failed_items=first.failed_items,
            recorded_by=officers["township"],
        )
        Rectification.objects.create(
            case=completed,
            acceptance=extra,
            region_code=completed.region_code,
            items=first.failed_items,
            requirements="重砌",
            due_on=ago(1),
            recorded_by=officers["township"],
        )
    assert counts() == before
