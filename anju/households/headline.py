"""The headline numbers that need no more than households and houses (docs/numbers.md).

Each is a condition the dashboard's summary refresh counts and the lists filter by, so a
figure and the list behind it are the same set by construction."""

from __future__ import annotations

from django.db.models import Q

from anju.households.choices import DANGEROUS_GRADES

# C/D 级危房 (cd_houses): a house whose one current grade (ADR 0021) is C or D — appraised so,
# or suspected by an inspection and awaiting appraisal, or renovated and found dangerous again.
CD_HOUSES = Q(current_grade__in=DANGEROUS_GRADES)
