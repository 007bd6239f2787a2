"""The demo loader: real divisions, one login per role, idempotent, never in production."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.cases.choices import Stage
from anju.demo.data import DEMO_PASSWORD
from anju.regions.choices import RegionLevel
from anju.regions.models import Region


@override_settings(DEBUG=True)
def test_it_loads_both_counties_and_a_login_per_role(db: None) -> None:
    call_command("load_demo", stdout=StringIO())
    tunliu = Region.objects.get(code="140405000000")
    pengshui = Region.objects.get(code="500243000000")
    assert Region.objects.subtree_of(tunliu).filter(level=RegionLevel.VILLAGE).count() == 216
    assert Region.objects.subtree_of(pengshui).filter(level=RegionLevel.VILLAGE).count() == 296
    assert Region.objects.filter(name="鹿鸣乡", parent=pengshui).exists()
    held = {role for user in User.objects.all() for role in user.role_codes}
    assert held == set(Role.values)
    assert User.objects.get(username="tl_clerk").check_password(DEMO_PASSWORD)
    # Households in every village of 渔泽镇 and 鹿鸣乡, key groups and general ones, most with a house.
    from anju.households.models import House, Household

    # 11 villages, the 特困 elder who lives with a child's family (with no house of her own), and
    # the 12 households of the seeds' remaining duties in 北渔泽村 (anju/demo/duties.py)
    assert Household.objects.filter(region_code__startswith="140405102").count() == 11 * 12 + 1 + 12
    assert Household.objects.filter(region_code__startswith="500243202").count() == 10 * 12  # 10 villages
    assert set(Household.objects.values_list("primary_group", flat=True)) >= {"", "dibao", "tekun", "monitoring"}
    assert House.objects.count() > 0.8 * Household.objects.count()
    # Every demo house carries its household's key group as the services wrote it (ADR 0053).
    assert House.objects.filter(key_household=True).exists()
    from anju.households.services import key_flags_repair

    assert key_flags_repair() == 0
    from anju.households.models import ListImport

    pending = ListImport.objects.get(department="civil_affairs")
    written = ListImport.objects.get(department="rural_revitalization")  # names as offices write them
    assert [v["name"] for v in written.preview["unmatched_villages"]] == ["渔泽村"] and written.counts[
        "status_ended"
    ] == 0
    assert pending.status == "previewed" and pending.counts["status_added"] == 6
    assert pending.counts["new_households"] == 1 and pending.counts["invalid"] == 1
    # A finished background export per county officer, of that county's households (ADR 0031).
    from anju.jobs.models import Job

    for username, county in (("tl_county", "140405"), ("ps_county", "500243")):
        export = Job.objects.get(kind="jobs.export", created_by__username=username)
        assert export.status == "succeeded" and export.output_file
        # Made when the households were loaded (before the 特困 elder of 渔泽镇 is added), none else's.
        assert 100 < export.result["rows"] <= Household.objects.filter(region_code__startswith=county).count()
    # Inspection work at every stage (issue 4).
    from anju.inspections import models as im

    assert im.Campaign.objects.count() == 2
    covered = im.Inspection.objects.filter(campaign__isnull=False).values("household").distinct().count()
    assert 0.5 * House.objects.count() < covered < House.objects.count()  # some left on the to-do list
    assert set(im.Referral.objects.values_list("status", flat=True)) == {"pending", "confirmed"}
    assert im.VillageList.objects.get(round=1).received_at is not None  # received, then supplemented (demo.plan)
    tasks = im.EmergencyTask.objects.all()
    assert tasks.filter(inspection__isnull=False).exists() and tasks.filter(inspection__isnull=True).exists()
    assert House.objects.filter(suspected_grade__in=["C", "D"], is_occupied=True).exists()
    assert im.ControlMeasure.objects.filter(verified_on__isnull=False).exists()
    steps = {(f.moved_on is not None, f.demolished_on is not None) for f in im.FollowUp.objects.all()}
    assert steps == {(False, False), (True, False), (True, True)}
    assert im.InspectionPhoto.objects.exists()
    # Inspections are walked by the village clerk or the township or county officer, never by
    # the operator's account (issue 17).
    assert not im.Inspection.objects.filter(inspector__is_superuser=True).exists()
    assert im.Inspection.objects.filter(inspector__username="tl_clerk").exists()
    # Appraisals and eligibility (issue 5): both templates, every kind of decision a user should see.
    from anju.appraisals.models import Appraisal, AppraisalTemplate
    from anju.eligibility.models import Circumstance, Decision, RuleSet

    assert set(AppraisalTemplate.objects.values_list("region_code", "status")) == {
        ("", "active"),
        ("140000000000", "active"),
    }
    assert Appraisal.objects.filter(template__region_code="").exists()
    assert Appraisal.objects.filter(template__region_code="140000000000").exists()
    assert Appraisal.objects.exclude(final_grade=F("computed_grade")).exists()
    assert (
        Appraisal.objects.filter(site_dangerous=True).exists()
        and Appraisal.objects.filter(outside_guideline=True).exists()
    )
    outcomes = set(Decision.objects.filter(is_current=True).values_list("outcome", flat=True))
    assert outcomes >= {
        "renovation",
        "reentry",
        "seismic",
        "self_repair",
        "fallback",
        "solved_otherwise",
        "not_covered",
        "pending",
    }
    assert Circumstance.objects.filter(kind="no_house").exists()
    assert RuleSet.objects.filter(region_code="500000000000", status="draft").exists()
    # Renovation cases (issue 6) at every stage in both counties, and every kind of gap before 销号.
    from anju.acceptance.models import Rectification
    from anju.cases.models import CasePatrol, RenovationCase
    from anju.cases.services import close_blockers

    cases = RenovationCase.objects.all()
    assert (
        cases.filter(region_code__startswith="140405", policy__region_code="140000000000").count() == 26 + 1 + 3
    )  # + the split household's case the anomaly demo plants (anju/demo/anomalies.py), + the sudden-
    # hardship, 灾后重建 and 抗震改造 cases of anju/demo/duties.py
    assert set(cases.filter(region_code__startswith="140405").values_list("subsidy_standard", flat=True)) <= {
        "",
        "TL-C",
        "TL-D",
        "S-SEISMIC",
    }
    assert set(cases.values_list("stage", flat=True)) == set(Stage.values)
    assert {c[:6] for c in cases.filter(stage="closed").values_list("region_code", flat=True)} == {"140405", "500243"}
    assert CasePatrol.objects.filter(photos__isnull=False).exists()
    # Photo checks (ADR 0033): each county has a patrol photo taken far away and a reused one.
    from anju.photochecks.models import PhotoFlag

    flagged = {(f.region_code[:6], f.kind) for f in PhotoFlag.objects.all()}
    assert {("140405", "far"), ("140405", "reused"), ("500243", "far"), ("500243", "reused")} <= flagged
    # ADR 0047: a 竣工 photo taken 1.5 km away and an archive 改造后照片 that is another house's, in
    # each county; the archive's paper scans are not checked, and its house photos carry a position.
    staged = {
        (f.region_code[:6], f.check_record.stage, f.kind) for f in PhotoFlag.objects.select_related("check_record")
    }
    for county in ("140405", "500243"):
        assert {(county, "completion", "far"), (county, "archive", "reused")} <= staged
    assert not PhotoFlag.objects.filter(check_record__stage="archive").exclude(kind="reused").exists()
    assert not PhotoFlag.objects.filter(kind="no_position", check_record__stage__in=["completion", "archive"]).exists()
    assert Rectification.objects.filter(completed_on__isnull=True).exists()
    assert Rectification.objects.filter(completed_on__isnull=False).exists()
    gaps = [" ".join(close_blockers(c)) for c in cases.filter(stage="accepted")]
    assert any("尚未拨付完毕" in g for g in gaps) and any("一户一档缺少" in g for g in gaps) and "" in gaps
    assert cases.exclude(area_problem="").exists() and cases.exclude(energy_tags=[]).exists()
    # The safety loop (issue 14): closed houses are A/B and renovated by their case; a house
    # renovated in 鹿鸣乡 last year and found dangerous again re-entered with a new case; the
    # elder living with her child's family is covered; the board lists every occupied C/D house.
    from anju.inspections.models import HousingCheck
    from anju.inspections.selectors import occupied_dangerous_houses

    for closed in cases.filter(stage="closed").select_related("house"):
        assert closed.house is not None and closed.house.renovated_case_id == closed.pk
        assert closed.accepted_on is not None and closed.house.renovated_year == closed.accepted_on.year
        assert closed.house.current_grade in "ABD"  # D only for the one that turned dangerous again
    again = cases.get(previous_case__isnull=False, stage="found")
    assert again.house is not None and again.previous_case is not None
    assert again.house.current_grade == "D" and again.house.renovated_case_id == again.previous_case_id
    assert again.previous_case.closed_on is not None
    assert again.previous_case.closed_on < timezone.localdate() - datetime.timedelta(days=300)
    assert HousingCheck.objects.filter(kind="with_children", host_house__isnull=False).count() == 1
    superuser = User.objects.filter(is_superuser=True).first()
    occupied_cd = House.objects.filter(current_grade__in=["C", "D"], is_occupied=True).count()
    assert occupied_cd > 20 and occupied_dangerous_houses(superuser).count() >= occupied_cd
    from anju.tasks.models import Task

    assert Task.objects.filter(parent__isnull=True, region_code__in=["140405000000", "500243000000"]).count() == 6
    assert Task.objects.filter(parent__isnull=False).exists()
    # The township duties (issue 22): 胡家湾苗寨, the 13 示范点 with what is late, a team per village.
    from anju.township.models import Project, TraditionalHouse, WorkingTeam

    assert TraditionalHouse.objects.filter(village__name="胡家湾苗寨").count() == 5
    assert TraditionalHouse.objects.filter(house__cases__isnull=False).exists()
    sites = Project.objects.filter(kind="demo_site")
    assert sites.count() == 13 and sites.filter(name__startswith="润溪乡樱桃井村").exists()
    assert any(p.late_reason() for p in sites) and sites.filter(status="accepted").exists()
    assert Project.objects.filter(kind="livable_town", township__name="善感乡").count() == 3
    assert WorkingTeam.objects.filter(region_code__startswith="500243202").count() == 10
    # Planning (issue 18 items 5–7): both counties' work plans in force, one phase behind; the
    # seeds' calendars; 北渔泽村's list supplemented and returned.
    from anju.inspections.models import VillageList
    from anju.reporting.models import ReportingCalendar, WorkPlan
    from anju.reporting.selectors import annual_plan

    plans = WorkPlan.objects.filter(status="active")
    assert sorted(plans.values_list("region_code", flat=True)) == ["140405000000", "500243000000"]
    tunliu_plan = annual_plan(
        user=superuser, region=Region.objects.get(code="140405000000"), year=timezone.localdate().year
    )
    assert any(p.passed and p.total for p in tunliu_plan["phases"]) and tunliu_plan["workplan"] is not None
    shanxi = ReportingCalendar.objects.get(region_code="140000000000", status="active")
    assert shanxi.content["reports"]["progress"]["due_day"]["township"] == 20
    assert [v.status for v in VillageList.objects.filter(region_code="140405102201").order_by("round")] == [
        "superseded",
        "returned",
    ]

    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "区划新增 0" in out.getvalue() and "账号新增 0" in out.getvalue()

    logins = StringIO()
    call_command("demo_logins", stdout=logins)
    assert "tl_clerk" in logins.getvalue() and DEMO_PASSWORD in logins.getvalue()


@override_settings(DEBUG=False)
def test_it_refuses_to_plant_known_passwords_outside_debug(db: None) -> None:
    with pytest.raises(CommandError, match="只能在 DJANGO_DEBUG=1 时载入"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()
