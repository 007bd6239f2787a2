"""``inspection_list_order_idx`` (inspected_at DESC, id DESC): the inspection list's default order
(newest first). A page is read off the index and stops after its rows; without it every
inspection in scope was sorted for each page (ADR 0031)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0008_list_indexes_and_trigram_search"),
        ("inspections", "0005_stage_photo_exif"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="inspection",
            index=models.Index(fields=["-inspected_at", "-id"], name="inspection_list_order_idx"),
        ),
    ]
