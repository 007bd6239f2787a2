from django.db import models


class Topic(models.TextChoices):
    """What a supervision visit looked at."""

    QUALITY = "quality", "质量安全"
    PROGRESS = "progress", "工程进度"
    ARCHIVES = "archives", "档案资料"
    FUNDS = "funds", "资金拨付"
    POLICY = "policy", "政策落实"
    GENERAL = "general", "综合督导"


class FindingCategory(models.TextChoices):
    """The kind of problem a finding records."""

    QUALITY = "quality", "质量安全"
    DELAY = "delay", "进度滞后"
    ARCHIVES = "archives", "档案不全"
    FUNDS = "funds", "资金拨付"
    POLICY = "policy", "政策执行"
    OTHER = "other", "其他"


class OrderStatus(models.TextChoices):
    """Where a rectification order stands. A returned order goes back to ISSUED (with a new
    due date when the issuer gives one); overdue is computed, never stored."""

    ISSUED = "issued", "待整改"
    RESPONDED = "responded", "已反馈待复核"
    CLOSED = "closed", "已销号"


class FollowUpKind(models.TextChoices):
    """One exchange on a rectification order."""

    ISSUED = "issued", "下发整改通知"
    RESPONSE = "response", "乡镇反馈整改情况"
    RETURNED = "returned", "退回重新整改"
    CLOSED = "closed", "复核销号"
