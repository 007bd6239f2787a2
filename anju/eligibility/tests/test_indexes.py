"""The decision table carries only the indexes migration 0005 justifies (issue 23 item 4, ADR 0048):
a set-based refresh writes every one of them for each of 100,000 households, so one added
without a reason slows every list import and rule-set change."""

from __future__ import annotations

import pytest
from django.db import connection

from anju.eligibility.models import Decision

pytestmark = pytest.mark.django_db

JUSTIFIED = {
    ("id",),  # primary key
    ("household_id",),  # a household's history; also one_current_decision (partial, unique)
    ("rule_set_id",),  # decisions made under a rule-set version
    ("region_code",),  # scoped reads, history included
    ("region_code", "outcome"),  # scoped reads of current decisions (partial)
}


def test_every_index_of_the_decision_table_is_one_the_migration_justifies() -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Decision._meta.db_table)
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["primary_key"] or c["unique"]}
    assert indexed == JUSTIFIED
