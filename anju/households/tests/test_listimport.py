"""Department list import: preview shows every change; commit is whole or nothing."""

import datetime
from collections.abc import Callable
from typing import Any, NoReturn

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.households.choices import KeyGroup
from anju.households.listimport import list_import_commit, list_import_preview
from anju.households.models import Household, HouseholdStatus, ListImport, ListImportStatus, Member
from anju.households.services import house_create, household_create, status_add
from anju.regions.models import Region

from .corpus import bad_checksum, dibao_list_xlsx_merged_header, make_id, monitoring_list_gbk_csv

LIST_DATE = datetime.date(2023, 3, 31)


@pytest.fixture
def civil(make_user: Callable[..., User]) -> User:
    return make_user("civil", "140405000000", "civil_affairs")


@pytest.fixture
def existing(
    tl_clerk: User, tl_township: User, civil: User, regions: dict[str, Region]
) -> tuple[Household, Household, Household]:
    """Two households on file: 老户甲 already 低保 (with a house), 老户乙 general."""
    a = household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name="老户甲", head_id_number=make_id(201)
    )
    b = household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name="老户乙", head_id_number=make_id(202)
    )
    c = household_create(
        acting_user=tl_township, region=regions["140405102202"], head_name="老户丙", head_id_number=make_id(203)
    )
    house_create(acting_user=tl_clerk, household=a, structure="brick_wood")
    status_add(acting_user=civil, household=a, group=KeyGroup.DIBAO, certified_on=datetime.date(2022, 1, 1))
    status_add(acting_user=civil, household=c, group=KeyGroup.DIBAO, certified_on=datetime.date(2022, 1, 1))
    return a, b, c


def _dibao_file(rows: list[tuple[str, str, str, str, str]]) -> tuple[bytes, str]:
    return dibao_list_xlsx_merged_header(rows)


def _preview(user: User, data_name: tuple[bytes, str], **kw: Any) -> ListImport:
    data, name = data_name
    return list_import_preview(
        acting_user=user,
        data=data,
        filename=name,
        department="civil_affairs",
        group=kw.pop("group", KeyGroup.DIBAO),
        list_date=LIST_DATE,
        **kw,
    )


def test_the_preview_shows_every_kind_of_change_and_writes_nothing(
    civil: User, existing: tuple[Household, Household, Household]
) -> None:
    _a, _b, _c = existing
    record = _preview(
        civil,
        _dibao_file(
            [
                ("老户甲", make_id(201), "北渔泽村委会", "一组", "2022-01-01"),  # unchanged
                ("老户乙", make_id(202), "北渔泽村", "二组", "2023-03-01"),  # status added, no house
                ("新户丁", make_id(204), "南渔泽", "三组", "2023-03-02"),  # new household
            ]
        ),
    )
    assert record.status == ListImportStatus.PREVIEWED
    assert record.counts == {
        "rows": 3,
        "new_households": 1,
        "status_added": 1,
        "status_ended": 1,
        "no_house": 2,
        "invalid": 0,
        "unchanged": 1,
    }
    assert record.preview["new_households"][0]["village_name"] == "南渔泽村委会"
    assert record.preview["status_ended"][0]["name"] == "老户丙"  # 低保 but not on the new list
    assert {n["name"] for n in record.preview["no_house"]} == {"老户乙", "新户丁"}
    assert not Household.objects.filter(head_name="新户丁").exists()
    assert HouseholdStatus.objects.filter(ended_on__isnull=False).count() == 0


