from django.db import models


class PhotoStage(models.TextChoices):
    INSPECTION = "inspection", "排查照片"
    PATROL = "patrol", "施工巡查照片"
    START = "start", "开工照片"
    COMPLETION = "completion", "竣工照片"
    ACCEPTANCE = "acceptance", "验收照片"
    ARCHIVE = "archive", "档案照片"


class FlagKind(models.TextChoices):
    FAR = "far", "拍摄地点距房屋过远"
    NO_POSITION = "no_position", "照片无位置信息"
    OUT_OF_DATES = "out_of_dates", "拍摄时间不在本阶段"
    REUSED = "reused", "与其他房屋的照片相同"


class ExifSource(models.TextChoices):
    """Where a photo's own position and time were read (ADR 0047)."""

    NONE = "", "照片无位置和时间"
    FILE = "file", "上传的照片自带"
    PHONE_COPY = "phone_copy", "手机缩小照片时从原图保留"
