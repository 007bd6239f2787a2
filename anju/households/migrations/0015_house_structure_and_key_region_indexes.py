"""Two indexes for the household list's filters, and one fewer on houses (ADR 0054).

Measured at 1,000,000 households on PostgreSQL (parallel query off, as web requests run), the
capped count of 「重点对象 · 砖木结构」 (``?group=key&structure=brick_wood``):

- ``house_household_structure_idx`` (household, structure) answers the structure filter's
  semi-join from the index alone (it read each house row to check its structure); it replaces
  the foreign key's own single-column index on ``household``, which it covers (the household
  first), so houses keep the same number of indexes;
- ``household_key_region_idx`` (region_code, id) for the key-group households only (~8 %):
  a county's filter read the province's key households in id order and threw away 23,748 of
  25,749 to find its 2,001.

A county's count 20.9 → 2.3–4.8 ms; the province's 16.1 → 3.7–4.2 ms; a village's page unchanged.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_case_step_photo"),
        ("households", "0014_house_key_household"),
        ("regions", "0002_region_boundary"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="house",
            index=models.Index(fields=["household", "structure"], name="house_household_structure_idx"),
        ),
        migrations.AlterField(
            model_name="house",
            name="household",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="houses",
                to="households.household",
                verbose_name="户主家庭",
            ),
        ),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(
                condition=models.Q(("primary_group", ""), _negated=True),
                fields=["region_code", "id"],
                name="household_key_region_idx",
            ),
        ),
    ]
