"""Two-character search through an index (ADR 0051).

The household and house lists search ``LIKE '%王秀%'`` in the head's name and the house's
address. pg_trgm (migration 0008) answers a part of three characters or more; most Chinese names
are two or three characters and a searched part is often two, which has no trigram, so the
trigram index was read whole: a province officer's search for 「王秀」 took 208 ms at 1,000,000
households for 373 matches. A GIN index of each value's bigrams (``anju_bigrams``) answers parts
of two characters and more (4 ms), and is a fifth of the trigram index's size (7 MB against
38 MB for the names), so it replaces the trigram indexes on these two columns:

- ``household_head_name_bigram`` (replaces ``household_head_name_trgm``): the household
  search's name part, and the house search's owners.
- ``house_address_bigram`` (replaces ``house_address_trgm``): the house search's address part.

``household_phone_trgm`` stays: a phone is searched by three digits or more. SQLite keeps its
scans.
"""

from django.db import migrations

from anju.core.dbops import PostgreSQLOnly, bigram_index, trigram_index


def _drop(name: str, table: str, column: str) -> PostgreSQLOnly:
    """Drop a trigram index; undone by building it again."""
    return PostgreSQLOnly(sql=[f'DROP INDEX IF EXISTS "{name}"'], reverse_sql=trigram_index(table, column, name).sql)


class Migration(migrations.Migration):
    dependencies = [("households", "0012_partial_indexes_for_the_dynamic_clearing_list")]

    operations = [
        bigram_index("households_household", "head_name", "household_head_name_bigram"),
        bigram_index("households_house", "address", "house_address_bigram"),
        _drop("household_head_name_trgm", "households_household", "head_name"),
        _drop("house_address_trgm", "households_house", "address"),
    ]
