from django.db import models


class VillageLevel(models.TextChoices):
    """The list a traditional village is on."""

    NATIONAL = "national", "中国传统村落"
    MUNICIPAL = "municipal", "市级传统村落"
    COUNTY = "county", "县级保护名录"


class ProtectionGrade(models.TextChoices):
    """How strictly a traditional house is protected; each grade's requirements for renovation
    are the versioned policy's (``township.policy``)."""

    KEY = "key", "重点保护"
    GENERAL = "general", "一般保护"
    HARMONY = "harmony", "风貌协调"


class HouseCondition(models.TextChoices):
    GOOD = "good", "完好"
    FAIR = "fair", "基本完好"
    POOR = "poor", "局部损坏"
    DANGER = "danger", "存在安全隐患"


class ProjectKind(models.TextChoices):
    DEMO_SITE = "demo_site", "人居环境示范点"
    LIVABLE_TOWN = "livable_town", "美丽宜居示范乡镇项目"
    IMPROVEMENT = "improvement", "人居环境整治项目"
    HERITAGE = "heritage", "传统村落保护发展项目"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", "未开工"
    UNDER_WAY = "under_way", "在建"
    COMPLETED = "completed", "已完工待验收"
    ACCEPTED = "accepted", "已验收"


class TrainingCategory(models.TextChoices):
    """The trainings the notice names (三、（三）)."""

    INSPECTION = "inspection", "农村住房安全排查"
    APPRAISAL = "appraisal", "农村住房安全鉴定"
    HERITAGE = "heritage", "传统村落保护发展"
    ENVIRONMENT = "environment", "农村人居环境整治"
    CRAFTSMAN = "craftsman", "建筑工匠"


class ExpertKind(models.TextChoices):
    """三师下乡: the three kinds of expert."""

    PLANNER = "planner", "规划师"
    ARCHITECT = "architect", "建筑师"
    ENGINEER = "engineer", "工程师"


class PublicityForm(models.TextChoices):
    MEETING = "meeting", "院坝会/群众会"
    BANNER = "banner", "横幅标语"
    LEAFLET = "leaflet", "发放宣传资料"
    BROADCAST = "broadcast", "广播"
    ONLINE = "online", "微信群/公众号"
    OTHER = "other", "其他"


class TeamRole(models.TextChoices):
    """Who sits on a village's 住房保障工作专班 (三、（一）)."""

    HEAD = "head", "村主要负责人"
    GRID = "grid", "网格员"
    RESIDENT_TEAM = "resident_team", "驻村工作队"
    CLERK = "clerk", "村信息员"
    GROUP_LEADER = "group_leader", "村民小组长"
    OTHER = "other", "其他成员"


class TaskKind(models.TextChoices):
    HOUSE_CHECK = "house_check", "传统民居巡查"
    INSPECTION = "inspection", "农房安全排查"
    FOLLOW_UP = "follow_up", "跟进督促"
