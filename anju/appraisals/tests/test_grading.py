"""Every grading path of the 2019 guideline (requirements §6)."""

import pytest

from anju.appraisals.grading import house_grade

NAMES = {"foundation": "地基基础", "walls": "承重墙体", "roof": "楼、屋盖"}

CASES = [
    ("all a", False, {"foundation": "a", "walls": "a", "roof": "a"}, "A", "各组成部分均为 a 级"),
    ("one b", False, {"foundation": "a", "walls": "b", "roof": "a"}, "B", "承重墙体为 b 级"),
    ("all b", False, {"foundation": "b", "walls": "b", "roof": "b"}, "B", "地基基础、承重墙体、楼、屋盖为 b 级"),
    ("a c beside b", False, {"foundation": "b", "walls": "c", "roof": "b"}, "C", "承重墙体为 c 级"),
    ("two c", False, {"foundation": "c", "walls": "a", "roof": "c"}, "C", "地基基础、楼、屋盖为 c 级"),
    ("one d among c", False, {"foundation": "c", "walls": "d", "roof": "c"}, "D", "承重墙体为 d 级"),
    ("d alone", False, {"foundation": "d", "walls": "a", "roof": "a"}, "D", "地基基础为 d 级"),
    ("dangerous site, sound house", True, {"foundation": "a", "walls": "a", "roof": "a"}, "D", "场地危险"),
    ("dangerous site, nothing judged", True, {}, "D", "建议异地新建"),
]


@pytest.mark.parametrize(("what", "site", "grades", "expected", "reason"), CASES, ids=[c[0] for c in CASES])
def test_it_grades_by_site_then_worst_component(
    what: str, site: bool, grades: dict[str, str], expected: str, reason: str
) -> None:
    result = house_grade(site_dangerous=site, component_grades=grades, names=NAMES)
    assert result.grade == expected
    assert reason in result.reason
    assert result.relocation is site


@pytest.mark.parametrize("bad", ["e", "A", "", "cc"])
def test_a_grade_outside_a_to_d_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        house_grade(site_dangerous=False, component_grades={"foundation": bad}, names=NAMES)
