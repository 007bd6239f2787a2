"""Load the demo database for `make run`. Idempotent: a second run changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from anju.accounts.models import User
from anju.accounts.services import user_bootstrap_superuser, user_create
from anju.dashboard.receivers import refreshes_deferred
from anju.demo.data import DEMO_PASSWORD, DEMO_USERS, SUPERUSER
from anju.regions.models import Region
from anju.regions.services import region_import

REGIONS_FILE = Path(settings.BASE_DIR) / "anju" / "regions" / "data" / "demo_regions.csv"


# The parts of the demo in the order they build on each other.
STAGES = ("households", "inspections", "appraisals", "cases", "supervision", "anomalies", "reporting", "dashboard")


class Command(BaseCommand):
    help = "载入演示数据（屯留区、彭水县的行政区划与各角色演示账号）。仅用于开发演示。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-non-debug",
            action="store_true",
            help="在 DJANGO_DEBUG 关闭时也载入（会产生已知密码的账号，切勿用于生产）。",
        )
        parser.add_argument(
            "--upto",
            choices=STAGES,
            default=STAGES[-1],
            help="只载入到这一部分为止（测试用；默认全部）。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_non_debug"]:
            raise CommandError("演示数据含已知密码，只能在 DJANGO_DEBUG=1 时载入。")
        # Summaries are refreshed once at the end, not once per household the demo touches
        # (facts-changed signals arrive after the commit, one household at a time).
        with refreshes_deferred(), transaction.atomic():
            superuser = User.objects.filter(username=SUPERUSER.username).first()
            if superuser is None:
                superuser = user_bootstrap_superuser(
                    username=SUPERUSER.username, password=DEMO_PASSWORD, full_name=SUPERUSER.full_name
                )
            result = region_import(data=REGIONS_FILE.read_bytes(), filename=REGIONS_FILE.name, acting_user=superuser)
            created_users = 0
            regions = {r.code: r for r in Region.objects.filter(code__in=[u.region_code for u in DEMO_USERS])}
            for demo in DEMO_USERS:
                if User.objects.filter(username=demo.username).exists():
                    continue
                user_create(
                    acting_user=superuser,
                    username=demo.username,
                    password=DEMO_PASSWORD,
                    region=regions[demo.region_code],
                    roles=demo.roles,
                    full_name=demo.full_name,
                    organization=demo.organization,
                )
                created_users += 1
            self._demo_tokens()
            self._load_extensions(superuser, options["upto"])
        self.stdout.write(f"演示数据：区划新增 {result.created}、未变 {result.unchanged}；账号新增 {created_users}。")

    def _demo_tokens(self) -> None:
        """The village clerk's phone and a county data link hold API tokens (ADR 0023), so 我的接口令牌
        and the administrator's user page show what a token looks like once issued."""
        from anju.accounts.models import ApiToken
        from anju.accounts.services import api_token_issue

        if ApiToken.objects.exists():
            return
        for username, device in (("tl_clerk", "任小军的手机"), ("tl_county", "屯留区数据对接")):
            user = User.objects.filter(username=username).first()
            if user is not None:
                api_token_issue(user=user, name=device)  # the plain token is shown to nobody here

    def _load_extensions(self, superuser: User, upto: str) -> None:
        """Each feature adds its demo data here (households, inspections, cases…), up to ``upto``."""
        wanted = STAGES[: STAGES.index(upto) + 1]
        from anju.demo.households import load_demo_households

        made = load_demo_households(superuser)
        if made:
            self.stdout.write(f"演示农户：新增 {made} 户（渔泽镇、鹿鸣乡各村）。")
        from anju.demo.boundaries import load_demo_boundaries

        outlines = load_demo_boundaries()
        if outlines:
            self.stdout.write(
                f"演示边界：屯留区、彭水县的区/县、乡镇、村边界 {outlines} 个（虚构，仅供演示；见「房屋分布图」，"
                "以 tl_county 登录可在区划页面重新导入）。"
            )
        from anju.demo.households import load_demo_exports, load_demo_list_import

        if load_demo_exports():
            self.stdout.write(
                "演示导出：区县住建局的农户名单已在后台导出（以 tl_county 或 ps_county 登录，在「后台任务」中下载）。"
            )

        if load_demo_list_import():
            self.stdout.write("演示名单：渔泽镇低保花名册待确认（以 tl_civil 登录，在「名单导入」中查看预览并确认）。")
        if "inspections" not in wanted:
            return
        from anju.demo.inspections import load_demo_inspections

        inspections = load_demo_inspections(superuser)
        if inspections:
            self.stdout.write(
                f"演示排查：{inspections} 条排查记录，含应急排查、以房找人、管控措施、村级清单签字和跟进任务（见「排查」）。"
            )
        if "appraisals" not in wanted:
            return
        from anju.demo.appraisals import load_demo_appraisals

        appraisals, decisions = load_demo_appraisals(superuser)
        if appraisals:
            self.stdout.write(
                f"演示鉴定：{appraisals} 份鉴定表（含山西省细化模板、调整等级、危险场地、三层房屋）；"
                f"资格认定 {decisions} 户（见「鉴定」「资格认定」）。"
            )
        if "cases" not in wanted:
            return
        from anju.demo.cases import load_demo_cases

        cases = load_demo_cases(superuser)
        if cases:
            self.stdout.write(
                f"演示改造案件：{cases} 个，覆盖发现、公示、建档、施工巡查、竣工、验收未通过整改、验收通过、销号和终止"
                "（见「改造案件」；销号前缺项、尾款逾期各有示例）。"
            )
            self.stdout.write(
                "演示安全闭环：销号房屋显示验收后的 A/B 级和改造年份；鹿鸣乡一户 2025 年改造的房屋暴雨后再次鉴定为 D 级，"
                "按再次纳入规则重新建案（见「改造」→「跟踪监测」）；北渔泽村一户特困老人与子女同住，以人找房已覆盖。"
            )
        from anju.demo.township import load_demo_township

        duties = load_demo_township(superuser)
        if duties:
            self.stdout.write(
                f"演示乡镇职责：{duties} 条记录——阿依河胡家湾苗寨及传统民居、13 个人居环境示范点和善感乡美丽宜居项目"
                "（有滞后）、培训与三师下乡、工匠、宣传台账、鹿鸣乡各村住房保障工作专班（见「乡镇职责」）。"
            )
        from anju.demo.field import load_demo_field

        if field_note := load_demo_field(superuser):
            self.stdout.write(field_note)
        if "supervision" not in wanted:
            return
        from anju.demo.supervision import load_demo_supervision

        orders = load_demo_supervision(superuser)
        if orders:
            self.stdout.write(
                f"演示督导检查：屯留区督导渔泽镇 2 次、彭水县督导鹿鸣乡 1 次，整改通知 {orders} 份"
                "（待整改、已反馈、退回、销号、逾期各有示例；见「统计督导」）。"
            )
        from anju.demo.duties import load_demo_duties

        if load_demo_duties(superuser):
            self.stdout.write(
                "演示动态保障：北渔泽村一般户自行整改各阶段（含逾期）、兜底周转房和租赁解决，突发严重困难户（火灾，已救助、"
                "已建案；另一户鉴定逾期），9·3 山体滑坡致危房屋和灾后重建案件，抗震改造案件（见「自行整改」「突发严重困难户」）。"
            )
        if "anomalies" not in wanted:
            return
        from anju.demo.anomalies import load_demo_anomalies

        findings = load_demo_anomalies(superuser)
        if findings:
            self.stdout.write(
                f"演示异常核查：屯留区、彭水县各运行一次，待处理发现 {findings} 项，十二项核查各有示例"
                "（以 tl_county 登录，见「统计督导」→「异常核查」）。"
            )
        from anju.demo.auditor import load_demo_auditor

        returns, history = load_demo_auditor(superuser)
        if returns or history:
            self.stdout.write(
                f"演示回传台账与历史数据：渔泽镇回传疑似危房台账 {returns} 份（一份已写入，一份待确认、含被拒绝的只读列修改；"
                f"见「台账」→「回传台账」）；屯留区从国家农村危房改造信息系统导入历史改造记录 {history} 条"
                "（两行无效，见「农户房屋」→「历史改造记录」）。"
            )
        if "reporting" not in wanted:
            return
        from anju.demo.reporting import load_demo_reporting

        submissions = load_demo_reporting(superuser)
        if submissions:
            self.stdout.write(
                f"演示逐级报送：{submissions} 份月报（渔泽镇各村近三个月，有迟报和未报；渔泽镇本月被退回后重报，"
                "待屯留区审核；鹿鸣乡待彭水县审核；见「统计督导」）。"
            )
        from anju.demo.plan import load_demo_plan

        planned = load_demo_plan(superuser)
        if planned:
            self.stdout.write(
                f"演示年度工作方案：报送日历 {planned['calendars']} 个省级版本（山西：进度月报乡镇 20 日；重庆：村级清单 03-30），"
                f"屯留区、彭水县年度工作方案 {planned['plans']} 份（一个阶段已逾期；见「统计督导」→「年度工作方案」）；"
                "北渔泽村清单补报后被渔泽镇退回（见「排查」）。"
            )
        if "dashboard" not in wanted:
            return
        from anju.demo.dashboard import load_demo_dashboard

        if load_demo_dashboard(superuser):
            self.stdout.write("演示看板：各级区划统计已生成（见「统计督导」中的动态清零看板和房屋分布图）。")
