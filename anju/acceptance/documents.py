"""The 竣工验收表 as a generated archive document (ADR 0029): each acceptance recorded files its
form under the case's 竣工验收表 item; a re-acceptance after 整改 replaces it (the failed one is
kept in the item's history)."""

from __future__ import annotations

from anju.acceptance.models import Acceptance
from anju.kit.documents import GeneratedDocument

ARCHIVE_ITEM = "acceptance_form"


def acceptance_form(acceptance: Acceptance) -> GeneratedDocument:
    from anju.acceptance.pdf import acceptance_pdf  # ReportLab is loaded only when a form is printed

    case = acceptance.case
    return GeneratedDocument(
        code=ARCHIVE_ITEM,
        source=f"acceptance:{acceptance.pk}",
        source_label=f"第 {acceptance.attempt} 次验收 {acceptance.on:%Y-%m-%d}（{acceptance.result_label}）",
        filename=f"竣工验收表-{case.household.head_name}-第{acceptance.attempt}次-{acceptance.on:%Y%m%d}.pdf",
        render=lambda: acceptance_pdf(acceptance),
        case_ids=(case.pk,),
    )
