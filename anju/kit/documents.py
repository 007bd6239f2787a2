"""Documents anju generates itself (鉴定表, 竣工验收表, 拨付凭证) and the notice that one of them
has a new version (ADR 0029).

The app that owns the source (appraisals, acceptance, subsidies) knows how to print it; the
archive knows where it is filed. They must not import each other (ADR 0025), so the owner sends
``document_changed`` with a ``GeneratedDocument`` once its transaction has committed, and the
archives app files it. The notice carries no rule: it says only "this document of these cases (or
of this house's open cases) is now this"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal


@dataclass(frozen=True)
class GeneratedDocument:
    """One version of a generated document.

    ``code`` is the archive item it belongs to (a code of the case policy's ``archive_documents``);
    ``source`` names the object it was printed from ("appraisal:12"), ``source_label`` says it in
    Chinese; ``render`` prints it (called by the receiver, after the act's commit). It belongs to
    ``case_ids``, or — for a house's appraisal, which precedes the case — to the open cases of
    ``house_id``."""

    code: str
    source: str
    source_label: str
    filename: str
    render: Callable[[], bytes]
    case_ids: tuple[int, ...] = ()
    house_id: int | None = None


# kwargs: document (GeneratedDocument), acting_user (the user whose act changed the source).
document_changed = Signal()


def announce(document: GeneratedDocument, *, acting_user: object) -> None:
    """Send ``document_changed`` once the current transaction has committed (a rolled-back act
    generates nothing)."""
    transaction.on_commit(lambda: document_changed.send(sender=None, document=document, acting_user=acting_user))
