from django.db import models


class Outcome(models.TextChoices):
    """What an eligibility decision says (requirements §7). Rule sets may only use these."""

    RENOVATION = "renovation", "纳入农村危房改造"
    REENTRY = "reentry", "再次纳入农村危房改造"
    SEISMIC = "seismic", "纳入农房抗震改造"
    FALLBACK = "fallback", "纳入年度计划（两不愁三保障兜底）"
    SELF_REPAIR = "self_repair", "督促农户自行整改"
    RENOVATED = "renovated", "已改造（住房安全）"
    SOLVED_OTHERWISE = "solved_otherwise", "已通过其他方式解决"
    NOT_COVERED = "not_covered", "不纳入保障"
    REVIEW = "review", "需人工核定"
    PENDING = "pending", "待鉴定或待补充信息"


class Programme(models.TextChoices):
    RENOVATION = "renovation", "农村危房改造"
    SEISMIC = "seismic", "农房抗震改造"
    # A house made dangerous by a natural disaster (an emergency event's inspection found it C/D):
    # 灾后重建, with its own subsidy standard where the policy has one (ADR 0035).
    DISASTER_REBUILD = "disaster_rebuild", "灾后重建"


# The programme (annual task) an outcome puts a household into; "never both in one year".
OUTCOME_PROGRAMME: dict[str, str] = {
    Outcome.RENOVATION: Programme.RENOVATION,
    Outcome.REENTRY: Programme.RENOVATION,
    Outcome.FALLBACK: Programme.RENOVATION,
    Outcome.SEISMIC: Programme.SEISMIC,
}


class CircumstanceKind(models.TextChoices):
    """Facts about a household that only a visit establishes (recorded, dated, withdrawable)."""

    NO_HOUSE = "no_house", "经核实无房"
    SELF_REPAIR_ABLE = "self_repair_able", "有能力自行解决住房安全问题"
    SELF_REPAIR_UNABLE = "self_repair_unable", "无能力自行解决住房安全问题"
    SOLVED_RENT = "solved_rent", "已租赁安全住房"
    SOLVED_RELATIVES = "solved_relatives", "已投亲靠友"
    SOLVED_RELOCATION = "solved_relocation", "已搬迁安置"
    SOLVED_OTHER = "solved_other", "已通过其他方式解决"


SELF_REPAIR_KINDS = (CircumstanceKind.SELF_REPAIR_ABLE, CircumstanceKind.SELF_REPAIR_UNABLE)
SOLVED_KINDS = (
    CircumstanceKind.SOLVED_RENT,
    CircumstanceKind.SOLVED_RELATIVES,
    CircumstanceKind.SOLVED_RELOCATION,
    CircumstanceKind.SOLVED_OTHER,
)
