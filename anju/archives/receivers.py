"""The archive files the documents anju generates (ADR 0029). The apps that print them send
``anju.kit.documents.document_changed`` after their act commits; a case opened for an appraised
house asks for the house's 鉴定表 through ``anju.cases.extensions``. Filing is done in the
request: printing a form takes well under the 300 ms the ADR allows an act to grow by.

A failure to print or file is logged and leaves the item missing (the archive page shows the
gap, and the next change of the source files it again): the act itself has already committed
and must not be reported as failed."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.dispatch import receiver

from anju.appraisals.documents import appraisal_form, latest_appraisal
from anju.archives import services
from anju.archives.services import SEALED
from anju.cases.models import RenovationCase
from anju.kit.documents import GeneratedDocument, document_changed

logger = logging.getLogger(__name__)


def _file(case: RenovationCase, document: GeneratedDocument, acting_user: Any) -> None:
    started = time.perf_counter()
    try:
        services.generated_document_file(acting_user=acting_user, case=case, document=document)
    except Exception:
        logger.exception("generated document %s for case %s could not be filed", document.source, case.pk)
        return
    logger.info(
        "generated document filed",
        extra={"source": document.source, "case": case.pk, "ms": round((time.perf_counter() - started) * 1000)},
    )


@receiver(document_changed)
def file_generated_document(sender: Any, document: GeneratedDocument, acting_user: Any, **kwargs: Any) -> None:
    cases = RenovationCase.objects.select_related("policy", "household__region")
    if document.case_ids:
        cases = cases.filter(pk__in=document.case_ids)
    elif document.house_id is not None:
        cases = cases.filter(house_id=document.house_id).exclude(stage__in=SEALED)
    else:
        return
    for case in cases:
        _file(case, document, acting_user)


def file_appraisal_of_new_case(case: RenovationCase, acting_user: Any) -> None:
    """A case opened for an appraised house gets the house's 鉴定表 in force."""
    case = RenovationCase.objects.select_related("policy", "household__region").get(pk=case.pk)  # as it is now
    if case.house_id is None:
        return
    appraisal = latest_appraisal(case.house_id)
    if appraisal is not None:
        _file(case, appraisal_form(appraisal), acting_user)
