"""Reads of the one-household archive: which documents a case must hold (from the policy version
it was opened under, by method), which are present, what the joint review has said, and what
stands between the archive and 销号 (``case_close_blockers``, asked by ``anju.cases``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, NamedTuple

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.aggregates import Count
from django.db.models.functions import Coalesce
from django.urls import reverse

from anju.archives.filters import ArchiveFilter
from anju.archives.models import ArchiveDocument, ArchiveReview, ReviewRole
from anju.archives.permissions import can_review, can_upload, can_withdraw, review_roles_of
from anju.cases import policy as pol
from anju.cases.choices import GradeAtOpening, Stage
from anju.cases.models import CasePolicy, RenovationCase
from anju.core.actors import Viewer

NOT_REVIEWED = {
    ReviewRole.CIVIL_AFFAIRS: "民政部门尚未共同审定",
    ReviewRole.RURAL_REVITALIZATION: "乡村振兴部门尚未共同审定",
}


class ArchiveItem(NamedTuple):
    """One required item of a case's archive and the documents filed under it."""

    spec: dict[str, Any]
    documents: list[ArchiveDocument]

    @property
    def code(self) -> str:
        return str(self.spec["code"])

    @property
    def name(self) -> str:
        return str(self.spec["name"])

    @property
    def present(self) -> bool:
        return bool(self.documents)


def required_documents(case: RenovationCase) -> list[dict[str, Any]]:
    """The items this case's archive must hold, from its policy version and method."""
    return pol.archive_documents(case.policy.content, method=case.method, no_house=case.no_house)


def document_name(case: RenovationCase, code: str) -> str:
    for spec in case.policy.content.get("archive_documents", []):
        if spec.get("code") == code:
            return str(spec["name"])
    return code


def current_documents(case: RenovationCase) -> list[ArchiveDocument]:
    return list(ArchiveDocument.objects.current().filter(case=case).select_related("uploaded_by"))


def completeness(case: RenovationCase, documents: list[ArchiveDocument] | None = None) -> list[ArchiveItem]:
    """Each required item with its current (not withdrawn) documents, in the policy's order."""
    by_code: dict[str, list[ArchiveDocument]] = defaultdict(list)
    for document in current_documents(case) if documents is None else documents:
        by_code[document.code].append(document)
    return [ArchiveItem(spec, by_code.get(spec["code"], [])) for spec in required_documents(case)]


def extra_documents(case: RenovationCase, documents: list[ArchiveDocument] | None = None) -> list[ArchiveDocument]:
    """Current documents under an item the case no longer requires (the method changed when the
    agreement was signed): kept and shown, but they do not count."""
    required = {spec["code"] for spec in required_documents(case)}
    return [d for d in (current_documents(case) if documents is None else documents) if d.code not in required]


def missing_documents(case: RenovationCase) -> list[dict[str, Any]]:
    return [item.spec for item in completeness(case) if not item.present]


def standing_reviews(case: RenovationCase) -> dict[str, ArchiveReview]:
    """Each department's agreement in force, by role."""
    return {r.role: r for r in ArchiveReview.objects.standing().filter(case=case).select_related("reviewer")}


def case_close_blockers(case: RenovationCase) -> list[str]:
    """What in the archive stands between the case and 销号, in Chinese; empty when the archive
    is complete and both departments have agreed."""
    blockers: list[str] = []
    missing = missing_documents(case)
    if missing:
        blockers.append("一户一档缺少：" + "、".join(str(s["name"]) for s in missing))
    standing = standing_reviews(case)
    blockers += [text for role, text in NOT_REVIEWED.items() if role not in standing]
    return blockers


def closable_cases(cases: QuerySet[RenovationCase]) -> QuerySet[RenovationCase]:
    """``case_close_blockers`` over many cases: those whose archive is complete and agreed by
    both departments (the same SQL as the 一户一档 list's status)."""
    done = Q(docs_present__gte=F("docs_required"), civil_agreed=True, rural_agreed=True)  # the annotations
    return with_completeness(cases).filter(done)


# --- the list of archives ----------------------------------------------------------------------------


def _combination(policy_id: int, method: str, no_house: bool, prefix: str = "") -> Q:
    grade = Q(**{f"{prefix}grade": GradeAtOpening.NO_HOUSE})
    return Q(**{f"{prefix}policy_id": policy_id, f"{prefix}method": method}) & (grade if no_house else ~grade)


