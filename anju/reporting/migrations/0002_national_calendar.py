"""The national reporting calendar, version 1 (``anju.reporting.calendar.DEFAULT_CALENDAR`` is
its frozen seed). Created here so that no page or API read has to write it."""

from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from anju.reporting.calendar import default_calendar
    from anju.reporting.services import NATIONAL_NAME, NATIONAL_NOTE

    ReportingCalendar = apps.get_model("reporting", "ReportingCalendar")
    ReportingCalendar.objects.get_or_create(
        region_code="",
        version=1,
        defaults={
            "name": NATIONAL_NAME,
            "status": "active",
            "content": default_calendar(),
            "note": NATIONAL_NOTE,
            "activated_at": timezone.now(),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
