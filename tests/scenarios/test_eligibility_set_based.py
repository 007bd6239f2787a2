"""The set-based eligibility refresh (issue 23 item 4, ADR 0042) gives every household of a
generated village the same decision, reason, explanation and audit line as evaluating each
household on its own — on the first evaluation and after facts and the rule set change — and a
list import and a rule-set change now go through it."""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.appraisals.models import Appraisal
from anju.appraisals.services import ensure_national_template
from anju.audit.models import AuditEvent
from anju.eligibility import services
from anju.eligibility.models import Circumstance, Decision, RuleSet
from anju.households.models import House, Household, HouseholdStatus
from anju.regions.models import Region

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)
GROUPS = ["dibao", "tekun", "monitoring", "hardship", "dibao_edge", "other_exited"]


def _id_number(n: int) -> str:
    first17 = f"14040519{60 + n % 40:02d}0101{n:03d}"[:17].ljust(17, "0")
    from anju.households.idcard import check_digit

    return first17 + check_digit(first17)


def generate(village: Region, clerk: User, n: int, seed: int = 23) -> list[int]:
    """N households with every kind of fact the rules read: none, one or two key groups (some
    ended before or after TODAY), no house, an only house or two, grades from an appraisal, an
    acceptance or an inspection, 6–8 度, earlier renovations, appraisals with their prevention
    level and cause, and circumstances (无房, self-repair, solved otherwise, some withdrawn)."""
    rnd = random.Random(seed)
    template = ensure_national_template()
    households = Household.objects.bulk_create(
        Household(
            region=village,
            region_code=village.code,
            head_name=f"户{i}",
            head_id_number=_id_number(i),
            head_sex="M",
            head_birth_date=datetime.date(1960, 1, 1),
        )
        for i in range(n)
    )
    statuses, houses, circumstances = [], [], []
    for h in households:
        for group in rnd.sample(GROUPS, rnd.choice([0, 0, 1, 1, 1, 2])):
            ended = rnd.choice([None, None, None, datetime.date(2026, 3, 1), datetime.date(2026, 9, 1)])
            statuses.append(
                HouseholdStatus(
                    household=h,
                    group=group,
                    department="civil_affairs",
                    certified_on=datetime.date(2023, 1, 1),
                    ended_on=ended,
                )
            )
        for k in range(rnd.choice([0, 1, 1, 1, 1, 2])):
            grade = rnd.choice(["", "A", "B", "C", "D", "C", "D"])
            renovated = rnd.choice([None, None, None, 2012, 2019])
            houses.append(
                House(
                    household=h,
                    region=village,
                    region_code=village.code,
                    structure="brick_wood",
                    is_only_house=k == 0 and rnd.random() < 0.9,
                    seismic_intensity=rnd.choice([6, 7, 8]),
                    current_grade=grade,
                    grade_source=rnd.choice(["appraisal", "appraisal", "inspection", "acceptance"]) if grade else "",
                    renovated_year=renovated,
                    renovation_programme=rnd.choice(["renovation", "seismic", "disaster_rebuild"]) if renovated else "",
                )
            )
        for kind in rnd.sample(
            ["no_house", "self_repair_able", "self_repair_unable", "solved_rent", "solved_relatives"],
            rnd.choice([0, 0, 0, 1, 2]),
        ):
            circumstances.append(
                Circumstance(
                    household=h,
                    region_code=village.code,
                    kind=kind,
                    recorded_on=datetime.date(2026, 2, 1),
                    note="走访核实",
                    recorded_by=clerk,
                    withdrawn_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC) if rnd.random() < 0.2 else None,
                )
            )
    HouseholdStatus.objects.bulk_create(statuses)
    House.objects.bulk_create(houses)
    Circumstance.objects.bulk_create(circumstances)
    Appraisal.objects.bulk_create(
        Appraisal(
            house=house,
            household_id=house.household_id,
            region_code=village.code,
            template=template,
            structure="brick_wood",
            storeys=1,
            computed_grade=house.current_grade,
            final_grade=house.current_grade,
            prevention_level=rnd.choice(["full", "partial", "none"]),
            damage_cause=rnd.choice(["ageing", "small_disaster", "major_disaster", "other"]),
            appraiser_name="王工",
            appraiser_org="屯留区建筑设计院",
            certificate_no="JD-1",
            appraised_on=datetime.date(2026, 1, 10),
            recorded_by=clerk,
        )
        for house in houses
        if house.current_grade and house.grade_source == "appraisal"
    )
    support(village, households, rnd)
    return [h.pk for h in households]


