"""Renovation history from the national 农村危房改造信息系统 (issue 20 item 3, ADR 0041): a
county's export is mapped by its headers under a title row, previewed with every bad row's
reasons, committed (the valid rows only when the user confirms), and then a renovated person is
refused a second subsidy, shown by the anomaly check and kept under watch."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from anju.accounts.models import User
from anju.anomalies.choices import FindingStatus
from anju.anomalies.models import Finding
from anju.anomalies.services import checks_run
from anju.appraisals.tests.conftest import DibaoHome, appraiser, dibao_home  # noqa: F401
from anju.audit.models import AuditEvent
from anju.cases import services as case_services
from anju.cases.models import RenovationCase
from anju.cases.tests.conftest import covered_home, officers, tl_head  # noqa: F401
from anju.cases.watch import renovated_under_watch
from anju.households.history import error_report, history_import_commit, history_import_preview
from anju.households.models import HistoryImport, HistoryImportStatus, RenovationHistory
from anju.households.services import house_create, household_create, member_add
from anju.inspections.tests.conftest import make_id
from anju.regions.models import Region
from tests.scenarios.conftest import ago

pytestmark = pytest.mark.django_db

HEADER = ["序号", "县", "户主姓名", "身份证号码", "地址", "改造年度", "改造方式", "补助金额（元）", "竣工日期"]


def workbook(*rows: list[Any]) -> bytes:
    """The national system's export as counties download it: a title row, then the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["屯留区农村危房改造历史数据（国家农村危房改造信息系统导出）"])
    sheet.append(HEADER)
    for n, row in enumerate(rows, start=1):
        sheet.append([n, "屯留区", *row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_national_export_is_mapped_committed_and_refuses_a_second_subsidy(
    covered_home: DibaoHome,  # noqa: F811
    tl_county: User,
    tl_clerk: User,
) -> None:
    head = covered_home["household"]
    data = workbook(
        [head.head_name, head.head_id_number, "山西省长治市屯留区渔泽镇北渔泽村", "2022", "修缮加固", "14,000", "2022-10-20"],
        ["戊", make_id(31), "屯留区余吾镇余吾村3组", 2021, "拆除重建", 35000, "2021/11/02"],
    )  # fmt: skip
    record = history_import_preview(acting_user=tl_county, data=data, filename="国家系统导出.xlsx")
    assert record.status == HistoryImportStatus.PREVIEWED and record.invalid == []
    assert record.mapping["address"] == "地址" and record.mapping["amount"] == "补助金额（元）"
    assert record.counts == {"valid": 2, "invalid": 0, "existing": 0, "new": 2, "registered": 1}
    assert not RenovationHistory.objects.exists()  # a preview writes nothing
    history_import_commit(acting_user=tl_county, history_import=record)
    mine = RenovationHistory.objects.get(id_number=head.head_id_number)
    assert (mine.household, mine.house, mine.region.code, mine.year) == (
        head,
        covered_home["house"],
        "140405102201",
        2022,
    )
    assert RenovationHistory.objects.get(year=2021).region.code == "140405103200"
    assert AuditEvent.objects.filter(object_type="households.renovationhistory").count() == 2

    with pytest.raises(ValidationError, match="2022 年修缮加固，补助 14,000 元，国家农村危房改造信息系统记录"):
        case_services.case_open(acting_user=tl_clerk, household=head, on=ago(10))
    assert not RenovationCase.objects.exists()
    assert [h.pk for h in renovated_under_watch(tl_county, ago(0))] == [covered_home["house"].pk]
    watch = Client()
    watch.force_login(tl_county)
    page = watch.get(reverse("cases:watch_list")).content.decode()
    assert "2022 年（国家系统历史记录）" in page and "None 年" not in page

    again = history_import_preview(acting_user=tl_county, data=data, filename="国家系统导出.xlsx")
    assert again.counts["existing"] == 2 and again.counts["new"] == 0


def test_invalid_ids_and_unknown_villages_are_reported_per_row_and_kept_out_unless_confirmed(
    regions: dict[str, Region], tl_county: User
) -> None:
    data = workbook(
        ["甲", make_id(41), "渔泽镇北渔泽村", 2018, "修缮加固", 12000, "2018-09-01"],
        ["乙", "140405195603120419", "渔泽镇北渔泽村", 2018, "修缮加固", 12000, "2018-09-01"],  # wrong check digit
        ["丙", make_id(42), "长治市潞州区某某村", 2018, "拆除重建", 30000, ""],  # not a village of 屯留区
        ["丁", make_id(43), "渔泽镇渔泽村", 2030, "", "两万", ""],  # 渔泽村: 北 or 南?
    )  # fmt: skip
    record = history_import_preview(acting_user=tl_county, data=data, filename="历史.xlsx")
    errors = {row["line"]: row["errors"] for row in record.invalid}
    assert set(errors) == {4, 5, 6}
    assert "校验位" in errors[4]["身份证号码"] or "身份证" in errors[4]["身份证号码"]
    assert "找不到辖区内的村" in errors[5]["地址"]
    assert "找不到辖区内的村" in errors[6]["地址"]
    assert "2030" in errors[6]["改造年度"] and "改造方式为空" in errors[6]["改造方式"]
    assert "不是数字" in errors[6]["补助金额"]
    report = error_report(record).decode("utf-8-sig")
    assert report.count("\n") == 1 + 1 + 1 + 4 and "找不到辖区内的村" in report  # header, then a line per reason

    with pytest.raises(ValidationError, match="有 3 行无效"):
        history_import_commit(acting_user=tl_county, history_import=record)
    assert not RenovationHistory.objects.exists()
    history_import_commit(acting_user=tl_county, history_import=record, confirm_partial=True)
    assert list(RenovationHistory.objects.values_list("head_name", flat=True)) == ["甲"]


def test_a_file_without_the_needed_columns_is_refused_with_what_is_missing(tl_county: User) -> None:
    book = openpyxl.Workbook()
    book.active.append(["户主姓名", "身份证号码", "改造年度"])
    out = io.BytesIO()
    book.save(out)
    record = history_import_preview(acting_user=tl_county, data=out.getvalue(), filename="少列.xlsx")
    assert record.status == HistoryImportStatus.REFUSED
    assert "改造方式" in record.error and "地址" in record.error


def test_the_anomaly_check_shows_a_live_case_of_a_person_the_national_system_renovated(
    covered_home: DibaoHome,  # noqa: F811
    regions: dict[str, Region],
    tl_county: User,
    tl_clerk: User,
) -> None:
    head = covered_home["household"]
    case_services.case_open(acting_user=tl_clerk, household=head, on=ago(10))
    data = workbook(
        [head.head_name, head.head_id_number, "渔泽镇北渔泽村", 2016, "修缮加固", 10000, "2016-10-01"],
    )  # fmt: skip
    history_import_commit(
        acting_user=tl_county,
        history_import=history_import_preview(acting_user=tl_county, data=data, filename="h.xlsx"),
    )
    checks_run(region=regions["140405000000"], acting_user=tl_county)
    [found] = Finding.objects.filter(rule_id="A01-person-twice", status=FindingStatus.OPEN)
    assert "国家农村危房改造信息系统已有其改造记录：2016 年修缮加固" in found.evidence
    assert head.head_id_number not in found.evidence


def test_the_api_previews_a_history_file_reports_errors_and_commits_when_confirmed(
    regions: dict[str, Region], tl_county: User, client: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = workbook(
        ["甲", make_id(51), "渔泽镇北渔泽村", 2020, "修缮加固", 15000, "2020-09-01"],
        ["乙", "12345", "渔泽镇北渔泽村", 2020, "修缮加固", 15000, "2020-09-01"],
    )  # fmt: skip
    client.force_login(tl_county)
    answer = client.post("/api/history-imports/", {"file": SimpleUploadedFile("h.xlsx", data)})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["counts"]["new"] == 1 and body["invalid"][0]["line"] == 4
    assert body["rows"][0]["id_number"] == make_id(51)  # the county officer sees the whole number
    report = client.get(f"/api/history-imports/{body['id']}/errors/")
    assert report.status_code == 200 and "身份证号码" in report.content.decode("utf-8-sig")
    refused = client.post(f"/api/history-imports/{body['id']}/commit/", {}, content_type="application/json")
    assert refused.status_code == 400 and "有 1 行无效" in refused.content.decode()
    done = client.post(
        f"/api/history-imports/{body['id']}/commit/", {"confirm_partial": True}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "committed"
    assert RenovationHistory.objects.get().id_number == make_id(51)


def test_a_large_file_is_previewed_as_a_background_job(
    regions: dict[str, Region],
    tl_county: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from anju.households import history
    from anju.jobs.models import Job, JobStatus

    monkeypatch.setattr(history, "DIRECT_BYTES", 100)  # every file counts as large here
    data = workbook(["甲", make_id(61), "渔泽镇北渔泽村", 2019, "修缮加固", 12000, "2019-10-01"])
    with django_capture_on_commit_callbacks(execute=True):
        job = history.history_import_start(acting_user=tl_county, data=data, filename="大文件.xlsx")
    assert isinstance(job, Job)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    record = HistoryImport.objects.get(pk=job.result["history_import"])
    assert record.status == HistoryImportStatus.PREVIEWED and record.counts["new"] == 1


def test_a_person_registered_after_the_import_is_linked_and_their_house_kept_under_watch(
    regions: dict[str, Region],
    tl_county: User,
    tl_clerk: User,
) -> None:
    """The national system knew 己 and her son before anju did: registering the household, the
    son as a member and their only house links both records, and the house is on the watch list."""
    mother, son = make_id(41), make_id(42)
    data = workbook(
        ["己", mother, "屯留区渔泽镇北渔泽村", 2023, "拆除重建", 35000, "2023-11-02"],
        ["庚", son.lower(), "屯留区渔泽镇北渔泽村", 2019, "修缮加固", 9000, "2019-10-02"],
    )  # fmt: skip
    record = history_import_preview(acting_user=tl_county, data=data, filename="国家系统导出.xlsx")
    history_import_commit(acting_user=tl_county, history_import=record)
    assert not RenovationHistory.objects.filter(household__isnull=False).exists()

    household = household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name="己", head_id_number=mother
    )
    assert RenovationHistory.objects.get(id_number=mother).household == household
    member_add(acting_user=tl_clerk, household=household, name="庚", id_number=son, relation="child")
    assert RenovationHistory.objects.get(year=2019).household == household
    house = house_create(
        acting_user=tl_clerk, household=household, structure="brick_wood", build_year=2023, seismic_intensity=7
    )
    assert set(RenovationHistory.objects.values_list("house", flat=True)) == {house.pk}
    assert [h.pk for h in renovated_under_watch(tl_county, ago(0))] == [house.pk]
    assert (
        AuditEvent.objects.filter(object_type="households.renovationhistory", note__contains="关联到新登记").count()
        == 4
    )  # each record linked to the household, then to the house


def test_the_history_records_page_filters_by_village_year_method_and_id_and_masks_by_role(
    regions: dict[str, Region],
    tl_county: User,
    tl_head: User,  # noqa: F811
    client: Any,
) -> None:
    """历史改造记录 next to the imports: one FilterSet behind the page, the export and the API;
    the village head sees only his village, every ID number masked."""
    a, b, c = make_id(61), make_id(62), make_id(63)
    data = workbook(
        ["辛", a, "渔泽镇北渔泽村", 2022, "修缮加固", 14000, "2022-10-20"],
        ["壬", b, "渔泽镇北渔泽村", 2020, "拆除重建", 35000, "2020-11-02"],
        ["癸", c, "屯留区余吾镇余吾村3组", 2022, "拆除重建", 35000, "2022-11-02"],
    )  # fmt: skip
    history_import_commit(
        acting_user=tl_county,
        history_import=history_import_preview(acting_user=tl_county, data=data, filename="国家系统导出.xlsx"),
    )
    url = reverse("households:history_records")
    assert url == "/households/history/records/"
    client.force_login(tl_county)

    def names(params: dict[str, str]) -> set[str]:
        page = client.get(url, params).content.decode()
        return {n for n in ("辛", "壬", "癸") if f"<td>{n}</td>" in page}

    assert names({}) == {"辛", "壬", "癸"}
    assert names({"region": "140405102201"}) == {"辛", "壬"}
    assert names({"region": "140405102201", "year": "2022"}) == {"辛"}
    assert names({"method": "拆除重建"}) == {"壬", "癸"}
    assert names({"q": c}) == {"癸"} and names({"q": c[:10]}) == set()  # a whole ID number only
    assert a in client.get(url).content.decode()  # the county officer sees whole numbers
    bad = client.get(url, {"year": "1999"}).content.decode()
    assert 'data-testid="filter-errors"' in bad and "改造年度：" in bad and names({"year": "1999"}) == set()

    export = client.get(reverse("households:history_records_export"), {"year": "2022"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0]
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert a in cells and c in cells and "壬" not in cells
    api = client.get("/api/history-records/", {"method": "拆除重建", "year": "2020"}).json()
    assert [r["id_number"] for r in api["results"]] == [b]

    client.force_login(tl_head)
    page = client.get(url).content.decode()
    assert names({}) == {"辛", "壬"}  # his village only
    assert a not in page and b not in page and a[:4] in page  # masked
    rows = client.get("/api/history-records/").json()["results"]
    assert len(rows) == 2 and all("*" in r["id_number"] for r in rows)
