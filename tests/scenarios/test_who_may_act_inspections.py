"""One table of who may act in the inspection work (issue 16, ADR 0025), as ``test_who_may_act``
does for cases: for each object in each of its states, for eight people — the village clerk and
head, the township and county officers, the 民政 and 乡村振兴 liaisons, an appraiser and an
officer of another county holding every role — every act the table offers succeeds through its
service, every act it does not offer is refused in Chinese, and the page shows exactly the
offered acts."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anju.accounts.choices import Role
from anju.inspections import acts, services
from anju.inspections.choices import ActKind
from anju.inspections.models import Campaign, ControlMeasure, FollowUp, Referral, VillageList
from anju.inspections.tests.conftest import campaign, civil, homes  # noqa: F401
from anju.inspections.tests.images import jpeg

pytestmark = pytest.mark.django_db
CHINESE = re.compile(r"[\u4e00-\u9fff]")


class Undo(Exception):
    """Raised to roll back an act that succeeded, so the next person meets the same object."""


@pytest.fixture
def crew(officers: dict[str, Any], civil: Any, rural: Any, appraiser: Any, make_user: Any) -> dict[str, Any]:  # noqa: F811
    outsider = make_user(
        "ps_everyone",
        "500243000000",
        Role.VILLAGE_CLERK,
        Role.VILLAGE_HEAD,
        Role.TOWNSHIP_OFFICER,
        Role.COUNTY_OFFICER,
        Role.CIVIL_AFFAIRS,
        Role.RURAL_REVITALIZATION,
    )
    return officers | {"civil": civil, "rural": rural, "appraiser": appraiser, "outsider": outsider}


def _attempt(perform: Callable[[], Any]) -> str:
    try:
        with transaction.atomic():
            perform()
            raise Undo
    except Undo:
        return "done"
    except (PermissionDenied, ValidationError) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        assert CHINESE.search(text), f"refusal not in Chinese: {text!r}"
        return f"refused: {text}"


def walk_acts(
    on: Any, crew: dict[str, Any], perform: Mapping[str, Callable[[Any], Any]], refresh: Callable[[], object]
) -> dict[str, set[str]]:
    """Every act on ``on`` for every person, through its service; returns who was offered what."""
    offered: dict[str, set[str]] = {}
    mismatches = []
    for who, user in crew.items():
        offered[who] = set()
        for act in acts.available_acts(on, user):
            outcome = _attempt(partial(perform[act.kind], user))
            refresh()
            if act.allowed:
                offered[who].add(act.kind)
            else:
                assert CHINESE.search(act.reason), f"{who} {act.kind}: reason not in Chinese: {act.reason!r}"
            if act.allowed != (outcome == "done"):
                mismatches.append(f"{who} {act.kind}: offered={act.allowed} ({act.reason}) but {outcome}")
    assert not mismatches, "\n".join(mismatches)
    return offered


def page_of(client: Client, user: Any, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    return response.content.decode() if response.status_code == 200 else ""


TODAY = datetime.date.today()


def _inspect(user: Any, house: Any, **extra: Any) -> Any:
    return services.inspection_record(
        acting_user=user,
        house=house,
        suspected_grade=extra.pop("suspected_grade", "B"),
        is_occupied=extra.pop("is_occupied", False),
        inspected_at=extra.pop("inspected_at", timezone.now() - datetime.timedelta(hours=1)),
        **extra,
    )


# --- referrals: pending for 民政, pending for 乡村振兴, confirmed, declined ----------------------


@pytest.fixture
def referrals(homes: dict[str, Any], crew: dict[str, Any]) -> dict[str, Referral]:  # noqa: F811
    made = {}
    for n, (state, department) in enumerate(
        [
            ("pending_civil", "civil_affairs"),
            ("pending_rural", "rural_revitalization"),
            ("confirmed", "civil_affairs"),
            ("declined", "rural_revitalization"),
        ]
    ):
        inspection = _inspect(
            crew["clerk"],
            homes["house_c"],
            suspected_grade="C",
            inspected_at=timezone.now() - datetime.timedelta(days=10 - n),
            family_poor_not_listed=True,
            referral_department=department,
            poverty_note="老人独居，收入微薄",
        )
        made[state] = inspection.referral
    liaison = {"civil_affairs": crew["civil"], "rural_revitalization": crew["rural"]}
    services.referral_decide(
        acting_user=liaison["civil_affairs"], referral=made["confirmed"], confirm=True, group="dibao_edge"
    )
    services.referral_decide(
        acting_user=liaison["rural_revitalization"], referral=made["declined"], confirm=False, note="收入超过标准"
    )
    for r in made.values():
        r.refresh_from_db()
    return made


def test_referrals_every_state_and_role(referrals: dict[str, Referral], crew: dict[str, Any], client: Client) -> None:
    offered_by_state = {}
    for state, referral in referrals.items():

        def decide(user: Any, referral: Referral = referral) -> None:
            services.referral_decide(acting_user=user, referral=referral, confirm=False, note="经核实收入超标")

        def confirm(user: Any, referral: Referral = referral) -> None:
            services.referral_decide(acting_user=user, referral=referral, confirm=True, group="dibao")

        # declining and confirming ask the same of the user: both follow the one answer
        walk_acts(referral, crew, {ActKind.DECIDE: decide}, referral.refresh_from_db)
        offered_by_state[state] = walk_acts(referral, crew, {ActKind.DECIDE: confirm}, referral.refresh_from_db)
    assert {w for w, kinds in offered_by_state["pending_civil"].items() if kinds} == {"civil"}
    assert {w for w, kinds in offered_by_state["pending_rural"].items() if kinds} == {"rural"}
    assert not any(offered_by_state["confirmed"].values()) and not any(offered_by_state["declined"].values())
    # the page (all states) offers the decision form exactly where the table does
    for who, user in crew.items():
        page = page_of(client, user, reverse("inspections:referral_list") + "?status=")
        for state, referral in referrals.items():
            form = reverse("inspections:referral_decide", args=[referral.pk]) in page
            assert form == (ActKind.DECIDE in offered_by_state[state][who]), (who, state)
    # 民政 on a referral addressed to 乡村振兴: refused with the reason, in Chinese
    assert acts.act_refusal(ActKind.DECIDE, crew["civil"], referrals["pending_rural"]) == (
        "只有乡村振兴联络员可以核实转交给乡村振兴的农户。"
    )


# --- control measures: recorded by the clerk, recorded by the township officer, verified --------


def test_control_measures_every_state_and_role(homes: dict[str, Any], crew: dict[str, Any], client: Client) -> None:  # noqa: F811
    house = homes["house_a"]
    made = {}
    for state, recorder in (("by_clerk", "clerk"), ("by_township", "township"), ("verified", "clerk")):
        made[state] = services.measure_record(
            acting_user=crew[recorder], house=house, kind="warning", taken_on=TODAY, responsible="张支书"
        )
    services.measure_verify(acting_user=crew["county"], measure=made["verified"], verified_on=TODAY, note="已设置")

    def record(user: Any) -> None:
        services.measure_record(acting_user=user, house=house, kind="props", taken_on=TODAY, responsible="李支书")

    may_record = walk_acts(house, crew, {ActKind.MEASURE: record}, house.refresh_from_db)
    assert {w for w, k in may_record.items() if k} == {"clerk", "township", "county"}
    offered = {}
    for state, measure in made.items():
        measure.refresh_from_db()

        def verify(user: Any, measure: ControlMeasure = measure) -> None:
            services.measure_verify(acting_user=user, measure=measure, verified_on=TODAY, note="入户核实")

        offered[state] = walk_acts(measure, crew, {ActKind.VERIFY: verify}, measure.refresh_from_db)
    assert {w for w, k in offered["by_clerk"].items() if k} == {"township", "county"}
    assert {w for w, k in offered["by_township"].items() if k} == {"county"}  # not its own recorder
    assert not any(offered["verified"].values())
    for who, user in crew.items():
        page = page_of(client, user, reverse("inspections:house_measures", args=[house.pk]))
        assert ('data-testid="act-measure"' in page) == bool(may_record[who]), who
        for state, measure in made.items():
            form = reverse("inspections:measure_verify", args=[measure.pk]) in page
            assert form == bool(offered[state][who]), (who, state)


# --- the village list: to sign, signed (to receive), received -----------------------------------


def test_village_lists_every_state_and_role(
    homes: dict[str, Any],  # noqa: F811
    campaign: Campaign,  # noqa: F811
    crew: dict[str, Any],
    regions: dict[str, Any],
    client: Client,
) -> None:
    village = regions["140405102201"]
    signing = acts.Signing(campaign, village)
    campaign_page = reverse("inspections:campaign_detail", args=[campaign.pk])

    def sign(user: Any) -> None:
        services.village_list_sign(acting_user=user, campaign=campaign, village=village)

    may_sign = walk_acts(signing, crew, {ActKind.SIGN: sign}, lambda: None)
    assert {w for w, k in may_sign.items() if k} == {"head"}
    for who, user in crew.items():
        assert ('data-testid="act-sign"' in page_of(client, user, campaign_page)) == bool(may_sign[who]), who
    record = services.village_list_sign(acting_user=crew["head"], campaign=campaign, village=village)
    assert not any(walk_acts(signing, crew, {ActKind.SIGN: sign}, lambda: None).values())
    assert 'data-testid="act-sign"' not in page_of(client, crew["head"], campaign_page)

    def receive(user: Any, record: VillageList = record) -> None:
        services.village_list_receive(acting_user=user, village_list=record)

    def return_(user: Any, record: VillageList = record) -> None:
        services.village_list_return(acting_user=user, village_list=record, reason="漏报一户")

    def supplement(user: Any, record: VillageList = record) -> None:
        services.village_list_supplement(acting_user=user, village_list=record, reason="新发现一户")

    perform: dict[str, Callable[[Any], Any]] = {
        ActKind.RECEIVE: receive,
        ActKind.RETURN: return_,
        ActKind.SUPPLEMENT: supplement,
    }
    for state in ("signed", "received"):
        offered = walk_acts(record, crew, perform, record.refresh_from_db)
        # The township receives (once) or returns; the village head may 补报 either way.
        township = {ActKind.RECEIVE, ActKind.RETURN} if state == "signed" else {ActKind.RETURN}
        assert {w: k for w, k in offered.items() if k} == {"township": township, "head": {ActKind.SUPPLEMENT}}, state
        for who, user in crew.items():
            page = page_of(client, user, reverse("inspections:village_list_detail", args=[record.pk]))
            assert ('data-testid="act-receive"' in page) == (ActKind.RECEIVE in offered[who]), (who, state)
            assert ('data-testid="act-return"' in page) == (ActKind.RETURN in offered[who]), (who, state)
            assert ('data-testid="act-supplement"' in page) == (ActKind.SUPPLEMENT in offered[who]), (who, state)
        if state == "signed":
            receive(crew["township"])
            record.refresh_from_db()


# --- follow-ups: open, moved, demolished ---------------------------------------------------------


def test_follow_ups_every_state_and_role(homes: dict[str, Any], crew: dict[str, Any], client: Client) -> None:  # noqa: F811
    _inspect(crew["clerk"], homes["house_a"], suspected_grade="D", is_occupied=True, occupant_ages=[78])
    follow_up = FollowUp.objects.get(house=homes["house_a"])

    def step(kind: str) -> Callable[[Any], Any]:
        def act(user: Any) -> None:
            services.follow_up_step(
                acting_user=user, follow_up=follow_up, step=kind, on=TODAY, photo=jpeg(), moved_to="搬入儿子家"
            )

        return act

    perform: dict[str, Callable[[Any], Any]] = {ActKind.MOVED: step("moved"), ActKind.DEMOLISHED: step("demolished")}
    expected = {"open": {ActKind.MOVED}, "moved": {ActKind.DEMOLISHED}, "demolished": set()}
    for state in ("open", "moved", "demolished"):
        offered = walk_acts(follow_up, crew, perform, follow_up.refresh_from_db)
        for who in crew:
            inspectors = who in ("clerk", "township", "county")
            assert offered[who] == (expected[state] if inspectors else set()), (who, state)
            page = page_of(client, crew[who], reverse("inspections:follow_up_detail", args=[follow_up.pk]))
            shown = {k for k in (ActKind.MOVED, ActKind.DEMOLISHED) if f'data-testid="act-{k}"' in page}
            assert shown == offered[who], (who, state)
        if state != "demolished":
            perform[ActKind.MOVED if state == "open" else ActKind.DEMOLISHED](crew["clerk"])
            follow_up.refresh_from_db()


# --- recording an inspection or a housing check in a campaign: begun, not yet begun -------------


def test_recording_in_a_campaign_every_state_and_role(
    homes: dict[str, Any],  # noqa: F811
    campaign: Campaign,  # noqa: F811
    crew: dict[str, Any],
    regions: dict[str, Any],
    client: Client,
) -> None:
    later = services.campaign_create(
        acting_user=crew["township"],
        title="明年渔泽镇常规排查",
        year=TODAY.year + 1,
        region=regions["140405102000"],
        starts_on=TODAY + datetime.timedelta(days=1),
        deadline=TODAY + datetime.timedelta(days=90),
    )
    for state, target in (("begun", campaign), ("not_begun", later)):

        def inspect(user: Any, target: Campaign = target) -> None:
            _inspect(user, homes["house_a"], campaign=target)

        def housing(user: Any, target: Campaign = target) -> None:
            services.housing_check_record(
                acting_user=user,
                campaign=target,
                household=homes["b"],
                kind="no_house",
                recorded_on=TODAY,
                evidence="村委会证明",
            )

        may_inspect = walk_acts(acts.HouseVisit(homes["house_a"], target), crew, {ActKind.INSPECT: inspect}, str)
        may_check = walk_acts(
            acts.HouseholdVisit(homes["b"], target), crew, {ActKind.HOUSING_CHECK: housing}, homes["b"].refresh_from_db
        )
        inspectors = {"clerk", "township", "county"} if state == "begun" else set()
        assert {w for w, k in may_inspect.items() if k} == inspectors, state
        assert {w for w, k in may_check.items() if k} == inspectors, state
        for who, user in crew.items():
            page = page_of(client, user, reverse("inspections:campaign_detail", args=[target.pk]))
            assert ('data-testid="act-inspect"' in page) == bool(may_inspect[who]), (who, state)
            assert ('data-testid="housing-check"' in page) == bool(may_check[who]), (who, state)
            if page and not may_inspect[who]:
                assert 'data-testid="act-refusal"' in page, (who, state)
    reason = acts.act_refusal(ActKind.INSPECT, crew["clerk"], acts.HouseVisit(homes["house_a"], later))
    assert reason == f"「明年渔泽镇常规排查」于 {later.starts_on:%Y-%m-%d} 开始，开始后才能录入。"
