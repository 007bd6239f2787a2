"""What only PostgreSQL has: migration operations (ADR 0031) and COPY for bulk inserts (ADR 0042)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, migrations, models


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


def bulk_insert(objs: Sequence[models.Model], *, batch_size: int = 1000) -> None:
    """Insert new objects of one model and give each its primary key: ``bulk_create`` on SQLite;
    on PostgreSQL the keys are drawn from the table's sequence and the rows sent with ``COPY``,
    which for thousands of rows with JSON columns costs a fraction of ``bulk_create``'s
    ``INSERT … UNNEST`` (ADR 0042). No signals are sent and ``save()`` is not called, as with
    ``bulk_create``."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [pk, *fields])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        for obj, (key,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = key
            obj._state.adding = False
            obj._state.db = connection.alias
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([obj.pk, *(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)])


def insert_rows(model: type[models.Model], field_names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert plain rows (values already in their database form: str, int, float, bool) into
    ``model``'s columns ``field_names``, the primary key left to the database: ``COPY`` on
    PostgreSQL with no model objects built — for tables written wholesale by a refresh (the
    map's cells: ~230,000 rows at 5,000,000 houses) — and ``bulk_create`` elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(field_names, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=1000)
        return
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(_column(model, name)) for name in field_names)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column  # a concrete field, not a relation's reverse
    return field.column
