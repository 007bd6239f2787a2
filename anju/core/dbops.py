"""What only PostgreSQL has: migration operations (ADR 0031), COPY for bulk inserts (ADR 0042)
and one array parameter for a long list of keys (ADR 0048)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, migrations, models
from django.db.models.lookups import Contains, Lookup, StartsWith


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
        values = [_copy_value(f) for f in fields]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([obj.pk, *(value(obj) for value in values)])


# Fields whose attribute is already what PostgreSQL stores (numbers, text, flags, decimals: the
# PostgreSQL backend passes them through ``get_db_prep_save`` unchanged). Skipping the call chain
# for them (~3.5 µs a field a row) took 1.3 s off writing 30,622 summary rows (ADR 0050).
_PLAIN_FIELDS = (models.IntegerField, models.CharField, models.TextField, models.BooleanField, models.DecimalField)


def _copy_value(field: models.Field[Any, Any]) -> Any:
    if isinstance(field, _PLAIN_FIELDS) and not isinstance(field, models.BigAutoField | models.AutoField):
        return attrgetter(field.attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


class Keys:
    """Many keys for one ``__any`` lookup, passed as one value. Django walks a list value element
    by element (resolving, and for a foreign key type-checking, each one); a set-based refresh
    asks eight queries about the same 10,000 households, so the keys are wrapped once and their
    PostgreSQL array literal written once (ADR 0048). Ints and str only."""

    __slots__ = ("_literal", "values")

    def __init__(self, values: Iterable[int | str]) -> None:
        self.values = list(values)
        self._literal: str | None = None

    def literal(self) -> str:
        if self._literal is None:
            if all(isinstance(v, int) and not isinstance(v, bool) for v in self.values):
                self._literal = "{" + ",".join(map(str, self.values)) + "}"
            else:
                self._literal = "{" + ",".join(_array_text(str(v)) for v in self.values) + "}"
        return self._literal


def _array_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class AnyOf(Lookup[Any]):
    """``household_id__any=ids``: ``IN (…)`` on SQLite, ``= ANY('{…}'::bigint[])`` with the keys
    as one array literal on PostgreSQL. A set-based refresh asks for thousands of keys a query;
    as ``__in`` each query spent more time in Django preparing and psycopg splitting thousands
    of placeholders than in PostgreSQL (ADR 0048). The values must already be of the column's
    type (ints for keys, str for text): they are not prepared one by one."""

    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self) -> Keys:
        return self.rhs if isinstance(self.rhs, Keys) else Keys(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs.values:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs.values))})", [*lhs_params, *self.rhs.values]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        db_type = self.lhs.output_field.db_type(connection)
        return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, self.rhs.literal()]


models.Field.register_lookup(AnyOf)
models.ForeignObject.register_lookup(AnyOf)  # a foreign key's own lookups stop at ForeignObject


def next_prefix(prefix: str) -> str | None:
    """The smallest digit string above every code that starts with ``prefix`` ("140102" →
    "140103", "14019" → "1402"); None when there is none ("99")."""
    stripped = prefix.rstrip("9")
    if not stripped:
        return None
    return stripped[:-1] + str(int(stripped[-1]) + 1)


class Subtree(Lookup[Any]):
    """``region_code__subtree=prefix``: the codes under a region (statistical division codes nest
    by prefix). As ``LIKE 'prefix%'``, PostgreSQL can use a B-tree index only under the C
    collation (or a ``varchar_pattern_ops`` index, which cannot serve the lists' ORDER BY), so a
    county's first page of households walked half the table (23 ms at 100,000, ADR 0050). A
    digit prefix is the range ``code >= '140102' AND code < '140103'``, which every collation
    orders the same way for codes of digits: the same rows as the LIKE.

    The LIKE is not kept beside the range (ADR 0051): PostgreSQL then counted the same condition
    twice and estimated a county's 78,405 households at 6,344, chose to sort them all for a page
    instead of reading the list's index in order, and a page 300 deep took 217 ms. A prefix that
    is not digits (a wildcard typed into a filter, an empty one) stays a plain LIKE."""

    lookup_name = "subtree"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        prefix = self.rhs
        if not isinstance(prefix, str) or not prefix.isdigit() or not prefix.isascii():
            like_sql, like_params = compiler.compile(StartsWith(self.lhs, self.rhs))
            return like_sql, list(like_params)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        upper = next_prefix(prefix)
        parts, params = [f"{lhs} >= %s"], [*lhs_params, prefix]
        if upper is not None:
            parts.append(f"{lhs} < %s")
            params += [*lhs_params, upper]
        return f"({' AND '.join(parts)})", params


models.CharField.register_lookup(Subtree)


# The function the ``grams`` lookup and its GIN indexes share (PostgreSQL; ADR 0051). IMMUTABLE,
# so an index can be built on it and the planner folds it for a constant.
BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION anju_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}') FROM generate_series(1, length(t) - 1) AS i
$$"""


def bigram_index(table: str, column: str, name: str) -> PostgreSQLOnly:
    """A GIN index of every two consecutive characters of ``column`` (``anju_bigrams``), for the
    ``grams`` lookup. pg_trgm cannot answer ``LIKE '%王秀%'``: a part of two characters has no
    trigram, so its index is read whole — and most searched Chinese names are two or three
    characters. A name's bigrams are few (a 3-character name has 2), so the index is small."""
    return PostgreSQLOnly(
        sql=[
            BIGRAMS_FUNCTION,
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (anju_bigrams("{column}"))',
        ],
        reverse_sql=[f'DROP INDEX IF EXISTS "{name}"'],
    )


class Grams(Lookup[Any]):
    """``head_name__grams='王秀'``: ``LIKE '%王秀%'`` (Django's ``contains``), on PostgreSQL led by
    the condition a ``bigram_index`` answers — the row's bigrams hold every bigram of the part —
    so a province's name search reads the few matching rows instead of every name (208 → 4 ms at
    1,000,000 households). A one-character part has no bigram and stays a plain ``LIKE``."""

    lookup_name = "grams"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        like_sql, like_params = compiler.compile(Contains(self.lhs, self.rhs))
        return like_sql, list(like_params)

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        like_sql, like_params = self.as_sql(compiler, connection)
        if not isinstance(self.rhs, str) or len(self.rhs) < 2:
            return like_sql, like_params
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"(anju_bigrams({lhs}) @> anju_bigrams(%s) AND {like_sql})", [*lhs_params, self.rhs, *like_params]


models.CharField.register_lookup(Grams)


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[int]:
    """Insert rows given as values ready for the database (JSON as text, datetimes through
    ``connection.ops``) into ``columns`` (attnames, the key excluded) and return their keys in
    order. PostgreSQL: keys drawn from the sequence in one query, rows sent with ``COPY`` — no
    model instances, no per-field preparation (ADR 0048). SQLite: one ``INSERT`` a row."""
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    rows = list(rows)
    if not rows:
        return []
    quote = connection.ops.quote_name
    column_of = {f.attname: f.column for f in meta.concrete_fields}
    names = [quote(column_of[c]) for c in columns]
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
            keys = []
            for row in rows:
                cursor.execute(sql, row)
                keys.append(int(cursor.lastrowid))
            return keys
        # The sequence looked up once, not once a row (a third of the time for 10,000 keys).
        cursor.execute(
            "SELECT nextval((SELECT pg_get_serial_sequence(%s, %s))::regclass) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(rows)],
        )
        keys = [key for (key,) in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {table} ({quote(pk.column)}, {', '.join(names)}) FROM STDIN") as copy:
            for key, row in zip(keys, rows, strict=True):
                copy.write_row((key, *row))
    return keys


# What a batch that reads whole tables asks of PostgreSQL for its own transaction (ADR 0053):
# hash tables for millions of keys in memory instead of batches on disk, and no JIT compilation,
# which cost ~1 s per grouping query of the full summary refresh at 5,000,000 houses (the query
# itself ran 1–4 s). A batch may also use parallel workers, which the web's connections do
# without (settings.ANJU_DB_PARALLEL_WORKERS, ADR 0054). Numbers of the deployment, not of the policy.
BATCH_SETTINGS = {
    "work_mem": "64MB",
    "jit": "off",
    "max_parallel_workers_per_gather": str(settings.ANJU_BATCH_PARALLEL_WORKERS),
}


def batch_settings() -> None:
    """``SET LOCAL`` the batch settings for the rest of the current transaction (PostgreSQL;
    nothing elsewhere). Must be called inside ``transaction.atomic()``."""
    if connection.vendor != "postgresql":
        return
    assert connection.in_atomic_block, "batch_settings() outside a transaction would change the session"
    with connection.cursor() as cursor:
        for name, value in BATCH_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _same(old: Sequence[Any], new: Sequence[Any]) -> bool:
    """Equal values; floats equal to 1e-9 (a sum computed in another order differs in its last
    bits, which is no change)."""
    return all(
        a == b or (isinstance(a, float) and isinstance(b, float) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9))
        for a, b in zip(old, new, strict=True)
    )


def rows_replace(
    qs: models.QuerySet[Any],
    key_fields: Sequence[str],
    value_fields: Sequence[str],
    rows: Mapping[tuple[Any, ...], Sequence[Any]],
    *,
    chunk: int = 5000,
) -> int:
    """Make the rows of ``qs`` exactly ``rows`` (their unique key → their values), writing only
    what differs: rows gone or changed are deleted, rows new or changed inserted (``insert_rows``).
    Rewriting a whole table of derived rows that mostly did not change left as many dead rows as
    live ones, and each insert into the unique index had to check the dead one under its key:
    206,224 map cells took 2.7–3.3 s to rewrite at 5,000,000 houses (ADR 0053). Returns the rows
    deleted plus inserted."""
    n_keys = len(key_fields)
    # Read through the cursor: the rows are plain columns, and the ORM's per-row conversion
    # cost more than the query (1.6 → 0.3 s for 206,224 cells).
    sql, params = qs.values_list("pk", *key_fields, *value_fields).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        old_rows = cursor.fetchall()
    # Most rows are unchanged to the bit: matched whole by a set, the rest compared one by one.
    wanted = {(*key, *values) for key, values in rows.items()}
    kept: set[tuple[Any, ...]] = set()
    stale = []
    for pk, *row in old_rows:
        key = tuple(row[:n_keys])
        if tuple(row) in wanted:
            kept.add(key)
            continue
        new = rows.get(key)
        if new is not None and _same(row[n_keys:], new):
            kept.add(key)
        else:
            stale.append(pk)
    fresh = [(*key, *values) for key, values in rows.items() if key not in kept]
    model = qs.model
    for start in range(0, len(stale), chunk):
        model._default_manager.filter(pk__in=stale[start : start + chunk]).delete()
    insert_rows(model, (*key_fields, *value_fields), fresh)
    return len(stale) + len(fresh)


def fetch_rows(qs: models.QuerySet[Any, tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list()`` query as the database driver returns them: no per-row
    converters or dictionaries. For grouping queries of 100,000s of rows of plain columns
    (counts, codes, flags, float sums): at 5,000,000 houses the ORM's iteration cost as much as
    the SQL (ADR 0053). A flag may come back as 0/1 (SQLite); a float sum as None over no rows."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
