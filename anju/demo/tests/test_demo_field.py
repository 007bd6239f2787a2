"""The demo's offline field work (issue 19 §5): 辛安庄村's work list, ready for tl_township to
download, shows a case whose patrol photos are flagged far away and reused; loading twice adds
nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client, override_settings

from anju.accounts.models import User
from anju.cases.models import CasePatrol
from anju.demo.field import FINDINGS


@override_settings(DEBUG=True)
def test_the_demo_village_work_list_shows_a_far_and_a_reused_patrol_photo(db: None, client: Client) -> None:
    out = StringIO()
    call_command("load_demo", upto="cases", stdout=out)
    assert "勾选「辛安庄村委会」下载工作清单" in out.getvalue()
    client.force_login(User.objects.get(username="tl_township"))

    work = client.get("/field/work-list.json", {"village": "140405102202"}).json()

    flagged = [c for c in work["cases"] if c["photo_flags"]]
    assert len(flagged) == 1 and flagged[0]["patrol"] == "open"
    kinds = [flag.split("：")[0] for flag in flagged[0]["photo_flags"]]
    assert kinds == ["拍摄地点距房屋过远", "与其他房屋的照片相同"]
    assert any(h["to_visit"] for h in work["houses"])
    call_command("load_demo", upto="cases", stdout=StringIO())
    assert CasePatrol.objects.filter(findings=FINDINGS).count() == 1
