"""The national township duties policy, version 1 (``anju.township.policy.NATIONAL`` is its
frozen seed). Created here so that no page or API read has to write it."""

import copy

from django.db import migrations
from django.utils import timezone

SEED = {
    "report_every_days": 30,
    "house_check_every_days": 90,
    "max_photos": 12,
    "protection_items": {
        "key": [
            {"code": "TH1", "name": "保持原有建筑形制、高度和体量", "required": True},
            {"code": "TH2", "name": "沿用原有主要材料和传统工艺（木构、青瓦、石基）", "required": True},
            {"code": "TH3", "name": "保留有价值的构件与装饰（门窗、雕花、柱础）", "required": True},
            {"code": "TH4", "name": "修缮方案经传统村落保护主管部门同意", "required": True},
        ],
        "general": [
            {"code": "TH1", "name": "保持原有建筑形制、高度和体量", "required": True},
            {"code": "TH2", "name": "外立面材料和色彩与传统风貌一致", "required": True},
        ],
        "harmony": [{"code": "TH5", "name": "屋顶形式、外墙色彩与村落风貌协调", "required": True}],
    },
}


def load(apps, schema_editor):
    DutyPolicy = apps.get_model("township", "DutyPolicy")
    DutyPolicy.objects.get_or_create(
        region_code="",
        version=1,
        defaults={
            "name": "全国默认乡镇职责规则",
            "status": "active",
            "content": copy.deepcopy(SEED),
            "note": "按2023年巩固农村住房安全保障成果实施方案设定",
            "activated_at": timezone.now(),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("township", "0001_township_duties")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
