"""The national anomaly checks, version 1 (``anju.anomalies.rules.DEFAULT_CHECKS`` is its frozen
seed). Created here so that no page or API read has to write it."""

from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from anju.anomalies.rules import default_checks
    from anju.anomalies.services import NATIONAL_NAME, NATIONAL_NOTE

    CheckSet = apps.get_model("anomalies", "CheckSet")
    CheckSet.objects.get_or_create(
        region_code="",
        version=1,
        defaults={
            "name": NATIONAL_NAME,
            "status": "active",
            "content": default_checks(),
            "note": NATIONAL_NOTE,
            "activated_at": timezone.now(),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("anomalies", "0001_findings_and_check_sets")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
