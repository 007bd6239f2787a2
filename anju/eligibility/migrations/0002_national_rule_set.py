"""The national eligibility rule set, version 1 (``default_rules.json`` is its frozen seed).
Created here so that no page or API read has to write it."""

from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from anju.eligibility.services import DEFAULT_RULES, NATIONAL_NAME, NATIONAL_NOTE

    RuleSet = apps.get_model("eligibility", "RuleSet")
    RuleSet.objects.get_or_create(
        region_code="",
        version=1,
        defaults={
            "name": NATIONAL_NAME,
            "status": "active",
            "text": DEFAULT_RULES.read_text(encoding="utf-8"),
            "note": NATIONAL_NOTE,
            "activated_at": timezone.now(),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("eligibility", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
