"""The 鉴定表 as a generated archive document (ADR 0029): which item it is filed under and how it
is printed. The archive files it for the house's open cases when an appraisal is recorded (a
later appraisal of the house replaces it) and when a case is opened for an appraised house."""

from __future__ import annotations

from anju.appraisals.models import Appraisal
from anju.kit.documents import GeneratedDocument

ARCHIVE_ITEM = "appraisal_form"


def appraisal_form(appraisal: Appraisal) -> GeneratedDocument:
    from anju.appraisals.pdf import appraisal_pdf  # ReportLab is loaded only when a form is printed

    return GeneratedDocument(
        code=ARCHIVE_ITEM,
        source=f"appraisal:{appraisal.pk}",
        source_label=f"鉴定 {appraisal.appraised_on:%Y-%m-%d}（{appraisal.final_grade} 级，编号 {appraisal.pk}）",
        filename=f"房屋安全性鉴定表-{appraisal.household.head_name}-{appraisal.appraised_on:%Y%m%d}.pdf",
        render=lambda: appraisal_pdf(appraisal),
        house_id=appraisal.house_id,
    )


def latest_appraisal(house_id: int) -> Appraisal | None:
    """The house's appraisal in force: the latest by date, then by entry (as the house shows)."""
    return (
        Appraisal.objects.filter(house_id=house_id)
        .select_related("household", "template", "house")
        .order_by("-appraised_on", "-pk")
        .first()
    )
