from django.db import models


class ComponentGrade(models.TextChoices):
    """A component's grade in the 2019 guideline (构件危险性等级)."""

    A = "a", "a 级（无危险点）"
    B = "b", "b 级（有危险点）"
    C = "c", "c 级（局部危险）"
    D = "d", "d 级（整体危险）"


COMPONENT_GRADES: tuple[str, ...] = ("a", "b", "c", "d")


class PreventionLevel(models.TextChoices):
    """防灾措施鉴定 (the guideline's second judgement; seismic details stressed at 8 度+)."""

    FULL = "full", "具备"
    PARTIAL = "partial", "部分具备"
    NONE = "none", "完全不具备"


class DamageCause(models.TextChoices):
    """Why the house is (or became) dangerous; the re-entry rule reads it (requirements §7)."""

    AGEING = "ageing", "年久失修、自然老化"
    SMALL_DISASTER = "small_disaster", "小型自然灾害"
    MAJOR_DISASTER = "major_disaster", "重大自然灾害"
    BUILD_QUALITY = "build_quality", "建造质量问题"
    OTHER = "other", "其他"
    NONE = "none", "无（房屋安全）"
