"""``payment_list_order_idx`` (paid_on, id): the payment list's order (newest payment first, the
key last), read backwards from the index for a page. Without it PostgreSQL joined every payment
to its case and household — a scan of every household — and sorted them for 26 rows: a province
officer's first page of payments took 278 ms at 1,000,000 households (16,445 payments), 29 ms with
the index (ADR 0051)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_case_step_photo"),
        ("subsidies", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["paid_on", "id"], name="payment_list_order_idx"),
        ),
    ]
