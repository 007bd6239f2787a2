"""Reads of the eligibility pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from anju.core.actors import Viewer
from anju.eligibility.choices import Outcome
from anju.eligibility.filters import DecisionFilter
from anju.eligibility.models import Decision, RuleSet
from anju.eligibility.services import ensure_national_rule_set
from anju.kit.versioning import ConfigQuerySet


def current_decisions(user: Viewer, params: Any) -> DecisionFilter:
    """Current decisions the user may see, narrowed by ``DecisionFilter`` (page and API alike)."""
    queryset = Decision.objects.visible_to(user).filter(is_current=True).select_related("household", "rule_set")
    return DecisionFilter(params, queryset=queryset)


def outcome_counts(user: Viewer) -> list[tuple[str, str, int]]:
    counts = dict(
        Decision.objects.visible_to(user).filter(is_current=True).values_list("outcome").annotate(n=Count("pk"))
    )
    return [(o.value, str(o.label), counts.get(o.value, 0)) for o in Outcome]


def rule_sets_visible(user: Viewer) -> ConfigQuerySet:
    ensure_national_rule_set()
    return RuleSet.objects.visible_to(user).select_related("based_on")
