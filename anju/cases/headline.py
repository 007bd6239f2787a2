"""The headline numbers about cases and the 动态清零 list (docs/numbers.md): one definition each,
used by the dashboard's summary refresh, the lists' ``headline`` filter, the reports and the
ledgers. ``CD_HOUSES`` lives with the houses (``anju.households.headline``) and is re-exported
here so a reader of the headline numbers finds them all in one place."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from anju.cases.choices import OPEN_STAGES, EndReason, Stage
from anju.cases.models import RenovationCase
from anju.eligibility.choices import OUTCOME_PROGRAMME
from anju.households.headline import CD_HOUSES
from anju.households.models import House

__all__ = [
    "CD_HOUSES",
    "COMPLETED_CASES",
    "COUNTED_CASES",
    "SOLVED_END_REASONS",
    "key_in_cd_houses",
    "routed_outcomes",
]

# 改造案件 (cases): a case of the plan year that was opened and has not ended (终止): every stage
# from 发现 to 销号. A case ended because the family's housing was solved otherwise, or because
# it was not eligible, is not a renovation case.
COUNTED_CASES = ~Q(stage=Stage.ENDED)

# 已竣工 (completed): a counted case whose works were completed (竣工 recorded); it stays
# completed through acceptance and 销号.
COMPLETED_CASES = COUNTED_CASES & Q(completed_on__isnull=False)

# A case ended this way found the family a safe home another way: it no longer counts as
# living in a dangerous house (requirements §7).
SOLVED_END_REASONS = (EndReason.RENT, EndReason.RELATIVES, EndReason.RELOCATION)


def key_in_cd_houses(houses: QuerySet[House]) -> QuerySet[House]:
    """仍住 C/D 级危房的重点对象 (key_in_cd), the 动态清零 list: key-group households whose house
    is C/D now (its one current state, ADR 0021). A passed acceptance made the house A/B, so a
    renovated family leaves the list by the house, not by the case — and comes back when the
    house is found C/D again. A case ended with a safe home found otherwise (rent, relatives,
    relocation) after the house got its grade clears it too. Annotated with the open case
    (``case_id``, ``case_stage``) and ``since``: the day the household entered its current stage
    — the open case's stage, else the day the house got its grade. Counted by household."""
    solved = RenovationCase.objects.filter(
        household_id=OuterRef("household_id"),
        stage=Stage.ENDED,
        end_reason__in=SOLVED_END_REASONS,
        ended_on__gte=OuterRef("grade_on"),
    )
    open_case = RenovationCase.objects.filter(household_id=OuterRef("household_id"), stage__in=OPEN_STAGES).order_by(
        "-opened_on", "-pk"
    )
    return (
        houses.filter(CD_HOUSES)
        .exclude(household__primary_group="")
        .exclude(Exists(solved))
        .annotate(
            case_id=Subquery(open_case.values("pk")[:1]),
            case_stage=Subquery(open_case.values("stage")[:1]),
            since=Coalesce(Subquery(open_case.values("stage_since")[:1]), "grade_on"),
        )
    )


def routed_outcomes(programme: str) -> list[str]:
    """纳入某项目 (routed): the eligibility outcomes that put a household into ``programme``;
    a household is routed there by its current decision (``is_current``)."""
    return [outcome for outcome, p in OUTCOME_PROGRAMME.items() if p == programme]
