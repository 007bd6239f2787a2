from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.field.choices import RecordKind


class SyncedRecord(models.Model):
    """A record made offline that the server accepted, under the idempotency key the phone gave it
    when it was queued: the same key sent again (the answer was lost on a dropped connection, the
    phone retried) returns this row instead of writing the record twice (ADR 0038). A refused
    record leaves no row: nothing was written, and the phone keeps it in its queue."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField("同步编号", max_length=64)
    kind = models.CharField("记录类型", max_length=20, choices=RecordKind.choices)
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.PositiveBigIntegerField("对象编号")
    region_code = models.CharField("区划代码", max_length=15, db_index=True)
    captured_at = models.DateTimeField("现场记录时间", null=True, blank=True)
    synced_at = models.DateTimeField("同步时间", default=timezone.now)

    class Meta:
        verbose_name = "离线同步记录"
        verbose_name_plural = "离线同步记录"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="field_synced_record_user_key")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"
