"""The one-household archive (一户一档, requirements §10): the documents filed for a renovation case,
each under one of the items its policy requires, and the joint review (共同审定) of the archive
by the civil-affairs and rural-revitalization liaisons.

A wrong upload is withdrawn, never deleted: the archive must show what was filed and taken out,
by whom and why. The forms anju prints itself are filed by the system and replaced, old version
kept, when their source changes (ADR 0029)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.accounts.choices import Role
from anju.core.files import file_url
from anju.core.scoping import RegionScopedQuerySet


class DocumentQuerySet(RegionScopedQuerySet["ArchiveDocument"]):
    region_code_lookup = "case__region_code"

    def current(self) -> DocumentQuerySet:
        """The documents that count: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class ArchiveDocument(models.Model):
    """One scanned document or photo filed in a case's archive under one required item
    (``code``, from the case policy's ``archive_documents``). The stored bytes are the ones
    uploaded: a scan is evidence and is never recompressed."""

    case = models.ForeignKey(
        "cases.RenovationCase", verbose_name="案件", on_delete=models.PROTECT, related_name="archive_documents"
    )
    code = models.CharField("材料类别", max_length=40)
    file = models.FileField("文件", upload_to="archives/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    pages = models.PositiveIntegerField("页数", default=1)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤回人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdraw_reason = models.CharField("撤回原因", max_length=300, blank=True)
    # A document anju printed itself (鉴定表, 竣工验收表, 拨付凭证; ADR 0029): the object it was
    # printed from ("appraisal:12") and that in Chinese. Empty for an upload. Such a document is
    # replaced by the next version when its source changes and is never withdrawn by hand.
    source = models.CharField("生成来源", max_length=60, blank=True)
    source_label = models.CharField("来源说明", max_length=200, blank=True)

    objects: ClassVar[DocumentQuerySet] = DocumentQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "档案材料"
        verbose_name_plural = "档案材料"
        ordering = ["case", "code", "uploaded_at", "pk"]
        constraints = [
            # The same file filed twice in one archive is a mistake (usually under the wrong item);
            # the service says which item holds it, this catches two uploads at once.
            models.UniqueConstraint(
                fields=["case", "sha256"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="archive_document_unique_file_per_case",
            ),
            models.CheckConstraint(
                condition=models.Q(content_type__in=["image/jpeg", "image/png", "application/pdf"]),
                name="archive_document_content_type",
            ),
        ]
        indexes = [models.Index(fields=["case", "code"], name="archive_doc_case_code_idx")]

    def __str__(self) -> str:
        # Shown as the audit row's object: the file's name, never the item's code.
        return f"{self.shown_name}（系统生成）" if self.is_generated else self.original_name

    @property
    def audit_region_code(self) -> str:
        return self.case.region_code

    @property
    def view_url(self) -> str:
        return file_url("archive-document", self.pk)

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def shown_name(self) -> str:
        """The name shown on pages: a generated form's Chinese title without its ".pdf"."""
        if self.is_generated and self.original_name.lower().endswith(".pdf"):
            return self.original_name[:-4]
        return self.original_name

    @property
    def is_generated(self) -> bool:
        """系统生成: printed by anju from a recorded act, not uploaded."""
        return bool(self.source)


class ReviewRole(models.TextChoices):
    """The two departments that review an archive jointly (共同审定)."""

    CIVIL_AFFAIRS = Role.CIVIL_AFFAIRS.value, "民政部门"
    RURAL_REVITALIZATION = Role.RURAL_REVITALIZATION.value, "乡村振兴部门"


class ReviewQuerySet(RegionScopedQuerySet["ArchiveReview"]):
    region_code_lookup = "case__region_code"

    def standing(self) -> ReviewQuerySet:
        """Agreeing reviews still in force (not voided by a later withdrawal)."""
        return self.filter(agreed=True, voided_at__isnull=True)


class ArchiveReview(models.Model):
    """One department's sign-off on a case's archive (共同审定). A disagreement (with its
    opinion) may be followed by an agreement once the archive is put right; an agreement stands
    once per department, unless a document it saw is later withdrawn, which voids it."""

    case = models.ForeignKey(
        "cases.RenovationCase", verbose_name="案件", on_delete=models.PROTECT, related_name="archive_reviews"
    )
    role = models.CharField("审定部门", max_length=30, choices=ReviewRole.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审定人", on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField("审定日期")
    agreed = models.BooleanField("同意")
    opinion = models.TextField("审定意见", blank=True)
    recorded_at = models.DateTimeField("录入时间", default=timezone.now)
    voided_at = models.DateTimeField("失效时间", null=True, blank=True)
    void_reason = models.CharField("失效原因", max_length=300, blank=True)

    objects: ClassVar[ReviewQuerySet] = ReviewQuerySet.as_manager()  # type: ignore[assignment]  # django-stubs: as_manager() is typed as a bare Manager; declared as the QuerySet so its methods type-check

    class Meta:
        verbose_name = "共同审定"
        verbose_name_plural = "共同审定"
        ordering = ["case", "reviewed_on", "recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "role"],
                condition=models.Q(agreed=True, voided_at__isnull=True),
                name="archive_review_one_agreement_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}{'同意' if self.agreed else '不同意'}（{self.reviewed_on:%Y-%m-%d}）"

    @property
    def audit_region_code(self) -> str:
        return self.case.region_code
