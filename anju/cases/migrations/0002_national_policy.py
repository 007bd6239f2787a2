"""The national renovation policy, version 1 (``anju.cases.policy.DEFAULT_POLICY`` is its
frozen seed). Created here so that no page or API read has to write it."""

from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from anju.cases.policy import default_policy
    from anju.cases.services import NATIONAL_NAME, NATIONAL_NOTE

    CasePolicy = apps.get_model("cases", "CasePolicy")
    CasePolicy.objects.get_or_create(
        region_code="",
        version=1,
        defaults={
            "name": NATIONAL_NAME,
            "status": "active",
            "content": default_policy(),
            "note": NATIONAL_NOTE,
            "activated_at": timezone.now(),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
