from django.db import models


class TaskKind(models.TextChoices):
    """The province issues two kinds of quota per county and year (requirements §8)."""

    ANNUAL = "annual", "年度任务"
    DYNAMIC = "dynamic", "动态新增"
