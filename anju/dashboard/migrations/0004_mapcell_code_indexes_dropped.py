"""The map cells' own indexes on ``village_code`` dropped (ADR 0053).

Every read of the cells by region is a range on the code (``__subtree``: ``code >= '1401' AND
code < '1402'``, ADR 0051) or an equality, which the unique index ``mapcell_unique``
(village_code, grade, stage, key) serves with its leading column; the plain B-tree on the code
duplicated it and the ``varchar_pattern_ops`` index served only ``LIKE``, which no query sends
any more. Together they cost 1.2 s of the 2.1 s of writing 206,224 cells at 5,000,000 houses."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0003_map_villages"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mapcell",
            name="village_code",
            field=models.CharField(max_length=12, verbose_name="村级区划代码"),
        ),
    ]
