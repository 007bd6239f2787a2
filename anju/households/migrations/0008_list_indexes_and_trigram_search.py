"""Indexes for the household and house lists (ADR 0031), each for a query a page runs:

- ``household_list_order_idx`` (region_code, head_name, id): the household list's order. A page
  is read off the index in order and stops after its 25 rows; without it every household in
  scope was sorted for each page (at 100,000: the sort spilled to disk).
- ``member_name_idx``: the household search matches a member's whole name.
- ``household_head_name_trgm``, ``household_phone_trgm``, ``house_address_trgm`` (PostgreSQL
  only, pg_trgm GIN): the lists' search is ``LIKE '%part%'`` on the head's name, the phone (the
  last digits people remember) and the house's address, which a B-tree cannot serve; the
  trigram index answers it for a part of three characters or more (a shorter part reads the
  index whole, no worse than the scan it replaces). SQLite keeps its scan.
"""

from django.db import migrations, models

from anju.core.dbops import trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0007_village_alias"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["region_code", "head_name", "id"], name="household_list_order_idx"),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["name"], name="member_name_idx"),
        ),
        trigram_index("households_household", "head_name", "household_head_name_trgm"),
        trigram_index("households_household", "phone", "household_phone_trgm"),
        trigram_index("households_house", "address", "house_address_trgm"),
    ]
