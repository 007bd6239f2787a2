"""The national rule set, version 2 (ADR 0021): 已改造 (R00), a member supported through another
household (R03b), re-entry after the years of the rule set (R05b), the re-entry causes as a named
condition. A database whose version 1 predates it gets version 2 active and version 1 retired
(records keep the version they were decided under); a new database's version 1 is already it."""

from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from anju.eligibility.services import DEFAULT_RULES, NATIONAL_NAME

    RuleSet = apps.get_model("eligibility", "RuleSet")
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    v1 = RuleSet.objects.filter(region_code="", version=1).first()
    if v1 is None or v1.text == text or RuleSet.objects.filter(region_code="", version=2).exists():
        return
    RuleSet.objects.filter(region_code="", status="active").update(status="retired")
    RuleSet.objects.create(
        region_code="",
        version=2,
        name=NATIONAL_NAME,
        status="active",
        text=text,
        based_on=v1,
        note="第 2 版：已改造、成员在他户受助、满年限再次纳入",
        activated_at=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("eligibility", "0002_national_rule_set")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
