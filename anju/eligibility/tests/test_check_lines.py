"""A decision's "为什么" lines: an included household is not shown the alternatives it did not need."""

from __future__ import annotations

from django.template.loader import render_to_string


def _lines(check: dict[str, object]) -> str:
    return render_to_string("eligibility/_check.html", {"check": check})


def test_it_leaves_out_the_unmet_alternatives_of_a_condition_that_held() -> None:
    html = _lines(
        {
            "text": "满足其一",
            "held": True,
            "children": [
                {"text": "鉴定为 D 级", "held": True, "actual": "D 级"},
                {"text": "无房", "held": False, "actual": "有房"},
            ],
        }
    )

    assert "鉴定为 D 级" in html
    assert "无房" not in html
    assert "✗" not in html


def test_it_shows_every_unmet_part_of_a_condition_that_failed() -> None:
    html = _lines(
        {
            "text": "满足其一",
            "held": False,
            "children": [{"text": "鉴定为 D 级", "held": False}, {"text": "无房", "held": False}],
        }
    )

    assert html.count("✗") == 3
