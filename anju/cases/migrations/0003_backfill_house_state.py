"""Back-fill the one current state of every house (ADR 0021) from what was recorded before it
existed: the latest inspection, the latest appraisal and every passed acceptance, replayed in
date order by the same rule the services use; 销号 cases write their house's renovation; and
every case not ended gets its members' support records."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import migrations
from django.utils import timezone

from anju.households.safety import grade_applies

ORDER = {"inspection": 0, "appraisal": 1, "acceptance": 2}


def backfill(apps: Any, schema_editor: Any) -> None:
    House = apps.get_model("households", "House")
    Member = apps.get_model("households", "Member")
    SupportRecord = apps.get_model("households", "SupportRecord")
    Appraisal = apps.get_model("appraisals", "Appraisal")
    Inspection = apps.get_model("inspections", "Inspection")
    Acceptance = apps.get_model("acceptance", "Acceptance")
    RenovationCase = apps.get_model("cases", "RenovationCase")

    events: dict[int, list[tuple[datetime.date, int, str, str]]] = {}
    for house_id, grade, on in Appraisal.objects.values_list("house_id", "final_grade", "appraised_on"):
        events.setdefault(house_id, []).append((on, ORDER["appraisal"], grade, "appraisal"))
    for house_id, grade, at in Inspection.objects.values_list("house_id", "suspected_grade", "inspected_at"):
        on = timezone.localdate(at) if timezone.is_aware(at) else at.date()
        events.setdefault(house_id, []).append((on, ORDER["inspection"], grade, "inspection"))
    for house_id, grade, on in Acceptance.objects.filter(passed=True, case__house__isnull=False).values_list(
        "case__house_id", "post_grade", "on"
    ):
        if grade in ("A", "B"):
            events.setdefault(house_id, []).append((on, ORDER["acceptance"], grade, "acceptance"))
    for house_id, rows in events.items():
        current, source, current_on = "", "", None
        for on, _order, grade, kind in sorted(rows):
            if grade and grade_applies(
                current=current, source=source, on=current_on, new_grade=grade, new_source=kind, new_on=on
            ):
                current, source, current_on = grade, kind, on
        House.objects.filter(pk=house_id).update(current_grade=current, grade_source=source, grade_on=current_on)

    names = {"renovation": "农村危房改造", "seismic": "农房抗震改造"}
    for case in RenovationCase.objects.exclude(stage="ended").select_related("household"):
        label = case.archive_no or f"{case.household.head_name}户改造案件 #{case.pk}"
        if case.stage == "closed" and case.house_id is not None:
            House.objects.filter(pk=case.house_id, current_grade__in=["A", "B"]).update(
                renovated_year=(case.accepted_on or case.closed_on).year,
                renovation_programme=case.programme if case.programme in names else "other",
                renovated_case_id=case.pk,
            )
        SupportRecord.objects.bulk_create(
            [
                SupportRecord(
                    id_number=m.id_number,
                    name=m.name,
                    household_id=case.household_id,
                    house_id=case.house_id,
                    case_id=case.pk,
                    case_label=label[:100],
                    programme=case.programme,
                    year=case.year,
                    completed_on=case.closed_on if case.stage == "closed" else None,
                )
                for m in Member.objects.filter(household_id=case.household_id)
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_national_policy"),
        ("households", "0006_house_current_state"),
        ("appraisals", "0002_national_template"),
        ("inspections", "0003_inspection_submission_id"),
        ("acceptance", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
