"""The national appraisal template, version 1, from the 2019 guideline (``guideline.py`` is its
frozen seed). Created here so that no page or API read has to write it."""

from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from anju.appraisals.guideline import default_content
    from anju.appraisals.services import NATIONAL_NAME, NATIONAL_NOTE

    AppraisalTemplate = apps.get_model("appraisals", "AppraisalTemplate")
    AppraisalTemplate.objects.get_or_create(
        region_code="",
        version=1,
        defaults={
            "name": NATIONAL_NAME,
            "status": "active",
            "content": default_content(),
            "note": NATIONAL_NOTE,
            "activated_at": timezone.now(),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("appraisals", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
