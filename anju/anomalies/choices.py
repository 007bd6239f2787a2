from django.db import models


class Severity(models.TextChoices):
    """How much an auditor would mind (审计、纪检): money out of rule first."""

    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class FindingStatus(models.TextChoices):
    """A finding is open until someone explains it (a reason on record) or a re-run no longer
    finds it (fixed)."""

    OPEN = "open", "待处理"
    EXPLAINED = "explained", "已说明"
    FIXED = "fixed", "已纠正"


class RunTrigger(models.TextChoices):
    MANUAL = "manual", "手动运行"
    NIGHTLY = "nightly", "夜间定时"


LIVE_STATUSES = (FindingStatus.OPEN, FindingStatus.EXPLAINED)
