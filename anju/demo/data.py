"""The demo logins: one per role, in 屯留区 and 彭水县. Only ever loaded by load_demo."""

from __future__ import annotations

from dataclasses import dataclass

from anju.accounts.choices import Role

DEMO_PASSWORD = "anju2023demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    region_code: str
    roles: tuple[str, ...]
    organization: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("sx_province", "王建国", "140000000000", (Role.PROVINCE_OFFICER,), "山西省住房和城乡建设厅"),
    DemoUser("cz_city", "李明", "140400000000", (Role.CITY_OFFICER,), "长治市住房和城乡建设局"),
    DemoUser(
        "tl_admin",
        "赵敏",
        "140405000000",
        (
            Role.ADMIN,
            Role.COUNTY_OFFICER,
            Role.TOWNSHIP_OFFICER,
            Role.APPRAISER,
            Role.VILLAGE_CLERK,
            Role.VILLAGE_HEAD,
            Role.CIVIL_AFFAIRS,
            Role.RURAL_REVITALIZATION,
        ),
        "屯留区住房和城乡建设局",
    ),
    DemoUser("tl_county", "张卫东", "140405000000", (Role.COUNTY_OFFICER,), "屯留区住房和城乡建设局"),
    DemoUser("tl_civil", "刘芳", "140405000000", (Role.CIVIL_AFFAIRS,), "屯留区民政局"),
    DemoUser("tl_rural", "陈志强", "140405000000", (Role.RURAL_REVITALIZATION,), "屯留区乡村振兴局"),
    DemoUser("tl_appraiser", "杨工", "140405000000", (Role.APPRAISER,), "屯留区房屋安全鉴定站"),
    DemoUser("tl_township", "郭晓燕", "140405102000", (Role.TOWNSHIP_OFFICER,), "渔泽镇建环办"),
    DemoUser("tl_clerk", "任小军", "140405102201", (Role.VILLAGE_CLERK,), "北渔泽村委会"),
    DemoUser("tl_head", "牛保平", "140405102201", (Role.VILLAGE_HEAD,), "北渔泽村委会"),
    DemoUser("cq_province", "周海", "500000000000", (Role.PROVINCE_OFFICER,), "重庆市住房和城乡建设委员会"),
    DemoUser("ps_county", "冉光明", "500243000000", (Role.COUNTY_OFFICER, Role.ADMIN), "彭水县住房和城乡建设委员会"),
    DemoUser("ps_luming", "向秀英", "500243202000", (Role.TOWNSHIP_OFFICER,), "鹿鸣乡建环办"),
    DemoUser("ps_clerk", "田大勇", "500243202201", (Role.VILLAGE_CLERK,), "向家村村民委员会"),
    DemoUser("ps_appraiser", "冉工", "500243000000", (Role.APPRAISER,), "彭水县房屋安全鉴定中心"),
    DemoUser("ps_civil", "何小红", "500243000000", (Role.CIVIL_AFFAIRS,), "彭水县民政局"),
    DemoUser("ps_rural", "龚德文", "500243000000", (Role.RURAL_REVITALIZATION,), "彭水县乡村振兴局"),
)

SUPERUSER = DemoUser("admin", "运维超级管理员", "", (Role.ADMIN,), "安居运维")
