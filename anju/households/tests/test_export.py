"""Exports: the filtered list as a workbook Excel opens, masked by role, and logged."""

import csv
import datetime
import io
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.households.choices import KeyGroup
from anju.households.models import Household
from anju.households.services import household_create, status_add
from anju.regions.models import Region

from .conftest import make_id


def _seed(tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]) -> Household:
    civil = make_user("civil", "140405000000", "civil_affairs")
    a = household_create(
        acting_user=tl_clerk,
        region=regions["140405102201"],
        head_name="张老汉",
        head_id_number=make_id(61, birth="19500101"),
        phone="13811112222",
    )
    household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name="李青年", head_id_number=make_id(62)
    )
    status_add(acting_user=civil, household=a, group=KeyGroup.DIBAO, certified_on=datetime.date(2023, 1, 5))
    return a


def test_the_xlsx_export_follows_the_filter_and_keeps_id_numbers_as_text(
    client: Client, tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    a = _seed(tl_clerk, make_user, regions)
    client.force_login(tl_clerk)
    response = client.get(reverse("households:household_export"), {"group": "key"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("户主姓名", "户主身份证号", "联系电话")
    assert len(rows) == 2
    assert (
        rows[1][0] == "张老汉"
        and rows[1][1] == a.head_id_number
        and rows[1][7] == "农村低保户"
        and rows[1][8] == "民政"
    )
    assert sheet.freeze_panes == "A2"
    event = AuditEvent.objects.get(action="export")
    assert event.actor == tl_clerk and event.changes["rows"]["after"] == 1
    assert event.changes["filters"]["after"] == {"group": "key"}


def test_the_csv_export_opens_in_excel_and_masks_for_supervisors(
    client: Client, tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    a = _seed(tl_clerk, make_user, regions)
    city = make_user("city", "140400000000", "city_officer")
    client.force_login(city)
    response = client.get(reverse("households:household_export"), {"format": "csv"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 3
    assert a.head_id_number not in text and "13811112222" not in text and "138****2222" in text


def test_house_export_is_scoped(
    client: Client, ps_admin: User, tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    _seed(tl_clerk, make_user, regions)
    client.force_login(ps_admin)
    sheet = load_workbook(io.BytesIO(client.get(reverse("households:house_export")).content)).active
    assert sheet.max_row == 1  # headers only: nothing of 屯留区
