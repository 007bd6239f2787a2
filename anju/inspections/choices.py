from django.db import models

# The grade vocabulary is the house's (households.choices), below every app that grades a house.
from anju.households.choices import DANGEROUS_GRADES as DANGEROUS_GRADES
from anju.households.choices import Grade as Grade


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", "常规排查"
    EMERGENCY = "emergency", "应急排查"


class HazardPart(models.TextChoices):
    FOUNDATION = "foundation", "地基基础"
    WALL = "wall", "墙体"
    FRAME = "frame", "梁柱与木构件"
    ROOF = "roof", "屋盖"
    SITE = "site", "场地与周边"
    OTHER = "other", "其他"


class EventKind(models.TextChoices):
    """The disaster or event behind an emergency inspection: the seeds' kinds (暴雨, 冰雪, 泥石流,
    山体滑坡) and the national disaster types (地震, 洪涝, 地质灾害, 风雹, 雪灾, 火灾)."""

    EARTHQUAKE = "earthquake", "地震"
    FLOOD = "flood", "洪涝"
    RAINSTORM = "rainstorm", "暴雨"
    GEOLOGICAL = "geological", "地质灾害"
    DEBRIS_FLOW = "debris_flow", "泥石流"
    LANDSLIDE = "landslide", "山体滑坡"
    HAIL = "hail", "风雹"
    ICE_SNOW = "ice_snow", "雪灾（冰雪）"
    FIRE = "fire", "火灾"
    EPIDEMIC = "epidemic", "疫情"
    OTHER = "other", "其他"


# Events that damage no house by themselves: a case after them is no 灾后重建 (ADR 0035).
NOT_DISASTERS = (EventKind.EPIDEMIC,)


class TaskPriority(models.IntegerChoices):
    """Emergency tasks, worst first (requirements §5; issue 18): the low-income key households
    first, then houses known or suspected C/D, then elderly occupants, renovated houses, the rest."""

    KEY_GROUP = 0, "低收入重点对象"
    KNOWN_DANGEROUS = 1, "已知 C/D 级"
    ELDERLY = 2, "有老人居住"
    RENOVATED = 3, "曾改造"
    OTHER = 4, "其他"


class MeasureKind(models.TextChoices):
    EVACUATE = "evacuate", "撤离并妥善安置"
    WARNING = "warning", "设置警示标志"
    STOP_USE = "stop_use", "停止使用"
    PROPS = "props", "临时支护"


class ReferralStatus(models.TextChoices):
    PENDING = "pending", "待核实"
    CONFIRMED = "confirmed", "已认定"
    DECLINED = "declined", "不予认定"


class VillageListStatus(models.TextChoices):
    SIGNED = "signed", "已签字"
    RECEIVED = "received", "乡镇已接收"
    RETURNED = "returned", "乡镇已退回"
    SUPERSEDED = "superseded", "已由补报替代"


class VillageListKind(models.TextChoices):
    """Which signing a version of a village's list is (issue 18 item 7): the first, a 补报 that
    adds to a signed list, or the signing again after the township returned it."""

    FIRST = "first", "首次报送"
    SUPPLEMENT = "supplement", "补报"
    RESIGN = "resign", "退回后重报"


class FollowUpReason(models.TextChoices):
    ELDERLY = "elderly", "老人住危房"
    TWO_HOUSES = "two_houses", "新旧房屋两头住"


class HousingKind(models.TextChoices):
    """Where a household lives when 以人找房 finds no house of its own to inspect (ADR 0021)."""

    NO_HOUSE = "no_house", "无房"
    BORROWED = "borrowed", "借住"
    RENTING = "renting", "租住"
    WITH_CHILDREN = "with_children", "与子女同住"


class ActKind(models.TextChoices):
    """What a user may do in the inspection work; who may, and when, is ``inspections.acts``."""

    CAMPAIGN = "campaign", "部署常规排查"
    EMERGENCY = "emergency", "启动应急排查"
    INSPECT = "inspect", "录入排查记录"
    HOUSING_CHECK = "housing_check", "核实住房情况"
    DECIDE = "decide", "核实转交"
    MEASURE = "measure", "登记管控措施"
    VERIFY = "verify", "核查管控措施"
    SIGN = "sign", "签字报送村级清单"
    RECEIVE = "receive", "接收村级清单"
    SUPPLEMENT = "supplement", "补报村级清单"
    RETURN = "return", "退回村级清单"
    MOVED = "moved", "登记搬入安全住房"
    DEMOLISHED = "demolished", "登记旧房拆除"
    CHECKLIST = "checklist", "维护隐患检查项"
