from django.db import models


class RecordKind(models.TextChoices):
    """What an officer can record offline and sync later."""

    INSPECTION = "inspection", "排查记录"
    PATROL = "patrol", "质量巡查"
    ARCHIVE_PHOTO = "archive_photo", "档案照片"
    ACCEPTANCE = "acceptance", "竣工验收"
    START = "start", "开工"
    COMPLETE = "complete", "竣工"
