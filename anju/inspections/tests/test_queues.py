"""The inspection work's items on the home page's queue (``inspections.queues``)."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from anju.accounts.models import User
from anju.inspections.models import Campaign
from anju.inspections.services import village_list_receive, village_list_sign
from anju.regions.models import Region

from .conftest import Homes


def _queue(user: User, role: str = "") -> str:
    client = Client()
    client.force_login(user)
    html = client.get("/" + (f"?role={role}" if role else "")).content.decode()
    start = html.index('data-testid="queue"')
    return html[start : html.index('data-testid="queue-end"', start)]


def test_the_head_signs_the_villages_list_and_the_township_receives_it(
    campaign: Campaign,
    homes: Homes,
    tl_township: User,
    regions: dict[str, Region],
    make_user: Callable[..., User],
) -> None:
    head = make_user("beiyuze_head", "140405102201", "village_head")
    assert "本村疑似危房清单待签字" in _queue(head)
    assert "村级疑似危房清单待接收" not in _queue(tl_township)
    record = village_list_sign(acting_user=head, campaign=campaign, village=regions["140405102201"])
    assert "待签字" not in _queue(head)
    township = _queue(tl_township)
    assert "村级疑似危房清单待接收" in township and f"/inspections/village-lists/{record.pk}/" in township
    village_list_receive(acting_user=tl_township, village_list=record)
    assert "村级疑似危房清单待接收" not in _queue(tl_township)


def test_the_clerk_sees_the_households_of_the_village_still_to_reach(
    campaign: Campaign, homes: Homes, tl_clerk: User
) -> None:
    queue = _queue(tl_clerk)
    assert f"/inspections/campaigns/{campaign.pk}/?village=140405102201" in queue
    assert ">2</span>" in queue  # 甲 and 乙 (低保) not yet reached; 丙 is no key household