def with_completeness(qs: QuerySet[RenovationCase]) -> QuerySet[RenovationCase]:
    """Annotate each case with ``docs_required``, ``docs_present`` (required items with at least
    one current document) and whether each department has agreed, in SQL so that the list can
    filter and page on them. The required set depends on the case's policy version, method and
    whether it has a house: there are few such combinations, so each becomes one CASE branch."""
    combos = set(qs.order_by().values_list("policy_id", "method", "grade").distinct())
    contents = dict(CasePolicy.objects.filter(pk__in={c[0] for c in combos}).values_list("pk", "content"))
    groups: dict[frozenset[str], list[tuple[int, str, bool]]] = defaultdict(list)
    for policy_id, method, grade in combos:
        no_house = grade == GradeAtOpening.NO_HOUSE
        codes = frozenset(
            s["code"] for s in pol.archive_documents(contents[policy_id], method=method, no_house=no_house)
        )
        if (policy_id, method, no_house) not in groups[codes]:
            groups[codes].append((policy_id, method, no_house))
    required_whens: list[When] = []
    present_filter = Q(pk__in=[])  # matches nothing when there are no cases
    for codes, members in groups.items():
        on_case, on_document = Q(pk__in=[]), Q(pk__in=[])
        for member in members:
            on_case |= _combination(*member)
            on_document |= _combination(*member, prefix="case__")
        required_whens.append(When(on_case, then=Value(len(codes))))
        present_filter |= Q(code__in=sorted(codes)) & on_document
    present = (
        ArchiveDocument.objects.filter(present_filter, case=OuterRef("pk"), withdrawn_at__isnull=True)
        .order_by()
        .values("case")
        .annotate(n=Count("code", distinct=True))
        .values("n")
    )
    standing = ArchiveReview.objects.standing().filter(case=OuterRef("pk"))
    return qs.annotate(
        docs_required=Case(*required_whens, default=Value(0), output_field=IntegerField()),
        docs_present=Coalesce(Subquery(present, output_field=IntegerField()), Value(0)),
        civil_agreed=Exists(standing.filter(role=ReviewRole.CIVIL_AFFAIRS)),
        rural_agreed=Exists(standing.filter(role=ReviewRole.RURAL_REVITALIZATION)),
    )


def archives_visible(user: Viewer, params: Any) -> ArchiveFilter:
    """Cases in the user's scope (not ended) with their archive's completeness and reviews,
    narrowed by ``ArchiveFilter`` (``q``, ``year``, ``status``, ``region``)."""
    qs = (
        RenovationCase.objects.visible_to(user)
        .exclude(stage=Stage.ENDED)
        .select_related("household", "region")
        .order_by("region_code", "year", "archive_seq", "pk")
    )
    return ArchiveFilter(params, queryset=with_completeness(qs))


# --- a case's archive ---------------------------------------------------------------------------------


def review_rows(case: RenovationCase, standing: dict[str, ArchiveReview] | None = None) -> list[dict[str, Any]]:
    """One row per department: its agreement in force, or None."""
    standing = standing_reviews(case) if standing is None else standing
    return [{"role": role, "label": label, "review": standing.get(role)} for role, label in ReviewRole.choices]


def case_panel(*, case: RenovationCase, user: Viewer) -> dict[str, Any]:
    """What the case page's archive card shows: number, counts, what is missing, the reviews and
    the links the user may follow."""
    items = completeness(case)
    standing = standing_reviews(case)
    present = sum(1 for item in items if item.present)
    return {
        "case": case,
        "archive_no": case.archive_no,
        "required": len(items),
        "present": present,
        "complete": present == len(items),
        "missing": [item.name for item in items if not item.present],
        "reviews": review_rows(case, standing),
        "reviewed": all(role in standing for role in ReviewRole.values),
        "may_upload": can_upload(user, case),
        "may_review": can_review(user, case),
        "url": reverse("archives:case_archive", args=[case.pk]),
        "pdf_url": reverse("archives:pdf", args=[case.pk]),
    }


def case_page(*, case: RenovationCase, user: Viewer) -> dict[str, Any]:
    """Everything the checklist page shows, with the per-document and per-item permissions."""
    documents = current_documents(case)
    items = completeness(case, documents)
    standing = standing_reviews(case)
    may_upload = can_upload(user, case)
    withdrawable = {d.pk for d in documents if can_withdraw(user, d)}
    held = review_roles_of(user)
    names = {str(s["code"]): str(s["name"]) for s in case.policy.content.get("archive_documents", [])}
    withdrawn = (
        ArchiveDocument.objects.filter(case=case, withdrawn_at__isnull=False)
        .select_related("uploaded_by", "withdrawn_by")
        .order_by("-withdrawn_at")
    )
    return {
        "case": case,
        "items": items,
        "withdrawable": withdrawable,
        "extras": [(d, names.get(d.code, d.code)) for d in extra_documents(case, documents)],
        "withdrawn": [(d, names.get(d.code, d.code)) for d in withdrawn],
        "missing": [item.name for item in items if not item.present],
        "present": sum(1 for item in items if item.present),
        "required": len(items),
        "reviews": review_rows(case, standing),
        "review_history": list(ArchiveReview.objects.filter(case=case).select_related("reviewer")),
        "may_upload": may_upload,
        "may_review": can_review(user, case),
        "review_roles": [(r, ReviewRole(r).label) for r in held if r not in standing],
        "method_pending": not case.method,
    }