def support(village: Region, households: list[Household], rnd: random.Random) -> None:
    """Earlier cases: every 13th household had one (closed or still under way), supporting a
    person who now lives in another household of the village, and some households' own heads
    (the facts 本户改造销号年份 and 家庭成员在其他农户已受助, read set-based as tuples)."""
    from anju.cases.models import RenovationCase
    from anju.cases.services import ensure_national_policy
    from anju.households.models import Member, SupportRecord
    from anju.households.tests.corpus import make_id

    policy = ensure_national_policy()
    for k, h in enumerate(households[::13]):
        case = RenovationCase.objects.create(
            household=h,
            region=village,
            region_code=village.code,
            programme="renovation",
            year=2018 + k % 4,
            grade="C",
            policy=policy,
            opened_on=datetime.date(2018 + k % 4, 3, 1),
        )
        closed = datetime.date(2019 + k % 4, 11, 30) if k % 3 else None
        person = make_id(k, "19991231")
        moved_to = households[(13 * k + 5) % len(households)]
        Member.objects.create(
            household=moved_to,
            name=f"成员{k}",
            id_number=person,
            relation="child",
            sex="M",
            birth_date=datetime.date(1999, 12, 31),
        )
        for id_number, name in [(person, f"成员{k}"), (h.head_id_number, h.head_name)][: rnd.choice([1, 2])]:
            SupportRecord.objects.create(
                id_number=id_number,
                name=name,
                household=h,
                case=case,
                case_label=f"改造案件{k}",
                programme=rnd.choice(["renovation", "seismic"]),
                year=case.year,
                completed_on=closed,
            )


def state() -> dict[str, Any]:
    """What a user can see of the decisions: each household's history, in order, with the rule,
    outcome, reason, explanation, facts, trigger and actor, and the audit line of each."""
    decisions = [
        {
            k: v
            for k, v in d.items()
            if k not in {"id", "decided_at"}  # ids and clock differ between the two runs
        }
        for d in Decision.objects.order_by("household_id", "pk").values()
    ]
    audit = list(
        AuditEvent.objects.filter(object_type="eligibility.decision")
        .order_by("region_code", "object_repr", "note", "id")
        .values_list("actor_username", "action", "object_repr", "region_code", "changes", "note")
    )
    by_decision_household = sorted(
        (Decision.objects.get(pk=int(pk)).household_id, json.dumps(changes, sort_keys=True))
        for pk, changes in AuditEvent.objects.filter(object_type="eligibility.decision").values_list(
            "object_id", "changes"
        )
    )
    return {"decisions": decisions, "audit": sorted(audit, key=str), "changes": by_decision_household}


