"""Demo supervision (督导检查): 屯留区住建局 visits 渔泽镇 twice (the township, then 北渔泽村) and
finds six problems, some about real demo cases; the rectification orders stand in every state —
issued, responded, returned for more work, closed, and one overdue. 彭水县 visits 鹿鸣乡 once.

Every act goes through the services, done by the demo user whose role it is, on the day it
happened: the services date an order or a response "today", so each act runs with the
services' clock set to its day (``_on``)."""

from __future__ import annotations

import contextlib
import datetime
import io
import random
from collections.abc import Iterator
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from anju.accounts.models import User
from anju.cases.models import RenovationCase
from anju.regions.models import Region
from anju.supervision import services
from anju.supervision.models import Finding, RectificationOrder, SupervisionVisit


class _Clock:
    """Stands in for ``django.utils.timezone`` inside the services while an act is replayed."""

    def __init__(self, day: datetime.date) -> None:
        self.day = day

    def localdate(self, *args: Any, **kwargs: Any) -> datetime.date:
        return self.day

    def now(self) -> datetime.datetime:
        return timezone.now()


@contextlib.contextmanager
def _on(day: datetime.date) -> Iterator[None]:
    with mock.patch.object(services, "timezone", _Clock(day)):
        yield


def _photo(label: str, seed: int) -> SimpleUploadedFile:
    """A JPEG that looks a little like a wall with cracks, different for every seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", (960, 720), (rng.randint(170, 215), rng.randint(150, 190), rng.randint(120, 160)))
    draw = ImageDraw.Draw(image)
    brick = (rng.randint(140, 175), rng.randint(70, 100), rng.randint(50, 80))
    for row in range(0, 720, 36):
        offset = 0 if (row // 36) % 2 else 40
        for col in range(-80 + offset, 960, 80):
            draw.rectangle((col + 2, row + 2, col + 78, row + 34), fill=brick, outline=(200, 195, 185))
    for _ in range(rng.randint(2, 4)):  # cracks
        x, y = rng.randint(100, 860), rng.randint(60, 300)
        points = [(x, y)]
        for _ in range(8):
            x += rng.randint(-30, 30)
            y += rng.randint(20, 50)
            points.append((x, y))
        draw.line(points, fill=(30, 25, 20), width=rng.randint(3, 6))
    draw.rectangle((0, 680, 960, 720), fill=(0, 0, 0))
    draw.text((12, 690), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(f"supervision-{seed}.jpg", out.getvalue(), content_type="image/jpeg")


def _case(prefix: str, stage: str) -> RenovationCase | None:
    return RenovationCase.objects.filter(region_code__subtree=prefix, stage=stage).order_by("pk").first()


def load_demo_supervision(superuser: Any) -> int:
    """Create the demo visits, findings and orders once; returns how many orders."""
    if SupervisionVisit.objects.exists():
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=["tl_county", "tl_township", "ps_county"])}
    if len(users) < 3 or not Region.objects.filter(code="140405102000").exists():
        return 0
    today = timezone.localdate()

    def day(n: int) -> datetime.date:
        return today + datetime.timedelta(days=n)

    county, township = users["tl_county"], users["tl_township"]
    yuze = Region.objects.get(code="140405102000")
    beiyuze = Region.objects.filter(code="140405102201").first() or yuze
    seed = iter(range(7000, 7100))

    def finding(visit: SupervisionVisit, category: str, text: str, case: RenovationCase | None, photos: int) -> Finding:
        return services.finding_add(
            acting_user=county,
            visit=visit,
            category=category,
            description=text,
            case=case,
            photos=[_photo(f"YZ-{visit.visited_on:%Y%m%d}-{category}-{i + 1}", next(seed)) for i in range(photos)],
        )

    # --- first visit: 40 days ago, the township, quality and progress --------------------------------
    with _on(day(-40)):
        first = services.visit_record(
            acting_user=county,
            region=yuze,
            visited_on=day(-40),
            topic="quality",
            inspectors="张卫东、王磊、李建华",
            summary="抽查渔泽镇在建危改户 6 户、已竣工 2 户，查阅档案 8 份，与镇建环办座谈。",
        )
        crack = finding(
            first,
            "quality",
            "东山墙砌体竖向通缝，未设置构造柱，抗震构造措施不到位。",
            _case("140405102", "under_way"),
            2,
        )
        mortar = finding(first, "quality", "屋面檩条搭接长度不足，部分檩条未与圈梁锚固。", None, 1)
        delay = finding(
            first,
            "delay",
            "已竣工两个月仍未组织竣工验收，影响补助资金拨付。",
            _case("140405102", "completed"),
            1,
        )
        archive = finding(
            first,
            "archives",
            "档案中缺村民评议公示照片和乡镇审核意见表。",
            _case("140405102", "filed"),
            0,
        )
    with _on(day(-38)):
        closed = services.order_issue(
            acting_user=county,
            findings=[crack, mortar],
            requirements="1. 立即停止该户墙体砌筑，按图纸补设构造柱并与圈梁可靠连接；\n2. 对全镇在建户的屋面檩条锚固进行自查，发现问题一并整改。",
            due_on=day(-20),
        )
        services.order_issue(  # never answered: overdue by 8 days
            acting_user=county,
            findings=[delay],
            requirements="组织镇、村和施工方尽快完成竣工验收，验收结果录入系统。",
            due_on=day(-8),
        )
        returned = services.order_issue(
            acting_user=county,
            findings=[archive],
            requirements="补齐村民评议公示照片（含公示起止日期）和乡镇审核意见表，按一户一档归档。",
            due_on=day(-15),
        )
    with _on(day(-24)):
        services.order_respond(
            acting_user=township,
            order=closed,
            text="已督促施工方补设构造柱 4 处并与圈梁拉结；全镇 6 户在建户屋面檩条已逐户检查，2 户补做锚固。",
            photos=[_photo("YZ-zhenggai-1", next(seed)), _photo("YZ-zhenggai-2", next(seed))],
        )
    with _on(day(-21)):
        services.order_close(acting_user=county, order=closed, note="经现场复核，构造柱和檩条锚固整改到位，予以销号。")
    with _on(day(-17)):
        services.order_respond(
            acting_user=township,
            order=returned,
            text="已补充乡镇审核意见表。",
            no_photo_reason="公示照片村里未留存，正在联系村委会查找。",
        )
    with _on(day(-14)):
        services.order_return(
            acting_user=county,
            order=returned,
            reason="公示照片仍未补齐；无法找到原照片的，应由村委会出具公示情况说明并加盖公章。",
            new_due_on=day(7),
        )

    # --- second visit: 10 days ago, 北渔泽村, funds and policy ----------------------------------------
    with _on(day(-10)):
        second = services.visit_record(
            acting_user=county,
            region=beiyuze,
            visited_on=day(-10),
            topic="funds",
            inspectors="张卫东、赵敏",
            summary="入户核查补助资金拨付和一卡通到账情况，走访农户 5 户。",
        )
        funds = finding(
            second,
            "funds",
            "验收通过已超过 30 天，尾款尚未拨付到户。",
            _case("140405102", "accepted"),
            0,
        )
        policy = finding(
            second,
            "policy",
            "整改中农户的过渡安置措施未落实，仍居住在危房内。",
            _case("140405102", "rectifying"),
            1,
        )
    with _on(day(-9)):
        services.order_issue(
            acting_user=county,
            findings=[funds],
            requirements="核对验收通过户的尾款拨付情况，30 日内足额拨付到户一卡通，并报送拨付凭证。",
            due_on=day(20),
        )
        responded = services.order_issue(
            acting_user=county,
            findings=[policy],
            requirements="立即落实过渡安置，确保农户不在危房内居住；整改期间每周巡查一次。",
            due_on=day(12),
        )
    with _on(day(-2)):
        services.order_respond(
            acting_user=township,
            order=responded,
            text="已安排该户临时借住亲属家，签订过渡安置承诺书；村里每周巡查并留存记录。",
            photos=[_photo("BYZ-anzhi-1", next(seed))],
        )

    # --- 彭水县 visits 鹿鸣乡 ------------------------------------------------------------------------
    luming = Region.objects.filter(code="500243202000").first()
    if luming is not None:
        ps_county = users["ps_county"]
        with _on(day(-20)):
            ps_visit = services.visit_record(
                acting_user=ps_county,
                region=luming,
                visited_on=day(-20),
                topic="progress",
                inspectors="冉光明、何军",
                summary="检查鹿鸣乡年度危改任务进度，实地查看 3 户。",
            )
            ps_findings = [
                services.finding_add(
                    acting_user=ps_county,
                    visit=ps_visit,
                    category="delay",
                    description="年度任务开工率不足 60%，2 户尚未签订改造协议。",
                    case=_case("500243202", "filed"),
                    photos=[_photo("LM-jindu-1", next(seed))],
                ),
                services.finding_add(
                    acting_user=ps_county,
                    visit=ps_visit,
                    category="quality",
                    description="一户新建房屋地基处于陡坡边缘，未做挡土墙。",
                    case=_case("500243202", "under_way"),
                    photos=[_photo("LM-dijiq-1", next(seed))],
                ),
            ]
        with _on(day(-19)):
            services.order_issue(
                acting_user=ps_county,
                findings=ps_findings,
                requirements="1. 11 月底前完成剩余户的协议签订和开工；\n2. 对陡坡边缘的新建房屋补做挡土墙，必要时请鉴定机构评估场地安全。",
                due_on=day(15),
            )
    return RectificationOrder.objects.count()