def test_commit_applies_it_all_and_a_second_import_changes_nothing(
    civil: User, existing: tuple[Household, Household, Household], tl_clerk: User, tl_township: User
) -> None:
    _a, b, c = existing
    b_house = house_create(acting_user=tl_clerk, household=b, structure="brick_wood")
    c_house = house_create(acting_user=tl_township, household=c, structure="brick_wood")
    assert (b_house.key_household, c_house.key_household) == (False, True)
    rows = [
        ("老户甲", make_id(201), "北渔泽村委会", "一组", "2022-01-01"),
        ("老户乙", make_id(202), "北渔泽村委会", "二组", "2023-03-01"),
        ("新户丁", make_id(204), "南渔泽村委会", "三组", "2023-03-02"),
    ]
    record = list_import_commit(acting_user=civil, list_import=_preview(civil, _dibao_file(rows)))
    assert record.status == ListImportStatus.COMMITTED
    d = Household.objects.get(head_name="新户丁")
    assert d.primary_group == KeyGroup.DIBAO and d.region_code == "140405102202" and d.members.count() == 1
    b.refresh_from_db()
    c.refresh_from_db()
    assert b.primary_group == KeyGroup.DIBAO
    assert c.primary_group == "" and c.statuses.get().ended_on == LIST_DATE
    # Their houses' key flag follows the group the list gave or took (ADR 0053).
    b_house.refresh_from_db()
    c_house.refresh_from_db()
    assert (b_house.key_household, c_house.key_household) == (True, False)
    events = {
        (e.action, e.object_type, e.object_id): e
        for e in AuditEvent.objects.filter(note__startswith=f"名单导入 {record.pk}")
    }
    b_status = b.statuses.get(ended_on__isnull=True)
    assert set(events) == {
        ("create", "households.household", str(d.pk)),  # with its head member and first status
        ("create", "households.householdstatus", str(b_status.pk)),
        ("update", "households.householdstatus", str(c.statuses.get().pk)),
    }
    created = events["create", "households.household", str(d.pk)]
    assert created.object_repr == "新户丁户" and created.region_code == "140405102202"
    assert created.changes["group"] == {"before": None, "after": "dibao"}
    assert created.changes["certified_on"]["after"] == "2023-03-02" and created.actor_username == "civil"
    assert events["create", "households.householdstatus", str(b_status.pk)].object_repr == "老户乙户 农村低保户"
    ended = events["update", "households.householdstatus", str(c.statuses.get().pk)]
    assert ended.changes == {"ended_on": {"before": None, "after": "2023-03-31"}}
    assert ended.region_code == c.region_code and "出列" in ended.note
    assert b_status.list_import == record and c.statuses.get().list_import is None
    before = (Household.objects.count(), HouseholdStatus.objects.count(), Member.objects.count())
    again = list_import_commit(acting_user=civil, list_import=_preview(civil, _dibao_file(rows)))
    assert again.counts["unchanged"] == 3 and again.counts["new_households"] == 0 and again.counts["status_ended"] == 0
    assert (Household.objects.count(), HouseholdStatus.objects.count(), Member.objects.count()) == before


def test_invalid_rows_are_listed_and_suppress_ending(
    civil: User, existing: tuple[Household, Household, Household]
) -> None:
    data = monitoring_list_gbk_csv(
        [
            ("老户乙", make_id(202), "北渔泽村委会", "2023-03-01"),
            ("坏号", bad_checksum(make_id(205)), "北渔泽村委会", "2023-03-01"),
            ("无村", make_id(206), "不存在村", "2023-03-01"),
        ]
    )
    record = list_import_preview(
        acting_user=civil,
        data=data[0],
        filename=data[1],
        department="civil_affairs",
        group=KeyGroup.DIBAO,
        list_date=LIST_DATE,
    )
    assert record.counts["invalid"] == 2 and record.counts["status_ended"] == 0
    assert record.preview["ending_suppressed"] is True
    reasons = [next(iter(r["errors"].values())) for r in record.preview["invalid"]]
    assert "校验位错误" in reasons[0] and "找不到村「不存在村」" in reasons[1]


