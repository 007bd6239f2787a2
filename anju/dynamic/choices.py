from django.db import models


class RouteKind(models.TextChoices):
    """How a household without a renovation case gets a safe house (issue 18 item 1, ADR 0034)."""

    SELF_REPAIR = "self_repair", "自行整改"
    FALLBACK = "fallback", "兜底保障"
    OTHERWISE = "otherwise", "其他方式解决"


class RouteOption(models.TextChoices):
    """The way within a route: how the family repairs, which 兜底 housing, which other way."""

    REPAIR = "repair", "自行维修加固"
    REBUILD = "rebuild", "自行拆除重建"
    GOV_BUILT = "gov_built", "政府统建住房"
    GOV_RENTED = "gov_rented", "政府租赁住房"
    TURNOVER = "turnover", "周转房"
    COLLECTIVE = "collective", "幸福大院等集中安置"
    RENT = "rent", "租赁安全住房"
    RELATIVES = "relatives", "投亲靠友"
    RELOCATION = "relocation", "搬迁安置"


ROUTE_OPTIONS: dict[str, tuple[str, ...]] = {
    RouteKind.SELF_REPAIR: (RouteOption.REPAIR, RouteOption.REBUILD),
    RouteKind.FALLBACK: (RouteOption.GOV_BUILT, RouteOption.GOV_RENTED, RouteOption.TURNOVER, RouteOption.COLLECTIVE),
    RouteKind.OTHERWISE: (RouteOption.RENT, RouteOption.RELATIVES, RouteOption.RELOCATION),
}


class RouteStage(models.TextChoices):
    OPEN = "open", "办理中"
    DONE = "done", "已完成待核验"
    CLOSED = "closed", "已核验销号"


class RouteStepKind(models.TextChoices):
    OPEN = "open", "确定去向"
    REMIND = "remind", "督促提醒"
    COMPLETE = "complete", "登记完成"
    CLOSE = "close", "乡镇核验销号"


class RoutePhotoStage(models.TextChoices):
    COMPLETION = "completion", "完成照片"
    VERIFICATION = "verification", "核验照片"


class HardshipCause(models.TextChoices):
    """What struck the family (因病因灾因意外事故等)."""

    ILLNESS = "illness", "重大疾病"
    ACCIDENT = "accident", "意外事故"
    FIRE = "fire", "火灾"
    DISASTER = "disaster", "自然灾害"
    INCOME_LOSS = "income_loss", "收入大幅缩减"
    OTHER = "other", "其他"


class ReliefKind(models.TextChoices):
    """应急救助措施."""

    TEMP_HOUSING = "temp_housing", "临时安置住房"
    MONEY = "money", "临时救助资金"
    GOODS = "goods", "救助物资"
    OTHER = "other", "其他救助"


class DutyAct(models.TextChoices):
    """What a user may do in this app; who may, and when, is ``dynamic.acts``."""

    ROUTE_OPEN = "route_open", "确定一般户去向"
    REMIND = "remind", "督促提醒"
    COMPLETE = "complete", "登记完成"
    CLOSE = "close", "核验销号"
    REGISTER = "register", "登记突发严重困难户"
    RELIEF = "relief", "登记应急救助措施"
