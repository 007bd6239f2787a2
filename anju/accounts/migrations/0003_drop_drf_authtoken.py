"""DRF's authtoken tokens (plain text, never expiring) are gone with the app (ADR 0023).

Deployments that ran with ``rest_framework.authtoken`` still hold its table; it is dropped
here, with the app's migration records, content types and permissions, so no plain-text token
stays on disk. Clients ask for a new, named token at ``/api/auth/token/``. Not reversible in
substance: the old tokens are not restored.
"""

from typing import Any

from django.db import migrations

OLD_TABLE = "authtoken_token"


def drop_drf_tokens(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if OLD_TABLE in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(OLD_TABLE)}")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Deleting the content types deletes their permissions (and any grants) with them.
    ContentType.objects.filter(app_label="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(drop_drf_tokens, migrations.RunPython.noop)]
