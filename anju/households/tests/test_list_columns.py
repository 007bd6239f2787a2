"""The department list's 乡镇, 家庭人口 and 认定部门 columns are read, not ignored (issue 17).

Built as a township clerk's spreadsheet with openpyxl: 家庭人口 lands on the household (new or
already on file, audited) and on its page with a hint when fewer members are registered; 认定部门
is kept with the status; a 区划代码 whose township disagrees with the row's 乡镇, or a 家庭人口 that
is not a number, is a row error in Chinese and the rest of the list goes in.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.households.choices import KeyGroup
from anju.households.listimport import list_import_commit, list_import_preview
from anju.households.models import Household, HouseholdStatus, ListImport

from .corpus import make_id
from .test_listimport import civil, existing  # noqa: F401

pytestmark = pytest.mark.django_db

HEADER = ["序号", "乡镇", "户主姓名", "身份证号码", "所在村", "区划代码", "家庭人口", "认定部门", "认定时间"]


def _xlsx(rows: list[Any]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["屯留区农村低保对象花名册（2023 年 3 月）"])
    ws.append(HEADER)
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _preview(user: User, rows: list[Any]) -> ListImport:
    return list_import_preview(
        acting_user=user,
        data=_xlsx(rows),
        filename="低保花名册.xlsx",
        department="civil_affairs",
        group=KeyGroup.DIBAO,
        list_date=datetime.date(2023, 3, 31),
    )


def test_family_size_and_certifying_office_land_on_the_household_and_its_status(
    civil: User,  # noqa: F811
    existing: tuple[Household, Household, Household],  # noqa: F811
    tl_county: User,
) -> None:
    a, b, c = existing
    rows: list[Any] = [
        ["渔泽镇", "老户甲", make_id(201), "北渔泽村", "", 3, "渔泽镇人民政府", "2022-01-01"],  # unchanged 低保
        ["渔泽镇", "老户乙", make_id(202), "北渔泽村", "", "2人", "渔泽镇人民政府", "2023-03-01"],  # status added
        ["渔泽镇", "老户丙", make_id(203), "南渔泽村", "", None, "", "2022-01-01"],  # no size given
        ["渔泽镇", "新户丁", make_id(204), "南渔泽村", "", 4, "渔泽镇人民政府", "2023-03-02"],  # new
    ]
    record = _preview(civil, rows)
    assert record.counts["invalid"] == 0, record.preview.get("invalid")
    list_import_commit(acting_user=civil, list_import=record)

    d = Household.objects.get(head_name="新户丁")
    sizes = {h.head_name: h.family_size for h in Household.objects.filter(pk__in=[a.pk, b.pk, c.pk, d.pk])}
    assert sizes == {"老户甲": 3, "老户乙": 2, "老户丙": None, "新户丁": 4}
    assert HouseholdStatus.objects.get(household=d).certifying_body == "渔泽镇人民政府"
    assert HouseholdStatus.objects.get(household=b, ended_on__isnull=True).certifying_body == "渔泽镇人民政府"
    # The change to a household already on file is in its history, with the list named.
    event = AuditEvent.objects.get(object_type="households.household", object_id=str(a.pk), action="update")
    assert "家庭人口" in event.note and event.changes["family_size"]["after"] in (3, "3")

    client = Client()
    client.force_login(tl_county)
    page = client.get(reverse("households:household_detail", args=[d.pk])).content.decode()
    assert "4 人" in page and "已登记成员 1 人，请补录家庭成员" in page
    assert "渔泽镇人民政府" in page
    api = client.get(f"/api/households/{d.pk}/").json()
    assert api["family_size"] == 4 and api["statuses"][0]["certifying_body"] == "渔泽镇人民政府"


def test_a_township_that_disagrees_with_the_code_and_a_family_size_in_words_are_row_errors(
    civil: User,  # noqa: F811
    existing: tuple[Household, Household, Household],  # noqa: F811
) -> None:
    rows: list[Any] = [
        ["余吾镇", "新户戊", make_id(205), "", "140405102201", 3, "", "2023-03-02"],  # 北渔泽村 is in 渔泽镇
        ["渔泽镇", "新户己", make_id(206), "北渔泽村", "", "三口", "", "2023-03-02"],
        ["渔泽镇", "新户庚", make_id(207), "北渔泽村", "140405102201", 5, "", "2023-03-02"],  # right
    ]
    record = _preview(civil, rows)
    errors = {row["name"]: row["errors"] for row in record.preview["invalid"]}
    assert errors["新户戊"]["所在村"] == "区划代码 140405102201 是渔泽镇的村，与表中乡镇「余吾镇」不符，请核对"
    assert errors["新户己"]["家庭人口"] == "家庭人口「三口」应为 1–30 的整数"
    assert record.counts["new_households"] == 1
    list_import_commit(acting_user=civil, list_import=record)
    assert Household.objects.get(head_name="新户庚").family_size == 5
    assert not Household.objects.filter(head_name__in=["新户戊", "新户己"]).exists()
