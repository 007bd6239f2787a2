"""The parser over the ugly-file corpus: every file gets a correct reading or a clear error."""

import datetime

import pytest

from anju.core.tabular import TabularError
from anju.households.listparse import parse_date, parse_group, parse_list

from .corpus import (
    bad_checksum,
    csv_named_xlsx,
    dibao_list_xlsx_merged_header,
    encrypted_xlsx,
    fullwidth,
    make_id,
    monitoring_list_gbk_csv,
)

TODAY = datetime.date(2026, 11, 23)


def test_a_merged_two_row_header_under_title_rows_is_found() -> None:
    data, name = dibao_list_xlsx_merged_header(
        [
            ("牛二旦", make_id(1), "北渔泽村委会", "三组", "2023-01-05"),
            ("张 三", make_id(2).lower(), "南渔泽村委会", "一组", "2023年2月1日"),
        ]
    )
    parsed = parse_list(data, name, today=TODAY)
    assert parsed.header_line == 4
    assert set(parsed.mapping) >= {"head_name", "id_number", "village", "group_name", "certified_on"}
    assert [r.values["head_name"] for r in parsed.valid] == ["牛二旦", "张三"]
    assert parsed.valid[1].values["id_number"] == make_id(2)  # upper-case X or digit, normalised
    assert parsed.valid[1].values["certified_on"] == datetime.date(2023, 2, 1)
    assert parsed.invalid == []  # the 合计 line is not a household


def test_gbk_csv_with_fullwidth_digits_and_bad_rows_reports_each_cell() -> None:
    data, name = monitoring_list_gbk_csv(
        [
            ("李四", fullwidth(make_id(3)), "北渔泽村委会", "２０２３-０３-０１"),
            ("王五", bad_checksum(make_id(4)), "北渔泽村委会", "2023-03-01"),
            ("赵六", "140405" + "19560230" + "0051", "北渔泽村委会", "2023-03-01"),
            ("李四", make_id(3), "北渔泽村委会", "2023-03-01"),
            ("钱七", make_id(5), "北渔泽村委会", "三月初"),
        ]
    )
    parsed = parse_list(data, name, today=TODAY)
    assert [r.values["head_name"] for r in parsed.valid] == ["李四"]
    reasons = {r.line: r.errors for r in parsed.invalid}
    assert "校验位错误" in reasons[5]["身份证号"]
    assert "出生日期 19560230 不存在" in reasons[6]["身份证号"]
    assert reasons[7]["身份证号"] == "与第 4 行重复"
    assert "无法识别" in reasons[8]["认定日期"]


def test_a_saved_mapping_reads_unusual_headers() -> None:
    text = "名单\n户主名字,号码,备注\n牛二旦," + make_id(1) + ",\n"
    with pytest.raises(TabularError, match="找不到表头"):
        parse_list(text.encode(), "odd.csv", today=TODAY)
    parsed = parse_list(
        text.encode(), "odd.csv", saved_mapping={"head_name": "户主名字", "id_number": "号码"}, today=TODAY
    )
    assert parsed.valid[0].values["head_name"] == "牛二旦"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.xlsx", "文件为空"),
        ("户主姓名,身份证号\n".encode(), "headers-only.csv", "没有数据行"),
        ("姓名,电话\n张三,138\n".encode(), "no-id.csv", "找不到表头"),
        (encrypted_xlsx()[0], encrypted_xlsx()[1], "密码保护"),
        (b"PK\x03\x04broken", "broken.xlsx", "已损坏"),
    ],
)
def test_unusable_files_get_a_clear_error(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(TabularError, match=message):
        parse_list(data, filename, today=TODAY)


def test_an_xlsx_that_is_really_a_csv_is_read_as_csv() -> None:
    data, name = csv_named_xlsx("户主姓名,身份证号\n牛二旦," + make_id(1) + "\n")
    assert parse_list(data, name, today=TODAY).valid[0].values["head_name"] == "牛二旦"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-03-15", datetime.date(2023, 3, 15)),
        ("2023/3/5", datetime.date(2023, 3, 5)),
        ("2023年3月5日", datetime.date(2023, 3, 5)),
        ("20230305", datetime.date(2023, 3, 5)),
        ("45000", datetime.date(2023, 3, 15)),
        ("", None),
    ],
)
def test_dates_in_the_forms_people_type(raw: str, expected: datetime.date | None) -> None:
    assert parse_date(raw) == expected


def test_group_words_are_recognised() -> None:
    assert parse_group("低保户") == "dibao" and parse_group("低保边缘家庭") == "dibao_edge"
    assert parse_group("分散供养特困") == "tekun" and parse_group("监测对象") == "monitoring"
    assert parse_group("五保户") == "tekun"  # the pre-2016 name of 特困供养
    with pytest.raises(ValueError, match="无法识别"):
        parse_group("优抚对象")


def test_values_longer_than_their_column_are_reported_not_truncated() -> None:
    text = "姓名,身份证号,联系电话,住址\n" + f"牛二旦,{make_id(1)},{'1' * 25},{'北' * 201}\n"
    parsed = parse_list(text.encode(), "long.csv", today=TODAY)
    assert parsed.invalid[0].errors == {"联系电话": "超过 20 个字（25 个字）", "住址": "超过 200 个字（201 个字）"}


@pytest.mark.parametrize("header", ["乡镇", "镇", "街道", "乡镇（街道）", "乡镇(街道)", "所在乡镇"])
def test_a_township_column_is_recognised(header: str) -> None:
    text = f"姓名,身份证号,{header},村\n牛二旦,{make_id(1)},余吾镇,西街村\n"
    parsed = parse_list(text.encode(), "towns.csv", today=TODAY)
    assert parsed.valid[0].values["township"] == "余吾镇" and parsed.valid[0].values["village"] == "西街村"
