"""What each role sees first: the navigation and the role home pages."""

from __future__ import annotations

from dataclasses import dataclass

from anju.core.roles import Role

# Office roles that run imports and exports; village roles work on a phone and don't need the job list.
OFFICE_ROLES = (
    Role.ADMIN,
    Role.TOWNSHIP_OFFICER,
    Role.COUNTY_OFFICER,
    Role.CIVIL_AFFAIRS,
    Role.RURAL_REVITALIZATION,
    Role.CITY_OFFICER,
    Role.PROVINCE_OFFICER,
)
AUDIT_ROLES = (Role.ADMIN, Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...] = ()  # empty: every signed-in user
    group: str = ""  # items of one group share a dropdown in the navigation bar


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("首页", "home:home"),
    NavItem("农户", "households:household_list", (), "农户房屋"),
    NavItem("房屋", "households:house_list", (), "农户房屋"),
    NavItem(
        "名单导入",
        "households:import_list",
        (Role.CIVIL_AFFAIRS, Role.RURAL_REVITALIZATION, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER),
        "农户房屋",
    ),
    NavItem("历史改造记录", "households:history_list", (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER), "农户房屋"),
    NavItem("排查", "inspections:hub"),
    NavItem("离线外业", "field:app", (Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)),
    NavItem("鉴定", "appraisals:appraisal_list"),
    NavItem("资格认定", "eligibility:decision_list", (*OFFICE_ROLES, Role.APPRAISER, Role.VILLAGE_CLERK)),
    NavItem("改造案件", "cases:case_list", (*OFFICE_ROLES, Role.VILLAGE_CLERK, Role.VILLAGE_HEAD), "改造"),
    NavItem("竣工验收", "acceptance:list", OFFICE_ROLES, "改造"),
    NavItem("照片核验", "photochecks:flag_list", OFFICE_ROLES, "改造"),
    NavItem("跟踪监测", "cases:watch_list", (*OFFICE_ROLES, Role.VILLAGE_CLERK, Role.VILLAGE_HEAD), "改造"),
    # Issue 18 (ADR 0034): 一般户 自行整改/兜底/其他方式, and 突发严重困难户 with their relief.
    NavItem("一般户自行整改", "dynamic:route_list", (*OFFICE_ROLES, Role.VILLAGE_CLERK, Role.VILLAGE_HEAD), "改造"),
    NavItem("突发严重困难户", "dynamic:hardship_list", (*OFFICE_ROLES, Role.VILLAGE_CLERK), "改造"),
    NavItem("补助资金", "subsidies:payment_list", OFFICE_ROLES, "改造"),
    NavItem("一户一档", "archives:archive_list", (*OFFICE_ROLES, Role.VILLAGE_CLERK), "改造"),
    NavItem("改造任务", "tasks:task_list", OFFICE_ROLES, "改造"),
    NavItem("动态清零看板", "dashboard:dashboard", (*OFFICE_ROLES, Role.VILLAGE_CLERK, Role.VILLAGE_HEAD), "统计督导"),
    NavItem(
        "房屋分布图",
        "dashboard:map",
        (*OFFICE_ROLES, Role.VILLAGE_CLERK, Role.VILLAGE_HEAD, Role.APPRAISER),
        "统计督导",
    ),
    NavItem(
        "逐级报送",
        "reporting:submission_list",
        (
            Role.VILLAGE_CLERK,
            Role.VILLAGE_HEAD,
            Role.TOWNSHIP_OFFICER,
            Role.COUNTY_OFFICER,
            Role.CITY_OFFICER,
            Role.PROVINCE_OFFICER,
        ),
        "统计督导",
    ),
    NavItem(
        "报送及时率",
        "reporting:timeliness_board",
        (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER),
        "统计督导",
    ),
    NavItem(
        "年度工作方案",
        "reporting:annual_plan",
        (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER),
        "统计督导",
    ),
    NavItem(
        "工作方案文件",
        "reporting:workplan_list",
        (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER),
        "统计督导",
    ),
    NavItem("报送日历", "reporting:calendar_list", (Role.PROVINCE_OFFICER, Role.ADMIN), "统计督导"),
    NavItem(
        "台账",
        "ledgers:index",
        (
            Role.TOWNSHIP_OFFICER,
            Role.COUNTY_OFFICER,
            Role.CIVIL_AFFAIRS,
            Role.RURAL_REVITALIZATION,
            Role.CITY_OFFICER,
            Role.PROVINCE_OFFICER,
        ),
        "统计督导",
    ),
    NavItem(
        "督导检查",
        "supervision:visit_list",
        (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER),
        "统计督导",
    ),
    NavItem(
        "整改通知",
        "supervision:order_list",
        (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER),
        "统计督导",
    ),
    NavItem(
        "异常核查",
        "anomalies:board",
        (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER),
        "统计督导",
    ),
    NavItem("乡镇职责", "township:index", (*OFFICE_ROLES, Role.VILLAGE_CLERK, Role.VILLAGE_HEAD), "乡镇职责"),
    NavItem("传统村落", "township:houses", OFFICE_ROLES, "乡镇职责"),
    NavItem("人居环境项目", "township:projects", OFFICE_ROLES, "乡镇职责"),
    NavItem("培训与三师下乡", "township:trainings", OFFICE_ROLES, "乡镇职责"),
    NavItem("宣传台账", "township:publicity", OFFICE_ROLES, "乡镇职责"),
    NavItem("工作专班", "township:teams", (*OFFICE_ROLES, Role.VILLAGE_CLERK, Role.VILLAGE_HEAD), "乡镇职责"),
    NavItem("乡镇职责规则", "township:policy_list", (Role.PROVINCE_OFFICER, Role.ADMIN), "乡镇职责"),
    NavItem("行政区划", "regions:browse", (), "系统"),
    NavItem("用户管理", "accounts:user_list", (Role.ADMIN,), "系统"),
    NavItem("审计日志", "audit:event_list", AUDIT_ROLES, "系统"),
    NavItem("后台任务", "jobs:job_list", OFFICE_ROLES, "系统"),
    NavItem("接口文档", "api:docs", (Role.ADMIN,), "系统"),
    NavItem("我的接口令牌", "accounts:token_list", (), "系统"),
)


