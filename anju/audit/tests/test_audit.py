"""The audit trail: written with the change, never changed afterwards."""

from typing import NoReturn

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse

from anju.accounts.models import User
from anju.audit.models import AuditEvent, AuditImmutableError
from anju.core.context import request_context
from anju.regions.models import Region
from anju.regions.services import region_rename


def test_a_service_write_records_actor_ip_and_before_after(tl_admin: User, regions: dict[str, Region]) -> None:
    village = regions["140405102201"]
    with request_context(ip="10.1.2.3", channel="web"):
        region_rename(region=village, name="北渔泽村", acting_user=tl_admin)
    event = AuditEvent.objects.get(object_type="regions.region", object_id=str(village.pk))
    assert event.actor == tl_admin and event.actor_username == "tl_admin"
    assert event.ip == "10.1.2.3" and event.channel == "web"
    assert event.region_code == "140405102201"
    assert event.changes == {"name": {"before": "北渔泽村委会", "after": "北渔泽村"}}


def test_a_failed_write_leaves_neither_change_nor_audit_row(
    tl_admin: User, regions: dict[str, Region], monkeypatch: pytest.MonkeyPatch
) -> None:
    village = regions["140405102201"]

    def boom(**kwargs: object) -> NoReturn:
        raise IntegrityError("disk full")

    monkeypatch.setattr("anju.regions.services.audit_record", boom)
    with pytest.raises(IntegrityError):
        region_rename(region=village, name="北渔泽村", acting_user=tl_admin)
    village.refresh_from_db()
    assert village.name == "北渔泽村委会"
    assert AuditEvent.objects.count() == 0


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(tl_admin: User, regions: dict[str, Region]) -> None:
    region_rename(region=regions["140405102201"], name="北渔泽村", acting_user=tl_admin)
    event = AuditEvent.objects.get()
    event.note = "tampered"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(note="tampered")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_an_update_of_an_audit_row(tl_admin: User, regions: dict[str, Region]) -> None:
    region_rename(region=regions["140405102201"], name="北渔泽村", acting_user=tl_admin)
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET note = 'tampered'")
    assert AuditEvent.objects.get().note == ""


def test_logins_and_failed_logins_are_audited(client: Client, tl_clerk: User) -> None:
    client.post(reverse("accounts:login"), {"username": "tl_clerk", "password": "wrong-password-1"})
    from conftest import PASSWORD

    client.post(reverse("accounts:login"), {"username": "tl_clerk", "password": PASSWORD})
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "region_code"))
    assert actions == [("login_failed", "140405102201"), ("login", "140405102201")]


def test_the_audit_log_shows_only_the_viewers_region(
    client: Client, tl_admin: User, ps_admin: User, regions: dict[str, Region]
) -> None:
    region_rename(region=regions["140405102201"], name="北渔泽村", acting_user=tl_admin)
    region_rename(region=regions["500243202201"], name="向家村", acting_user=ps_admin)
    client.force_login(tl_admin)
    body = client.get(reverse("audit:event_list")).content.decode()
    assert "北渔泽村" in body and "向家村" not in body


def test_a_clerk_cannot_read_the_audit_log(client: Client, tl_clerk: User) -> None:
    client.force_login(tl_clerk)
    assert client.get(reverse("audit:event_list")).status_code == 403


def test_history_of_an_object_outside_the_region_is_a_404(
    client: Client, tl_admin: User, regions: dict[str, Region]
) -> None:
    client.force_login(tl_admin)
    ours = reverse("audit:object_history", args=["regions.region", regions["140405102201"].pk])
    theirs = reverse("audit:object_history", args=["regions.region", regions["500243202201"].pk])
    assert client.get(ours).status_code == 200
    assert client.get(theirs).status_code == 404
    assert client.get(reverse("audit:object_history", args=["nosuch.model", 1])).status_code == 404
    assert client.get(reverse("audit:object_history", args=["audit.auditevent", 1])).status_code == 404


def test_a_changed_time_reads_in_beijing_time_not_utc() -> None:
    event = AuditEvent(
        object_type="households.house",
        action="update",
        changes={"last_inspected_at": {"before": None, "after": "2026-09-13T12:47:10+00:00"}},
    )

    [(label, before, after)] = event.changes_display()

    assert (before, after) == ("（空）", "2026-09-13 20:47")
    assert "last_inspected_at" not in label


def test_a_changed_rule_id_is_shown_as_a_small_code() -> None:
    from django.template import Context, Template

    event = AuditEvent(
        object_type="eligibility.decision",
        action="create",
        changes={"rule_id": {"before": None, "after": "R08-key-dangerous"}, "rule_name": {"after": "重点对象危房"}},
    )
    html = Template(
        "{% load audit_tags %}{% audit_changes e as rows %}{% for l, b, a in rows %}[{{ l }}|{{ a }}]{% endfor %}"
    ).render(Context({"e": event}))

    assert '[规则编号|<code class="small text-muted">R08-key-dangerous</code>]' in html
    assert "[规则名称|重点对象危房]" in html


@pytest.mark.django_db
def test_the_history_names_the_actor_and_labels_a_list_of_codes() -> None:
    """A case's 节能改造 tags read 「节能门窗、屋面保温」, not ['doors_windows', 'roof']; the
    actor reads by name (the account in the cell's tooltip), or as recorded when the user is gone."""
    event = AuditEvent(
        object_type="cases.renovationcase",
        object_id="1",
        actor_username="tl_township",
        changes={"energy_tags": {"before": [], "after": ["doors_windows", "roof"]}},
    )
    assert event.changes_display() == [("节能改造", "（空）", "节能门窗、屋面保温")]
    assert event.actor_label == "tl_township"
    event.actor = User.objects.create_user(username="guo", password="x-Long-enough-9", full_name="郭晓燕")
    assert event.actor_label == "郭晓燕"
