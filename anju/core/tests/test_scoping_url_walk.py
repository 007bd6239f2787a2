"""Walk every URL pattern of the project as a user of a sibling region.

屯留区's administrator (holding every county role, so no role check hides a
leak) requests every page and API endpoint. Pages that name one object are
requested for 彭水县's objects and must be a 404; every other page must not show
any of 彭水县's marker strings. The same URLs requested by 彭水县's own
administrator must work and show the markers, so the test cannot pass by
requesting nothing.

A new URL with parameters fails this test until it gets a sample below: new
pages are covered by construction.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from anju.acceptance.services import acceptance_record, checklist
from anju.accounts.models import ApiToken, User
from anju.anomalies.models import Finding
from anju.anomalies.services import checks_run
from anju.appraisals.services import appraisal_record, ensure_national_template, template_derive
from anju.archives.services import archive_review, document_upload
from anju.audit.models import AuditEvent
from anju.cases.choices import Stage
from anju.cases.services import case_open, ensure_national_policy, policy_derive
from anju.cases.tests.conftest import Officers, ago, walk
from anju.dynamic.services import hardship_register, relief_record, route_open
from anju.eligibility.services import (
    circumstance_record,
    ensure_national_rule_set,
    household_reevaluate,
    rule_set_derive,
)
from anju.households.history import history_import_preview
from anju.households.listimport import list_import_preview
from anju.households.models import House, RenovationHistory
from anju.households.services import house_create, household_create, member_add, status_add
from anju.households.tests.conftest import make_id
from anju.inspections.models import FollowUp, HazardItem
from anju.inspections.services import (
    campaign_create,
    emergency_declare,
    housing_check_record,
    inspection_record,
    measure_record,
    village_list_sign,
)
from anju.inspections.tests.images import jpeg
from anju.jobs.models import Job, JobStatus
from anju.ledgers.services import ledger_return_preview
from anju.photochecks.services import StagePhoto, photo_check_record
from anju.regions.models import Region
from anju.regions.services import region_rename
from anju.reporting.services import (
    calendar_derive,
    ensure_national_calendar,
    submission_prepare,
    workplan_draft,
)
from anju.reporting.tests.conftest import submit_confirming
from anju.subsidies.services import payment_record
from anju.supervision.choices import Topic
from anju.supervision.services import finding_add, order_issue, visit_record
from anju.tasks.services import task_issue
from anju.township.policy import ensure_national_policy as ensure_national_duty_policy
from anju.township.services import duty_policy_derive
from anju.township.tests.samples import sibling_duties

MARKERS = ("彭水", "鹿鸣乡", "ps_admin", "ps_marker_user", "ps-marker-job", "向标记")

# url name -> a function of the sibling's objects giving the kwargs of one of them.
DETAIL_SAMPLES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "regions:detail": lambda o: {"code": o["region"].code},
    "regions:boundaries": lambda o: {"code": o["region"].parent.parent.code},
    "accounts:user_detail": lambda o: {"pk": o["user"].pk},
    "accounts:user_edit": lambda o: {"pk": o["user"].pk},
    "accounts:user_reset_password": lambda o: {"pk": o["user"].pk},
    "accounts:user_unlock": lambda o: {"pk": o["user"].pk},
    "audit:object_history": lambda o: {"object_type": "regions.region", "object_id": o["region"].pk},
    "jobs:job_detail": lambda o: {"pk": o["job"].pk},
    "households:household_detail": lambda o: {"pk": o["household"].pk},
    "households:household_edit": lambda o: {"pk": o["household"].pk},
    "households:member_add": lambda o: {"pk": o["household"].pk},
    "households:status_add": lambda o: {"pk": o["household"].pk},
    "households:house_create": lambda o: {"pk": o["household"].pk},
    "households:member_remove": lambda o: {"pk": o["member"].pk},
    "households:status_end": lambda o: {"pk": o["status"].pk},
    "households:house_detail": lambda o: {"pk": o["house"].pk},
    "households:house_edit": lambda o: {"pk": o["house"].pk},
    "households:import_detail": lambda o: {"pk": o["list_import"].pk},
    "households:import_commit": lambda o: {"pk": o["list_import"].pk},
    "households:import_cancel": lambda o: {"pk": o["list_import"].pk},
    "households:import_original": lambda o: {"pk": o["list_import"].pk},
    "households:import_errors": lambda o: {"pk": o["list_import"].pk},
    "jobs:job_download": lambda o: {"pk": o["job"].pk},
    "inspections:campaign_detail": lambda o: {"pk": o["campaign"].pk},
    "inspections:campaign_uncovered_export": lambda o: {"pk": o["campaign"].pk},
    "inspections:housing_check_new": lambda o: {"pk": o["campaign"].pk, "household_pk": o["household"].pk},
    "inspections:village_list_sign": lambda o: {"campaign_pk": o["campaign"].pk},
    "inspections:inspection_new": lambda o: {"house_pk": o["house"].pk},
    "inspections:house_measures": lambda o: {"house_pk": o["house"].pk},
    "inspections:inspection_detail": lambda o: {"pk": o["inspection"].pk},
    "inspections:referral_decide": lambda o: {"pk": o["referral"].pk},
    "inspections:event_detail": lambda o: {"pk": o["emergency"].pk},
    "inspections:measure_verify": lambda o: {"pk": o["measure"].pk},
    "inspections:village_list_detail": lambda o: {"pk": o["village_list"].pk},
    "inspections:village_list_download": lambda o: {"pk": o["village_list"].pk},
    "inspections:village_list_receive": lambda o: {"pk": o["village_list"].pk},
    "inspections:village_list_return": lambda o: {"pk": o["village_list"].pk},
    "inspections:village_list_supplement": lambda o: {"pk": o["village_list"].pk},
    "inspections:follow_up_detail": lambda o: {"pk": o["follow_up"].pk},
    "api:region-detail": lambda o: {"code": o["region"].code},
    "api:user-detail": lambda o: {"pk": o["user"].pk},
    "api:auditevent-detail": lambda o: {"pk": o["event"].pk},
    "api:job-detail": lambda o: {"pk": o["job"].pk},
    "api:household-detail": lambda o: {"pk": o["household"].pk},
    "api:house-detail": lambda o: {"pk": o["house"].pk},
    "api:listimport-detail": lambda o: {"pk": o["list_import"].pk},
    "api:campaign-detail": lambda o: {"pk": o["campaign"].pk},
    "api:inspection-detail": lambda o: {"pk": o["inspection"].pk},
    "api:referral-detail": lambda o: {"pk": o["referral"].pk},
    "api:referral-decide": lambda o: {"pk": o["referral"].pk},
    "api:emergencyevent-detail": lambda o: {"pk": o["emergency"].pk},
    "api:emergencytask-detail": lambda o: {"pk": o["emergency"].tasks.first().pk},
    "api:controlmeasure-detail": lambda o: {"pk": o["measure"].pk},
    "api:housingcheck-detail": lambda o: {"pk": o["housing_check"].pk},
    "api:apitoken-detail": lambda o: {"pk": o["token"].pk},
    "households:import_reread": lambda o: {"pk": o["list_import"].pk},
    "households:import_village_map": lambda o: {"pk": o["list_import"].pk},
    "api:controlmeasure-verify": lambda o: {"pk": o["measure"].pk},
    "api:villagelist-detail": lambda o: {"pk": o["village_list"].pk},
    "api:villagelist-receive": lambda o: {"pk": o["village_list"].pk},
    "api:villagelist-return-": lambda o: {"pk": o["village_list"].pk},
    "api:villagelist-supplement": lambda o: {"pk": o["village_list"].pk},
    "api:followup-detail": lambda o: {"pk": o["follow_up"].pk},
    "api:followup-step": lambda o: {"pk": o["follow_up"].pk},
    "api:listimport-commit": lambda o: {"pk": o["list_import"].pk},
    "api:listimport-cancel": lambda o: {"pk": o["list_import"].pk},
    "api:appraisal-detail": lambda o: {"pk": o["appraisal"].pk},
    "api:appraisaltemplate-detail": lambda o: {"pk": o["template"].pk},
    "api:appraisaltemplate-derive": lambda o: {"pk": o["template"].pk},
    "api:appraisaltemplate-activate": lambda o: {"pk": o["template"].pk},
    "api:eligibilitydecision-detail": lambda o: {"pk": o["decision"].pk},
    "api:circumstance-detail": lambda o: {"pk": o["circumstance"].pk},
    "api:circumstance-withdraw": lambda o: {"pk": o["circumstance"].pk},
    "api:ruleset-detail": lambda o: {"pk": o["rule_set"].pk},
    "api:ruleset-derive": lambda o: {"pk": o["rule_set"].pk},
    "api:ruleset-activate": lambda o: {"pk": o["rule_set"].pk},
    "core:file": lambda o: {"kind": "inspection-photo", "pk": o["inspection"].photos.get().pk},
    "appraisals:appraisal_new": lambda o: {"house_pk": o["house"].pk},
    "appraisals:appraisal_detail": lambda o: {"pk": o["appraisal"].pk},
    "appraisals:appraisal_pdf": lambda o: {"pk": o["appraisal"].pk},
    "appraisals:template_detail": lambda o: {"pk": o["template"].pk},
    "appraisals:template_derive": lambda o: {"pk": o["template"].pk},
    "appraisals:template_edit": lambda o: {"pk": o["template"].pk},
    "appraisals:template_activate": lambda o: {"pk": o["template"].pk},
    "appraisals:template_discard": lambda o: {"pk": o["template"].pk},
    "eligibility:household_decision": lambda o: {"pk": o["household"].pk},
    "eligibility:household_reevaluate": lambda o: {"pk": o["household"].pk},
    "eligibility:circumstance_withdraw": lambda o: {"pk": o["circumstance"].pk},
    "eligibility:rule_set_detail": lambda o: {"pk": o["rule_set"].pk},
    "eligibility:rule_set_derive": lambda o: {"pk": o["rule_set"].pk},
    "eligibility:rule_set_edit": lambda o: {"pk": o["rule_set"].pk},
    "eligibility:rule_set_activate": lambda o: {"pk": o["rule_set"].pk},
    "eligibility:rule_set_discard": lambda o: {"pk": o["rule_set"].pk},
    "cases:case_detail": lambda o: {"pk": o["case"].pk},
    "cases:case_act": lambda o: {"pk": o["case"].pk, "kind": "apply"},
    "cases:patrol_add": lambda o: {"pk": o["case"].pk},
    "cases:details_update": lambda o: {"pk": o["case"].pk},
    "cases:case_open": lambda o: {"household_pk": o["household"].pk},
    "cases:policy_detail": lambda o: {"pk": o["policy"].pk},
    "cases:policy_derive": lambda o: {"pk": o["policy"].pk},
    "cases:policy_edit": lambda o: {"pk": o["policy"].pk},
    "cases:policy_activate": lambda o: {"pk": o["policy"].pk},
    "cases:policy_discard": lambda o: {"pk": o["policy"].pk},
    "api:case-detail": lambda o: {"pk": o["case"].pk},
    "api:case-act": lambda o: {"pk": o["case"].pk},
    "api:case-patrols": lambda o: {"pk": o["case"].pk},
    "api:casepolicy-detail": lambda o: {"pk": o["policy"].pk},
    "api:casepolicy-derive": lambda o: {"pk": o["policy"].pk},
    "api:casepolicy-activate": lambda o: {"pk": o["policy"].pk},
    "acceptance:record": lambda o: {"case_pk": o["case"].pk},
    "acceptance:detail": lambda o: {"pk": o["acceptance"].pk},
    "acceptance:pdf": lambda o: {"pk": o["acceptance"].pk},
    "acceptance:rectification_complete": lambda o: {"pk": o["rectification"].pk},
    "photochecks:flag_explain": lambda o: {"pk": o["photo_flag"].pk},
    "api:photoflag-detail": lambda o: {"pk": o["photo_flag"].pk},
    "api:photoflag-explain": lambda o: {"pk": o["photo_flag"].pk},
    "api:acceptance-detail": lambda o: {"pk": o["acceptance"].pk},
    "api:rectification-detail": lambda o: {"pk": o["rectification"].pk},
    "api:rectification-complete": lambda o: {"pk": o["rectification"].pk},
    "subsidies:pay": lambda o: {"case_pk": o["case"].pk},
    "api:payment-detail": lambda o: {"pk": o["payment"].pk},
    "tasks:allocate": lambda o: {"pk": o["task"].pk},
    "archives:case_archive": lambda o: {"case_pk": o["case"].pk},
    "archives:upload": lambda o: {"case_pk": o["case"].pk},
    "archives:review": lambda o: {"case_pk": o["case"].pk},
    "archives:pdf": lambda o: {"case_pk": o["case"].pk},
    "archives:withdraw": lambda o: {"pk": o["document"].pk},
    "api:archivedocument-detail": lambda o: {"pk": o["document"].pk},
    "api:archivedocument-withdraw": lambda o: {"pk": o["document"].pk},
    "api:archivereview-detail": lambda o: {"pk": o["review"].pk},
    "supervision:visit_detail": lambda o: {"pk": o["visit"].pk},
    "supervision:finding_add": lambda o: {"pk": o["visit"].pk},
    "supervision:order_issue": lambda o: {"pk": o["visit"].pk},
    "supervision:order_detail": lambda o: {"pk": o["order"].pk},
    "supervision:order_respond": lambda o: {"pk": o["order"].pk},
    "supervision:order_return": lambda o: {"pk": o["order"].pk},
    "supervision:order_close": lambda o: {"pk": o["order"].pk},
    "supervision:order_pdf": lambda o: {"pk": o["order"].pk},
    "supervision:photo": lambda o: {"kind": "finding", "pk": o["finding"].photos.get().pk},
    "township:house_detail": lambda o: {"pk": o["traditional_house"].pk},
    "township:house_check": lambda o: {"pk": o["traditional_house"].pk},
    "township:project_detail": lambda o: {"pk": o["project"].pk},
    "township:project_report": lambda o: {"pk": o["project"].pk},
    "township:project_accept": lambda o: {"pk": o["project"].pk},
    "township:training_detail": lambda o: {"pk": o["training"].pk},
    "township:training_signin": lambda o: {"pk": o["training"].pk},
    "township:photo": lambda o: {"kind": "project", "pk": o["project_photo"].pk},
    "township:expert_follow_up": lambda o: {"pk": o["expert_visit"].pk},
    "township:task_done": lambda o: {"pk": o["team_task"].pk},
    "api:traditional-village-detail": lambda o: {"pk": o["traditional_house"].village_id},
    "api:traditional-house-detail": lambda o: {"pk": o["traditional_house"].pk},
    "api:environment-project-detail": lambda o: {"pk": o["project"].pk},
    "api:training-detail": lambda o: {"pk": o["training"].pk},
    "api:traditional-house-check-detail": lambda o: {"pk": o["house_check"].pk},
    "api:craftsman-detail": lambda o: {"pk": o["craftsman"].pk},
    "api:expert-visit-detail": lambda o: {"pk": o["expert_visit"].pk},
    "api:publicity-activity-detail": lambda o: {"pk": o["publicity"].pk},
    "api:working-team-detail": lambda o: {"pk": o["team"].pk},
    "api:team-member-detail": lambda o: {"pk": o["team_member"].pk},
    "api:team-task-detail": lambda o: {"pk": o["team_task"].pk},
    "api:environment-project-report": lambda o: {"pk": o["project"].pk},
    "api:environment-project-accept": lambda o: {"pk": o["project"].pk},
    "api:expert-visit-follow-up": lambda o: {"pk": o["expert_visit"].pk},
    "api:team-task-complete": lambda o: {"pk": o["team_task"].pk},
    "township:policy_detail": lambda o: {"pk": o["duty_policy"].pk},
    "township:policy_derive": lambda o: {"pk": o["duty_policy"].pk},
    "township:policy_edit": lambda o: {"pk": o["duty_policy"].pk},
    "township:policy_activate": lambda o: {"pk": o["duty_policy"].pk},
    "township:policy_discard": lambda o: {"pk": o["duty_policy"].pk},
    "api:dutypolicy-detail": lambda o: {"pk": o["duty_policy"].pk},
    "api:dutypolicy-derive": lambda o: {"pk": o["duty_policy"].pk},
    "api:dutypolicy-activate": lambda o: {"pk": o["duty_policy"].pk},
    "api:supervision-visit-detail": lambda o: {"pk": o["visit"].pk},
    "api:supervision-finding-detail": lambda o: {"pk": o["finding"].pk},
    "api:rectification-order-detail": lambda o: {"pk": o["order"].pk},
    "anomalies:finding_detail": lambda o: {"pk": o["anomaly"].pk},
    "anomalies:finding_explain": lambda o: {"pk": o["anomaly"].pk},
    "api:anomaly-finding-detail": lambda o: {"pk": o["anomaly"].pk},
    "api:anomaly-finding-explain": lambda o: {"pk": o["anomaly"].pk},
    "api:anomaly-run-detail": lambda o: {"pk": o["anomaly_run"].pk},
    "ledgers:return_detail": lambda o: {"pk": o["ledger_return"].pk},
    "ledgers:return_commit": lambda o: {"pk": o["ledger_return"].pk},
    "api:ledgerreturn-detail": lambda o: {"pk": o["ledger_return"].pk},
    "api:ledgerreturn-commit": lambda o: {"pk": o["ledger_return"].pk},
    "households:history_detail": lambda o: {"pk": o["history_import"].pk},
    "households:history_commit": lambda o: {"pk": o["history_import"].pk},
    "households:history_cancel": lambda o: {"pk": o["history_import"].pk},
    "households:history_errors": lambda o: {"pk": o["history_import"].pk},
    "api:historyimport-detail": lambda o: {"pk": o["history_import"].pk},
    "api:renovationhistory-detail": lambda o: {"pk": o["history_record"].pk},
    "api:historyimport-commit": lambda o: {"pk": o["history_import"].pk},
    "api:historyimport-cancel": lambda o: {"pk": o["history_import"].pk},
    "api:historyimport-errors": lambda o: {"pk": o["history_import"].pk},
    "api:rectification-order-respond": lambda o: {"pk": o["order"].pk},
    "api:rectification-order-return": lambda o: {"pk": o["order"].pk},
    "api:rectification-order-close": lambda o: {"pk": o["order"].pk},
    "reporting:submission_detail": lambda o: {"pk": o["submission"].pk},
    "reporting:submission_refresh": lambda o: {"pk": o["submission"].pk},
    "reporting:submission_submit": lambda o: {"pk": o["submission"].pk},
    "reporting:submission_return": lambda o: {"pk": o["township_submission"].pk},
    "reporting:submission_sign_off": lambda o: {"pk": o["township_submission"].pk},
    "reporting:submission_reopen": lambda o: {"pk": o["township_submission"].pk},
    "reporting:submission_export": lambda o: {"pk": o["submission"].pk},
    "reporting:calendar_detail": lambda o: {"pk": o["calendar"].pk},
    "reporting:workplan_detail": lambda o: {"pk": o["work_plan"].pk},
    "reporting:workplan_edit": lambda o: {"pk": o["work_plan"].pk},
    "reporting:workplan_activate": lambda o: {"pk": o["work_plan"].pk},
    "reporting:workplan_discard": lambda o: {"pk": o["work_plan"].pk},
    "reporting:workplan_pdf": lambda o: {"pk": o["work_plan"].pk},
    "api:workplan-detail": lambda o: {"pk": o["work_plan"].pk},
    "api:workplan-activate": lambda o: {"pk": o["work_plan"].pk},
    "reporting:calendar_derive": lambda o: {"pk": o["calendar"].pk},
    "reporting:calendar_edit": lambda o: {"pk": o["calendar"].pk},
    "reporting:calendar_activate": lambda o: {"pk": o["calendar"].pk},
    "reporting:calendar_discard": lambda o: {"pk": o["calendar"].pk},
    "api:submission-detail": lambda o: {"pk": o["submission"].pk},
    "api:submission-submit": lambda o: {"pk": o["submission"].pk},
    "api:submission-return-": lambda o: {"pk": o["township_submission"].pk},
    "api:submission-sign-off": lambda o: {"pk": o["township_submission"].pk},
    "api:submission-reopen": lambda o: {"pk": o["township_submission"].pk},
    "api:reportingcalendar-detail": lambda o: {"pk": o["calendar"].pk},
    "api:reportingcalendar-derive": lambda o: {"pk": o["calendar"].pk},
    "api:reportingcalendar-activate": lambda o: {"pk": o["calendar"].pk},
    "api:dashboard-detail": lambda o: {"code": o["region"].parent.parent.code},
    "dynamic:route_detail": lambda o: {"pk": o["route"].pk},
    "dynamic:route_act": lambda o: {"pk": o["route"].pk, "kind": "remind"},
    "dynamic:route_open": lambda o: {"household_pk": o["route_home"].pk},
    "dynamic:hardship_detail": lambda o: {"pk": o["hardship"].pk},
    "dynamic:relief_add": lambda o: {"pk": o["hardship"].pk},
    "api:self-repair-detail": lambda o: {"pk": o["route"].pk},
    "api:self-repair-remind": lambda o: {"pk": o["route"].pk},
    "api:self-repair-complete": lambda o: {"pk": o["route"].pk},
    "api:self-repair-close": lambda o: {"pk": o["route"].pk},
    "api:housing-route-detail": lambda o: {"pk": o["route"].pk},
    "api:housing-route-remind": lambda o: {"pk": o["route"].pk},
    "api:housing-route-complete": lambda o: {"pk": o["route"].pk},
    "api:housing-route-close": lambda o: {"pk": o["route"].pk},
    "api:hardship-detail": lambda o: {"pk": o["hardship"].pk},
    "api:hardship-relief": lambda o: {"pk": o["hardship"].pk},
    "api:relief-detail": lambda o: {"pk": o["relief"].pk},
    "api:dashboard-key-households": lambda o: {"code": o["region"].parent.parent.code},
}
# Actions on the sibling province's own versions (templates, rule sets) that only a province
# officer may take: the sibling's county administrator sees the object (no 404) and is refused
# the action (403); a 404 here would mean the object is hidden from its own region.
PROVINCE_ONLY: set[str] = {
    "api:appraisaltemplate-derive",
    "api:appraisaltemplate-activate",
    "api:ruleset-derive",
    "api:ruleset-activate",
    "appraisals:template_edit",
    "eligibility:rule_set_edit",
    "api:casepolicy-derive",
    "api:casepolicy-activate",
    "cases:policy_edit",
    "api:dutypolicy-derive",
    "api:dutypolicy-activate",
    "township:policy_edit",
    "api:reportingcalendar-derive",
    "api:reportingcalendar-activate",
    "reporting:calendar_edit",
}
# Pages naming an object that belongs to no region: the hazard checklist is one list for
# every region, kept by county administrators. A sibling's administrator reaches them like
# their own (no 404), and they must show none of the sibling's markers.
SHARED_SAMPLES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "inspections:checklist_edit": lambda o: {"pk": o["hazard_item"].pk},
    "inspections:checklist_move": lambda o: {"pk": o["hazard_item"].pk},
    "inspections:checklist_retire": lambda o: {"pk": o["hazard_item"].pk},
    "inspections:checklist_restore": lambda o: {"pk": o["hazard_item"].pk},
    # The ledgers are named by key; each user's ledger holds only their own region's rows.
    "ledgers:preview": lambda o: {"key": "monitoring"},
    "ledgers:download": lambda o: {"key": "monitoring", "fmt": "xlsx"},
    "api:ledger-download": lambda o: {"key": "monitoring"},
}
# Pages without an object that only another role may open (a province officer issues tasks):
# a county administrator is refused (403), which leaks nothing.
ROLE_LIMITED: set[str] = {"tasks:issue"}
# Pages outside anju's scoping by design: Django's own admin (superusers only)
# and static help pages.
EXEMPT_PREFIXES = ("django-admin",)


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, URLPattern, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        else:
            yield f"{namespace}{entry.name}" if entry.name else "", entry, prefix + str(entry.pattern)


def all_patterns() -> list[tuple[str, URLPattern, str]]:
    return [
        (name, pattern, route)
        for name, pattern, route in _walk(get_resolver())
        if not route.startswith(EXEMPT_PREFIXES)
    ]


@pytest.fixture
def sibling_objects(ps_admin: User, make_user: Callable[..., User], regions: dict[str, Region]) -> dict[str, Any]:
    marker_user = make_user("ps_marker_user", "500243202201", "village_clerk")
    region_rename(region=regions["500243202201"], name="向家村（彭水）", acting_user=ps_admin)
    job = Job.objects.create(
        kind="regions.import",
        title="ps-marker-job",
        created_by=ps_admin,
        region_code="500243000000",
        status=JobStatus.SUCCEEDED,
    )
    job.output_file.save("ps-marker.csv", ContentFile(b"x"))
    household = household_create(
        acting_user=ps_admin,
        region=regions["500243202201"],
        head_name="向标记",
        head_id_number=make_id(7, prefix="500243"),
    )
    member = member_add(
        acting_user=ps_admin,
        household=household,
        name="向标记之子",
        id_number=make_id(8, birth="19950101", prefix="500243"),
        relation="child",
    )
    status = status_add(
        acting_user=ps_admin, household=household, group="dibao", certified_on=datetime.date(2023, 3, 1)
    )
    house = house_create(acting_user=ps_admin, household=household, structure="wood", address="向标记老屋")
    list_import = list_import_preview(
        acting_user=ps_admin,
        data=f"户主姓名,身份证号\n向标记,{make_id(7, prefix='500243')}\n".encode(),
        filename="ps-marker-list.csv",
        department="civil_affairs",
        group="dibao",
    )
    campaign = campaign_create(
        acting_user=ps_admin,
        title="向标记排查",
        year=2026,
        region=regions["500243202000"],
        starts_on=datetime.date(2026, 3, 1),
        deadline=datetime.date(2026, 6, 30),
    )
    inspection = inspection_record(
        acting_user=ps_admin,
        house=house,
        campaign=campaign,
        suspected_grade="D",
        is_occupied=True,
        occupant_ages=[80],
        lives_in_two_houses=True,
        photos=[jpeg("ps-marker.jpg")],
    )
    general = household_create(
        acting_user=ps_admin,
        region=regions["500243202201"],
        head_name="向标记二",
        head_id_number=make_id(9, prefix="500243"),
    )
    general_house = house_create(acting_user=ps_admin, household=general, structure="wood")
    poor = inspection_record(
        acting_user=ps_admin,
        house=general_house,
        suspected_grade="C",
        is_occupied=False,
        family_poor_not_listed=True,
        poverty_note="向标记困难",
    )
    event = emergency_declare(
        acting_user=ps_admin,
        kind="landslide",
        title="向标记滑坡",
        occurred_on=datetime.date.today(),
        region=regions["500243202000"],
        villages=[regions["500243202201"]],
    )
    measure = measure_record(
        acting_user=ps_admin, house=house, kind="warning", taken_on=datetime.date.today(), responsible="向标记"
    )
    housing_check = housing_check_record(
        acting_user=ps_admin,
        campaign=campaign,
        household=general,
        kind="borrowed",
        host_house=house,
        recorded_on=datetime.date.today(),
        evidence="向标记借住",
    )
    ps_head = make_user("ps_head", "500243202201", "village_head")
    village_list = village_list_sign(acting_user=ps_head, campaign=campaign, village=regions["500243202201"])
    appraisal = appraisal_record(
        acting_user=ps_admin,
        house=house,
        component_grades={
            "foundation": "b",
            "timber_members": "c",
            "timber_truss": "b",
            "floor_roof": "a",
            "enclosure": "b",
        },
        appraised_on=datetime.date.today(),
        prevention_level="none",
        damage_cause="ageing",
        appraiser_name="向标记鉴定员",
        appraiser_org="彭水县房屋安全鉴定站",
        certificate_no="CQ-JD-0001",
    )
    circumstance = circumstance_record(
        acting_user=ps_admin,
        household=general,
        kind="self_repair_unable",
        recorded_on=datetime.date.today(),
        note="向标记核实：无劳力",
    )
    # 重庆市's own versions (a province's, visible to its counties, not to 屯留区).
    cq_province = make_user("cq_province", "500000000000", "province_officer")
    template = template_derive(acting_user=cq_province, source=ensure_national_template())
    rule_set = rule_set_derive(acting_user=cq_province, source=ensure_national_rule_set())
    policy = policy_derive(acting_user=cq_province, source=ensure_national_policy())
    duty_policy = duty_policy_derive(acting_user=cq_province, source=ensure_national_duty_policy())
    decision = household_reevaluate(acting_user=ps_admin, household=household)
    # A case walked to 整改 after a failed acceptance, with a payment, a document and a review.
    case = case_open(acting_user=ps_admin, household=household, on=ago(60))
    everyone: Officers = {"clerk": ps_admin, "head": ps_admin, "township": ps_admin, "county": ps_admin}
    walk(case, everyone, Stage.UNDER_WAY)
    payment = payment_record(
        acting_user=ps_admin,
        case=case,
        amount=1000,
        paid_on=ago(34),
        payee_kind="builder",
        voucher_no="向标记-1",
        consent_note="向标记同意书",
        consent_on=ago(35),
        builder_account="6217000011112222",
    )
    walk(case, everyone, Stage.COMPLETED)
    results = {item["code"]: "pass" for item in checklist(case)}
    acceptance = acceptance_record(
        acting_user=ps_admin,
        case=case,
        on=ago(10),
        results=results | {"roof": "fail"},
        notes=None,
        post_grade="B",
        household_agrees=True,
        household_opinion="",
        builder_name="向标记施工队",
        officer_names="向标记验收组",
        rectification_due=ago(-20),
        rectification_requirements="向标记：屋面返工",
    )
    document = document_upload(acting_user=ps_admin, case=case, code="application", upload=jpeg("ps-app.jpg"))
    review = archive_review(
        acting_user=ps_admin, case=case, agreed=False, opinion="向标记：材料不全", on=ago(1), role="civil_affairs"
    )
    task = task_issue(
        acting_user=cq_province,
        county=regions["500243000000"],
        year=case.year,
        programme="renovation",
        kind="annual",
        count=5,
    )
    visit = visit_record(
        acting_user=ps_admin,
        region=regions["500243202000"],
        visited_on=ago(3),
        topic=Topic.QUALITY,
        inspectors="向标记督导组",
    )
    finding = finding_add(
        acting_user=ps_admin,
        visit=visit,
        category="quality",
        description="向标记：圈梁缺失",
        case=case,
        photos=[jpeg("ps-finding.jpg")],
    )
    order = order_issue(acting_user=ps_admin, findings=[finding], requirements="向标记：限期整改", due_on=ago(-10))
    submission = submission_prepare(
        acting_user=ps_admin,
        kind="monthly_list",
        year=datetime.date.today().year,
        month=datetime.date.today().month,
        region=regions["500243000000"],
    )
    # 鹿鸣乡's list, submitted to the county: the county returns, signs off or reopens it.
    ps_township = make_user("ps_township", "500243202000", "township_officer")
    township_submission = submit_confirming(
        acting_user=ps_township,
        submission=submission_prepare(
            acting_user=ps_township,
            kind="monthly_list",
            year=datetime.date.today().year,
            month=datetime.date.today().month,
            region=regions["500243202000"],
        ),
    )
    calendar = calendar_derive(acting_user=cq_province, source=ensure_national_calendar())
    work_plan = workplan_draft(acting_user=ps_admin, county=regions["500243000000"], year=datetime.date.today().year)
    # A photo flag on 彭水县's case: a photo with no position (ADR 0033).
    photo_check = photo_check_record(
        photo=StagePhoto(
            stage="patrol",
            photo_model="tests.Photo",
            photo_id=1,
            photo_url="",
            house=House.objects.get(pk=case.house_id or 0),
            case_id=case.pk,
            open_image=lambda: io.BytesIO(b"not an image"),
        ),
        acting_user=None,
    )
    anomaly_run = checks_run(region=regions["500243000000"], acting_user=ps_admin)
    anomaly = Finding.objects.create(
        rule_id="A03-safe-house-opened", rule_name="A/B 级房屋纳入危房改造", severity="high", key="case:walk",
        region_code=case.region_code, evidence="向标记：建案时房屋为 A 级", case=case, check_set=anomaly_run.check_set,
    )  # fmt: skip
    duties = sibling_duties(ps_admin, regions)  # the township duties (issue 22)
    # A ledger file and a national-system file sent by 彭水县 (refused: still theirs to see).
    ledger_return = ledger_return_preview(acting_user=ps_admin, data=b"x", filename="向标记台账.csv")
    history_import = history_import_preview(
        acting_user=ps_admin, data="户主姓名,身份证号码\n向标记,1\n".encode(), filename="向标记历史.csv"
    )
    # 一般户 route and 突发严重困难户 with relief (ADR 0034), on 彭水县's households.
    route_home = household_create(
        acting_user=ps_admin,
        region=regions["500243202201"],
        head_name="向途径",
        head_id_number=make_id(19, prefix="500243"),
    )
    route = route_open(
        acting_user=ps_admin, household=route_home, kind="otherwise", option="rent", evidence="租住向标记邻居房屋"
    )
    hardship = hardship_register(
        acting_user=ps_admin,
        household=household,
        cause="fire",
        occurred_on=datetime.date.today(),
        description="向标记户失火",
    )
    relief = relief_record(
        acting_user=ps_admin, hardship=hardship, kind="goods", detail="向标记救助物资", provided_by="鹿鸣乡",
        provided_on=datetime.date.today(),
    )  # fmt: skip
    history_record = RenovationHistory.objects.create(
        id_number="500243195001010012", head_name="向标记", region=regions["500243202201"], region_code="500243202201",
        year=2020, method="修缮加固", source=history_import,
    )  # fmt: skip
    return {
        **duties,
        "ledger_return": ledger_return,
        "history_import": history_import,
        "route": route,
        "route_home": route_home,
        "hardship": hardship,
        "relief": relief,
        "history_record": history_record,
        "photo_flag": photo_check.flags.get(),
        "anomaly": anomaly,
        "anomaly_run": anomaly_run,
        "submission": submission,
        "township_submission": township_submission,
        "calendar": calendar,
        "work_plan": work_plan,
        "visit": visit,
        "finding": finding,
        "order": order,
        "case": case,
        "acceptance": acceptance,
        "rectification": acceptance.rectification,
        "payment": payment,
        "document": document,
        "review": review,
        "task": task,
        "policy": policy,
        "duty_policy": duty_policy,
        "appraisal": appraisal,
        "decision": decision,
        "circumstance": circumstance,
        "template": template,
        "rule_set": rule_set,
        "hazard_item": HazardItem.objects.order_by("order").first(),
        "campaign": campaign,
        "inspection": inspection,
        "referral": poor.referral,
        "emergency": event,
        "measure": measure,
        "housing_check": housing_check,
        "village_list": village_list,
        "follow_up": FollowUp.objects.filter(house=house).first(),
        "list_import": list_import,
        "household": household,
        "member": member,
        "status": status,
        "house": house,
        "region": regions["500243202201"],
        "user": marker_user,
        "token": ApiToken.objects.create_token(user=marker_user, name="向标记的手机", password_stamp="")[0],
        "job": job,
        "event": AuditEvent.objects.filter(region_code__startswith="500243").first(),
    }


def params_of(pattern: URLPattern) -> set[str]:
    """Named parameters of a route or regex pattern (DRF's router uses regexes)."""
    return set(pattern.pattern.regex.groupindex)


def _url(name: str, pattern: URLPattern, kwargs: dict[str, Any]) -> str:
    if "format" in params_of(pattern):
        kwargs = {**kwargs, "format": "json"}
    return reverse(name, kwargs=kwargs)


def test_every_url_is_walked_and_none_leaks_a_sibling_regions_data(
    client: Client, tl_admin: User, ps_admin: User, sibling_objects: dict[str, Any]
) -> None:
    samples = DETAIL_SAMPLES | SHARED_SAMPLES
    missing = [name for name, pattern, _ in all_patterns() if params_of(pattern) - {"format"} and name not in samples]
    assert not missing, f"add a sample object for these URLs to DETAIL_SAMPLES: {missing}"

    seen_by_owner: set[str] = set()
    walked = 0
    for name, pattern, _route in all_patterns():
        if not name:
            continue
        params = params_of(pattern) - {"format"}
        url = _url(name, pattern, samples[name](sibling_objects) if params else {})
        scoped = params and name not in SHARED_SAMPLES

        client.force_login(tl_admin)
        response = client.get(url)
        if params and response.status_code == 405:  # POST-only actions
            response = client.post(url, {})
        body = response.getvalue() if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        if scoped:
            assert response.status_code == 404, f"{url} answered {response.status_code} to another region's user"
        else:
            allowed = (200, 302, 405, 403) if name in ROLE_LIMITED else (200, 302, 405)
            assert response.status_code in allowed, f"{url}: {response.status_code}"
            leaked = [m for m in MARKERS if m in text]
            assert not leaked, f"{url} shows {leaked} to another region's user"

        client.force_login(ps_admin)
        owner = client.get(url, follow=True)
        if params and owner.status_code == 405:
            owner = client.post(url, {}, follow=True)
        owner_body = owner.getvalue() if owner.streaming else owner.content
        if name in PROVINCE_ONLY:
            assert owner.status_code == 403, (
                f"{url} should be refused (not hidden) to a county, got {owner.status_code}"
            )
        elif params:
            # 200, 202 (a job started), or 400 when an earlier action already changed the object's
            # state (the page cancelled the list before the API tries): reached, not hidden.
            assert owner.status_code in (200, 202, 400), (
                f"{url} should work for its own region, got {owner.status_code}"
            )
        seen_by_owner.update(m for m in MARKERS if m in owner_body.decode("utf-8", "replace"))
        walked += 1

    assert walked >= 20
    assert seen_by_owner == set(MARKERS), "the owner should see every marker somewhere"