@dataclass(frozen=True)
class RoleHome:
    title: str
    summary: str
    duties: tuple[str, ...]


ROLE_HOMES: dict[str, RoleHome] = {
    Role.VILLAGE_CLERK: RoleHome(
        "村信息员工作台",
        "登记本村农户和房屋，用手机在现场记录排查（照片、定位）。",
        ("登记农户与房屋信息", "入户排查并拍照定位", "跟进老人搬离危房"),
    ),
    Role.VILLAGE_HEAD: RoleHome(
        "村主要负责人工作台",
        "审核本村疑似危房清单并签字上报乡镇。",
        ("审核疑似 C/D 级危房清单", "电子签字后报送乡镇"),
    ),
    Role.TOWNSHIP_OFFICER: RoleHome(
        "乡镇建环办工作台",
        "审核排查结果，组织鉴定，推进改造，按月报送。",
        ("审核各村排查结果", "组织房屋安全性鉴定", "推进改造与竣工验收", "每月 5 日、20 日前报送"),
    ),
    Role.APPRAISER: RoleHome(
        "鉴定人员工作台",
        "按《农村住房安全性鉴定技术导则》评定房屋 A–D 级。",
        ("现场查勘场地与构件", "评定构件 a–d 与房屋等级", "出具鉴定表"),
    ),
    Role.COUNTY_OFFICER: RoleHome(
        "区/县住建局工作台",
        "审批改造对象与方案，下达任务，督导检查，组织验收，逐级上报。",
        ("审批建档与改造方案", "分解下达年度任务", "督导检查与整改", "组织竣工验收与销号"),
    ),
    Role.CIVIL_AFFAIRS: RoleHome(
        "民政联络员工作台",
        "提供低保、特困、低保边缘等名单，确认以房找人转介，共同审定档案。",
        ("报送低收入群体名单", "确认以房找人转介", "共同审定一户一档"),
    ),
    Role.RURAL_REVITALIZATION: RoleHome(
        "乡村振兴联络员工作台",
        "提供易返贫致贫户、脱贫户等名单，确认以房找人转介，共同审定档案。",
        ("报送监测户与脱贫户名单", "确认以房找人转介", "共同审定一户一档"),
    ),
    Role.CITY_OFFICER: RoleHome(
        "市住建局工作台",
        "查看各区县汇总，审核月度报送。",
        ("查看区县汇总与进度", "审核区县月度报送"),
    ),
    Role.PROVINCE_OFFICER: RoleHome(
        "省住建厅工作台",
        "下达年度任务和动态新增任务，查看全省汇总。",
        ("下达年度任务与动态任务", "查看全省动态清零情况"),
    ),
    Role.ADMIN: RoleHome(
        "系统管理员工作台",
        "管理本辖区的用户、角色、行政区划与配置。",
        ("新增、停用用户并分配角色", "导入行政区划", "查看审计日志"),
    ),
}
