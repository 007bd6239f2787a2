"""Every index of eligibility_decision justified, or dropped (issue 23 item 4, ADR 0048).

A set-based refresh writes a decision for each of 100,000 households, and retiring the old
ones rewrites each old row; every index is paid on every one of those rows. Dropped:
- ``is_current`` (a boolean, true for about one row a household): no query is served by it
  that the indexes below do not serve better, and with stale statistics after a large refresh
  PostgreSQL chose it to find the current decisions of 10,000 households and read 300,000
  entries (4 s instead of 40 ms);
- ``outcome`` and its ``_like`` twin, ``year``: ten and a handful of values; every query that
  filters on them also filters on the household or the region, served below;
- ``region_code`` (the plain B-tree): its ``varchar_pattern_ops`` twin serves both the
  region prefix (``LIKE '1404%'``, every scoped read) and equality;
- ``decided_by``: the user who decided is shown, never searched; users are deactivated, not
  deleted, so the PROTECT check a deletion would make is not worth an index on every row.
Kept, and why:
- the primary key;
- ``household_id`` (foreign key): a household's history, its current decision, and the
  refresh's facts (this year's programmes of a batch of households);
- ``rule_set_id`` (foreign key): the rule-set page counts the decisions made under a version,
  and discarding a draft checks none was made under it (PROTECT);
- ``one_current_decision`` (unique, household_id WHERE is_current): the rule that a household
  has one current decision, and the refresh's lock of the batch's current decisions;
- ``decision_region_idx`` (region_code, pattern ops): scoped reads of all decisions, history
  included (the API's ``?all=1``);
- ``decision_current_idx`` (region_code, outcome WHERE is_current): the scoped reads of
  current decisions — the decision list and its counts by outcome, the monthly list, the
  reports' routed counts, the households that matter for a rule-set change. Retired rows
  leave it, so it stays one entry a household however long the history grows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("eligibility", "0004_outcome_renovated"),
        ("households", "0010_renovation_history_from_the_national_system"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="decision",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="is_current",
            field=models.BooleanField(default=True, verbose_name="现行"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("renovation", "纳入农村危房改造"),
                    ("reentry", "再次纳入农村危房改造"),
                    ("seismic", "纳入农房抗震改造"),
                    ("fallback", "纳入年度计划（两不愁三保障兜底）"),
                    ("self_repair", "督促农户自行整改"),
                    ("renovated", "已改造（住房安全）"),
                    ("solved_otherwise", "已通过其他方式解决"),
                    ("not_covered", "不纳入保障"),
                    ("review", "需人工核定"),
                    ("pending", "待鉴定或待补充信息"),
                ],
                max_length=20,
                verbose_name="结论",
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="region_code",
            field=models.CharField(max_length=15, verbose_name="区划代码"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="year",
            field=models.PositiveSmallIntegerField(verbose_name="年度"),
        ),
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(fields=["region_code"], name="decision_region_idx", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(
                condition=models.Q(("is_current", True)),
                fields=["region_code", "outcome"],
                name="decision_current_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ),
    ]
