"""The house carries its household's key-group flag (ADR 0053).

The full refresh of the dashboard's summaries and the map's cells groups every house by region,
grade, key flag and location. Read through the household (a join of 5,000,000 houses to
5,000,000 households) the grouping took 5.1–6.1 s of the refresh; from a flag on the house it
reads one table in 0.85 s (docs/performance.md). The flag is kept by the household services
that set the group; existing houses are filled here. No index: the flag is read by scans that
group every house, never looked up alone."""

from django.db import migrations, models


def fill(apps, schema_editor):
    House = apps.get_model("households", "House")
    Household = apps.get_model("households", "Household")
    House.objects.filter(household_id__in=Household.objects.exclude(primary_group="").values("pk")).update(
        key_household=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0013_bigram_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="house",
            name="key_household",
            field=models.BooleanField(default=False, editable=False, verbose_name="重点对象家庭的房屋"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
