"""Ledgers that come back (ADR 0040): each xlsx export of a ledger with editable columns is
recorded as a ``LedgerExport`` (its version, carried in the file), and each file an officer
uploads again is a ``LedgerReturn`` with its cell-level preview, committed all or nothing."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.core.scoping import RegionScopedQuerySet
from anju.ledgers.registry import Scope


class LedgerExportQuerySet(RegionScopedQuerySet["LedgerExport"]):
    region_code_lookup = "region_code"


class LedgerExport(models.Model):
    """One xlsx export of a returnable ledger: the version written into the file's hidden sheet.
    ``keys`` are the row keys in file order, so a returned file can say which rows were deleted."""

    ledger = models.CharField("台账", max_length=30)
    region_code = models.CharField("区划代码", max_length=15, db_index=True)
    prefix = models.CharField("区划代码前缀", max_length=15, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    full_ids = models.BooleanField("完整身份证号", default=False)
    keys = models.JSONField("行标识", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("导出时间", default=timezone.now)

    objects: ClassVar[LedgerExportQuerySet] = LedgerExportQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "台账导出版本"
        verbose_name_plural = "台账导出版本"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.ledger} 第 {self.pk} 版（{self.created_at:%Y-%m-%d %H:%M}）"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    def scope(self) -> Scope:
        """The scope the file was drawn for: its rows are drawn again the same way to compare."""
        return Scope(prefix=self.prefix, year=self.year, full_ids=self.full_ids)


class ReturnStatus(models.TextChoices):
    PREVIEWED = "previewed", "待确认"
    REFUSED = "refused", "文件被拒收"
    COMMITTED = "committed", "已写入"


class LedgerReturnQuerySet(RegionScopedQuerySet["LedgerReturn"]):
    region_code_lookup = "region_code"


class LedgerReturn(models.Model):
    """A ledger file that came back from Excel, WPS or LibreOffice: the file as uploaded, what
    its cells would change and what is refused (``preview``), and whether it was committed."""

    export = models.ForeignKey(
        LedgerExport, verbose_name="导出版本", null=True, blank=True, on_delete=models.PROTECT, related_name="returns"
    )
    ledger = models.CharField("台账", max_length=30, blank=True)
    region_code = models.CharField("区划代码", max_length=15, db_index=True)
    original = models.FileField("回传文件", upload_to="ledger-returns/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    status = models.CharField("状态", max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.PREVIEWED)
    problems = models.JSONField("拒收原因", default=list, blank=True)
    preview = models.JSONField("预览", default=dict, blank=True)
    counts = models.JSONField("统计", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committed_at = models.DateTimeField("写入时间", null=True, blank=True, db_index=True)

    objects: ClassVar[LedgerReturnQuerySet] = LedgerReturnQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "台账回传"
        verbose_name_plural = "台账回传"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"回传 {self.original_name}"

    @property
    def audit_region_code(self) -> str:
        return self.region_code
