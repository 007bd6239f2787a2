"""Demo of the offline field app (issue 19 §5, ADR 0038): 辛安庄村's work list is ready for
渔泽镇's officer (tl_township) to download — houses still to inspect, cases to patrol, one awaiting
acceptance, archive gaps — and its first case under way has a patrol whose photos are flagged:
one taken 1.5 km from the house, one that is another house's patrol picture again (ADR 0033)."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anju.accounts.models import User
from anju.cases.choices import Stage
from anju.cases.models import CasePatrol, RenovationCase
from anju.cases.services import patrol_record
from anju.demo.cases import _image, _with_exif
from anju.households.models import House
from anju.regions.models import Region

VILLAGE = "140405102202"  # 辛安庄村
FINDINGS = "屋面檩条安装中；现场照片待核（离线外业演示）"


def _flagged_photos(case: RenovationCase, day: datetime.date) -> list[SimpleUploadedFile] | None:
    """A photo taken ~1.5 km north of the house, and the first patrol photo of another house's
    case drawn again (``demo.cases`` draws each patrol photo from its case and key), smaller."""
    house = case.house
    other = CasePatrol.objects.exclude(case__house=house).order_by("pk").first()
    if house is None or house.latitude is None or house.longitude is None or other is None:
        return None
    lat, lon = float(house.latitude), float(house.longitude)
    far = _with_exif(_image(f"patrol {case.pk} far", case.pk * 7).read(), gps=(lat + 0.0135, lon), day=day)
    picture = _image(f"patrol {other.case_id} patrol1", other.case_id * 100 + len("patrol1")).read()
    again = _with_exif(picture, gps=None, day=day, size=640)
    return [
        SimpleUploadedFile("far.jpg", far, content_type="image/jpeg"),
        SimpleUploadedFile("again.jpg", again, content_type="image/jpeg"),
    ]


def load_demo_field(superuser: User) -> str:
    """The flagged patrol (once) and what the demo's message says about 辛安庄村's work list."""
    officer = User.objects.filter(username="tl_township").first()
    case = (
        RenovationCase.objects.filter(region_code=VILLAGE, stage=Stage.UNDER_WAY, house__latitude__isnull=False)
        .order_by("pk")
        .first()
    )
    if officer is None or case is None:
        return ""
    if not CasePatrol.objects.filter(case=case, findings=FINDINGS).exists():
        day = timezone.localdate()
        photos = _flagged_photos(case, day)
        if photos is None:
            return ""
        assert case.house is not None and case.house.latitude is not None and case.house.longitude is not None
        patrol_record(
            acting_user=officer,
            case=case,
            on=day,
            findings=FINDINGS,
            photos=photos,
            device_latitude=f"{case.house.latitude:.6f}",
            device_longitude=f"{case.house.longitude:.6f}",
        )
    village = Region.objects.get(code=VILLAGE)
    open_cases = RenovationCase.objects.filter(region_code=VILLAGE).exclude(stage__in=(Stage.CLOSED, Stage.ENDED))
    return (
        f"演示离线外业：以 tl_township 登录，打开「离线外业」，勾选「{village.name}」下载工作清单——"
        f"房屋 {House.objects.filter(region_code=VILLAGE).count()} 处、改造案件 {open_cases.count()} 个"
        f"（施工中 {open_cases.filter(stage=Stage.UNDER_WAY).count()}、"
        f"待验收或整改 {open_cases.filter(stage__in=(Stage.COMPLETED, Stage.RECTIFYING)).count()}）；"
        f"{case.household.head_name}户的巡查照片有「拍摄地点距房屋过远」和「与其他房屋的照片相同」提示。"
        "断网后可离线排查、巡查、拍档案照片，恢复网络后自动同步。"
    )
