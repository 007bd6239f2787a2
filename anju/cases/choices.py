from django.db import models

from anju.households.choices import Grade


class Stage(models.TextChoices):
    """Where a renovation case stands (requirements §8). 建档 is reached through three reviews, each with
    its public notice; 验收 either passes or opens 整改 and a re-acceptance."""

    FOUND = "found", "发现"
    APPLIED = "applied", "已申请"
    VILLAGE_REVIEWED = "village_reviewed", "村评议公示中"
    TOWNSHIP_REVIEWED = "township_reviewed", "乡镇审核公示中"
    APPROVED = "approved", "县级审批公示中"
    FILED = "filed", "已建档"
    AGREEMENT_SIGNED = "agreement_signed", "已签协议"
    UNDER_WAY = "under_way", "改造中"
    COMPLETED = "completed", "已竣工待验收"
    RECTIFYING = "rectifying", "验收未通过整改中"
    ACCEPTED = "accepted", "验收通过"
    CLOSED = "closed", "已销号"
    ENDED = "ended", "已终止"


# The four phases the seeds name (发现一户、建档一户、改造一户、销号一户), for counts and dashboards.
PHASE_OF_STAGE: dict[str, str] = {
    Stage.FOUND: "发现",
    Stage.APPLIED: "建档",
    Stage.VILLAGE_REVIEWED: "建档",
    Stage.TOWNSHIP_REVIEWED: "建档",
    Stage.APPROVED: "建档",
    Stage.FILED: "改造",
    Stage.AGREEMENT_SIGNED: "改造",
    Stage.UNDER_WAY: "改造",
    Stage.COMPLETED: "验收",
    Stage.RECTIFYING: "验收",
    Stage.ACCEPTED: "销号",
    Stage.CLOSED: "已销号",
    Stage.ENDED: "已终止",
}

OPEN_STAGES = tuple(s for s in Stage.values if s not in (Stage.CLOSED, Stage.ENDED))
# From here on the house is being (or has been) renovated: the case can no longer simply end.
WORKS_STAGES = (Stage.UNDER_WAY, Stage.COMPLETED, Stage.RECTIFYING, Stage.ACCEPTED)


class StepKind(models.TextChoices):
    """Each recorded act on a case (one CaseStep row each)."""

    OPEN = "open", "发现建案"
    APPLY = "apply", "农户申请"
    VILLAGE_REVIEW = "village_review", "村民代表评议并公示"
    TOWNSHIP_REVIEW = "township_review", "乡镇审核并公示"
    COUNTY_APPROVE = "county_approve", "县级审批并公示"
    FILE = "file", "公示期满建档"
    SIGN_AGREEMENT = "sign_agreement", "签订改造协议"
    START = "start", "开工"
    PATROL = "patrol", "质量巡查"
    COMPLETE = "complete", "竣工"
    ACCEPT = "accept", "竣工验收通过"
    FAIL = "fail", "竣工验收未通过"
    RECTIFIED = "rectified", "整改完成申请复验"
    CLOSE = "close", "销号"
    END = "end", "终止"
    DETAILS = "details", "修改改造信息"


class GradeAtOpening(models.TextChoices):
    """The house's appraised grade when the case opened; A/B only for seismic retrofit (a safe
    house that fails the local seismic standard), N for a household with no house."""

    A = "A", "A 级"
    B = "B", "B 级"
    # The national guideline's wording, the same as every other grade on the pages.
    C = "C", Grade.C.label
    D = "D", Grade.D.label
    NO_HOUSE = "N", "无房户"


class ConstructionMode(models.TextChoices):
    SELF_BUILT = "self", "自建"
    UNIFIED = "unified", "统建"


class EnergyTag(models.TextChoices):
    WALLS = "walls", "墙体保温"
    ROOF = "roof", "屋面保温"
    DOORS_WINDOWS = "doors_windows", "节能门窗"


class EndReason(models.TextChoices):
    """How a case ended other than by 销号 (requirements §7: solved otherwise, or not eligible)."""

    RENT = "rent", "租赁安全住房"
    RELATIVES = "relatives", "投亲靠友"
    RELOCATION = "relocation", "搬迁安置"
    NOT_ELIGIBLE = "not_eligible", "经评议审核不符合条件"
    DECLINED = "declined", "农户放弃改造"
    OTHER = "other", "其他"


class TaskKind(models.TextChoices):
    """The province issues two kinds of quota per county and year (requirements §8); each case counts
    against one of them (年度任务: on the year's plan; 动态新增: found after it was set, ADR 0037)."""

    ANNUAL = "annual", "年度任务"
    DYNAMIC = "dynamic", "动态新增"


class CaseOrigin(models.TextChoices):
    """How the household came to the case (ADR 0035): the routine inspection, or one of the two
    kinds of 动态新增 the seeds name — a family in sudden severe hardship (突发严重困难户) and a
    house made dangerous by a disaster (灾后重建). Both count as 动态新增 in tasks and reports."""

    ROUTINE = "routine", "常规排查发现"
    HARDSHIP = "hardship", "突发严重困难户"
    DISASTER = "disaster", "灾害致危"


# The origins counted as 动态新增 (dynamic new) in the tasks' progress and the monthly report.
DYNAMIC_ORIGINS = (CaseOrigin.HARDSHIP, CaseOrigin.DISASTER)