def both_ways(refresh: Callable[[Callable[..., int]], None]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run ``refresh`` with the per-household service, note the state, undo it; then with the
    set-based one."""
    sid = transaction.savepoint()
    refresh(services.decisions_refresh)
    each = state()
    transaction.savepoint_rollback(sid)
    refresh(services.decisions_refresh_set)
    return each, state()


def test_the_set_based_refresh_decides_a_generated_village_exactly_as_one_by_one(
    regions: dict[str, Region], tl_clerk: User, tl_county: User
) -> None:
    ids = generate(regions["140405102201"], tl_clerk, 300)

    def first(refresh: Callable[..., int]) -> None:
        refresh(household_ids=ids, trigger="导入名单「测试」", acting_user=tl_county, on=TODAY)

    each, set_based = both_ways(first)
    assert len(each["decisions"]) == 300
    # The generated village reaches most outcomes, so the comparison covers most rules.
    outcomes = {d["outcome"] for d in each["decisions"]}
    assert len(outcomes) >= 6, outcomes
    assert len({d["rule_id"] for d in each["decisions"]}) >= 8
    # Earlier support reaches the facts: a person supported through another household, and a
    # household's own closed case.
    assert any(d["facts"]["supported_elsewhere"] for d in each["decisions"])
    assert any(d["facts"]["closed_case_year"] for d in each["decisions"])
    assert set_based == each

    # Then facts change for some households (an appraisal downgrades a house, a status ends),
    # and a province rule set changes a reason: the households that changed get a second
    # decision, the first retired, with the outcome before and after in the audit line.
    first(services.decisions_refresh_set)
    changed = ids[::7]
    House.objects.filter(household_id__in=changed, is_only_house=True).update(
        current_grade="D", grade_source="appraisal"
    )
    HouseholdStatus.objects.filter(household_id__in=ids[1::11]).update(ended_on=datetime.date(2026, 5, 1))

    def second(refresh: Callable[..., int]) -> None:
        refresh(household_ids=ids, trigger="鉴定与出列", acting_user=tl_county, on=TODAY)

    each, set_based = both_ways(second)
    assert set_based == each
    histories = [d for d in each["decisions"] if not d["is_current"]]
    assert 20 <= len(histories) < 300  # only the changed households were decided again
    assert any(before for _, c in each["changes"] if (before := json.loads(c)["outcome"]["before"]))


def province_rules(province: User) -> RuleSet:
    """A province draft that reverses the national rules' order (so many households are decided
    by another rule) and says 山西 in the reason of the key-group renovation rule."""
    draft = services.rule_set_derive(acting_user=province, source=services.ensure_national_rule_set())
    rules = json.loads(draft.text)
    for rule in rules["rules"]:
        if rule["id"] == "R08-key-dangerous":
            rule["reason"] = "山西省规则：{key_groups}，{only_house_grade}危房。"
    rules["rules"] = list(reversed(rules["rules"]))
    services.rule_set_update(
        acting_user=province, rule_set=draft, text=json.dumps(rules, ensure_ascii=False), name="山西规则"
    )
    return draft


def test_a_new_rule_set_reaches_the_same_decisions_both_ways(
    regions: dict[str, Region], tl_clerk: User, make_user: Callable[..., User]
) -> None:
    ids = generate(regions["140405102201"], tl_clerk, 120, seed=5)
    services.decisions_refresh_set(household_ids=ids, trigger="首次认定", on=TODAY)
    province = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    draft = province_rules(province)
    services.rule_set_activate(acting_user=province, rule_set=draft)  # its refresh waits for a commit

    def under_new_rules(refresh: Callable[..., int]) -> None:
        refresh(household_ids=ids, trigger="启用规则集", acting_user=province, on=TODAY)

    each, set_based = both_ways(under_new_rules)
    assert set_based == each
    current = [d for d in each["decisions"] if d["is_current"]]
    assert {d["rule_set_id"] for d in current} == {draft.pk} and len(current) == 120
    assert any(d["reason"].startswith("山西省规则") for d in current)


def test_a_rule_set_change_and_a_list_import_decide_through_the_set_based_refresh(
    regions: dict[str, Region],
    tl_clerk: User,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from anju.households.listimport import list_import_commit, list_import_preview
    from anju.households.tests.corpus import dibao_list_xlsx_merged_header, make_id

    calls: list[tuple[str, int]] = []
    original = services.decisions_refresh_set

    def counting(**kwargs: Any) -> int:
        written = original(**kwargs)
        calls.append((kwargs["trigger"], written))
        return written

    def refused(**kwargs: Any) -> int:
        raise AssertionError("the per-household refresh was used for a region")

    monkeypatch.setattr(services, "decisions_refresh_set", counting)
    monkeypatch.setattr(services, "decisions_refresh", refused)
    ids = generate(regions["140405102201"], tl_clerk, 40, seed=9)
    province = make_user("sx_province", "140000000000", Role.PROVINCE_OFFICER)
    draft = province_rules(province)
    with django_capture_on_commit_callbacks(execute=True):
        services.rule_set_activate(acting_user=province, rule_set=draft)
    assert calls and calls[-1][0].startswith("启用规则集")
    assert set(Decision.objects.filter(is_current=True).values_list("household_id", flat=True)) >= set(
        HouseholdStatus.objects.values_list("household_id", flat=True)
    )
    assert set(Decision.objects.values_list("household_id", flat=True)) <= set(ids)

    civil = make_user("civil", "140405000000", Role.CIVIL_AFFAIRS)
    rows = [(f"新户{i}", make_id(600 + i), "北渔泽村委会", "一组", "2023-03-01") for i in range(3)]
    data, name = dibao_list_xlsx_merged_header(rows)
    record = list_import_preview(acting_user=civil, data=data, filename=name, department="civil_affairs", group="dibao")
    with django_capture_on_commit_callbacks(execute=True):
        list_import_commit(acting_user=civil, list_import=record)
    assert calls[-1][0] == f"导入名单「{name}」" and calls[-1][1] >= 3
    new = Decision.objects.filter(household__head_name__startswith="新户", is_current=True)
    assert new.count() == 3 and {d.outcome for d in new} == {"pending"}
    assert (
        AuditEvent.objects.filter(object_type="eligibility.decision", object_id__in=[str(d.pk) for d in new]).count()
        == 3
    )
