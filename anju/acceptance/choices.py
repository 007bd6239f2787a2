from django.db import models


class ItemResult(models.TextChoices):
    """One checklist item's result, as the paper form marks it: √ pass, × fail, ○ not applicable."""

    PASS = "pass", "√ 合格"
    FAIL = "fail", "× 不合格"
    NA = "na", "○ 不涉及"


# The mark printed on the form and shown in tables.
RESULT_MARK: dict[str, str] = {ItemResult.PASS: "√", ItemResult.FAIL: "×", ItemResult.NA: "○"}


class PostGrade(models.TextChoices):
    """The house's safety grade after the works (竣工后房屋安全等级). A case closes only with A or B."""

    A = "A", "A 级（安全）"
    B = "B", "B 级（基本安全）"
    C = "C", "C 级（局部危险）"
    D = "D", "D 级（整体危险）"


SAFE_POST_GRADES = (PostGrade.A, PostGrade.B)

# Pseudo-items a failed acceptance lists besides the checklist's own × items.
POST_GRADE_CODE = "_post_grade"
HOUSEHOLD_CODE = "_household"


class RectificationStatus(models.TextChoices):
    """A filter of the rectification list (not stored: derived from the dates)."""

    OPEN = "open", "整改中"
    OVERDUE = "overdue", "已逾期"
    DONE = "done", "已完成"