def test_a_failure_mid_commit_leaves_nothing(
    civil: User, existing: tuple[Household, Household, Household], monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _preview(
        civil,
        _dibao_file(
            [
                ("新户丁", make_id(204), "南渔泽村委会", "三组", "2023-03-02"),
                ("老户乙", make_id(202), "北渔泽村委会", "二组", "2023-03-01"),
            ]
        ),
    )
    counts = (Household.objects.count(), HouseholdStatus.objects.count(), AuditEvent.objects.count())

    def boom() -> NoReturn:  # after households, members and statuses are written, before the audit rows
        raise RuntimeError("power cut")

    monkeypatch.setattr("anju.households.listimport._group_label_sql", boom)
    with pytest.raises(RuntimeError):
        list_import_commit(acting_user=civil, list_import=record)
    assert (Household.objects.count(), HouseholdStatus.objects.count(), AuditEvent.objects.count()) == counts
    record.refresh_from_db()
    assert record.status == ListImportStatus.PREVIEWED


def test_a_list_cannot_be_committed_twice_or_by_someone_else(
    civil: User, existing: tuple[Household, Household, Household], make_user: Callable[..., User]
) -> None:
    record = _preview(civil, _dibao_file([("老户乙", make_id(202), "北渔泽村委会", "二组", "2023-03-01")]))
    other = make_user("civil2", "140405000000", "civil_affairs")
    with pytest.raises(PermissionDenied, match="上传人"):
        list_import_commit(acting_user=other, list_import=record)
    list_import_commit(acting_user=civil, list_import=record)
    with pytest.raises(ValidationError, match="已导入"):
        list_import_commit(acting_user=civil, list_import=record)


def test_a_clerk_cannot_import_lists(tl_clerk: User) -> None:
    with pytest.raises(PermissionDenied):
        _preview(tl_clerk, _dibao_file([("甲", make_id(1), "北渔泽村委会", "一组", "2023-03-01")]))


def test_an_unreadable_file_is_recorded_as_failed(civil: User, db: None) -> None:
    record = list_import_preview(
        acting_user=civil, data=b"", filename="empty.xlsx", department="civil_affairs", group=KeyGroup.DIBAO
    )
    assert record.status == ListImportStatus.FAILED and "文件为空" in record.error


def test_someone_registered_elsewhere_is_not_revealed(civil: User, ps_admin: User, regions: dict[str, Region]) -> None:
    household_create(
        acting_user=ps_admin,
        region=regions["500243202201"],
        head_name="外地人",
        head_id_number=make_id(300, prefix="500243"),
    )
    record = _preview(
        civil, _dibao_file([("外地人", make_id(300, prefix="500243"), "北渔泽村委会", "一组", "2023-03-01")])
    )
    assert record.preview["invalid"][0]["errors"] == {"身份证号": "该身份证号已在其他地区登记，请核实"}


def test_the_error_report_lists_every_invalid_row_with_its_reason(
    client: Client, civil: User, existing: tuple[Household, Household, Household], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    import openpyxl
    from django.urls import reverse

    from anju.households import listimport

    rows = [(f"坏{i}", bad_checksum(make_id(300 + i)), "北渔泽村委会", "2023-03-01") for i in range(5)]
    rows.append(("老户乙", make_id(202), "北渔泽村委会", "2023-03-01"))
    data, name = monitoring_list_gbk_csv(rows)
    monkeypatch.setattr(listimport, "INVALID_ROWS", 2)  # the page keeps a sample; the report has them all
    record = list_import_preview(
        acting_user=civil,
        data=data,
        filename=name,
        department="rural_revitalization",
        group=KeyGroup.MONITORING,
        list_date=LIST_DATE,
    )
    assert record.counts["invalid"] == 5 and len(record.preview["invalid"]) == 2
    client.force_login(civil)
    page = client.get(reverse("households:import_detail", args=[record.pk])).content.decode()
    assert "无效行（5）" in page and "下载全部无效行" in page
    response = client.get(reverse("households:import_errors", args=[record.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    table = [[c.value for c in r] for r in sheet.iter_rows()]
    assert table[0] == ["行号", "姓名", "列", "问题"]
    assert [r[1] for r in table[1:]] == [f"坏{i}" for i in range(5)]
    assert all(r[2] == "身份证号" and "校验位错误" in r[3] for r in table[1:])
    export = AuditEvent.objects.get(action="export", object_type="households.listimport.errors")
    assert export.actor == civil and "5 行" in export.object_repr


def test_two_members_of_one_household_on_a_list_add_its_status_once(
    civil: User, existing: tuple[Household, Household, Household], tl_clerk: User
) -> None:
    from anju.households.services import member_add

    _a, b, _c = existing
    member_add(acting_user=tl_clerk, household=b, name="老户乙妻", id_number=make_id(207), relation="spouse")
    rows = [
        ("老户乙", make_id(202), "北渔泽村委会", "二组", "2023-03-01"),
        ("老户乙妻", make_id(207), "北渔泽村委会", "二组", "2023-03-01"),
    ]
    record = list_import_commit(acting_user=civil, list_import=_preview(civil, _dibao_file(rows)))
    assert record.counts["status_added"] == 1 and record.counts["unchanged"] == 1
    assert b.statuses.filter(ended_on__isnull=True, group=KeyGroup.DIBAO).count() == 1
