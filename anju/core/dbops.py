"""Migration operations for what only PostgreSQL has (ADR 0031)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """SQL run on PostgreSQL and skipped on SQLite (a trigram index: SQLite has no such index
    and keeps its plain scans). Reversible when ``reverse_sql`` is given."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(table: str, column: str, name: str) -> PostgreSQLOnly:
    """A pg_trgm GIN index: ``LIKE '%part%'`` (Django's ``__contains``) read from the index
    instead of every row. The extension is created if missing (PostgreSQL 13+ lets a database
    owner create it; it is a trusted extension)."""
    return PostgreSQLOnly(
        sql=[
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)',
        ],
        reverse_sql=[f'DROP INDEX IF EXISTS "{name}"'],
    )
