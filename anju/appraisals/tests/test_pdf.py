"""The printable appraisal form: a PDF whose text says who, which house, each component's grade
beside its criterion, the result and the signatures block. Text is read back with pdftotext."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from anju.accounts.models import User
from anju.appraisals import services
from anju.appraisals.models import Appraisal
from anju.appraisals.pdf import appraisal_pdf
from anju.appraisals.tests.conftest import DibaoHome, appraisal_kwargs
from anju.households.services import house_create

pytestmark = pytest.mark.django_db

C_GRADES = {
    "foundation": "b",
    "walls": "c",
    "timber_members": "a",
    "timber_truss": "a",
    "floor_roof": "a",
    "enclosure": "a",
}


def text_of(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text with whitespace removed (table cells wrap wherever the width says)."""
    if shutil.which("pdftotext") is None:
        print("pdftotext (poppler-utils) is not installed: the PDF's text is not checked")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return "".join(out.stdout.decode("utf-8").split())


def keep(pdf: bytes, name: str) -> None:
    """ANJU_KEEP_PDF=<dir> keeps the rendered forms, to look at them as images (pdftoppm -png)."""
    where = os.environ.get("ANJU_KEEP_PDF")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        (Path(where) / name).write_bytes(pdf)


def test_it_prints_the_household_the_grades_and_the_criteria(
    appraiser: User, dibao_home: DibaoHome, tmp_path: Path
) -> None:
    appraisal = services.appraisal_record(
        acting_user=appraiser,
        house=dibao_home["house"],
        **appraisal_kwargs(
            component_grades=C_GRADES,
            component_notes={"walls": "西山墙斜裂缝 <3mm> & 空鼓"},
            final_grade="D",
            override_reason="后墙外闪，整体性差",
            prevention_level="none",
            damage_cause="ageing",
        ),
    )
    pdf = appraisal_pdf(appraisal)
    keep(pdf, "appraisal-override.pdf")
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf, tmp_path)
    household = dibao_home["household"]
    for expected in (
        "农村住房安全性鉴定表",
        "甲",
        household.head_id_number[:4] + "**********" + household.head_id_number[-4:],
        "北渔泽村委会",
        "农村低保户",
        "砖木",
        "1985年",
        "7度",
        # The criterion of the grade given, from the template the appraisal used.
        "承重墙体c级砌筑质量很差；裂缝较多，剥蚀严重",
        "地基基础b级基础埋深略小；有轻微不均匀沉降。",
        "西山墙斜裂缝<3mm>&空鼓",  # escaped, not parsed as markup
        "计算等级C级",
        "鉴定等级D级",
        "调整理由后墙外闪，整体性差",
        "完全不具备",
        "年久失修、自然老化",
        "整体危险，应停止使用",
        "全国默认鉴定模板（2019导则）（第1版）",
        "王工",
        "屯留区建筑设计院",
        "JD-2024-0137",
        "2026年05月10日",
        "鉴定人（签字）",
        "审核人（签字）",
        "农户（签字）",
    ):
        assert expected in text, expected
    assert household.head_id_number not in text
    assert "GB50292" not in text and "场地安全性安全" in text


def test_a_house_of_three_storeys_says_it_is_outside_the_guideline(
    appraiser: User, dibao_home: DibaoHome, tl_clerk: User, tmp_path: Path
) -> None:
    house = house_create(
        acting_user=tl_clerk,
        household=dibao_home["household"],
        structure="brick_concrete",
        storeys=3,
        is_only_house=False,
        floor_area=240,
    )
    grades = {"foundation": "a", "walls": "a", "concrete_members": "a", "floor_roof": "a", "enclosure": "a"}
    appraisal = services.appraisal_record(
        acting_user=appraiser, house=house, **appraisal_kwargs(component_grades=grades)
    )
    assert appraisal.outside_guideline
    pdf = appraisal_pdf(appraisal)
    keep(pdf, "appraisal-three-storeys.pdf")
    text = text_of(pdf, tmp_path)
    assert "三层及以上，超出导则适用范围，应按GB50292鉴定" in text
    assert "混凝土柱、梁a级完好；无裂缝、露筋、变形。" in text and "鉴定等级A级" in text
    assert "调整理由" not in text and "240平方米" in text


def test_a_dangerous_site_prints_d_without_component_grades(
    appraiser: User, dibao_home: DibaoHome, tmp_path: Path
) -> None:
    appraisal = services.appraisal_record(
        acting_user=appraiser,
        house=dibao_home["house"],
        **appraisal_kwargs(
            component_grades={}, site_dangerous=True, site_note="屋后山体有滑坡隐患", damage_cause="other"
        ),
    )
    pdf = appraisal_pdf(appraisal)
    keep(pdf, "appraisal-site.pdf")
    text = text_of(pdf, tmp_path)
    assert "场地安全性危险屋后山体有滑坡隐患" in text
    assert "未评定（场地危险，直接评定为D级）" in text
    assert "鉴定等级D级（场地危险，建议异地新建）" in text
    assert Appraisal.objects.count() == 1
