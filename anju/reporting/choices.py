from django.db import models


class ReportKind(models.TextChoices):
    MONTHLY_LIST = "monthly_list", "新增对象月报"
    PROGRESS = "progress", "进度月报"


class SubmissionStatus(models.TextChoices):
    """draft → submitted → signed_off; submitted → returned → (submitted again); signed_off →
    draft only through an audited reopen by the level above."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送待审核"
    RETURNED = "returned", "已退回"
    SIGNED_OFF = "signed_off", "已审核确认"


class EventKind(models.TextChoices):
    PREPARE = "prepare", "生成草稿"
    REFRESH = "refresh", "重新生成"
    SUBMIT = "submit", "报送"
    RETURN = "return", "退回"
    SIGN_OFF = "sign_off", "审核确认"
    REOPEN = "reopen", "重新打开"


class Timeliness(models.TextChoices):
    """Where a region's report for a month stands (``reporting.timeliness``: the one definition)."""

    ON_TIME = "on_time", "按时"
    LATE = "late", "逾期报送"
    MISSING = "missing", "逾期未报"
    NOT_DUE = "not_due", "未到期"
    # after a return, measured against the new due date the return gave (reporting.timeliness)
    RETURNED = "returned", "退回待重报"
    RETURNED_OVERDUE = "returned_overdue", "退回后逾期未重报"
    RESUBMITTED = "resubmitted", "退回后按期重报"
    RESUBMITTED_LATE = "resubmitted_late", "退回后逾期重报"
