"""A referral is answered when the department's own list puts the household into a key group:
the import closes it (audited, with a note); a referral to the other department stays open."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.test import Client

from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.households.listimport import list_import_commit, list_import_preview
from anju.households.tests.corpus import dibao_list_xlsx_merged_header
from anju.inspections.models import Referral
from anju.inspections.services import inspection_record

from .conftest import Homes, make_id


def _refer(clerk: User, homes: Homes, department: str) -> Referral:
    inspection = inspection_record(
        acting_user=clerk,
        house=homes["house_c"],
        suspected_grade="C",
        is_occupied=True,
        occupant_ages=[75],
        family_poor_not_listed=True,
        poverty_note="独居老人，无固定收入",
        referral_department=department,
    )
    return Referral.objects.get(inspection=inspection)


def _import_dibao(civil: User) -> None:
    data, name = dibao_list_xlsx_merged_header([("丙", make_id(3), "北渔泽村委会", "一组", "2026-03-01")])
    record = list_import_preview(
        acting_user=civil,
        data=data,
        filename=name,
        department="civil_affairs",
        group="dibao",
        list_date=datetime.date(2026, 3, 31),
    )
    assert record.counts["status_added"] == 1
    list_import_commit(acting_user=civil, list_import=record)


def test_the_departments_list_closes_its_pending_referral(tl_clerk: User, homes: Homes, civil: User) -> None:
    referral = _refer(tl_clerk, homes, "civil_affairs")
    _import_dibao(civil)
    referral.refresh_from_db()
    assert referral.status == "confirmed" and referral.group == "dibao" and referral.decided_by == civil
    assert referral.decision_note == "名单「屯留区低保花名册.xlsx」导入时已认定为农村低保户，转交自动办结。"
    event = AuditEvent.objects.filter(object_type="inspections.referral", object_id=str(referral.pk)).latest("pk")
    assert (
        event.changes["status"] == {"before": "pending", "after": "confirmed"} and event.note == referral.decision_note
    )


def test_a_referral_to_the_other_department_stays_for_it(tl_clerk: User, homes: Homes, civil: User) -> None:
    referral = _refer(tl_clerk, homes, "rural_revitalization")
    _import_dibao(civil)
    referral.refresh_from_db()
    assert referral.status == "pending" and referral.decided_by is None


def test_a_liaison_sees_only_the_referrals_to_their_own_department(
    tl_clerk: User, homes: Homes, civil: User, make_user: Callable[..., User]
) -> None:
    _refer(tl_clerk, homes, "rural_revitalization")
    rural = make_user("rural", "140405000000", "rural_revitalization")
    pages = {}
    for user in (civil, rural):
        client = Client()
        client.force_login(user)
        pages[user.username] = client.get("/inspections/referrals/").content.decode()
    assert "丙户" not in pages["civil"] and "没有转交记录" in pages["civil"]
    assert "丙户" in pages["rural"] and "提交核实" in pages["rural"]
